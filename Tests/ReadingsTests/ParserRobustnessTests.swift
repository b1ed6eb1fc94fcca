import Testing
import Readings

/// Property-style tests: whatever bytes arrive, the parser answers (readings or a rejection)
/// without trapping, and what it answers is self-consistent.
@Suite struct ParserRobustnessTests {
    let validFile = Array("""
        logger_id,channel,timestamp,value\r
        FM001,flow,2026-03-02T00:00:00Z,816.870\r
        "PL001","pressure","2026-03-02T05:45:00+05:30",4.5e1\r
        PL001,pressure,2026-03-02 00:30,-0.25\r

        """.utf8)

    /// Checks that every reported line exists and every reading is within the accepted years.
    func checkConsistent(_ bytes: [UInt8], parser: ReadingFileParser = ReadingFileParser()) {
        let lineCount = bytes.split(omittingEmptySubsequences: false) { $0 == 0x0A || $0 == 0x0D }.count
        do {
            let parsed = try parser.parse(bytes)
            #expect(!parsed.readings.isEmpty)
            for reading in parsed.readings {
                #expect(reading.value.isFinite)
                #expect(reading.line >= 1 && reading.line <= lineCount)
                #expect(!reading.loggerID.isEmpty && !reading.channel.isEmpty)
                // 1970-01-01 minus a day of offset ... 2101-01-01 plus a day.
                #expect(reading.timestamp >= -86_400_000_000 && reading.timestamp <= epochMicros(2101, 1, 2))
            }
            for error in parsed.rowErrors {
                #expect(error.line >= 1 && error.line <= lineCount)
                #expect(!error.reason.isEmpty)
            }
        } catch {
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func randomBytesNeverCrashTheParser() {
        var generator = SeededGenerator(seed: 0xB0B)
        for _ in 0..<5000 {
            let length = Int.random(in: 0...300, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            checkConsistent(bytes)
        }
    }

    @Test func randomCSVAlphabetNeverCrashesTheParser() {
        // Bytes the parser branches on, so random input reaches deep into every path.
        let alphabet = Array("0123456789-+:.,TZ eE\"\r\n\tabcnNiIfF\u{FEFF}é".utf8)
        var generator = SeededGenerator(seed: 0xC5F)
        let parser = ReadingFileParser(naiveOffsetSeconds: 19_800, maxLineBytes: 120)
        for _ in 0..<5000 {
            let length = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator) ?? 0x30 }
            checkConsistent(bytes, parser: parser)
        }
    }

    @Test func mutatedValidFilesNeverCrashTheParser() {
        var generator = SeededGenerator(seed: 0xF11E)
        for _ in 0..<5000 {
            var bytes = validFile
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0x20...0x7E, using: &generator), at: position)
                }
                if bytes.isEmpty { break }
            }
            checkConsistent(bytes)
        }
    }

    @Test func extremeConfigurationDoesNotTrap() throws {
        let parser = ReadingFileParser(naiveOffsetSeconds: Int.max, maxFileBytes: Int.max, maxLineBytes: 0)
        #expect(throws: FileRejection.self) { try parser.parse(validFile) }
        let wrapping = ReadingFileParser(naiveOffsetSeconds: Int.min)
        _ = try wrapping.parse(Array("FM001,flow,2026-03-02T00:00:00,1".utf8))
    }

    @Test func scenarioDropFileShapesAtScaleParseCompletely() throws {
        // A day of 15-minute readings for 4 loggers in one file.
        var text = "logger_id,channel,timestamp,value\n"
        var expectedCount = 0
        for logger in ["FM001", "FM002", "PL001", "PL002"] {
            for step in 0..<96 {
                let micros = epochMicros(2026, 3, 2) + Int64(step) * 900_000_000
                text += "\(logger),\(logger.hasPrefix("FM") ? "flow" : "pressure"),\(ISOTimestamp.format(micros)),\(Double(step) * 1.25)\n"
                expectedCount += 1
            }
        }
        let parsed = try parseFile(text)
        #expect(parsed.readings.count == expectedCount)
        #expect(parsed.rowErrors.isEmpty)
        #expect(parsed.readings.last?.value == 95 * 1.25)
        #expect(parsed.readings.last?.timestamp == epochMicros(2026, 3, 2, 23, 45))
    }
}
