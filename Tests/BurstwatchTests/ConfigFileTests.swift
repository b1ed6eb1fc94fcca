import Foundation
import Testing
@testable import Burstwatch

@Suite("Config file and settings precedence")
struct ConfigFileTests {
    private func temporaryFile(_ text: String, name: String = "burstwatch.conf") throws -> (folder: String, path: String) {
        let folder = NSTemporaryDirectory() + "bw-config-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (folder, path)
    }

    @Test("KEY=value lines: comments, blanks, quotes and export are accepted; line numbers are kept")
    func parsesLines() throws {
        let file = try ConfigFile.parse("""
            # broker
            BURSTWATCH_AMQP_URL=amqp://u@broker:5672/%2f

            export BURSTWATCH_PREFIX = "utility-a"
            BURSTWATCH_NAIVE_UTC_OFFSET='+01:00'\r
            """, path: "x.conf")
        #expect(file.entries["BURSTWATCH_AMQP_URL"] == .init(value: "amqp://u@broker:5672/%2f", line: 2))
        #expect(file.entries["BURSTWATCH_PREFIX"] == .init(value: "utility-a", line: 4))
        #expect(file.entries["BURSTWATCH_NAIVE_UTC_OFFSET"]?.value == "+01:00")
        #expect(file.entries.count == 3)
    }

    @Test("a bad line is an error naming the file, the line and the reason", arguments: [
        ("BURSTWATCH_PREFIX utility", "line 2: expected KEY=value"),
        ("PREFIX=utility", "line 2: PREFIX is not a burstwatch setting"),
        ("burstwatch_prefix=x", "line 2: \"burstwatch_prefix\" is not a setting name"),
        ("BURSTWATCH_PREFIX=a\nBURSTWATCH_PREFIX=b", "line 3: BURSTWATCH_PREFIX is set twice (first on line 2)"),
        ("BURSTWATCH_CONFIG=/etc/other.conf", "line 2: a config file cannot name another config file"),
    ])
    func badLines(line: String, expected: String) {
        #expect {
            _ = try ConfigFile.parse("# ok\n" + line, path: "/etc/bw.conf")
        } throws: { error in
            "\(error)".contains("config file /etc/bw.conf \(expected)")
        }
    }

    @Test("environment beats the file, the file beats defaults, and each setting says where it came from")
    func precedence() throws {
        let (folder, path) = try temporaryFile("BURSTWATCH_PREFIX=from-file\nBURSTWATCH_GRACE_SECONDS=60\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let effective = try SettingsSources.load(
            environment: ["BURSTWATCH_CONFIG": path, "BURSTWATCH_PREFIX": "from-env", "BURSTWATCH_RUN_DIR": "/tmp/x"])
        #expect(effective.settings.prefix == "from-env")
        #expect(effective.settings.graceSeconds == 60)
        #expect(effective.settings.amqpURL == Settings.defaultAMQPURL)
        let sources = Dictionary(uniqueKeysWithValues: effective.shown.map { ($0.name, $0.source) })
        #expect(sources["BURSTWATCH_PREFIX"] == .environment)
        #expect(sources["BURSTWATCH_GRACE_SECONDS"] == .file(path: path, line: 2))
        #expect(sources["BURSTWATCH_AMQP_URL"] == .defaultValue)
        #expect(effective.configPathSource == .environment)
        // Script variables in the environment are not reported as unknown settings.
        #expect(effective.unknownNames.isEmpty)
    }

    @Test("--config on the command line beats BURSTWATCH_CONFIG")
    func commandLineConfig() throws {
        let (folder, path) = try temporaryFile("BURSTWATCH_PREFIX=chosen\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let effective = try SettingsSources.load(environment: ["BURSTWATCH_CONFIG": "/nonexistent.conf"], commandLineConfigPath: path)
        #expect(effective.settings.prefix == "chosen")
        #expect(effective.configPathSource == .commandLine)
    }

    @Test("a password file named relative to the config file is read from beside it, and never shown")
    func relativePasswordFile() throws {
        let (folder, path) = try temporaryFile("BURSTWATCH_AMQP_URL=amqp://bw:inline-secret@broker/%2f\nBURSTWATCH_DATABASE_PASSWORD_FILE=db.password\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "file-secret\n".write(toFile: folder + "/db.password", atomically: true, encoding: .utf8)
        let effective = try SettingsSources.load(environment: [:], commandLineConfigPath: path)
        #expect(effective.settings.databasePassword == "file-secret")
        let shown = effective.shown.map { "\($0.name)=\($0.value)" }.joined(separator: "\n")
        #expect(!shown.contains("inline-secret"))
        #expect(!shown.contains("file-secret"))
        #expect(shown.contains("BURSTWATCH_AMQP_URL=amqp://bw@broker:5672/%2f"))
        #expect(shown.contains("db.password"))
    }

    @Test("a bad value in the file names the file and line; a misspelt name is reported, not silently ignored")
    func badValueAndUnknownName() throws {
        let (folder, path) = try temporaryFile("BURSTWATCH_PREFIX=ok\nBURSTWATCH_GRACE_SECONDS=2h\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect {
            _ = try SettingsSources.load(environment: [:], commandLineConfigPath: path)
        } throws: { error in
            "\(error)".contains("config file \(path) line 2: BURSTWATCH_GRACE_SECONDS")
        }
        let (folder2, path2) = try temporaryFile("BURSTWATCH_PREFX=typo\n")
        defer { try? FileManager.default.removeItem(atPath: folder2) }
        #expect(try SettingsSources.load(environment: [:], commandLineConfigPath: path2).unknownNames == ["BURSTWATCH_PREFX"])
        #expect(throws: ConfigurationError.self) { try SettingsSources.load(environment: [:], commandLineConfigPath: folder2 + "/missing.conf") }
    }

    @Test("role settings are checked where the others are: a bad one in the file names the file and line",
          arguments: ["BURSTWATCH_HTTP_PORT=abc", "BURSTWATCH_HTTP_PORT=70000", "BURSTWATCH_WATCH_QUEUE_LIMIT=0"])
    func badRoleSettingInFile(line: String) throws {
        let (folder, path) = try temporaryFile("BURSTWATCH_PREFIX=ok\n\(line)\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = String(line.prefix { $0 != "=" })
        #expect {
            _ = try SettingsSources.load(environment: [:], commandLineConfigPath: path)
        } throws: { error in
            "\(error)".contains("config file \(path) line 2: \(name)")
        }
    }

    @Test("role settings from the environment: HTTP off by default or at port 0, host and queue limit as given")
    func roleSettings() throws {
        #expect(try Settings.fromEnvironment([:]).httpPort == nil)
        #expect(try Settings.fromEnvironment(["BURSTWATCH_HTTP_PORT": "0"]).httpPort == nil)
        let settings = try Settings.fromEnvironment(["BURSTWATCH_HTTP_PORT": "9090", "BURSTWATCH_HTTP_HOST": "0.0.0.0",
                                                     "BURSTWATCH_WATCH_QUEUE_LIMIT": "40"])
        #expect(settings.httpPort == 9090)
        #expect(settings.httpHost == "0.0.0.0")
        #expect(settings.watchQueueLimit == 40)
    }

    @Test("redaction hides passwords in AMQP URLs, libpq strings and secret-named settings")
    func redaction() {
        #expect(SettingsSources.redact(name: "BURSTWATCH_AMQP_URL", value: "amqps://user:pw@h:5671/v") == "amqps://user@h:5671/v")
        #expect(!SettingsSources.redact(name: "BURSTWATCH_DATABASE_URL", value: "postgresql://u:pw@h/db").contains("pw"))
        #expect(!SettingsSources.redact(name: "BURSTWATCH_DATABASE_URL", value: "host=h password=pw dbname=d").contains("pw"))
        #expect(SettingsSources.redact(name: "BURSTWATCH_TLS_KEY_PASSWORD", value: "pw") == "<redacted>")
        #expect(SettingsSources.redact(name: "BURSTWATCH_AMQP_PASSWORD_FILE", value: "/run/secrets/amqp") == "/run/secrets/amqp")
    }
}

@Suite("Every setting is known to config check")
struct KnownSettingsTests {
    /// `config check` flags names it does not know as probable typos, so a variable some
    /// part of burstwatch reads must be listed in `SettingsSources.known`. This scans the
    /// sources for "BURSTWATCH_..." literals so that a new setting cannot be forgotten.
    @Test("every BURSTWATCH_ variable the sources read is listed in SettingsSources.known")
    func sourcesReadOnlyKnownNames() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let sources = root.appendingPathComponent("Sources")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)?.allObjects as? [String])
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        let known = Set(SettingsSources.known.map(\.name))
        let literal = /"(BURSTWATCH_[A-Z0-9_]+)"/
        var seen: Set<String> = []
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: literal) {
                let name = String(match.output.1)
                seen.insert(name)
                // The config file's own name, and benchmark knobs, are not settings.
                guard name != SettingsSources.configVariable, !name.hasPrefix("BURSTWATCH_BENCH_") else { continue }
                #expect(known.contains(name), "\(name) is read in Sources/\(file) but missing from SettingsSources.known: add it with its default so that config files accept it and config check shows it")
            }
        }
        #expect(seen.contains("BURSTWATCH_AMQP_URL"))
    }

    @Test("values only the file sets are exported to the environment, without overriding it")
    func exportsFileValues() throws {
        let folder = NSTemporaryDirectory() + "bw-config-export-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "BURSTWATCH_LOG_LEVEL=debug\nBURSTWATCH_PREFIX=file\n".write(toFile: folder + "/c.conf", atomically: true, encoding: .utf8)
        let effective = try SettingsSources.load(environment: ["BURSTWATCH_PREFIX": "env"], commandLineConfigPath: folder + "/c.conf")
        #expect(effective.fileOnlyValues == ["BURSTWATCH_LOG_LEVEL": "debug"])
        #expect(effective.unknownNames.isEmpty)
    }
}
