import Detection
import Readings
import Testing

@Suite struct DMAHistoryTests {
    let channels = SyntheticDMA.channels
    let origin = SyntheticDMA.origin
    let minute: Int64 = 60_000_000

    func reading(_ logger: String, _ minutes: Int64, _ value: Double, dma: String = SyntheticDMA.dma) -> NormalizedReading {
        let channel = logger.hasPrefix("FM") ? "flow" : "pressure"
        return NormalizedReading(loggerID: logger, channel: channel, timestamp: origin + minutes * minute, valueSI: value, dma: dma)
    }

    @Test func netInflowIsTheSignedSumOfEachFlowChannelsWindowMean() throws {
        var history = DMAHistory(dma: SyntheticDMA.dma, channels: channels)
        history.append(reading("FM-IN", 1, 100))
        history.append(reading("FM-IN", 8, 110))
        history.append(reading("FM-OUT", 5, 20))
        #expect(history.windowCount == 1)
        #expect(try #require(history.inflow(atIndex: 0)) == 85)  // mean(100, 110) − 20
    }

    @Test func inflowIsMissingWhenAnyFlowChannelIsMissing() {
        var history = DMAHistory(dma: SyntheticDMA.dma, channels: channels)
        history.append(reading("FM-IN", 1, 100))
        history.append(reading("FM-IN", 16, 100))
        history.append(reading("FM-OUT", 17, 10))
        #expect(history.inflow(atIndex: 0) == nil)
        #expect(history.inflow(atIndex: 1) == 90)
    }

    @Test func pressureMeansPerLoggerWithGapsAsNil() {
        var history = DMAHistory(dma: SyntheticDMA.dma, channels: channels)
        history.append(reading("PL-1", 0, 50))
        history.append(reading("PL-1", 14, 52))
        history.append(reading("PL-1", 31, 40))
        let means = history.pressureMeans["PL-1"]
        #expect(means == [51, nil, 40])
        #expect(history.pressureMeans["PL-2"] == [nil, nil, nil])
    }

    @Test func lateAndEarlierReadingsLandInTheirOwnWindows() {
        var history = DMAHistory(dma: SyntheticDMA.dma, channels: channels)
        history.append(reading("FM-IN", 30, 100))
        history.append(reading("FM-OUT", 30, 0))
        history.append(reading("FM-IN", -20, 70))  // before the first window: the grid grows backwards
        history.append(reading("FM-OUT", -20, 0))
        #expect(history.windowStarts == [origin - 30 * minute, origin - 15 * minute, origin, origin + 15 * minute, origin + 30 * minute])
        #expect(history.netInflow == [70, nil, nil, nil, 100])
        #expect(history.index(ofWindowStart: origin + 30 * minute) == 4)
        #expect(history.index(ofWindowStart: origin + 31 * minute) == nil)
    }

    @Test func readingsOfOtherDMAsOrUnknownChannelsAreRefused() {
        var history = DMAHistory(dma: SyntheticDMA.dma, channels: channels)
        let otherDMA = history.append(reading("FM-IN", 0, 1, dma: "DMA-other"))
        let unknownChannel = history.append(NormalizedReading(loggerID: "FM-IN", channel: "temperature", timestamp: origin,
                                                              valueSI: 1, dma: SyntheticDMA.dma))
        #expect(!otherDMA)
        #expect(!unknownChannel)
        #expect(history.windowCount == 0)
    }
}
