import Foundation
import Postgres
import Testing

@Suite("Connecting")
struct ConnectionTests {
    @Test func connectsWithTheURLAndRunsInUTC() throws {
        let connection = try TestDatabase.connect()
        let result = try connection.execute(
            "SELECT current_database() AS db, current_setting('TimeZone') AS tz, current_setting('application_name') AS app")
        #expect(result.string(0, "db") == connection.database)
        #expect(result.string(0, "tz") == "UTC")
        #expect(result.string(0, "app") == "burstwatch-postgres-tests")
        #expect(connection.isOK)
    }

    @Test func connectsWithKeyValueText() throws {
        let reference = try TestDatabase.connect()
        let keyValue = "host='\(reference.host)' port=\(reference.port) dbname='\(reference.database)' user='\(reference.user)'"
        // The password comes from the password file or, failing that, from inside the URL.
        let settings = try TestDatabase.settings()
        let password = settings.password ?? URLComponents(string: settings.conninfo)?.password
        let connection = try PGConnection(conninfo: keyValue, password: password)
        #expect(try connection.execute("SELECT 1 + 1 AS two").int(0, "two") == 2)
        #expect(connection.backendPID != reference.backendPID)
    }

    @Test func unknownDatabaseIsAConnectionErrorNamingIt() throws {
        let settings = try TestDatabase.settings()
        _ = try TestDatabase.connect()  // fails clearly when there is no server at all
        let missing = TestDatabase.uniqueName("nodb")
        let error = #expect(throws: PGError.self) {
            try PGConnection(conninfo: settings.conninfo, password: settings.password, overrides: ["dbname": missing])
        }
        #expect(error?.kind == .connection)
        #expect(error?.description.contains("database \"\(missing)\" does not exist") == true, "\(String(describing: error))")
    }

    @Test func unreachableServerIsARetryableConnectionError() {
        let error = #expect(throws: PGError.self) {
            try PGConnection(conninfo: "host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2")
        }
        #expect(error?.kind == .connection)
        #expect(error?.isRetryable == true)
        #expect(error?.description.contains("port 1") == true, "\(String(describing: error))")
    }

    @Test func malformedConnectionStringIsNotEchoed() {
        let error = #expect(throws: PGError.self) {
            try PGConnection(conninfo: "postgresql://bw:hunter2@[::1")
        }
        #expect(error?.kind == .configuration)
        #expect(error?.description.contains("hunter2") == false)
    }

    /// Needs pg_hba.conf to ask role burstwatch_pwtest for a password on the connection the
    /// tests use (same host and port as BURSTWATCH_DATABASE_URL), e.g.
    /// `host all burstwatch_pwtest 127.0.0.1/32 scram-sha-256` above any trust line.
    @Test func wrongPasswordIsAConnectionErrorThatDoesNotShowThePassword() throws {
        let admin = try TestDatabase.connect()
        let role = "burstwatch_pwtest"
        let rightPassword = "right-\(UInt64.random(in: 0...UInt64.max))"
        let wrongPassword = "wrong-\(UInt64.random(in: 0...UInt64.max))"
        let exists = try admin.execute("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])
        let verb = exists.isEmpty ? "CREATE" : "ALTER"
        // Utility statements take no parameters; format() quotes the password safely.
        let statement = try admin.execute(
            "SELECT format('\(verb) ROLE %I LOGIN PASSWORD %L', $1::text, $2::text) AS sql", [role, rightPassword])
        try admin.executeScript(try #require(statement.string(0, "sql")))
        try admin.executeScript("GRANT CONNECT ON DATABASE \(pgQuoteIdentifier(admin.database)) TO \(role)")

        let target = ["host": admin.host, "port": admin.port, "dbname": admin.database, "user": role]
        let good = try PGConnection(conninfo: "", password: rightPassword, overrides: target)
        #expect(try good.execute("SELECT current_user AS u").string(0, "u") == role)

        do {
            _ = try PGConnection(conninfo: "", password: wrongPassword, overrides: target)
            Issue.record("""
                the server accepted a wrong password for \(role): pg_hba.conf must ask that role for one, \
                e.g. `host all \(role) 127.0.0.1/32 scram-sha-256` above any trust line
                """)
        } catch let error as PGError {
            #expect(error.kind == .connection)
            #expect(error.description.contains("password authentication failed"), "\(error)")
            #expect(!error.description.contains(wrongPassword))
        }
    }

    @Test func resetRecoversFromALostConnection() throws {
        let connection = try TestDatabase.connect()
        let channel = TestDatabase.uniqueName("reset")
        try connection.listen(channel)
        let killer = try TestDatabase.connect()
        try killer.execute("SELECT pg_terminate_backend($1::int)", [String(connection.backendPID)])

        let error = #expect(throws: PGError.self) { try connection.execute("SELECT 1") }
        #expect(error?.kind == .connection)
        #expect(error?.isRetryable == true)
        #expect(!connection.isOK)

        try connection.reset()
        #expect(connection.isOK)
        #expect(try connection.execute("SELECT current_setting('TimeZone') AS tz").string(0, "tz") == "UTC")
        try killer.notify(channel, payload: "after reset")
        #expect(try connection.waitForNotifications(timeout: 5).map(\.payload) == ["after reset"])
    }

    @Test func closedConnectionRefusesWork() throws {
        let connection = try TestDatabase.connect()
        connection.close()
        #expect(!connection.isOK)
        let error = #expect(throws: PGError.self) { try connection.execute("SELECT 1") }
        #expect(error?.kind == .connection)
    }
}
