import AMQP
import Foundation
import Postgres

/// Where each setting came from, and the merge of the places settings come from.
/// Precedence, highest first: command line (`--config`, a role's own options), the
/// environment, the config file (`--config FILE` or BURSTWATCH_CONFIG), the defaults.
/// The file uses the environment variables' names, so the merge is a merge of
/// name -> value maps, and `Settings.fromEnvironment` parses the result.
public enum SettingsSources {
    /// Names the config file.
    public static let configVariable = "BURSTWATCH_CONFIG"

    /// The settings `config check` lists with their defaults. A BURSTWATCH_ variable
    /// not listed here still takes effect (Settings.fromEnvironment reads it); it is
    /// only listed as "not a setting this version knows" so that typos show up.
    public static let known: [(name: String, defaultValue: String)] = [
        ("BURSTWATCH_AMQP_URL", Settings.defaultAMQPURL),
        ("BURSTWATCH_AMQP_PASSWORD_FILE", ""),
        ("BURSTWATCH_AMQP_CA_FILE", ""),
        ("BURSTWATCH_AMQP_CERT_FILE", ""),
        ("BURSTWATCH_AMQP_KEY_FILE", ""),
        ("BURSTWATCH_AMQP_TLS_VERIFY", ""),
        ("BURSTWATCH_DATABASE_URL", Settings.defaultDatabaseURL),
        ("BURSTWATCH_DATABASE_PASSWORD_FILE", ""),
        ("BURSTWATCH_PREFIX", "burstwatch"),
        ("BURSTWATCH_GRACE_SECONDS", "7200"),
        ("BURSTWATCH_NAIVE_UTC_OFFSET", "+00:00"),
        ("BURSTWATCH_LOG_FORMAT", "text"),
        ("BURSTWATCH_LOG_LEVEL", "info"),
        ("BURSTWATCH_HEARTBEAT_SECONDS", "30"),
        ("BURSTWATCH_WATCH_QUEUE_LIMIT", ""),
        ("BURSTWATCH_HTTP_PORT", "0"),
        ("BURSTWATCH_HTTP_HOST", "127.0.0.1"),
    ]

    /// Variables in the environment that are about the test or service scripts, not
    /// about a role: never reported as unknown.
    static let ignoredVariables: Set<String> = [configVariable]

    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case commandLine
        case environment
        case file(path: String, line: Int)
        case defaultValue

        public var description: String {
            switch self {
            case .commandLine: "command line"
            case .environment: "environment"
            case .file(let path, let line): "\(path):\(line)"
            case .defaultValue: "default"
            }
        }
    }

    /// One setting as `config check` shows it: value with secrets redacted.
    public struct Shown: Sendable, Equatable {
        public var name: String
        public var value: String
        public var source: Source
        /// False for a BURSTWATCH_ name this version does not read.
        public var known: Bool
    }

    /// The merged settings and where each came from.
    public struct Effective: Sendable {
        public var settings: Settings
        public var configPath: String?
        public var configPathSource: Source?
        public var shown: [Shown]
        /// Values that only the config file set (relative password paths made absolute).
        /// `exportFileValues()` puts them into the process environment, so code that reads
        /// the environment directly (logging) and child processes see them too.
        public var fileOnlyValues: [String: String]

        public var unknownNames: [String] { shown.filter { !$0.known }.map(\.name) }
    }

    /// Reads the config file named by `configPath` (from the command line) or by
    /// BURSTWATCH_CONFIG, lays the environment over it and parses the result.
    /// A bad value from the file is reported with the file's name and line.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            commandLineConfigPath: String? = nil) throws -> Effective {
        var configPath: String?
        var configPathSource: Source?
        if let path = commandLineConfigPath, !path.isEmpty {
            (configPath, configPathSource) = (path, .commandLine)
        } else if let path = environment[configVariable], !path.isEmpty {
            (configPath, configPathSource) = (path, .environment)
        }
        let file = try configPath.map(ConfigFile.load(path:))

        var merged: [String: String] = [:]
        var sources: [String: Source] = [:]
        if let file {
            let base = URL(fileURLWithPath: file.path).deletingLastPathComponent()
            for (name, entry) in file.entries {
                var value = entry.value
                // A password file named relative to the config file is next to it.
                if name.hasSuffix("_FILE"), !value.isEmpty, !value.hasPrefix("/") {
                    value = base.appendingPathComponent(value).standardizedFileURL.path
                }
                do {
                    _ = try Settings.fromEnvironment([name: value])
                } catch let error as ConfigurationError {
                    throw ConfigurationError("config file \(file.path) line \(entry.line): \(error.description)")
                }
                merged[name] = value
                sources[name] = .file(path: file.path, line: entry.line)
            }
        }
        // An empty variable counts as unset, as in Settings.fromEnvironment.
        for (name, value) in environment where name.hasPrefix("BURSTWATCH_") && !value.isEmpty {
            merged[name] = value
            sources[name] = .environment
        }
        let settings = try Settings.fromEnvironment(merged)

        let knownNames = Set(known.map(\.name))
        var shown = known.map { setting in
            Shown(name: setting.name, value: redact(name: setting.name, value: merged[setting.name] ?? setting.defaultValue),
                  source: sources[setting.name] ?? .defaultValue, known: true)
        }
        // Only names from the file are checked for typos: the environment also carries
        // variables for the scripts and tests (BURSTWATCH_RUN_DIR, ...).
        for (name, source) in sources.sorted(by: { $0.key < $1.key })
        where !knownNames.contains(name) && !ignoredVariables.contains(name) {
            guard case .file = source else { continue }
            shown.append(Shown(name: name, value: redact(name: name, value: merged[name] ?? ""), source: source, known: false))
        }
        var fileOnly: [String: String] = [:]
        for (name, source) in sources {
            if case .file = source { fileOnly[name] = merged[name] }
        }
        return Effective(settings: settings, configPath: configPath, configPathSource: configPathSource, shown: shown,
                         fileOnlyValues: fileOnly)
    }

    /// Sets the file's values in the process environment where the environment does not
    /// set them already. Call at start-up, before any thread reads the environment.
    public static func exportFileValues(of effective: Effective) {
        for (name, value) in effective.fileOnlyValues { setenv(name, value, 0) }
    }

    /// The value as it may be printed: URLs without their password, anything named
    /// like a secret replaced. Paths of password files are not secret.
    public static func redact(name: String, value: String) -> String {
        if value.isEmpty { return value }
        if name.hasSuffix("_FILE") { return value }
        if name == "BURSTWATCH_AMQP_URL" {
            return (try? AMQPEndpoint(url: value).redactedURL) ?? "<unparsable URL, not shown>"
        }
        if name == "BURSTWATCH_DATABASE_URL" { return PGConnectionSettings.redacted(value) }
        let upper = name.uppercased()
        if ["PASSWORD", "SECRET", "TOKEN", "KEY"].contains(where: upper.contains) { return "<redacted>" }
        if value.contains("://"), value.contains("@") { return "<URL with credentials, not shown>" }
        return value
    }
}
