/// An error from PostgreSQL or from talking to it.
///
/// `message` is the server's (or libpq's) primary message. Messages never contain the
/// connection password: it is only ever handed to libpq as a separate parameter, and
/// connection strings that libpq cannot parse are reported without echoing them.
public struct PGError: Error, CustomStringConvertible, Sendable {
    /// What the caller can do about an error; derived from the SQLSTATE where there is one.
    public enum Kind: Sendable, Equatable {
        /// Could not connect, or the connection was lost (SQLSTATE class 08, server shutdown).
        case connection
        /// 40P01: this transaction was chosen as the deadlock victim.
        case deadlock
        /// 40001: a serializable transaction could not be serialized.
        case serializationFailure
        /// 23505
        case uniqueViolation
        /// 42P01
        case undefinedTable
        /// 42501
        case insufficientPrivilege
        /// Bad local configuration (unreadable password file, unparseable connection
        /// string). Retrying does not help; the CLI maps this to exit status 2.
        case configuration
        case other
    }

    /// Five-character SQLSTATE from the server, nil for errors raised by the client.
    public let sqlState: String?
    public let message: String
    public let detail: String?
    public let hint: String?
    /// The statement that failed, for the error description. Statements never contain
    /// values (those are bound parameters), so this is safe to log.
    public let statement: String?
    private let isClientConnectionFailure: Bool
    private let isConfigurationProblem: Bool

    public init(
        sqlState: String?, message: String, detail: String? = nil, hint: String? = nil,
        statement: String? = nil
    ) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.statement = statement
        self.isClientConnectionFailure = false
        self.isConfigurationProblem = false
    }

    /// A failure to connect, or a connection found broken, detected by the client.
    static func connection(_ message: String, statement: String? = nil) -> PGError {
        PGError(message: message, statement: statement, connectionFailure: true, configuration: false)
    }

    static func configuration(_ message: String) -> PGError {
        PGError(message: message, statement: nil, connectionFailure: false, configuration: true)
    }

    private init(message: String, statement: String?, connectionFailure: Bool, configuration: Bool) {
        self.sqlState = nil
        self.message = message
        self.detail = nil
        self.hint = nil
        self.statement = statement
        self.isClientConnectionFailure = connectionFailure
        self.isConfigurationProblem = configuration
    }

    public var kind: Kind {
        if isClientConnectionFailure { return .connection }
        if isConfigurationProblem { return .configuration }
        guard let sqlState else { return .other }
        switch sqlState {
        case "40P01": return .deadlock
        case "40001": return .serializationFailure
        case "23505": return .uniqueViolation
        case "42P01": return .undefinedTable
        case "42501": return .insufficientPrivilege
        // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now:
        // the session is gone or not yet possible, exactly like a lost connection.
        case "57P01", "57P02", "57P03": return .connection
        default: return sqlState.hasPrefix("08") ? .connection : .other
        }
    }

    /// True when running the same work again (after `reset()` for connection errors)
    /// may succeed: deadlock victims, serialization failures, lost connections.
    public var isRetryable: Bool {
        switch kind {
        case .deadlock, .serializationFailure, .connection: return true
        default: return false
        }
    }

    public var description: String {
        var text = sqlState.map { "PostgreSQL error \($0): " } ?? "PostgreSQL: "
        text += message
        if let detail { text += " (detail: \(detail))" }
        if let hint { text += " (hint: \(hint))" }
        if let statement {
            text += " [statement: \(PGError.abbreviated(statement))]"
        }
        return text
    }

    /// Migrations are long; the first line or so is enough to find the failing statement.
    private static func abbreviated(_ statement: String) -> String {
        let oneLine = statement.split(whereSeparator: \.isNewline).joined(separator: " ")
        let limit = 160
        return oneLine.count <= limit ? oneLine : String(oneLine.prefix(limit)) + "…"
    }
}
