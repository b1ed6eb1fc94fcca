import Foundation
import Postgres
import Testing

@Suite("COPY FROM STDIN")
struct CopyTests {
    @Test func trickyTextRoundTripsExactly() throws {
        let connection = try TestDatabase.connect()
        let longText = String(repeating: "x\t\\y\n", count: 40_000)  // crosses several 64 KiB chunks
        let texts: [String?] = [
            "tab\there", "new\nline", "cr\rlf\r\n", "back\\slash", "ends with backslash\\", "\\N", "\\.", "\\",
            "", nil, "Ünïcødé ✓ 💧 水", "'single' \"double\"", longText,
        ]
        try TestDatabase.withTable("copytext", columns: "id int, t text", on: connection) { table in
            let copied = try connection.copyIn(
                "COPY \(table) (id, t) FROM STDIN", rows: texts.enumerated().map { [String($0.offset), $0.element] })
            #expect(copied == texts.count)
            let result = try connection.execute("SELECT t FROM \(table) ORDER BY id")
            #expect(result.rows.map { $0[0] } == texts)
        }
    }

    @Test func manyRowsCrossChunkBoundariesIntact() throws {
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("copymany", columns: "id int, t text", on: connection) { table in
            let rows = (0..<30_000).lazy.map { index -> [String?] in [String(index), "row \(index)\twith tab"] }
            #expect(try connection.copyIn("COPY \(table) FROM STDIN", rows: rows) == 30_000)
            let check = try connection.execute(
                "SELECT count(*) AS n, count(*) FILTER (WHERE t = 'row ' || id || E'\\twith tab') AS intact FROM \(table)")
            #expect(check.int(0, "n") == 30_000)
            #expect(check.int(0, "intact") == 30_000)
        }
    }

    @Test func encodedReadingsRoundTrip() throws {
        let connection = try TestDatabase.connect()
        let start: Int64 = 1_772_410_500_000_000
        let values: [Double] = [45.23, -0.1, 1e-300, 123_456_789.123_456_7, .pi, 0]
        var encoder = PGCopyEncoder()
        for (index, value) in values.enumerated() {
            encoder.appendText("PL\(index)")
            encoder.appendText("pressure")
            encoder.appendTimestamp(micros: start + Int64(index) * 900_000_123)
            encoder.appendDouble(value)
            encoder.endRow()
        }
        try TestDatabase.withTable(
            "copyreadings", columns: "logger_id text, channel text, ts timestamptz, value float8", on: connection
        ) { table in
            #expect(try connection.copyIn("COPY \(table) FROM STDIN", data: encoder.bytes) == values.count)
            let result = try connection.execute("SELECT logger_id, ts, value FROM \(table) ORDER BY ts")
            for (index, value) in values.enumerated() {
                #expect(result.string(index, "logger_id") == "PL\(index)")
                #expect(result.timestampMicros(index, "ts") == start + Int64(index) * 900_000_123)
                #expect(result.double(index, "value") == value)
            }
        }
    }

    @Test func badDataStoresNothingAndLeavesTheConnectionUsable() throws {
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("copybad", columns: "id int, value float8", on: connection) { table in
            let rows: [[String?]] = (0..<5000).map { [String($0), $0 == 4321 ? "not a number" : "1.5"] }
            let error = #expect(throws: PGError.self) {
                try connection.copyIn("COPY \(table) FROM STDIN", rows: rows)
            }
            #expect(error?.sqlState == "22P02")
            let stored = try connection.execute("SELECT count(*) AS n FROM \(table)")
            #expect(stored.int(0, "n") == 0)
        }
        let missing = #expect(throws: PGError.self) {
            try connection.copyIn("COPY \(pgQuoteIdentifier(TestDatabase.uniqueName("nocopy"))) FROM STDIN", rows: [["1"]])
        }
        #expect(missing?.kind == .undefinedTable)
        #expect(try connection.execute("SELECT 2 AS two").int(0, "two") == 2)
    }

    @Test func copyRunsInsideATransaction() throws {
        struct Abort: Error {}
        let connection = try TestDatabase.connect()
        try TestDatabase.withTable("copytx", columns: "id int", on: connection) { table in
            #expect(throws: Abort.self) {
                try connection.transaction {
                    try connection.copyIn("COPY \(table) FROM STDIN", rows: [["1"], ["2"]])
                    throw Abort()
                }
            }
            let stored = try connection.execute("SELECT count(*) AS n FROM \(table)")
            #expect(stored.int(0, "n") == 0)
        }
    }

    /// 100,000 readings of (text, text, timestamptz, double) must cost well under a second
    /// of this thread's CPU (the server's work is not counted).
    @Test func hundredThousandRowsAreCheap() throws {
        let connection = try TestDatabase.connect()
        let start: Int64 = 1_772_410_500_000_000
        let rows = (0..<100_000).map { index -> [String?] in
            let logger = "PL\(index % 300)"
            let channel = index % 2 == 0 ? "flow" : "pressure"
            let timestamp = PGTimestamp.string(fromMicros: start + Int64(index / 300) * 900_000_000)
            return [logger, channel, timestamp, String(Double(index) * 0.01)]
        }
        try TestDatabase.withTable(
            "copyspeed", columns: "logger_id text, channel text, ts timestamptz, value float8", on: connection
        ) { table in
            let cpuBefore = threadCPUSeconds()
            let copied = try connection.copyIn("COPY \(table) FROM STDIN", rows: rows)
            let cpuSeconds = threadCPUSeconds() - cpuBefore
            #expect(copied == rows.count)
            #expect(cpuSeconds < 1.0, "COPY of 100,000 rows took \(cpuSeconds) s of client CPU")
        }
    }

    private func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
