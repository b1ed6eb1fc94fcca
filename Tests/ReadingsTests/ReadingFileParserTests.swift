import Testing
import Readings

@Suite struct ReadingFileParserTests {
    /// A file from the example scenario's drop folder, verbatim.
    let scenarioFile = "logger_id,channel,timestamp,value\nFM001,flow,2026-03-02T00:00:00Z,816.870\n"

    @Test func parsesAScenarioFile() throws {
        let parsed = try parseFile(scenarioFile)
        #expect(parsed.readings == [Reading(loggerID: "FM001", channel: "flow", timestamp: epochMicros(2026, 3, 2), value: 816.87, line: 2)])
        #expect(parsed.rowErrors.isEmpty)
    }

    @Test func headerIsOptionalAndMatchedInAnyCase() throws {
        let bare = try parseFile("PL001,pressure,2026-03-02T00:15:00Z,45.23")
        #expect(bare.readings.map(\.value) == [45.23])
        #expect(bare.readings.first?.line == 1)
        let shouting = try parseFile(" LOGGER_ID , Channel,\"TimeStamp\",VALUE\nPL001,pressure,2026-03-02T00:15:00Z,45.23\n")
        #expect(shouting.readings.count == 1)
        #expect(shouting.rowErrors.isEmpty)
    }

    @Test func headerIsOnlyRecognisedOnTheFirstLine() throws {
        let parsed = try parseFile("PL001,pressure,2026-03-02T00:15:00Z,45.23\nlogger_id,channel,timestamp,value\n")
        #expect(parsed.readings.count == 1)
        #expect(parsed.rowErrors.map(\.description) == ["line 2: bad timestamp \"timestamp\": not ISO 8601 at character 1 (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)"])
    }

    @Test func headerInAnotherOrderRejectsTheFile() {
        let rejected = rejection("channel,logger_id,timestamp,value\nflow,FM001,2026-03-02T00:00:00Z,1\n")
        #expect(rejected?.kind == .badHeader)
        #expect(rejected?.reason.contains("channel,logger_id,timestamp,value") == true)
    }

    @Test func manyRowsAndManyLoggers() throws {
        let parsed = try parseFile("""
            logger_id,channel,timestamp,value
            FM001,flow,2026-03-02T00:00:00Z,1
            FM001,flow,2026-03-02T00:15:00Z,2
            PL001,pressure,2026-03-02T00:00:00Z,3
            PL001,pressure,2026-03-02T00:15:00Z,4
            """)
        #expect(parsed.readings.map(\.loggerID) == ["FM001", "FM001", "PL001", "PL001"])
        #expect(parsed.readings.map(\.channel) == ["flow", "flow", "pressure", "pressure"])
        #expect(parsed.readings.map(\.value) == [1, 2, 3, 4])
        #expect(parsed.readings.map(\.timestamp) == [epochMicros(2026, 3, 2), epochMicros(2026, 3, 2, 0, 15), epochMicros(2026, 3, 2), epochMicros(2026, 3, 2, 0, 15)])
        #expect(parsed.readings.map(\.line) == [2, 3, 4, 5])
    }

    @Test func bomCRLFBlankLinesAndSpacesAreTolerated() throws {
        let text = "\u{FEFF}logger_id,channel,timestamp,value\r\n\r\n  FM001 ,\tflow , 2026-03-02T00:00:00Z , 1.5 \r\n   \r\nFM001,flow,2026-03-02T00:15:00Z,2\r"
        let parsed = try parseFile(text)
        #expect(parsed.rowErrors.isEmpty)
        #expect(parsed.readings.map(\.loggerID) == ["FM001", "FM001"])
        #expect(parsed.readings.map(\.channel) == ["flow", "flow"])
        #expect(parsed.readings.map(\.value) == [1.5, 2])
        #expect(parsed.readings.map(\.line) == [3, 5])
    }

    @Test func loneCarriageReturnsEndLines() throws {
        let parsed = try parseFile("FM001,flow,2026-03-02T00:00:00Z,1\rFM001,flow,2026-03-02T00:15:00Z,2")
        #expect(parsed.readings.map(\.line) == [1, 2])
    }

    @Test func quotedFieldsFollowRFC4180() throws {
        let parsed = try parseFile(#"""
            "FM001","flow","2026-03-02T00:00:00Z","1.25"
            "FM ""A""", "flow" ,2026-03-02T00:15:00Z,2
            "FM,B",flow,2026-03-02T00:30:00Z,"3"
            """#)
        #expect(parsed.rowErrors.isEmpty)
        #expect(parsed.readings.map(\.loggerID) == ["FM001", "FM \"A\"", "FM,B"])
        #expect(parsed.readings.map(\.value) == [1.25, 2, 3])
    }

    @Test func badQuotingIsARowError() throws {
        let parsed = try parseFile("""
            FM001,flow,2026-03-02T00:00:00Z,1
            "FM001,flow,2026-03-02T00:15:00Z,2
            "FM001"x,flow,2026-03-02T00:15:00Z,2
            FM"001,flow,2026-03-02T00:15:00Z,2
            """)
        #expect(parsed.readings.count == 1)
        #expect(parsed.rowErrors.map(\.description) == [
            "line 2: column 1: quoted field has no closing quote",
            "line 3: column 1: text after the closing quote",
            "line 4: column 1: stray quote inside an unquoted field",
        ])
    }

    @Test func wrongColumnCountIsARowError() throws {
        let parsed = try parseFile("""
            logger_id,channel,timestamp,value
            FM001,flow,2026-03-02T00:00:00Z
            FM001,flow,2026-03-02T00:00:00Z,1,extra
            FM001,flow,2026-03-02T00:00:00Z,1,
            FM001,flow,2026-03-02T00:15:00Z,2
            """)
        #expect(parsed.readings.count == 1)
        #expect(parsed.rowErrors.map(\.description) == [
            "line 2: expected 4 columns, found 3",
            "line 3: expected 4 columns, found 5",
            "line 4: expected 4 columns, found 5",
        ])
    }

    @Test func badTimestampsAreRowErrorsNamingLineAndReason() throws {
        let parsed = try parseFile("""
            logger_id,channel,timestamp,value
            FM001,flow,2026-03-02T00:00:00Z,1
            FM001,flow,2026-13-01T00:00:00Z,1
            FM001,flow,2026-02-30T00:00:00Z,1
            FM001,flow,1969-12-31T23:59:59Z,1
            FM001,flow,,1
            FM001,flow,yesterday,1
            """)
        #expect(parsed.rowErrors.map(\.description) == [
            "line 3: bad timestamp \"2026-13-01T00:00:00Z\": month 13 out of range",
            "line 4: bad timestamp \"2026-02-30T00:00:00Z\": day 30 out of range for 2026-02",
            "line 5: bad timestamp \"1969-12-31T23:59:59Z\": year 1969 out of range 1970...2100",
            "line 6: empty timestamp",
            "line 7: bad timestamp \"yesterday\": not ISO 8601 at character 1 (expected YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z, ±HH:MM or nothing)",
        ])
    }

    @Test func offsetsAndNaiveTimestampsConvertToUTC() throws {
        let text = """
            PL001,pressure,2026-03-02T05:45:00+05:30,1
            PL001,pressure,2026-03-02T05:45:00+0530,2
            PL001,pressure,2026-03-02 01:15:00,3
            """
        let parsed = try parseFile(text, naiveOffsetSeconds: 3600)
        #expect(parsed.readings.map(\.timestamp) == Array(repeating: epochMicros(2026, 3, 2, 0, 15), count: 3))
    }

    @Test func badValuesAreRowErrors() throws {
        let parsed = try parseFile("""
            FM001,flow,2026-03-02T00:00:00Z,1
            FM001,flow,2026-03-02T00:00:00Z,
            FM001,flow,2026-03-02T00:00:00Z,NaN
            FM001,flow,2026-03-02T00:00:00Z,-inf
            FM001,flow,2026-03-02T00:00:00Z,Infinity
            FM001,flow,2026-03-02T00:00:00Z,12abc
            FM001,flow,2026-03-02T00:00:00Z,1e999
            FM001,flow,2026-03-02T00:00:00Z,0x1p3
            FM001,flow,2026-03-02T00:00:00Z,1,5
            FM001,flow,2026-03-02T00:00:00Z,.
            FM001,flow,2026-03-02T00:00:00Z,1e
            FM001,flow,2026-03-02T00:00:00Z,--1
            """)
        #expect(parsed.readings.count == 1)
        #expect(parsed.rowErrors.map(\.description) == [
            "line 2: empty value",
            "line 3: bad value \"NaN\": NaN is not a reading",
            "line 4: bad value \"-inf\": infinite value",
            "line 5: bad value \"Infinity\": infinite value",
            "line 6: bad value \"12abc\": not a decimal number",
            "line 7: bad value \"1e999\": magnitude too large for a double",
            "line 8: bad value \"0x1p3\": not a decimal number",
            "line 9: expected 4 columns, found 5",
            "line 10: bad value \".\": not a decimal number",
            "line 11: bad value \"1e\": not a decimal number",
            "line 12: bad value \"--1\": not a decimal number",
        ])
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("+4.5", 4.5), ("45.23", 45.23), (".5", 0.5), ("5.", 5.0),
        ("1e3", 1000.0), ("1.5E-3", 0.0015), ("-2.5e+2", -250.0), ("007.50", 7.5),
        ("0.000000000000000000000000001", 1e-27), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("9007199254740993", 9007199254740992.0), ("0.1", 0.1), ("2.2250738585072014e-308", 2.2250738585072014e-308),
        ("1e-400", 0.0), ("816.870", 816.87), ("1e22", 1e22), ("1e23", 1e23),
    ])
    func valuesParseExactlyLikeTheStandardLibrary(text: String, expected: Double) throws {
        let parsed = try parseFile("FM001,flow,2026-03-02T00:00:00Z,\(text)")
        let value = try #require(parsed.readings.first?.value)
        #expect(value == expected)
        #expect(value.sign == expected.sign)
        #expect(value == Double(text.hasPrefix(".") ? "0" + text : text))
    }

    @Test func valuesMatchTheStandardLibraryForManyGeneratedDecimals() throws {
        var generator = SeededGenerator(seed: 42)
        var lines: [String] = []
        var expected: [Double] = []
        for _ in 0..<3000 {
            let digits = Int.random(in: 1...22, using: &generator)
            var text = Bool.random(using: &generator) ? "-" : ""
            for position in 0..<digits {
                text.append(Character(String(Int.random(in: 0...9, using: &generator))))
                if position == digits / 2 && Bool.random(using: &generator) { text.append(".") }
            }
            if Int.random(in: 0..<4, using: &generator) == 0 { text += "e\(Int.random(in: -30...30, using: &generator))" }
            lines.append("FM001,flow,2026-03-02T00:00:00Z,\(text)")
            expected.append(try #require(Double(text)))
        }
        let parsed = try parseFile(lines.joined(separator: "\n"))
        #expect(parsed.rowErrors.isEmpty)
        #expect(parsed.readings.map(\.value) == expected)
    }

    @Test func emptyIdentifiersAreRowErrors() throws {
        let parsed = try parseFile("""
            FM001,flow,2026-03-02T00:00:00Z,1
            ,flow,2026-03-02T00:00:00Z,1
            FM001,"  ",2026-03-02T00:00:00Z,1
            """)
        #expect(parsed.rowErrors.map(\.description) == ["line 2: empty logger_id", "line 3: empty channel"])
    }

    @Test func longFieldsAreCutShortInErrors() throws {
        let junk = String(repeating: "x", count: 1000)
        let parsed = try parseFile("FM001,flow,2026-03-02T00:00:00Z,1\nFM001,flow,2026-03-02T00:00:00Z,\(junk)\n")
        let reason = try #require(parsed.rowErrors.first?.reason)
        #expect(reason == "bad value \"\(String(repeating: "x", count: 48))…\": not a decimal number")
    }

    @Test func overlongLinesAreRowErrorsWithoutBeingParsed() throws {
        let parser = ReadingFileParser(maxLineBytes: 100)
        let long = "FM001,flow,2026-03-02T00:00:00Z," + String(repeating: "1", count: 200)
        let parsed = try parser.parse(Array("FM001,flow,2026-03-02T00:00:00Z,1\n\(long)\n".utf8))
        #expect(parsed.readings.count == 1)
        #expect(parsed.rowErrors.map(\.description) == ["line 2: line is \(long.utf8.count) bytes long, over the limit of 100"])
    }

    @Test func lineCapDefaultsTo64KiB() throws {
        let long = "FM001,flow,2026-03-02T00:00:00Z," + String(repeating: "1", count: 70_000)
        let parsed = try parseFile("FM001,flow,2026-03-02T00:00:00Z,1\n\(long)\n")
        #expect(parsed.rowErrors.first?.reason.hasPrefix("line is ") == true)
    }
}

@Suite struct ReadingFileRejectionTests {
    @Test func emptyFilesAreRejected() {
        #expect(rejection([])?.kind == .empty)
        #expect(rejection(" \n\r\n\t \n")?.kind == .empty)
        #expect(rejection("\u{FEFF}")?.kind == .empty)
        let headerOnly = rejection("logger_id,channel,timestamp,value\r\n")
        #expect(headerOnly == FileRejection(kind: .empty, reason: "empty file: a header and no data rows"))
    }

    @Test func fileWithNoValidRowNamesTheFirstErrorAndTheCount() {
        let rejected = rejection("logger_id,channel,timestamp,value\nFM001,flow,2026-13-01T00:00:00Z,1\nFM001,flow\n")
        #expect(rejected?.kind == .noValidRows)
        #expect(rejected?.reason == "no valid rows: all 2 rows were rejected; first: line 2: bad timestamp \"2026-13-01T00:00:00Z\": month 13 out of range")
        #expect(rejection("FM001,flow")?.reason == "no valid rows: the only row was rejected; first: line 1: expected 4 columns, found 2")
    }

    @Test func invalidUTF8NamesTheByteOffset() {
        var bytes = Array("FM001,flow,2026-03-02T00:00:00Z,1\nPL".utf8)
        bytes.append(0xB0)  // Latin-1 degree sign
        bytes += Array("1,pressure,2026-03-02T00:00:00Z,1\n".utf8)
        #expect(rejection(bytes) == FileRejection(kind: .invalidUTF8, reason: "invalid UTF-8 on line 2 at byte offset 36"))
        // Overlong encoding, surrogate, truncated sequence, beyond U+10FFFF.
        #expect(rejection([0x41, 0xC0, 0xAF])?.reason == "invalid UTF-8 on line 1 at byte offset 1")
        #expect(rejection([0x41, 0xED, 0xA0, 0x80])?.reason == "invalid UTF-8 on line 1 at byte offset 1")
        #expect(rejection([0x41, 0x42, 0xE2, 0x82])?.reason == "invalid UTF-8 on line 1 at byte offset 2")
        #expect(rejection([0xF4, 0x90, 0x80, 0x80])?.reason == "invalid UTF-8 on line 1 at byte offset 0")
    }

    @Test func validMultibyteTextIsNotRejected() throws {
        let parsed = try parseFile("Zähler-°1,Durchfluß,2026-03-02T00:00:00Z,1\n😀,flow,2026-03-02T00:00:00Z,2")
        #expect(parsed.readings.map(\.loggerID) == ["Zähler-°1", "😀"])
    }

    @Test func binaryContentIsRejected() {
        var withNUL = Array("FM001,flow,2026-03-02T00:00:00Z,1\n".utf8)
        withNUL.insert(0, at: 3)
        #expect(rejection(withNUL) == FileRejection(kind: .binary, reason: "binary content: NUL byte on line 1 at byte offset 3"))
        let gzipHeader: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect(rejection(gzipHeader) == FileRejection(kind: .binary, reason: "binary content: control byte 0x1F on line 1 at byte offset 0"))
        #expect(rejection(Array("a\u{7F}b".utf8))?.kind == .binary)
    }

    @Test func filesOverTheSizeCapAreRejected() {
        let parser = ReadingFileParser(maxFileBytes: 64)
        let bytes = Array(String(repeating: "FM001,flow,2026-03-02T00:00:00Z,1\n", count: 3).utf8)
        #expect(rejection(bytes, parser: parser) == FileRejection(kind: .tooLarge, reason: "file is 102 bytes, over the limit of 64 bytes"))
        #expect(ReadingFileParser().maxFileBytes == 16 * 1024 * 1024)
    }

    @Test func rawBufferEntryPointMatchesArrayEntryPoint() throws {
        let bytes = Array("FM001,flow,2026-03-02T00:00:00Z,1\nbad\n".utf8)
        let fromRaw = try bytes.withUnsafeBytes { try ReadingFileParser().parse($0) }
        #expect(fromRaw == (try ReadingFileParser().parse(bytes)))
        #expect(throws: FileRejection.self) { try [UInt8]().withUnsafeBytes { try ReadingFileParser().parse($0) } }
    }
}
