import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where to connect and with which password, kept apart so the password never has to be
/// part of a string that might be logged.
public struct PGConnectionSettings: Sendable {
    public static let defaultDatabaseURL = "postgresql://burstwatch@127.0.0.1:5432/burstwatch"
    public static let urlVariable = "BURSTWATCH_DATABASE_URL"
    public static let passwordFileVariable = "BURSTWATCH_DATABASE_PASSWORD_FILE"

    /// A libpq key=value string or a postgresql:// URL.
    public var conninfo: String
    /// When set, overrides any password in `conninfo`.
    public var password: String?

    public init(conninfo: String, password: String? = nil) {
        self.conninfo = conninfo
        self.password = password
    }

    /// `BURSTWATCH_DATABASE_URL` (default `defaultDatabaseURL`), password from the file
    /// named by `BURSTWATCH_DATABASE_PASSWORD_FILE` with its trailing newline removed.
    /// - Parameter environment: looks a variable up; the process environment by default.
    /// - Throws: `PGError` of kind `.configuration` when the password file cannot be read
    ///   or is empty.
    public static func fromEnvironment(
        _ environment: (String) -> String? = PGConnectionSettings.processEnvironment
    ) throws -> PGConnectionSettings {
        let url = environment(urlVariable).flatMap { $0.isEmpty ? nil : $0 } ?? defaultDatabaseURL
        var password: String?
        if let path = environment(passwordFileVariable), !path.isEmpty {
            password = try readPasswordFile(path)
        }
        return PGConnectionSettings(conninfo: url, password: password)
    }

    @Sendable public static func processEnvironment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The connection string without any password, for log lines and error messages,
    /// e.g. "host=127.0.0.1 port=5432 dbname=burstwatch user=burstwatch".
    public var redactedDescription: String { PGConnectionSettings.redacted(conninfo) }

    /// `conninfo` rewritten as key=value pairs with every password-like option left out.
    /// A string libpq cannot parse is not echoed at all, because it may hold a password.
    public static func redacted(_ conninfo: String) -> String {
        guard let options = parse(conninfo) else { return "<unparseable connection string>" }
        let shown = options.filter { !$0.keyword.contains("password") }
        if shown.isEmpty { return "<libpq defaults>" }
        return shown.map { "\($0.keyword)=\(quoteConninfoValue($0.value))" }.joined(separator: " ")
    }

    /// The options set in a connection string, in libpq's order; nil when libpq rejects it.
    static func parse(_ conninfo: String) -> [(keyword: String, value: String)]? {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            // The message may quote the string, password included; the caller reports
            // the failure without it.
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var result: [(keyword: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        return result
    }

    static func quoteConninfoValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "'" || $0 == "\\" }
        guard needsQuotes else { return value }
        var quoted = "'"
        for character in value {
            if character == "'" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "'"
    }

    static func readPasswordFile(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw PGError.configuration("\(passwordFileVariable)=\(path): cannot read the password file: \(reason)")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[0..<count])
            if count < chunk.count { break }
        }
        if ferror(file) != 0 {
            throw PGError.configuration("\(passwordFileVariable)=\(path): error while reading the password file")
        }
        // Editors and `echo` add a final newline that is not part of the password.
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            bytes.removeLast()
        }
        if bytes.isEmpty {
            throw PGError.configuration("\(passwordFileVariable)=\(path): the password file is empty")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
