/// One row of a logger data file, as written (the value is still in the channel's own unit).
public struct Reading: Sendable, Hashable {
    public var loggerID: String
    public var channel: String
    /// Epoch microseconds, UTC.
    public var timestamp: Int64
    public var value: Double
    /// The 1-based line of the file it came from, so later checks can name it.
    public var line: Int

    public init(loggerID: String, channel: String, timestamp: Int64, value: Double, line: Int = 0) {
        self.loggerID = loggerID
        self.channel = channel
        self.timestamp = timestamp
        self.value = value
        self.line = line
    }
}

/// A row that was refused; the rest of its file is kept.
public struct RowError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based, counting the header and blank lines.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `line 3: bad timestamp "2026-13-01T00:00:00Z": month 13 out of range`
    public var description: String { "line \(line): \(reason)" }
}

/// A file that parsed: its good rows and the reasons for its bad ones.
public struct ParsedFile: Sendable, Hashable {
    public var readings: [Reading]
    public var rowErrors: [RowError]

    public init(readings: [Reading], rowErrors: [RowError]) {
        self.readings = readings
        self.rowErrors = rowErrors
    }
}

/// Why a whole file was refused (it goes to the dead-letter queue with this reason).
public struct FileRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case tooLarge = "too-large"
        case empty
        case invalidUTF8 = "invalid-utf8"
        case binary
        case badHeader = "bad-header"
        case noValidRows = "no-valid-rows"
    }

    /// For metrics and tests; `reason` is for people.
    public var kind: Kind
    public var reason: String

    public init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }

    /// "no valid rows: all 3 rows rejected; first: line 2: expected 4 columns, found 3"
    static func noValidRows(_ errors: [RowError]) -> FileRejection {
        let rows = errors.count == 1 ? "the only row was" : "all \(errors.count) rows were"
        let first = errors.min { $0.line < $1.line }.map { "; first: \($0)" } ?? ""
        return FileRejection(kind: .noValidRows, reason: "no valid rows: \(rows) rejected\(first)")
    }
}
