/// Why an EPANET input file could not be read, naming the file and, where there is
/// one, the line: `network.inp line 57: pipe "P-12" refers to unknown node "J-99"`.
public struct NetworkParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var fileName: String
    /// 1-based line number; nil for problems of the whole file (e.g. no nodes at all).
    public var line: Int?
    public var reason: String

    public init(fileName: String, line: Int?, reason: String) {
        self.fileName = fileName
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(fileName) line \(line): \(reason)" }
        return "\(fileName): \(reason)"
    }
}
