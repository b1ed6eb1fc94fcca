import Postgres
import Testing

@Suite("Statements and transactions")
struct ExecuteTests {
    @Test func parametersAreBoundNeverInterpolated() throws {
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("params", columns: "id int PRIMARY KEY, note text", on: connection) { table in
            let notes: [String?] = [
                "Robert'); DROP TABLE \(table); --", "it's \"quoted\"", "$1 $2 \\x00 \\N", "Ünïcødé ✓ 💧 水", nil, "",
            ]
            for (id, note) in notes.enumerated() {
                let inserted = try connection.execute("INSERT INTO \(table) (id, note) VALUES ($1, $2)", [String(id), note])
                #expect(inserted.affectedRows == 1)
            }
            let result = try connection.execute("SELECT id, note FROM \(table) ORDER BY id")
            #expect(result.columns == ["id", "note"])
            #expect(result.rows.map { $0[1] } == notes)
            #expect(result.int(4, "id") == 4)
            #expect(result.string(4, "note") == nil)
            let matching = try connection.execute("SELECT count(*) AS n FROM \(table) WHERE note = $1", [notes[0]])
            #expect(matching.int(0, "n") == 1)
        }
    }

    @Test func typedHelpersReadPostgresText() throws {
        let connection = try TestDatabase.connect()
        let micros: Int64 = 1_772_410_500_123_456
        let result = try connection.execute(
            """
            SELECT 42::bigint AS n, 45.23::float8 AS x, 'NaN'::float8 AS nan, true AS yes, false AS no,
                   $1::timestamptz AS ts, NULL::int AS missing
            """,
            [PGTimestamp.string(fromMicros: micros)])
        #expect(result.int(0, "n") == 42)
        #expect(result.int64(0, "n") == 42)
        #expect(result.double(0, "x") == 45.23)
        #expect(result.double(0, "nan")?.isNaN == true)
        #expect(result.bool(0, "yes") == true)
        #expect(result.bool(0, "no") == false)
        #expect(result.timestampMicros(0, "ts") == micros)
        #expect(result.int(0, "missing") == nil)
        #expect(result.columnPosition("nope") == nil)
    }

    @Test func serverAgreesWithTheTimestampHelpers() throws {
        let connection = try TestDatabase.connect()
        for micros: Int64 in [0, -1, 1_772_410_500_000_000, 1_772_410_500_500_000, 951_827_696_000_001, -62_135_596_800_000_001] {
            // The server computes the text itself from the number, independently of our encoder.
            // Days and the rest apart, as bigint * interval goes through float8 and would round.
            let result = try connection.execute(
                """
                SELECT (timestamptz 'epoch' + ($1::bigint / 86400000000) * interval '1 day'
                        + ($1::bigint % 86400000000) * interval '1 microsecond')::text AS ts
                """, [String(micros)])
            let serverText = try #require(result.string(0, "ts"))
            #expect(serverText == PGTimestamp.string(fromMicros: micros))
            #expect(PGTimestamp.micros(from: serverText) == micros)
        }
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Abort: Error {}
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("tx", columns: "id int", on: connection) { table in
            #expect(throws: Abort.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO \(table) VALUES (1)")
                    throw Abort()
                }
            }
            #expect(try connection.execute("SELECT id FROM \(table)").isEmpty)

            let value = try connection.transaction {
                try connection.execute("INSERT INTO \(table) VALUES (2)")
                return "committed"
            }
            #expect(value == "committed")
            #expect(try connection.execute("SELECT id FROM \(table)").rows == [["2"]])
        }
    }

    @Test func nestedTransactionRollsBackOnlyItsOwnWork() throws {
        struct BadFile: Error {}
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("nested", columns: "id int", on: connection) { table in
            try connection.transaction {
                try connection.execute("INSERT INTO \(table) VALUES (1)")
                #expect(throws: BadFile.self) {
                    try connection.transaction {
                        try connection.execute("INSERT INTO \(table) VALUES (2)")
                        throw BadFile()
                    }
                }
                // A failed statement inside the inner level must not doom the outer one.
                #expect(throws: PGError.self) {
                    try connection.transaction { try connection.execute("INSERT INTO \(table) VALUES ('x')") }
                }
                try connection.transaction { try connection.execute("INSERT INTO \(table) VALUES (3)") }
            }
            #expect(try connection.execute("SELECT id FROM \(table) ORDER BY id").rows == [["1"], ["3"]])
        }
    }

    @Test func swallowedErrorMakesCommitThrow() throws {
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("swallow", columns: "id int", on: connection) { table in
            let error = #expect(throws: PGError.self) {
                try connection.transaction {
                    try connection.execute("INSERT INTO \(table) VALUES (1)")
                    _ = try? connection.execute("SELECT 1/0")
                }
            }
            #expect(error?.message.contains("rolled back") == true)
            let stored = try connection.execute("SELECT id FROM \(table)")
            #expect(stored.isEmpty)
        }
    }

    @Test func errorsMapToKinds() throws {
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("unique", columns: "id int PRIMARY KEY", on: connection) { table in
            try connection.execute("INSERT INTO \(table) VALUES ($1)", ["7"])
            let duplicate = #expect(throws: PGError.self) {
                try connection.execute("INSERT INTO \(table) VALUES ($1)", ["7"])
            }
            #expect(duplicate?.kind == .uniqueViolation)
            #expect(duplicate?.sqlState == "23505")
            #expect(duplicate?.isRetryable == false)
            #expect(duplicate?.detail?.contains("(id)=(7)") == true)
        }
        let missing = #expect(throws: PGError.self) {
            try connection.execute("SELECT * FROM \(pgQuoteIdentifier(TestDatabase.uniqueName("missing")))")
        }
        #expect(missing?.kind == .undefinedTable)
        // The connection stays usable after errors.
        #expect(try connection.execute("SELECT 1 AS one").int(0, "one") == 1)
    }

    @Test func scriptsRunManyStatementsAndStopAtTheFirstError() throws {
        let connection = try TestDatabase.connect()
        let table = pgQuoteIdentifier(TestDatabase.uniqueName("script"))
        defer { _ = try? connection.executeScript("DROP TABLE IF EXISTS \(table)") }
        try connection.executeScript("""
            CREATE TABLE \(table) (id int);
            INSERT INTO \(table) VALUES (1), (2);
            CREATE INDEX ON \(table) (id);
            """)
        #expect(try connection.execute("SELECT count(*) AS n FROM \(table)").int(0, "n") == 2)
        let error = #expect(throws: PGError.self) {
            try connection.executeScript("INSERT INTO \(table) VALUES (3); SELECT 1/0; INSERT INTO \(table) VALUES (4)")
        }
        #expect(error?.sqlState == "22012")
        // One implicit transaction: the statement before the error is undone too.
        #expect(try connection.execute("SELECT count(*) AS n FROM \(table)").int(0, "n") == 2)
    }
}
