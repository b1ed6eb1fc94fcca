import AMQP
import Foundation
import Postgres

/// `burstwatch config check`: does the effective configuration work? Each check is
/// one line with ✔ or ✘ and a reason; nothing it prints carries a password (URLs are
/// shown redacted, errors of the AMQP and Postgres layers never include one).
public struct ConfigCheck: Sendable {
    public struct Result: Sendable, Equatable {
        public var passed: Bool
        public var subject: String
        public var detail: String

        public var line: String { "\(passed ? "✔" : "✘") \(subject): \(detail)" }
    }

    public let effective: SettingsSources.Effective
    public init(effective: SettingsSources.Effective) { self.effective = effective }

    public func run() -> [Result] {
        var results: [Result] = [configFileResult()]
        for shown in effective.shown where !shown.known {
            results.append(Result(passed: false, subject: shown.name,
                                  detail: "not a setting this version knows (\(shown.source)); misspelt?"))
        }
        results += brokerResults()
        results += databaseResults()
        return results
    }

    private func configFileResult() -> Result {
        guard let path = effective.configPath else {
            return Result(passed: true, subject: "config file", detail: "none (environment and defaults only)")
        }
        let count = effective.shown.filter { if case .file = $0.source { true } else { false } }.count
        return Result(passed: true, subject: "config file \(path)",
                      detail: "read \(count) setting(s) (named by \(effective.configPathSource?.description ?? "?"))")
    }

    private func brokerResults() -> [Result] {
        let settings = effective.settings
        let endpoint: AMQPEndpoint
        do {
            endpoint = try AMQPEndpoint(url: settings.amqpURL, passwordOverride: settings.amqpPassword)
        } catch {
            return [Result(passed: false, subject: "broker", detail: "BURSTWATCH_AMQP_URL: \(error)")]
        }
        let subject = "broker \(endpoint.redactedURL)"
        do {
            let connection = try Connections(settings: settings).broker("config-check", heartbeatSeconds: 0)
            connection.close()
        } catch {
            return [Result(passed: false, subject: subject, detail: "cannot connect: \(oneLine(error))")]
        }
        var results = [Result(passed: true, subject: subject, detail: "connected and logged in")]
        // A passive declare of a missing queue closes the connection, so one each.
        let topology = Topology(prefix: settings.prefix)
        var missing: [String] = []
        for queue in [topology.ingestQueue, topology.detectQueue, topology.deadQueue] {
            guard let connection = try? Connections(settings: settings).broker("config-check", heartbeatSeconds: 0) else { continue }
            if (try? connection.queueInfo(queue)) == nil { missing.append(queue) }
            connection.close()
        }
        // Not a failure: every role declares the topology when it starts.
        results.append(Result(passed: true, subject: "queues (prefix \(settings.prefix))",
                              detail: missing.isEmpty ? "all declared"
                                  : "not declared yet: \(missing.joined(separator: ", ")) (any role declares them at start)"))
        return results
    }

    private func databaseResults() -> [Result] {
        let settings = effective.settings
        let subject = "database \(PGConnectionSettings.redacted(settings.databaseURL))"
        let connection: PGConnection
        do {
            connection = try Connections(settings: settings).database("config-check")
        } catch {
            return [Result(passed: false, subject: subject, detail: "cannot connect: \(oneLine(error))")]
        }
        defer { connection.close() }
        var results: [Result] = []
        do {
            let row = try connection.execute("SELECT current_user, current_database(), current_setting('server_version')").rows.first
            results.append(Result(passed: true, subject: subject,
                                  detail: "connected as \(row?[0] ?? "?") to \(row?[1] ?? "?") (PostgreSQL \(row?[2] ?? "?"))"))
            let latest = Migrations.all.map(\.version).max() ?? 0
            let hasTable = try connection.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").rows.first?[0] == "t"
            let current = hasTable
                ? Int(try connection.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").rows.first?[0] ?? "0") ?? 0
                : 0
            results.append(current >= latest
                ? Result(passed: true, subject: "database schema", detail: "version \(current), up to date")
                : Result(passed: false, subject: "database schema",
                         detail: "version \(current), this burstwatch needs \(latest): run `burstwatch migrate`"))
        } catch {
            results.append(Result(passed: false, subject: subject, detail: oneLine(error)))
        }
        return results
    }

    private func oneLine(_ error: any Error) -> String {
        "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
    }

    /// The effective settings, one a line: name = value (source). Secrets redacted.
    public func renderSettings() -> String {
        effective.shown.map { "  \($0.name) = \($0.value.isEmpty ? "(unset)" : $0.value)  [\($0.source)]\n" }.joined()
    }
}
