import Foundation
import Testing
import Readings

/// Every file in HostileCorpus/ with the exact outcome a user depends on: which rows are kept,
/// and for each refused row or file, the line and the reason (the ingest prefixes the file name).
/// The fuzzer (scripts/fuzz readings) starts from these files.
@Suite struct HostileCorpusTests {
    enum Outcome {
        /// The whole file is refused (dead-lettered) with this kind and reason.
        case rejected(FileRejection.Kind, String)
        /// Rows kept as `line: logger|channel|timestamp|value`, and row errors as `line N: reason`.
        case parsed(readings: [String], rowErrors: [String])
    }

    static let expected: [String: Outcome] = [
        "empty.csv": .rejected(.empty, "empty file: no data rows"),
        "blank-lines-only.csv": .rejected(.empty, "empty file: no data rows"),
        "header-only.csv": .rejected(.empty, "empty file: a header and no data rows"),
        "header-only-crlf-bom.csv": .rejected(.empty, "empty file: a header and no data rows"),
        "header-wrong-order.csv": .rejected(.badHeader,
            "header columns timestamp,logger_id,channel,value are not in the order logger_id,channel,timestamp,value"),
        "binary-gzip.csv": .rejected(.binary, "binary content: control byte 0x1F on line 1 at byte offset 0"),
        "binary-png.csv": .rejected(.invalidUTF8, "invalid UTF-8 on line 1 at byte offset 0"),
        "nul-padded.csv": .rejected(.binary, "binary content: NUL byte on line 3 at byte offset 76"),
        "control-byte.csv": .rejected(.binary, "binary content: control byte 0x1B on line 3 at byte offset 113"),
        "invalid-utf8-latin1.csv": .rejected(.invalidUTF8, "invalid UTF-8 on line 2 at byte offset 35"),
        "invalid-utf8-overlong.csv": .rejected(.invalidUTF8, "invalid UTF-8 on line 2 at byte offset 75"),
        "invalid-utf8-surrogate.csv": .rejected(.invalidUTF8, "invalid UTF-8 on line 2 at byte offset 39"),
        "invalid-utf8-truncated.csv": .rejected(.invalidUTF8, "invalid UTF-8 on line 3 at byte offset 116"),
        "utf16le-bom.csv": .rejected(.invalidUTF8, "UTF-16 text (byte order mark FF FE on line 1); logger files must be UTF-8"),
        "all-rows-bad.csv": .rejected(.noValidRows,
            "no valid rows: all 2 rows were rejected; first: line 2: bad timestamp \"not-a-time\": not ISO 8601 at character 1 (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)"),
        "semicolon-separated.csv": .rejected(.noValidRows,
            "no valid rows: all 3 rows were rejected; first: line 1: expected 4 columns, found 1 (columns are separated by commas; this line uses semicolons)"),
        "tab-separated.csv": .rejected(.noValidRows,
            "no valid rows: all 2 rows were rejected; first: line 1: expected 4 columns, found 1 (columns are separated by commas; this line uses tabs)"),

        // The contract allows a BOM, CRLF, lone CR, blank lines and quoted fields.
        "bom.csv": .parsed(readings: ["2: PL001|pressure|2026-03-02T00:15:00Z|45.23", "3: PL001|pressure|2026-03-02T00:30:00Z|45.1"], rowErrors: []),
        "bom-no-header.csv": .parsed(readings: ["1: PL001|pressure|2026-03-02T00:15:00Z|45.23"], rowErrors: []),
        "crlf.csv": .parsed(readings: ["2: FM001|flow|2026-03-02T00:00:00Z|816.87", "3: FM001|flow|2026-03-02T00:15:00Z|815.5"], rowErrors: []),
        "lone-cr.csv": .parsed(readings: ["2: FM001|flow|2026-03-02T00:00:00Z|816.87", "3: FM001|flow|2026-03-02T00:15:00Z|815.5"], rowErrors: []),
        "mixed-line-endings.csv": .parsed(readings: [
            "2: FM001|flow|2026-03-02T00:00:00Z|1.0", "3: FM001|flow|2026-03-02T00:15:00Z|2.0",
            "4: FM001|flow|2026-03-02T00:30:00Z|3.0", "7: FM001|flow|2026-03-02T00:45:00Z|4.0",
        ], rowErrors: []),
        "quoted-fields.csv": .parsed(readings: [
            "2: PL001|pressure|2026-03-02T00:15:00Z|45.23", "3: PL001|pressure|2026-03-02T00:30:00Z|45.5",
            "4: PL \"quoted\"|pressure|2026-03-02T00:45:00Z|1.0", "5: PL,comma|pressure|2026-03-02T01:00:00Z|2.0",
        ], rowErrors: [
            "line 6: column 1: quoted field has no closing quote",
            "line 7: column 1: stray quote inside an unquoted field",
            "line 8: column 1: text after the closing quote",
            "line 9: empty logger_id",
        ]),
        "timestamps-out-of-range.csv": .parsed(readings: ["2: PL001|pressure|2026-03-02T00:15:00Z|45.23"], rowErrors: [
            "line 3: bad timestamp \"1969-12-31T23:59:59Z\": year 1969 out of range 1970...2100",
            "line 4: bad timestamp \"2101-01-01T00:00:00Z\": year 2101 out of range 1970...2100",
            "line 5: bad timestamp \"9999-12-31T23:59:59Z\": year 9999 out of range 1970...2100",
            "line 6: bad timestamp \"2026-13-01T00:00:00Z\": month 13 out of range",
            "line 7: bad timestamp \"2026-02-29T00:00:00Z\": day 29 out of range for 2026-02",
            "line 8: bad timestamp \"2026-03-02T24:00:00Z\": hour 24 out of range",
            "line 9: bad timestamp \"2026-03-02T23:59:60Z\": second 60 out of range",
            "line 10: bad timestamp \"2026-03-02T00:00:00+25:00\": UTC offset 25:00 out of range",
            "line 11: bad timestamp \"2026-03-02T00:00:00.1234567890Z\": more than 9 fractional digits",
            "line 12: bad timestamp \"1772410500\": not ISO 8601 at character 5 (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)",
            "line 13: bad timestamp \"02/03/2026 00:15\": not ISO 8601 at character 1 (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)",
            "line 14: empty timestamp",
        ]),
        "timestamps-edge-valid.csv": .parsed(readings: [
            "2: PL001|pressure|1970-01-01T00:00:00Z|1.0",
            "3: PL001|pressure|2100-12-31T23:59:59.999999Z|2.0",
            "4: PL001|pressure|2024-02-28T22:00:00Z|3.0",
            "5: PL001|pressure|2026-03-02T00:15:00Z|4.0",
            "6: PL001|pressure|2026-03-02T00:15:00Z|5.0",
            "7: PL001|pressure|2026-03-02T08:15:00Z|6.0",
        ], rowErrors: []),
        // The parser keeps any finite number; the registry refuses the physically impossible
        // ones (see `registryRefusesImplausibleAndUnknownRows`).
        "values-nan-inf-negative.csv": .parsed(readings: [
            "2: PL001|pressure|2026-03-02T00:00:00Z|45.23", "11: PL001|pressure|2026-03-02T02:15:00Z|-3.5",
            "12: PL001|pressure|2026-03-02T02:30:00Z|-0.0", "13: PL001|pressure|2026-03-02T02:45:00Z|0.0",
            "14: PL001|pressure|2026-03-02T03:00:00Z|-50.0", "15: PL001|pressure|2026-03-02T03:15:00Z|20000000.0",
            "16: FM001|flow|2026-03-02T03:30:00Z|-12.5",
        ], rowErrors: [
            "line 3: bad value \"NaN\": NaN is not a reading",
            "line 4: bad value \"nan\": NaN is not a reading",
            "line 5: bad value \"inf\": infinite value",
            "line 6: bad value \"-Infinity\": infinite value",
            "line 7: bad value \"1e400\": magnitude too large for a double",
            "line 8: empty value",
            "line 9: bad value \"0x1F\": not a decimal number",
            "line 10: expected 4 columns, found 5",
        ]),
        "unknown-loggers-and-channels.csv": .parsed(readings: [
            "2: PL001|pressure|2026-03-02T00:00:00Z|45.23", "3: XX999|pressure|2026-03-02T00:00:00Z|45.23",
            "4: PL001|temperature|2026-03-02T00:00:00Z|12.5", "5: pl001|pressure|2026-03-02T00:00:00Z|45.23",
            "6: Zähler-1|flow|2026-03-02T00:00:00Z|1.0",
        ], rowErrors: []),
        "wrong-column-count.csv": .parsed(readings: ["2: PL001|pressure|2026-03-02T00:00:00Z|45.23"], rowErrors: [
            "line 3: expected 4 columns, found 3",
            "line 4: expected 4 columns, found 5",
            "line 5: expected 4 columns, found 1",
            "line 6: empty logger_id",
            "line 7: expected 4 columns, found 1 (columns are separated by commas; this line uses semicolons)",
        ]),
        "trailing-garbage.csv": .parsed(readings: [
            "2: PL001|pressure|2026-03-02T00:00:00Z|45.23", "3: PL001|pressure|2026-03-02T00:15:00Z|45.1",
        ], rowErrors: ["line 4: expected 4 columns, found 1", "line 5: expected 4 columns, found 1"]),
        "trailing-garbage-in-fields.csv": .parsed(readings: ["2: PL001|pressure|2026-03-02T00:00:00Z|45.23"], rowErrors: [
            "line 3: bad value \"45.1 m\": not a decimal number",
            "line 4: bad timestamp \"2026-03-02T00:30:00Zjunk\": not ISO 8601 at character 21 (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)",
        ]),
        "truncated-upload.csv": .parsed(readings: [
            "2: PL001|pressure|2026-03-02T00:00:00Z|45.23", "3: PL001|pressure|2026-03-02T00:15:00Z|45.1",
        ], rowErrors: ["line 4: expected 4 columns, found 3"]),
    ]

    static func corpusFolder() throws -> URL {
        try #require(Bundle.module.url(forResource: "HostileCorpus", withExtension: nil), "HostileCorpus is not a test resource")
    }

    static func corpusFile(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: try corpusFolder().appendingPathComponent(name)))
    }

    @Test func everyCorpusFileHasAnExpectedOutcome() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: try Self.corpusFolder().path).sorted()
        #expect(names.count >= 30)
        #expect(Set(names) == Set(Self.expected.keys), "files without an expectation, or expectations without a file")
    }

    @Test(arguments: expected.keys.sorted())
    func corpusFileHasItsExactOutcome(_ name: String) throws {
        let bytes = try Self.corpusFile(name)
        switch try #require(Self.expected[name]) {
        case .rejected(let kind, let reason):
            #expect(rejection(bytes) == FileRejection(kind: kind, reason: reason), "\(name)")
        case .parsed(let readings, let rowErrors):
            let parsed = try ReadingFileParser().parse(bytes)
            let shown = parsed.readings.map { "\($0.line): \($0.loggerID)|\($0.channel)|\(ISOTimestamp.format($0.timestamp))|\($0.value)" }
            #expect(shown == readings, "\(name)")
            #expect(parsed.rowErrors.map(\.description) == rowErrors, "\(name)")
        }
    }

    @Test func registryRefusesImplausibleAndUnknownRows() throws {
        let registry = try LoggerRegistry.parse(csv: """
            logger_id,channel,quantity,element,dma,sign,unit
            FM001,flow,flow,60,DMA-1,1,l/s
            PL001,pressure,pressure,229,DMA-1,,m

            """)
        let values = try registry.validate(try ReadingFileParser().parse(try Self.corpusFile("values-nan-inf-negative.csv")))
        #expect(values.readings.map(\.valueSI) == [45.23, -3.5, -0.0, 0, -12.5])
        let newErrors = values.rowErrors.filter { $0.line >= 11 }.map(\.description)
        #expect(newErrors == [
            "line 14: implausible pressure -50.0 m = -50.0 m: below -10 m, beyond a vacuum",
            "line 15: implausible value 20000000.0 m: beyond ±1e7 m",
        ])
        #expect(values.rowErrors.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10, 14, 15])

        let unknown = try registry.validate(try ReadingFileParser().parse(try Self.corpusFile("unknown-loggers-and-channels.csv")))
        #expect(unknown.readings.map(\.loggerID) == ["PL001"])
        #expect(unknown.rowErrors.map(\.description) == [
            "line 3: unknown logger \"XX999\" / channel \"pressure\"",
            "line 4: unknown channel \"temperature\" for logger \"PL001\" (registered: pressure)",
            "line 5: unknown logger \"pl001\" / channel \"pressure\"",
            "line 6: unknown logger \"Zähler-1\" / channel \"flow\"",
        ])
        // A file of unknown loggers only is refused whole, naming the first.
        let onlyUnknown = try ReadingFileParser().parse(Array("XX999,pressure,2026-03-02T00:00:00Z,1\n".utf8))
        #expect(throws: FileRejection(kind: .noValidRows,
            reason: "no valid rows: the only row was rejected; first: line 1: unknown logger \"XX999\" / channel \"pressure\"")) {
            try registry.validate(onlyUnknown)
        }
    }

    // Huge inputs are generated here rather than committed.

    @Test func fileOverTheSizeLimitIsRefusedBeforeParsing() {
        let huge = [UInt8](repeating: 0x41, count: ReadingFileParser.defaultMaxFileBytes + 1)
        #expect(rejection(huge) == FileRejection(kind: .tooLarge,
            reason: "file is 16777217 bytes, over the limit of 16777216 bytes"))
    }

    @Test func hugeLineIsOneRowErrorAndTheRestIsKept() throws {
        var bytes = Array("PL001,pressure,2026-03-02T00:00:00Z,1\n".utf8)
        bytes += [UInt8](repeating: 0x39, count: 1 << 20)  // one line of a million digits
        bytes += Array("\nPL001,pressure,2026-03-02T00:15:00Z,2\n".utf8)
        let parsed = try ReadingFileParser().parse(bytes)
        #expect(parsed.readings.map(\.line) == [1, 3])
        #expect(parsed.rowErrors.map(\.description) == ["line 2: line is 1048576 bytes long, over the limit of 65536"])
    }

    @Test func hugeValueAndLoggerFieldsAreQuotedShortInErrors() throws {
        let longValue = String(repeating: "9", count: 60_000) + "x"
        let parsed = try parseFile("PL001,pressure,2026-03-02T00:00:00Z,1\nPL001,pressure,2026-03-02T00:15:00Z,\(longValue)\n")
        let reason = try #require(parsed.rowErrors.first?.reason)
        #expect(reason == "bad value \"" + String(repeating: "9", count: 48) + "…\": not a decimal number")
    }

    @Test func bigFileJustUnderTheLimitParsesWhole() throws {
        // 200,000 rows (about 9 MB) with a million blank lines in between: counts and line
        // numbers stay exact.
        var text = "logger_id,channel,timestamp,value\n"
        text.reserveCapacity(12 << 20)
        let start = epochMicros(2026, 3, 2)
        for row in 0..<200_000 {
            text += "PL001,pressure,\(ISOTimestamp.format(start + Int64(row) * 60_000_000)),\(row % 1000).5\n"
            if row == 100_000 { text += String(repeating: "\n", count: 1_000_000) }
        }
        let parsed = try parseFile(text)
        #expect(parsed.readings.count == 200_000)
        #expect(parsed.rowErrors.isEmpty)
        #expect(parsed.readings.last?.line == 200_001 + 1_000_000)
        #expect(parsed.readings.last?.value == 999.5)
        #expect(parsed.readings.last?.timestamp == start + 199_999 * 60_000_000)
    }
}
