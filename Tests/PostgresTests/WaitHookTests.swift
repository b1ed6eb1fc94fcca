import Postgres
import Testing

@Suite("Work while a statement runs")
struct WaitHookTests {
    @Test("the hook is called on the calling thread while a statement runs, and results, errors and COPY work as without it")
    func hookRunsDuringStatements() throws {
        let connection = try TestDatabase.connect()
        var calls = 0
        connection.waitHook = PGWaitHook(every: 0.05) {
            calls += 1
            return true
        }
        let slept = try connection.execute("SELECT pg_sleep(0.5), $1::int + 1 AS n", ["41"])
        #expect(slept.int(0, "n") == 42)
        #expect(calls >= 5)
        // The connection is ready for the next statement, and errors come through as usual.
        #expect(try connection.execute("SELECT 7 AS n").int(0, "n") == 7)
        #expect(throws: PGError.self) { try connection.execute("SELECT * FROM no_such_table_here") }
        try TestDatabase.withTable("hooked", columns: "id int", on: connection) { table in
            let stored = try connection.copyIn("COPY \(table) (id) FROM STDIN", rows: (0..<1000).map { [String($0)] })
            #expect(stored == 1000)
            #expect(try connection.execute("SELECT count(*) AS n FROM \(table)").int(0, "n") == 1000)
        }
    }

    @Test("a hook returning false cancels the statement: it fails with 57014 and the transaction rolls back")
    func hookCancels() throws {
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("cancelled", columns: "id int", on: connection) { table in
            connection.waitHook = PGWaitHook(every: 0.05) { false }
            let error = #expect(throws: PGError.self) {
                try connection.transaction {
                    _ = try connection.execute("INSERT INTO \(table) VALUES (1)")
                    _ = try connection.execute("SELECT pg_sleep(30)")
                }
            }
            #expect(error?.sqlState == "57014")
            connection.waitHook = nil
            let rows = try connection.execute("SELECT count(*) AS n FROM \(table)").int(0, "n")
            #expect(rows == 0)
        }
    }
}
