/// Left-aligned columns for terminal output, two spaces apart.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(_ header: [String]) { self.header = header }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// `underline` puts a row of dashes under the header, for tables in reports.
    public func render(indent: String = "  ", underline: Bool = false) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        let all = [header] + (underline ? [widths.map { String(repeating: "-", count: $0) }] : []) + rows
        return all.map { row in
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            return indent + cells.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// "45s", "12m", "3h 05m", "2d 04h": durations for people.
public func humanDuration(seconds: Int64) -> String {
    let sign = seconds < 0 ? "-" : ""
    let s = abs(seconds)
    if s < 60 { return "\(sign)\(s)s" }
    if s < 3600 { return "\(sign)\(s / 60)m" }
    let twoDigits = { (value: Int64) in value < 10 ? "0\(value)" : "\(value)" }
    if s < 86_400 { return "\(sign)\(s / 3600)h \(twoDigits(s % 3600 / 60))m" }
    return "\(sign)\(s / 86_400)d \(twoDigits(s % 86_400 / 3600))h"
}
