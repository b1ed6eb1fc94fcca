import AMQP
import Burstwatch
import Foundation
import Postgres
import Testing

/// The least-privilege group roles of migration 002: each process connected as a login
/// user in its group can do its job and nothing else.
@Suite("Database roles")
struct DatabaseRoleTests {
    /// Runs `sql` as `connection`'s user inside a transaction that is rolled back;
    /// returns the error kind, nil when the statement was allowed.
    static func attempt(_ sql: String, _ parameters: [String?] = [], on connection: PGConnection) -> PGError.Kind? {
        do {
            try connection.executeScript("BEGIN")
            defer { _ = try? connection.executeScript("ROLLBACK") }
            _ = try connection.execute(sql, parameters)
            return nil
        } catch let error as PGError {
            return error.kind
        } catch {
            return .other
        }
    }

    @Test("ingest may insert readings but not change or delete them, nor write detector tables")
    func ingestGrants() throws {
        let env = try TestEnvironment("roles-ingest")
        try env.registerDemo()
        _ = try env.query("INSERT INTO readings VALUES ('FM01', 'flow', '2026-03-02T00:00:00Z', 1)")
        let user = try LoginUser(group: "ingest", in: env)
        let ingest = try user.connect()
        defer { ingest.close() }

        #expect(Self.attempt("INSERT INTO readings VALUES ('FM01', 'flow', '2026-03-02T00:15:00Z', 2)", on: ingest) == nil)
        #expect(Self.attempt("INSERT INTO files (sha256, file_name, size_bytes, status) VALUES ('x', 'f.csv', 1, 'ingested')", on: ingest) == nil)
        #expect(Self.attempt("INSERT INTO outbox (exchange, routing_key, message_id, body) VALUES ('e', 'k', 'm', '{}')", on: ingest) == nil)
        #expect(Self.attempt("DELETE FROM readings", on: ingest) == .insufficientPrivilege)
        #expect(Self.attempt("UPDATE readings SET value = 0", on: ingest) == .insufficientPrivilege)
        #expect(Self.attempt("TRUNCATE readings", on: ingest) == .insufficientPrivilege)
        #expect(Self.attempt("""
            INSERT INTO burst_events (event_id, dma, state, opened_at, detected_at, last_message)
            VALUES ('e1', 'DEMO-1', 'opened', now(), now(), '{}')
            """, on: ingest) == .insufficientPrivilege)
        #expect(Self.attempt("INSERT INTO detector_state (dma, state) VALUES ('DEMO-1', '{}')", on: ingest) == .insufficientPrivilege)
        #expect(Self.attempt("DELETE FROM loggers", on: ingest) == .insufficientPrivilege)
        #expect(Self.attempt("CREATE TABLE sneaky (x int)", on: ingest) == .insufficientPrivilege)
        #expect(try env.count("SELECT count(*) FROM readings") == 1)
    }

    @Test("detect may write its state, events and outbox but not readings; reader only reads")
    func detectAndReaderGrants() throws {
        let env = try TestEnvironment("roles-detect")
        try env.registerDemo()
        let detectUser = try LoginUser(group: "detect", in: env)
        let readerUser = try LoginUser(group: "reader", in: env)
        let detect = try detectUser.connect()
        defer { detect.close() }
        let reader = try readerUser.connect()
        defer { reader.close() }

        let burst = """
            INSERT INTO burst_events (event_id, dma, state, opened_at, detected_at, last_message)
            VALUES ('e1', 'DEMO-1', 'opened', now(), now(), '{}')
            """
        #expect(Self.attempt(burst, on: detect) == nil)
        #expect(Self.attempt("INSERT INTO detector_state (dma, state) VALUES ('DEMO-1', '{}')", on: detect) == nil)
        #expect(Self.attempt("SELECT * FROM readings r JOIN loggers l USING (logger_id, channel)", on: detect) == nil)
        #expect(Self.attempt("SELECT inp FROM networks", on: detect) == nil)
        #expect(Self.attempt("INSERT INTO readings VALUES ('FM01', 'flow', '2026-03-02T00:00:00Z', 1)", on: detect) == .insufficientPrivilege)
        #expect(Self.attempt("DELETE FROM readings", on: detect) == .insufficientPrivilege)
        #expect(Self.attempt("INSERT INTO files (sha256, file_name, size_bytes, status) VALUES ('x', 'f.csv', 1, 'ingested')", on: detect) == .insufficientPrivilege)

        #expect(Self.attempt("SELECT count(*) FROM readings, burst_events, files, windows, loggers, networks", on: reader) == nil)
        #expect(Self.attempt("INSERT INTO readings VALUES ('FM01', 'flow', '2026-03-02T00:00:00Z', 1)", on: reader) == .insufficientPrivilege)
        #expect(Self.attempt(burst, on: reader) == .insufficientPrivilege)
        #expect(Self.attempt("SELECT * FROM outbox", on: reader) == .insufficientPrivilege)
    }

    @Test("a schema owner without CREATEROLE migrates once the groups exist")
    func ownerWithoutCreateRole() throws {
        let env = try TestEnvironment("roles-owner")  // the groups exist from here on
        let admin = try PGConnection(conninfo: env.adminURL)
        defer { admin.close() }
        let owner = "bwtest_owner_\(String(UInt64.random(in: 0..<UInt64.max), radix: 36))"
        let database = owner + "_db"
        try admin.executeScript("CREATE ROLE \(pgQuoteIdentifier(owner)) LOGIN NOCREATEROLE NOSUPERUSER")
        try admin.executeScript("CREATE DATABASE \(pgQuoteIdentifier(database)) OWNER \(pgQuoteIdentifier(owner))")
        defer {
            _ = try? admin.executeScript("DROP DATABASE IF EXISTS \(pgQuoteIdentifier(database)) WITH (FORCE)")
            _ = try? admin.executeScript("DROP ROLE IF EXISTS \(pgQuoteIdentifier(owner))")
        }
        let target = Settings.databaseURL(env.adminURL, withDatabase: database)
        let connection = try PGConnection(conninfo: target, overrides: ["user": owner])
        defer { connection.close() }
        #expect(try Migrator(connection: connection).migrate() == Migrations.all.map(\.version))
        let granted = try connection.execute("SELECT has_table_privilege('burstwatch_ingest', 'readings', 'INSERT')")
        #expect(granted.rows.first?.first == "t")
    }

    @Test("watch, ingest and detect run the whole pipeline as least-privilege users, and no log shows a password")
    func pipelineAsLeastPrivilegeUsers() throws {
        let env = try TestEnvironment("roles-pipeline")
        let start: Int64 = 1_772_409_600_000_000
        let folder = NSTemporaryDirectory() + "bwtest-roles-scenario-" + env.name
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The demo burst that eval finds (MessageSchemaTests): 9 quiet days, then a burst.
        let scenario = DemoScenario(start: start, days: 10, historyDays: 9, seed: 3,
                                    burst: .init(node: DemoScenario.junction(4, 3), start: start + 9 * 86_400_000_000 + 9_000_000_000, sizeLps: 4))
        try scenario.write(to: URL(fileURLWithPath: folder))
        try env.registerDemo()

        let ingestUser = try LoginUser(group: "ingest", in: env)
        let detectUser = try LoginUser(group: "detect", in: env)
        var ingestEnvironment = env.environment
        ingestUser.apply(to: &ingestEnvironment)
        var detectEnvironment = env.environment
        detectUser.apply(to: &detectEnvironment)
        // watch needs no database at all; give it none.
        var watchEnvironment = env.environment
        watchEnvironment["BURSTWATCH_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"

        let ingest = try startRole(["ingest", "--prefetch", "500"], environment: ingestEnvironment, label: env.name)
        defer { ingest.stop() }
        let detect = try startRole(["detect"], environment: detectEnvironment, label: env.name)
        defer { detect.stop() }
        let watch = try startRole(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory],
                                  environment: watchEnvironment, label: env.name)
        defer { watch.stop() }

        let files = try Replay(scenario: URL(fileURLWithPath: folder), target: URL(fileURLWithPath: env.uploadDirectory), speed: nil).run()
        #expect(try env.eventually(timeout: 300) { try env.count("SELECT count(*) FROM files") == files },
                "ingest log:\n\(ingest.log.suffix(3000))")
        #expect(try env.eventually(timeout: 300) {
            try env.count("SELECT count(*) FROM burst_events") > 0 && env.count("SELECT count(*) FROM outbox") == 0
        }, "detect log:\n\(detect.log.suffix(3000))")
        #expect(try env.count("SELECT count(*) FROM detector_state WHERE last_window IS NOT NULL") == 1)
        // Every session really was the least-privilege user.
        let users = Set(try env.query("SELECT usename FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'burstwatch-%'")
            .compactMap { $0[0] })
        #expect(users.isSubset(of: [ingestUser.name, detectUser.name]) && !users.isEmpty, "sessions: \(users)")

        ingest.stop()
        detect.stop()
        watch.stop()
        for (role, log) in [("ingest", ingest.log), ("detect", detect.log), ("watch", watch.log)] {
            #expect(!log.contains("permission denied"), "\(role) log:\n\(log.suffix(2000))")
            #expect(!log.contains(ingestUser.password) && !log.contains(detectUser.password), "\(role) log shows a password")
        }
    }
}
