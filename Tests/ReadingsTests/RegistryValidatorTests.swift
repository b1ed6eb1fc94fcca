import Testing
import Readings

@Suite struct RegistryValidatorTests {
    let registry: LoggerRegistry

    init() throws {
        registry = try LoggerRegistry.parse(csv: exampleLoggersCSV)
    }

    func validate(_ text: String) throws(FileRejection) -> ValidatedReadings {
        try registry.validate(try parseFile(text))
    }

    @Test func convertsEachUnitToSI() throws {
        let validated = try validate("""
            FM001,flow,2026-03-02T00:00:00Z,12.5
            FM002,flow,2026-03-02T00:00:00Z,3.6
            FM003,flow,2026-03-02T00:00:00Z,86.4
            FM004,flow,2026-03-02T00:00:00Z,60
            PL001,pressure,2026-03-02T00:00:00Z,45.23
            PL002,pressure,2026-03-02T00:00:00Z,1
            PL003,pressure,2026-03-02T00:00:00Z,9.80665
            PL004,pressure,2026-03-02T00:00:00Z,1
            """)
        #expect(validated.rowErrors.isEmpty)
        let values = validated.readings.map(\.valueSI)
        #expect(values[0] == 12.5)
        #expect(values[1] == 1)
        #expect(values[2] == 1000)
        #expect(abs(values[3] - 3.785_411_784) < 1e-12)
        #expect(values[4] == 45.23)
        #expect(abs(values[5] - 10.197_162_129_779) < 1e-9)
        #expect(abs(values[6] - 1) < 1e-12)
        #expect(abs(values[7] - 0.703_069_579_640) < 1e-10)
        #expect(validated.readings.map(\.dma) == ["DMA-1", "DMA-1", "DMA-2", "DMA-2", "DMA-1", "DMA-1", "DMA-2", "DMA-2"])
        #expect(validated.readings[0] == NormalizedReading(loggerID: "FM001", channel: "flow", timestamp: epochMicros(2026, 3, 2), valueSI: 12.5, dma: "DMA-1"))
    }

    @Test func flowKeepsTheWrittenSignOfAnOutflowChannel() throws {
        // FM002 has DMA sign -1: the stored reading is still what the logger measured.
        let validated = try validate("FM002,flow,2026-03-02T00:00:00Z,-7.2")
        #expect(validated.readings.map(\.valueSI) == [-2])
    }

    @Test func unknownLoggersAndChannelsAreRowErrors() throws {
        let validated = try validate("""
            logger_id,channel,timestamp,value
            FM001,flow,2026-03-02T00:00:00Z,1
            FM001,flow,2026-03-02T00:15:00Z,2
            XX9,flow,2026-03-02T00:00:00Z,1
            PL001,flow,2026-03-02T00:00:00Z,1
            """)
        #expect(validated.readings.count == 2)
        #expect(validated.rowErrors.map(\.description) == [
            "line 4: unknown logger \"XX9\" / channel \"flow\"",
            "line 5: unknown channel \"flow\" for logger \"PL001\" (registered: pressure)",
        ])
    }

    @Test func physicallyImpossibleValuesAreRowErrors() throws {
        let validated = try validate("""
            PL001,pressure,2026-03-02T00:00:00Z,-9.5
            PL001,pressure,2026-03-02T00:15:00Z,-10.5
            PL002,pressure,2026-03-02T00:15:00Z,-1.1
            FM001,flow,2026-03-02T00:00:00Z,-20000
            FM001,flow,2026-03-02T00:15:00Z,2e7
            FM003,flow,2026-03-02T00:15:00Z,900000
            PL001,pressure,2026-03-02T00:30:00Z,1e300
            """)
        #expect(validated.readings.map(\.valueSI) == [-9.5, -20000])
        #expect(validated.rowErrors.map(\.line) == [2, 3, 5, 6, 7])
        #expect(validated.rowErrors[0].reason.hasPrefix("implausible pressure -10.5 m"))
        // -1.1 bar is about -11.2 m: below a vacuum.
        #expect(validated.rowErrors[1].reason.hasPrefix("implausible pressure -1.1 bar"))
        #expect(validated.rowErrors[2].reason == "implausible value 20000000.0 l/s: beyond ±1e7 l/s")
        // 900 000 MLD is about 1.04e7 l/s.
        #expect(validated.rowErrors[3].reason.hasPrefix("implausible value 900000.0 MLD"))
        #expect(validated.rowErrors[4].reason.hasSuffix("beyond ±1e7 m"))
    }

    @Test func parseAndRegistryErrorsAreMergedInLineOrder() throws {
        let validated = try validate("""
            FM001,flow,2026-03-02T00:00:00Z,1
            XX9,flow,2026-03-02T00:00:00Z,1
            FM001,flow,2026-03-02T00:00:00Z,NaN
            XX9,flow,2026-03-02T00:00:00Z,1
            """)
        #expect(validated.rowErrors.map(\.line) == [2, 3, 4])
    }

    @Test func fileWithNoSurvivingRowIsRejected() {
        #expect(throws: FileRejection.self) {
            try validate("XX9,flow,2026-03-02T00:00:00Z,1\nFM001,flow,2026-03-02T00:00:00Z,")
        }
        do {
            _ = try validate("XX9,flow,2026-03-02T00:00:00Z,1\nFM001,flow,2026-03-02T00:00:00Z,")
        } catch {
            #expect(error.kind == .noValidRows)
            #expect(error.reason == "no valid rows: all 2 rows were rejected; first: line 1: unknown logger \"XX9\" / channel \"flow\"")
        }
    }
}
