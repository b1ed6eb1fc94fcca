/// The rows of a finished statement, copied out of libpq (so it outlives the connection
/// and may cross threads). Values are PostgreSQL's text format; NULL is `nil`.
///
/// Column-name helpers trap on a name the result does not have: that is a typo in our
/// own SQL, found the first time the code runs, not a runtime condition to handle.
public struct PGResult: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    /// Rows inserted, updated, deleted, copied or selected, from the command tag; 0 when
    /// the command reports none.
    public let affectedRows: Int
    /// The command tag, e.g. "INSERT 0 3", "COPY 100", "SELECT 2".
    public let commandStatus: String
    private let columnIndex: [String: Int]

    public init(columns: [String], rows: [[String?]], affectedRows: Int, commandStatus: String = "") {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
        self.commandStatus = commandStatus
        var index: [String: Int] = [:]
        // First occurrence wins for duplicate names, as in `SELECT a.id, b.id`.
        for (position, name) in columns.enumerated() where index[name] == nil {
            index[name] = position
        }
        self.columnIndex = index
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The position of a column, or nil when the result has no such column.
    public func columnPosition(_ name: String) -> Int? { columnIndex[name] }

    public func value(_ row: Int, _ column: Int) -> String? { rows[row][column] }

    public func value(_ row: Int, _ column: String) -> String? {
        rows[row][position(of: column)]
    }

    public subscript(row: Int, column: String) -> String? { value(row, column) }

    public func string(_ row: Int, _ column: String) -> String? { value(row, column) }

    /// nil for NULL or for text that is not an integer.
    public func int(_ row: Int, _ column: String) -> Int? { value(row, column).flatMap { Int($0) } }

    public func int64(_ row: Int, _ column: String) -> Int64? { value(row, column).flatMap { Int64($0) } }

    /// nil for NULL. Accepts PostgreSQL's "NaN", "Infinity", "-Infinity".
    public func double(_ row: Int, _ column: String) -> Double? {
        value(row, column).flatMap(PGResult.parseDouble)
    }

    /// PostgreSQL prints booleans as "t" / "f".
    public func bool(_ row: Int, _ column: String) -> Bool? {
        switch value(row, column) {
        case "t": return true
        case "f": return false
        default: return nil
        }
    }

    /// A timestamptz (or timestamp, read as UTC) as epoch microseconds; nil for NULL,
    /// ±infinity or unparseable text.
    public func timestampMicros(_ row: Int, _ column: String) -> Int64? {
        value(row, column).flatMap(PGTimestamp.micros(from:))
    }

    private func position(of column: String) -> Int {
        guard let position = columnIndex[column] else {
            preconditionFailure(
                "PGResult has no column named \"\(column)\" (columns: \(columns.joined(separator: ", ")))")
        }
        return position
    }

    static func parseDouble(_ text: String) -> Double? {
        switch text {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text)  // Double("NaN") is nan
        }
    }
}
