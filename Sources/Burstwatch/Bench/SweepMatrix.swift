import Foundation

/// The sweep's result as the original study drew it: run time for every (processes,
/// chunk size) pair, one coloured cell each, shortest green, longest red, the minimum
/// marked. Pure: data in, SVG text out.
public struct SweepMatrix: Sendable {
    /// Row labels: ingest processes.
    public var processes: [Int]
    /// Column labels: prefetch (the chunk size).
    public var prefetch: [Int]
    /// Median seconds per cell, `[row][column]`; nil where nothing was measured.
    public var seconds: [[Double?]]
    public var title: String
    public var subtitle: String

    public init(processes: [Int], prefetch: [Int], seconds: [[Double?]], title: String, subtitle: String = "") {
        precondition(seconds.count == processes.count && seconds.allSatisfy { $0.count == prefetch.count },
                     "one row per process count and one column per prefetch")
        self.processes = processes
        self.prefetch = prefetch
        self.seconds = seconds
        self.title = title
        self.subtitle = subtitle
    }

    /// The cell with the shortest time (the first one on a tie).
    public var minimum: (row: Int, column: Int)? {
        var best: (row: Int, column: Int, value: Double)?
        for (row, values) in seconds.enumerated() {
            for (column, value) in values.enumerated() {
                guard let value else { continue }
                if best == nil || value < best!.value { best = (row, column, value) }
            }
        }
        return best.map { ($0.row, $0.column) }
    }

    var range: (low: Double, high: Double)? {
        let values = seconds.flatMap { $0 }.compactMap { $0 }.filter { $0 > 0 }
        guard let low = values.min(), let high = values.max() else { return nil }
        return (low, high)
    }

    /// Where a time sits between the shortest (0) and the longest (1). Times span orders of
    /// magnitude (prefetch 1 is many times slower), so the scale is logarithmic: on a linear
    /// one every cell but the slowest would look equally green.
    public func position(of value: Double) -> Double {
        guard let (low, high) = range, high > low, value > 0 else { return 0 }
        return min(max(log(value / low) / log(high / low), 0), 1)
    }

    /// Green through yellow to red (ColorBrewer's RdYlGn, reversed).
    static let stops: [(r: Double, g: Double, b: Double)] = [
        (26, 152, 80), (145, 207, 96), (217, 239, 139), (254, 224, 139), (252, 141, 89), (215, 48, 39),
    ]

    public static func color(at position: Double) -> (r: Int, g: Int, b: Int) {
        let t = min(max(position, 0), 1) * Double(stops.count - 1)
        let index = min(Int(t), stops.count - 2)
        let f = t - Double(index)
        let a = stops[index], b = stops[index + 1]
        return (Int((a.r + (b.r - a.r) * f).rounded()), Int((a.g + (b.g - a.g) * f).rounded()),
                Int((a.b + (b.b - a.b) * f).rounded()))
    }

    static func hex(_ c: (r: Int, g: Int, b: Int)) -> String { String(format: "#%02x%02x%02x", c.r, c.g, c.b) }

    public func svg() -> String {
        let cellWidth = 92, cellHeight = 50
        let left = 120, top = 96
        let width = left + cellWidth * prefetch.count + 30
        let legendTop = top + cellHeight * processes.count + 56
        let height = legendTop + 64
        let best = minimum
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
            font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="26" font-size="17" font-weight="bold" text-anchor="middle">\(Self.escape(title))</text>
            <text x="\(width / 2)" y="46" font-size="12" text-anchor="middle" fill="#444">\(Self.escape(subtitle))</text>
            <text x="\(left + cellWidth * prefetch.count / 2)" y="\(top - 30)" font-size="13" text-anchor="middle">prefetch (chunk size: files per transaction)</text>
            <text x="24" y="\(top + cellHeight * processes.count / 2)" font-size="13" text-anchor="middle" \
            transform="rotate(-90 24 \(top + cellHeight * processes.count / 2))">ingest processes</text>

            """
        for (column, value) in prefetch.enumerated() {
            out += "<text x=\"\(left + column * cellWidth + cellWidth / 2)\" y=\"\(top - 8)\" font-size=\"13\" text-anchor=\"middle\">\(value)</text>\n"
        }
        let bestValue = best.flatMap { seconds[$0.row][$0.column] }
        for (row, count) in processes.enumerated() {
            let y = top + row * cellHeight
            out += "<text x=\"\(left - 12)\" y=\"\(y + cellHeight / 2 + 5)\" font-size=\"13\" text-anchor=\"end\">\(count)</text>\n"
            for (column, value) in seconds[row].enumerated() {
                let x = left + column * cellWidth
                guard let value else {
                    out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"#eeeeee\" stroke=\"white\"/>\n"
                    out += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + cellHeight / 2 + 4)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#888\">–</text>\n"
                    continue
                }
                let color = Self.color(at: position(of: value))
                let luminance = (0.299 * Double(color.r) + 0.587 * Double(color.g) + 0.114 * Double(color.b)) / 255
                let ink = luminance < 0.5 ? "white" : "black"
                out += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cellWidth)\" height=\"\(cellHeight)\" fill=\"\(Self.hex(color))\" stroke=\"white\"/>\n"
                let isBest = best.map { $0.row == row && $0.column == column } ?? false
                out += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + 22)\" font-size=\"14\" text-anchor=\"middle\" fill=\"\(ink)\"\(isBest ? " font-weight=\"bold\"" : "")>\(Self.seconds(value))</text>\n"
                if let bestValue, bestValue > 0 {
                    let note = isBest ? "minimum" : "+" + formatDecimal((value / bestValue - 1) * 100, 0) + " %"
                    out += "<text x=\"\(x + cellWidth / 2)\" y=\"\(y + 39)\" font-size=\"10\" text-anchor=\"middle\" fill=\"\(ink)\">\(note)</text>\n"
                }
            }
        }
        if let best {
            let x = left + best.column * cellWidth, y = top + best.row * cellHeight
            out += "<rect x=\"\(x + 2)\" y=\"\(y + 2)\" width=\"\(cellWidth - 4)\" height=\"\(cellHeight - 4)\" fill=\"none\" stroke=\"black\" stroke-width=\"3\"/>\n"
        }
        out += legend(left: left, top: legendTop, width: cellWidth * prefetch.count)
        out += "</svg>\n"
        return out
    }

    private func legend(left: Int, top: Int, width: Int) -> String {
        guard let (low, high) = range else { return "" }
        var out = "<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">\n"
        for (index, _) in Self.stops.enumerated() {
            let position = Double(index) / Double(Self.stops.count - 1)
            out += "<stop offset=\"\(formatDecimal(position, 3))\" stop-color=\"\(Self.hex(Self.color(at: position)))\"/>\n"
        }
        out += "</linearGradient></defs>\n"
        out += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(width)\" height=\"14\" fill=\"url(#scale)\"/>\n"
        out += "<text x=\"\(left)\" y=\"\(top + 30)\" font-size=\"11\">\(Self.seconds(low)) (shortest)</text>\n"
        out += "<text x=\"\(left + width)\" y=\"\(top + 30)\" font-size=\"11\" text-anchor=\"end\">\(Self.seconds(high)) (longest)</text>\n"
        out += "<text x=\"\(left + width / 2)\" y=\"\(top + 30)\" font-size=\"11\" text-anchor=\"middle\" fill=\"#444\">end-to-end time, median of repetitions; colour on a log scale</text>\n"
        return out
    }

    static func seconds(_ value: Double) -> String {
        value >= 100 ? formatDecimal(value, 0) + " s" : value >= 10 ? formatDecimal(value, 1) + " s" : formatDecimal(value, 2) + " s"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
