@testable import Detection
import Foundation
import Readings
import Testing

/// The pressure witness of a repair (`PressureSeries.strongestRecovery`): a logger a burst
/// lowered comes back, judged against the same clock windows a day earlier while the burst ran.
@Suite struct PressureRecoveryTests {
    static let dma = "DMA-R"
    static let slots = 96
    static let channels = [
        ChannelSpec(loggerID: "FM-A", channel: "flow", element: "P-A", dma: dma, sign: 1, unit: .flow(.litresPerSecond)),
    ] + (1...5).map {
        ChannelSpec(loggerID: "PL-\($0)", channel: "pressure", element: "N-\($0)", dma: dma, sign: nil,
                    unit: .pressure(.metres))
    }
    /// Day 15, 06:00: the burst begins.
    static let start = 15 * slots + 24

    /// 18 days of a DMA whose loggers fall with the inlet's flow. From `start` to `repaired`,
    /// PL-1 is lowered by a burst whose drop follows the day (0.2 m at the mean flow, more at
    /// the peaks); `elsewhere` adds to PL-2 from its index on (a valve, a pump the flows miss).
    static func history(repaired: Int? = nil, elsewhere: (index: Int, lowered: Double, raised: Double)? = nil)
        -> DMAHistory {
        var random = SeededRandom(seed: 11)
        var history = DMAHistory(dma: dma, channels: channels)
        for index in 0..<(18 * slots) {
            let hour = Double(index % slots) / 4
            let flow = 60 * (0.6 + 0.5 * exp(-pow((hour - 8) / 2, 2)) + 0.4 * exp(-pow((hour - 19) / 3, 2)))
                + random.gaussian()
            var values = ["FM-A": flow]
            for k in 1...5 { values["PL-\(k)"] = 55 - 0.0002 * Double(k) * flow * flow + 0.02 * random.gaussian() }
            if index >= start, index < (repaired ?? .max) { values["PL-1"]! -= 0.2 * flow / 60 }
            if let elsewhere, index >= start {
                values["PL-2"]! -= elsewhere.lowered
                if index >= elsewhere.index { values["PL-2"]! += elsewhere.raised }
            }
            for channel in channels {
                history.append(NormalizedReading(loggerID: channel.loggerID, channel: channel.channel,
                                                 timestamp: SyntheticDMA.origin + Int64(index) * SyntheticDMA.window + 1,
                                                 valueSI: values[channel.loggerID]!, dma: dma))
            }
        }
        return history
    }

    static func recovery(_ history: DMAHistory, fall: Int, windows: Int = 12) throws -> Double {
        let model = try #require(PressureModel.fit(history: history, trainingIndices: Array(0..<(14 * slots)),
                                                   baselineWindows: slots))
        let series = PressureSeries(model: model, history: history, from: start - slots, through: fall + windows - 1)
        return series.strongestRecovery(start: start, fall: fall, end: fall + windows - 1, baseline: slots,
                                        lag: slots, minimumWindows: 8)
    }

    @Test func aRepairedBurstsLoggerComesBack() throws {
        let repaired = 16 * Self.slots + 24
        #expect(try Self.recovery(Self.history(repaired: repaired), fall: repaired) >= 5)
    }

    /// At 23:00 the burst's drop is smaller than through the day before: against the hours
    /// since the start that reads as a rise, against the night before it does not.
    @Test func aRunningBurstsNightIsNoRecovery() throws {
        let night = 16 * Self.slots + 92
        #expect(try Self.recovery(Self.history(), fall: night) < 2.5)
    }

    /// PL-2 fell by 0.015 m with the burst (clear over a day) and rose by 1 m later for another
    /// reason: only the 0.015 m it fell counts, too little against three hours' noise to
    /// witness a repair.
    @Test func aLoggerThatRoseForAnotherReasonIsNoWitness() throws {
        let later = 16 * Self.slots + 40
        let history = Self.history(elsewhere: (later, lowered: 0.015, raised: 1.0))
        #expect(try Self.recovery(history, fall: later) < 2.5)
    }

    /// A fall less than a day after the start, judged after the first day's clock windows
    /// run out: nothing to compare against yet, so no witness rather than a guess.
    @Test func tooShortABurstToCompareGivesNoWitness() throws {
        let repaired = Self.start + 8
        #expect(try Self.recovery(Self.history(repaired: repaired), fall: repaired, windows: 12) == 0)
    }
}
