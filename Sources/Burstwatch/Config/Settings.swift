import AMQP
import Foundation
import Postgres

/// A configuration problem: bad usage, a missing file, an unreadable secret.
/// The CLI maps it to exit status 2 with its message as the one-line reason.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Where burstwatch finds its broker and database, and the names it uses there.
/// Everything comes from the environment (CONTRACTS.md section 5); secrets may come
/// from files so that they never appear on a command line or in a log.
public struct Settings: Sendable {
    public var amqpURL: String
    /// From BURSTWATCH_AMQP_PASSWORD_FILE; overrides any password in the URL.
    public var amqpPassword: String?
    /// TLS to the broker beyond what the amqps:// URL says (BURSTWATCH_AMQP_CA_FILE, ...);
    /// each one set overrides the URL's query parameter.
    public var amqpTLS = AMQPTLSSettings()
    public var databaseURL: String
    /// From BURSTWATCH_DATABASE_PASSWORD_FILE.
    public var databasePassword: String?
    /// Replaces "burstwatch" in every exchange and queue name.
    public var prefix: String
    /// How far a DMA's newest data time must pass a window's end before the window
    /// is announced incomplete.
    public var graceSeconds: Int64
    /// Length of a detection window.
    public var windowSeconds: Int64
    /// Naive timestamps in logger files are read at this offset from UTC.
    public var naiveOffsetSeconds: Int
    /// Heartbeat interval asked of the broker (BURSTWATCH_HEARTBEAT_SECONDS, 0 = off).
    /// A connection silent for about two intervals is dropped by the broker; roles keep
    /// theirs serviced even while a database statement runs.
    public var heartbeatSeconds: Int = 30
    /// Where a role serves /metrics and /health (BURSTWATCH_HTTP_PORT; nil or 0 = off),
    /// on BURSTWATCH_HTTP_HOST. Role options (--http-port, --http-host) win over these.
    public var httpPort: Int?
    public var httpHost = "127.0.0.1"
    /// The watcher stops publishing while the ingest queue holds this many messages
    /// (BURSTWATCH_WATCH_QUEUE_LIMIT; nil = no limit). `--queue-limit` wins.
    public var watchQueueLimit: Int?

    public static let defaultAMQPURL = "amqp://guest:guest@127.0.0.1:5672/%2f"
    public static let defaultDatabaseURL = "postgresql://burstwatch@127.0.0.1:5432/burstwatch"

    public init(
        amqpURL: String = Settings.defaultAMQPURL, amqpPassword: String? = nil,
        databaseURL: String = Settings.defaultDatabaseURL, databasePassword: String? = nil,
        prefix: String = "burstwatch", graceSeconds: Int64 = 7200, windowSeconds: Int64 = 900,
        naiveOffsetSeconds: Int = 0
    ) {
        self.amqpURL = amqpURL
        self.amqpPassword = amqpPassword
        self.databaseURL = databaseURL
        self.databasePassword = databasePassword
        self.prefix = prefix
        self.graceSeconds = graceSeconds
        self.windowSeconds = windowSeconds
        self.naiveOffsetSeconds = naiveOffsetSeconds
    }

    /// Reads BURSTWATCH_* variables; unset ones keep their defaults.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        var settings = Settings()
        if let url = env["BURSTWATCH_AMQP_URL"], !url.isEmpty { settings.amqpURL = url }
        if let url = env["BURSTWATCH_DATABASE_URL"], !url.isEmpty { settings.databaseURL = url }
        settings.amqpTLS = try AMQPTLSSettings.fromEnvironment(env)
        settings.amqpPassword = try readSecret(env["BURSTWATCH_AMQP_PASSWORD_FILE"], variable: "BURSTWATCH_AMQP_PASSWORD_FILE")
        settings.databasePassword = try readSecret(env["BURSTWATCH_DATABASE_PASSWORD_FILE"], variable: "BURSTWATCH_DATABASE_PASSWORD_FILE")
        // A broken broker URL or TLS option is bad configuration (exit 2), found here
        // rather than retried forever by a role's reconnect loop. Never echoes the URL.
        do {
            _ = try settings.amqpTLS.apply(to: AMQPEndpoint(url: settings.amqpURL))
        } catch let error as AMQPError {
            throw ConfigurationError("BURSTWATCH_AMQP_URL: \(error.message)")
        }
        if let prefix = env["BURSTWATCH_PREFIX"], !prefix.isEmpty {
            guard prefix.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ConfigurationError("BURSTWATCH_PREFIX \"\(prefix)\" may only hold letters, digits, '-', '_' and '.'")
            }
            settings.prefix = prefix
        }
        if let grace = env["BURSTWATCH_GRACE_SECONDS"], !grace.isEmpty {
            guard let value = Int64(grace), value >= 0 else {
                throw ConfigurationError("BURSTWATCH_GRACE_SECONDS must be a whole number of seconds, not \"\(grace)\"")
            }
            settings.graceSeconds = value
        }
        if let offset = env["BURSTWATCH_NAIVE_UTC_OFFSET"], !offset.isEmpty {
            guard let value = parseUTCOffset(offset) else {
                throw ConfigurationError("BURSTWATCH_NAIVE_UTC_OFFSET must look like +01:00 or -0530, not \"\(offset)\"")
            }
            settings.naiveOffsetSeconds = value
        }
        if let heartbeat = env["BURSTWATCH_HEARTBEAT_SECONDS"], !heartbeat.isEmpty {
            guard let value = Int(heartbeat), (0...3600).contains(value) else {
                throw ConfigurationError("BURSTWATCH_HEARTBEAT_SECONDS must be a whole number of seconds from 0 to 3600, not \"\(heartbeat)\"")
            }
            settings.heartbeatSeconds = value
        }
        if let text = env["BURSTWATCH_HTTP_PORT"], !text.isEmpty {
            guard let port = Int(text), (0...65_535).contains(port) else {
                throw ConfigurationError("BURSTWATCH_HTTP_PORT must be a port number, not \(text)")
            }
            settings.httpPort = port == 0 ? nil : port
        }
        if let host = env["BURSTWATCH_HTTP_HOST"], !host.isEmpty { settings.httpHost = host }
        if let text = env["BURSTWATCH_WATCH_QUEUE_LIMIT"], !text.isEmpty {
            guard let value = Int(text), value > 0 else {
                throw ConfigurationError("BURSTWATCH_WATCH_QUEUE_LIMIT must be a positive number of messages, not \"\(text)\"")
            }
            settings.watchQueueLimit = value
        }
        return settings
    }

    /// `base` pointing at another database on the same server: swaps the database name of a
    /// postgresql:// URL (or appends dbname= to a key=value string). The bench and the
    /// tests give each run a database of its own this way.
    public static func databaseURL(_ base: String, withDatabase database: String) -> String {
        if base.hasPrefix("postgres"), var components = URLComponents(string: base) {
            components.path = "/" + database
            return components.string ?? base
        }
        return base + " dbname=\(database)"
    }

    static func readSecret(_ path: String?, variable: String) throws -> String? {
        guard let path, !path.isEmpty else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("\(variable): cannot read \(path)")
        }
        return text.trimmingCharacters(in: .newlines)
    }

    static func parseUTCOffset(_ text: String) -> Int? {
        var chars = Array(text)
        guard let signChar = chars.first, signChar == "+" || signChar == "-" else { return nil }
        chars.removeFirst()
        chars.removeAll { $0 == ":" }
        guard chars.count == 4, let hh = Int(String(chars[0..<2])), let mm = Int(String(chars[2..<4])),
              hh <= 18, mm < 60 else { return nil }
        return (signChar == "-" ? -1 : 1) * (hh * 3600 + mm * 60)
    }
}

/// Printing or logging settings shows where they point, never a password: the URLs
/// are shown redacted and the password fields only as set or not.
extension Settings: CustomStringConvertible, CustomReflectable {
    public var description: String {
        "Settings(amqp: \(redactedAMQPURL), database: \(PGConnectionSettings.redacted(databaseURL)), prefix: \(prefix))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "amqpURL": redactedAMQPURL, "amqpPassword": amqpPassword == nil ? "<unset>" : "<redacted>",
            "databaseURL": PGConnectionSettings.redacted(databaseURL),
            "databasePassword": databasePassword == nil ? "<unset>" : "<redacted>",
            "prefix": prefix, "graceSeconds": graceSeconds, "windowSeconds": windowSeconds,
        ])
    }

    private var redactedAMQPURL: String { SettingsSources.redact(name: "BURSTWATCH_AMQP_URL", value: amqpURL) }
}
