import Testing
import Readings

@Suite struct LoggerRegistryTests {
    /// The head of the example scenario's loggers.csv, verbatim.
    let scenarioLoggers = """
        logger_id,channel,quantity,element,dma,sign,unit
        FM001,flow,flow,60,DMA-1,1,l/s
        FM002,flow,flow,10,DMA-1,1,l/s
        PL001,pressure,pressure,229,DMA-1,,m
        PL002,pressure,pressure,101,DMA-1,,m

        """

    func problems(_ csv: String) -> [RegistryError.Problem] {
        do {
            _ = try LoggerRegistry.parse(csv: csv)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func parsesTheScenarioFormat() throws {
        let registry = try LoggerRegistry.parse(csv: scenarioLoggers)
        #expect(registry.channels.count == 4)
        let flow = try #require(registry.spec(loggerID: "FM002", channel: "flow"))
        #expect(flow == ChannelSpec(loggerID: "FM002", channel: "flow", element: "10", dma: "DMA-1", sign: 1, unit: .flow(.litresPerSecond)))
        let pressure = try #require(registry.spec(loggerID: "PL001", channel: "pressure"))
        #expect(pressure.quantity == .pressure)
        #expect(pressure.sign == nil)
        #expect(pressure.element == "229")
        #expect(registry.spec(loggerID: "PL001", channel: "flow") == nil)
        #expect(registry.spec(loggerID: "XX9", channel: "pressure") == nil)
    }

    @Test func groupsChannelsByDMA() throws {
        let registry = try LoggerRegistry.parse(csv: exampleLoggersCSV)
        #expect(registry.dmaNames == ["DMA-1", "DMA-2"])
        #expect(registry.channels(inDMA: "DMA-1").map(\.loggerID) == ["FM001", "FM002", "PL001", "PL002"])
        #expect(registry.channels(inDMA: "DMA-2", quantity: .flow).map(\.loggerID) == ["FM003", "FM004"])
        #expect(registry.channels(inDMA: "DMA-2", quantity: .pressure).map(\.unit) == [.pressure(.kilopascals), .pressure(.poundsPerSquareInch)])
        #expect(registry.channels(inDMA: "DMA-9").isEmpty)
        #expect(registry.spec(loggerID: "FM002", channel: "flow")?.sign == -1)
    }

    @Test func acceptsBOMCRLFQuotesAnyColumnOrderAndCase() throws {
        let csv = "\u{FEFF}DMA,Logger_ID,channel,quantity,element,sign,unit\r\n"
            + "\"DMA 1\", \"FM,01\" ,flow,Flow,P-1,-1,M3/H\r\n"
            + "\r\n"
            + "DMA 1,PL01,p,PRESSURE,J-1,,kPa\r\n"
        let registry = try LoggerRegistry.parse(csv: csv)
        let flow = try #require(registry.spec(loggerID: "FM,01", channel: "flow"))
        #expect(flow.dma == "DMA 1")
        #expect(flow.sign == -1)
        #expect(flow.unit == .flow(.cubicMetresPerHour))
        #expect(registry.spec(loggerID: "PL01", channel: "p")?.unit == .pressure(.kilopascals))
    }

    @Test func reportsEveryBadRowWithItsLine() {
        let found = problems("""
            logger_id,channel,quantity,element,dma,sign,unit
            FM001,flow,flow,60,DMA-1,1,l/s
            FM002,flow,level,10,DMA-1,1,l/s
            FM003,flow,flow,10,DMA-1,1,furlongs
            FM004,flow,flow,10,DMA-1,2,l/s
            FM005,flow,flow,10,DMA-1,,l/s
            PL001,pressure,pressure,229,DMA-1,1,m
            PL002,pressure,pressure,229,DMA-1,,l/s
            FM001,flow,flow,61,DMA-1,1,l/s
            PL003,pressure,pressure,229,DMA-1
            """)
        #expect(found.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10])
        #expect(found[0].reason.contains("unknown quantity \"level\""))
        #expect(found[1].reason.contains("unknown flow unit \"furlongs\""))
        #expect(found[2].reason.contains("bad sign \"2\""))
        #expect(found[3].reason.contains("bad sign \"\""))
        #expect(found[4].reason.contains("for a pressure channel"))
        #expect(found[5].reason.contains("unknown pressure unit \"l/s\""))
        #expect(found[6].description == "line 9: duplicate channel FM001/flow (first on line 2)")
        #expect(found[7].description == "line 10: expected 7 columns, found 5")
    }

    @Test func requiresAHeader() {
        let missing = problems("FM001,flow,flow,60,DMA-1,1,l/s\n")
        #expect(missing.count == 1)
        #expect(missing.first?.line == 1)
        #expect(missing.first?.reason.contains("header required") == true)

        let incomplete = problems("logger_id,channel,quantity,element,dma,unit\n")
        #expect(incomplete.first?.reason.contains("header lacks sign") == true)

        #expect(problems("").first?.reason.contains("header required") == true)
        #expect(problems("logger_id,channel,quantity,element,dma,sign,unit\n").first?.reason == "no channels after the header")
    }

    @Test func refusesEmptyIdentifiers() {
        let found = problems("""
            logger_id,channel,quantity,element,dma,sign,unit
            ,flow,flow,,DMA-1,1,l/s
            """)
        #expect(found.map(\.reason) == ["empty logger_id", "empty element"])
    }

    @Test func programmaticRegistryRefusesDuplicates() {
        let spec = ChannelSpec(loggerID: "A", channel: "flow", element: "1", dma: "D", sign: 1, unit: .flow(.litresPerSecond))
        #expect(throws: RegistryError.self) { try LoggerRegistry(channels: [spec, spec]) }
        #expect((try? LoggerRegistry(channels: [spec]))?.channels == [spec])
    }

    @Test func errorDescriptionListsEveryProblemWithItsLine() {
        do {
            _ = try LoggerRegistry.parse(csv: "logger_id,channel,quantity,element,dma,sign,unit\nA,f,level,1,D,1,l/s\nB,f,flow,1,D,1,bar\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "logger registry: line 2: unknown quantity \"level\" (use flow or pressure); line 3: unknown flow unit \"bar\" (use l/s, m3/h, MLD or gpm)")
        }
    }
}
