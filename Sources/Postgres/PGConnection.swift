import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One PostgreSQL session over libpq, used synchronously (every call blocks until the
/// server answered).
///
/// Not thread-safe, and deliberately not `Sendable`: libpq allows one thread at a time per
/// connection, so create one connection per thread (or per task that owns it) and keep
/// it there. Different connections may be used on different threads at once.
///
/// Every session runs with `TimeZone='UTC'` and `DateStyle='ISO, YMD'` (set again after
/// `reset()`), so timestamptz text is what `PGTimestamp` reads and writes.
public final class PGConnection {
    var handle: OpaquePointer?
    /// Channels to LISTEN on again after `reset()`: a new session starts with none.
    var listenedChannels: [String] = []
    /// Depth of `transaction` calls, to name savepoints for nested ones.
    var transactionDepth = 0
    /// Called while statements run on the server (see `PGWaitHook`); nil: plain blocking calls.
    public var waitHook: PGWaitHook?

    /// Connects, or throws `PGError` of kind `.connection` (server unreachable, wrong
    /// password, unknown database, ...) or `.configuration` (unparseable `conninfo`).
    ///
    /// - Parameters:
    ///   - conninfo: a libpq key=value string or a postgresql:// URL. Its own settings
    ///     override our defaults (`connect_timeout=10`, `application_name`).
    ///   - password: handed to libpq as a separate parameter (never spliced into a string),
    ///     and overrides a password inside `conninfo`.
    ///   - overrides: libpq keywords that take precedence over `conninfo`, e.g. `["user": "x"]`.
    public init(
        conninfo: String, password: String? = nil, applicationName: String? = nil,
        overrides: [String: String] = [:]
    ) throws {
        guard PGConnectionSettings.parse(conninfo) != nil else {
            throw PGError.configuration(
                "the database connection string is neither valid libpq key=value text nor a "
                    + "postgresql:// URL (not shown, as it may contain a password)")
        }
        if let problem = PGConnectionSecrets.urlProblem(conninfo) { throw PGError.configuration(problem) }
        let secrets = [password, PGConnectionSecrets.embeddedPassword(conninfo)]
        // libpq reads these arrays in order and the last non-empty value wins; entries
        // before "dbname" (expanded from conninfo) are defaults, entries after it override.
        var parameters: [(String, String)] = [("connect_timeout", "10")]
        if let applicationName { parameters.append(("application_name", applicationName)) }
        parameters.append(("dbname", conninfo))
        if let password { parameters.append(("password", password)) }
        for key in overrides.keys.sorted() { parameters.append((key, overrides[key]!)) }
        // Results are decoded as UTF-8, so this one is not negotiable.
        parameters.append(("client_encoding", "UTF8"))

        let connection = withCStrings(parameters.map { $0.0 } + [nil]) { keywords in
            withCStrings(parameters.map { $0.1 } + [nil]) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let connection else {
            throw PGError.connection("could not connect: libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = PGConnectionSecrets.scrub(PGConnection.errorMessage(of: connection), passwords: secrets)
            PQfinish(connection)
            throw PGError.connection("could not connect: \(reason)")
        }
        clibpq_silence_notices(connection)
        handle = connection
        try configureSession()
    }

    /// Connects with `PGConnectionSettings.fromEnvironment()`.
    public convenience init(settings: PGConnectionSettings, applicationName: String? = nil) throws {
        try self.init(conninfo: settings.conninfo, password: settings.password, applicationName: applicationName)
    }

    /// Connects to `BURSTWATCH_DATABASE_URL` (default
    /// `postgresql://burstwatch@127.0.0.1:5432/burstwatch`) with the password from the file
    /// named by `BURSTWATCH_DATABASE_PASSWORD_FILE`, if set.
    public static func fromEnvironment(applicationName: String? = nil) throws -> PGConnection {
        try PGConnection(settings: PGConnectionSettings.fromEnvironment(), applicationName: applicationName)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// True while the session is usable; false after `close()` or once libpq noticed the
    /// connection broke (then `reset()`).
    public var isOK: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Reconnects with the same parameters, restores the session settings and LISTENs
    /// again on every channel `listen` was called for. Any open transaction is lost.
    public func reset() throws {
        guard let handle else { throw PGError.connection("the connection was closed") }
        PQreset(handle)
        transactionDepth = 0
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PGError.connection("could not reconnect: \(PGConnection.errorMessage(of: handle))")
        }
        try configureSession()
        for channel in listenedChannels {
            try executeScript("LISTEN \(pgQuoteIdentifier(channel))")
        }
    }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// The server's process id for this session (as in `pg_stat_activity.pid`).
    public var backendPID: Int { handle.map { Int(PQbackendPID($0)) } ?? 0 }

    /// e.g. 150018 for 15.18.
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }

    /// Host (or socket folder), port, database and user of the session: enough to
    /// describe it in a log line, and deliberately nothing secret.
    public var host: String { info(PQhost) }
    public var port: String { info(PQport) }
    public var database: String { info(PQdb) }
    public var user: String { info(PQuser) }

    private func info(_ read: (OpaquePointer?) -> UnsafeMutablePointer<CChar>?) -> String {
        guard let handle, let value = read(handle) else { return "" }
        return String(cString: value)
    }

    private func configureSession() throws {
        try executeScript("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'")
    }

    // MARK: - Shared by the extensions

    /// The libpq handle, or a connection error when the connection was closed.
    func liveHandle(for statement: String? = nil) throws -> OpaquePointer {
        guard let handle else { throw PGError.connection("the connection was closed", statement: statement) }
        return handle
    }

    static func errorMessage(of connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown error" }
        let text = String(cString: message)
        // libpq ends messages with a newline and indents continuation lines with a tab.
        return text.split(whereSeparator: \.isNewline)
            .map { $0.drop(while: { $0 == "\t" || $0 == " " }) }
            .joined(separator: "; ")
    }

    /// A client-side error on this connection: lost connection when libpq says so.
    func clientError(_ connection: OpaquePointer, statement: String?) -> PGError {
        let message = PGConnection.errorMessage(of: connection)
        if PQstatus(connection) != CONNECTION_OK {
            return .connection(message, statement: statement)
        }
        return PGError(sqlState: nil, message: message, statement: statement)
    }
}

/// Runs `body` with NUL-terminated copies of `strings` (nil stays a null pointer), as
/// libpq's parameter arrays need them.
func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { string in string.map { strdup($0)! } }
    defer { for copy in copies { free(copy) } }
    return try body(copies.map { UnsafePointer($0) })
}
