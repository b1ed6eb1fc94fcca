import Burstwatch
import Foundation
import Postgres
import Testing

/// Passwords come from a URL, the environment or a *_PASSWORD_FILE; whatever goes
/// wrong, a role's log and error output never show one.
@Suite("Secrets stay out of logs")
struct SecretLeakTests {
    /// Runs a role until its log shows `marker` (it retries a failed connection with
    /// backoff), then stops it; returns the log.
    static func logUntil(_ marker: String, _ arguments: [String], environment: [String: String], env: TestEnvironment) throws -> String {
        let role = try startRole(arguments, environment: environment, label: env.name)
        defer { role.stop() }
        _ = env.eventually(timeout: 30) { role.log.contains(marker) || !role.isRunning }
        return role.log
    }

    @Test("a wrong database password, from the file or the URL, is reported without it")
    func wrongDatabasePassword() throws {
        let env = try TestEnvironment("secrets-db")
        let user = try LoginUser(group: "ingest", in: env)
        let wrong = "wrong-\(UUID().uuidString)"
        if let accepted = try? PGConnection(conninfo: user.url, password: wrong) {
            accepted.close()
            Issue.record("""
                the server accepted a wrong password: pg_hba.conf must ask members of \(LoginUser.passwordGroup) for one \
                (scripts/services start adds `host all +\(LoginUser.passwordGroup) 127.0.0.1/32 scram-sha-256`)
                """)
            return
        }
        let wrongFile = NSTemporaryDirectory() + "bwtest-\(env.name)-wrong.password"
        try wrong.write(toFile: wrongFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: wrongFile) }

        var fromFile = env.environment
        user.apply(to: &fromFile)
        fromFile["BURSTWATCH_DATABASE_PASSWORD_FILE"] = wrongFile
        let fileLog = try Self.logUntil("password authentication failed", ["ingest"], environment: fromFile, env: env)
        #expect(fileLog.contains("password authentication failed"), "ingest log:\n\(fileLog)")
        #expect(!fileLog.contains(wrong) && !fileLog.contains(user.password))

        var inURL = env.environment
        var components = try URLComponents(string: user.url).orThrow("bad URL")
        components.password = wrong
        inURL["BURSTWATCH_DATABASE_URL"] = try components.string.orThrow("bad URL")
        let urlLog = try Self.logUntil("password authentication failed", ["detect"], environment: inURL, env: env)
        #expect(urlLog.contains("password authentication failed"), "detect log:\n\(urlLog)")
        #expect(!urlLog.contains(wrong))

        // A one-shot command: exit status and stderr.
        let migrate = try startRole(["migrate"], environment: inURL, label: env.name)
        migrate.process.waitUntilExit()
        #expect(migrate.process.terminationStatus != 0)
        #expect(migrate.log.contains("password authentication failed") && !migrate.log.contains(wrong), "\(migrate.log)")
    }

    @Test("a password with an unescaped '@' or '/' in the URL is refused without echoing any part of it")
    func misencodedPasswordInURL() throws {
        let env = try TestEnvironment("secrets-url")
        let base = try URLComponents(string: env.settings.databaseURL).orThrow("bad URL")
        let host = "\(base.host ?? "127.0.0.1"):\(base.port ?? 5432)"
        for (password, fragment) in [("leftside@rightside", "rightside"), ("leftside/rightside", "leftside")] {
            var environment = env.environment
            environment["BURSTWATCH_DATABASE_URL"] = "postgresql://someone:\(password)@\(host)\(base.path)"
            let migrate = try startRole(["migrate"], environment: environment, label: env.name)
            migrate.process.waitUntilExit()
            #expect(migrate.process.terminationStatus != 0)
            #expect(migrate.log.contains("percent-encode"), "\(migrate.log)")
            #expect(!migrate.log.contains(fragment), "the log shows part of the password: \(migrate.log)")
        }
    }

    @Test("a wrong broker password in the URL is reported without it")
    func wrongBrokerPassword() throws {
        let env = try TestEnvironment("secrets-amqp")
        var environment = env.environment
        let wrong = "wrong-\(UUID().uuidString)"
        let broker = try URLComponents(string: environment["BURSTWATCH_AMQP_URL"] ?? Settings.defaultAMQPURL).orThrow("bad URL")
        environment["BURSTWATCH_AMQP_URL"] = "amqp://guest:\(wrong)@\(broker.host ?? "127.0.0.1"):\(broker.port ?? 5672)/%2f"
        let log = try Self.logUntil("login as guest", ["watch", "--dir", env.uploadDirectory], environment: environment, env: env)
        #expect(log.contains("login as guest"), "watch log:\n\(log)")
        #expect(!log.contains(wrong))
    }
}
