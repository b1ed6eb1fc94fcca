@testable import Detection
import Foundation
import Readings
import Testing

/// A DMA fed by two inlets that share its demand 60/40 (each with its own meter noise) and
/// metered at a third, closed boundary pipe that always reads 0: 16 days, the first 14 learned.
@Suite struct InflowImputationTests {
    static let dma = "DMA-I"
    static let slots = 96
    static let channels = ["FM-A", "FM-B", "FM-C"].map {
        ChannelSpec(loggerID: $0, channel: "flow", element: "P-\($0)", dma: dma, sign: 1, unit: .flow(.litresPerSecond))
    }

    /// Flows of window `index` (demand pattern, day level, meter noise), plus `burst` through FM-A.
    static func flows(_ index: Int, random: inout SeededRandom, burst: Double = 0) -> [Double] {
        let hour = Double(index % slots) / 4
        let level = 1 + 0.05 * sin(Double(index / slots))
        let demand = 80 * level * (0.5 + 0.6 * exp(-pow((hour - 8) / 2, 2)) + 0.5 * exp(-pow((hour - 19) / 3, 2)))
        return [0.6 * demand + burst + 0.4 * random.gaussian(), 0.4 * demand + 0.4 * random.gaussian(), 0]
    }

    /// The history, with `silent` meters missing from `silentFrom` on and a burst from `burstFrom`.
    static func history(silent: Set<String>, silentFrom: Int, burst: Double = 0, burstFrom: Int = .max)
        -> (history: DMAHistory, truth: [Double]) {
        var random = SeededRandom(seed: 5)
        var history = DMAHistory(dma: dma, channels: channels)
        var truth: [Double] = []
        for index in 0..<(16 * slots) {
            let values = flows(index, random: &random, burst: index >= burstFrom ? burst : 0)
            truth.append(values.reduce(0, +))
            for (channel, value) in zip(channels, values) where !(index >= silentFrom && silent.contains(channel.loggerID)) {
                history.append(NormalizedReading(loggerID: channel.loggerID, channel: "flow",
                                                 timestamp: SyntheticDMA.origin + Int64(index) * SyntheticDMA.window + 1,
                                                 valueSI: value, dma: dma))
            }
        }
        return (history, truth)
    }

    static func fitted(_ history: DMAHistory) throws -> InflowImputation {
        try #require(InflowImputation.fit(history: history, trainingIndices: Array(0..<(14 * slots)),
                                          slotsPerDay: slots) { $0 % slots })
    }

    let judged = Array((15 * slots)..<(16 * slots))

    @Test func aClosedMeterThatFellSilentCostsNothing() throws {
        let (history, truth) = Self.history(silent: ["FM-C"], silentFrom: 15 * Self.slots)
        let imputation = try Self.fitted(history)
        for index in judged {
            #expect(history.inflow(atIndex: index) == nil)
            let estimate = try #require(imputation.inflow(history, atIndex: index, slot: index % Self.slots))
            #expect(abs(estimate.value - truth[index]) < 1e-6)
            #expect(estimate.variance < 1e-6)
        }
    }

    @Test func anInletThatFellSilentIsEstimatedFromTheOtherWithItsError() throws {
        let (history, truth) = Self.history(silent: ["FM-B"], silentFrom: 15 * Self.slots)
        let imputation = try Self.fitted(history)
        var squares = 0.0, variances = 0.0
        for index in judged {
            let estimate = try #require(imputation.inflow(history, atIndex: index, slot: index % Self.slots))
            squares += pow(estimate.value - truth[index], 2)
            variances += estimate.variance
        }
        // The error is FM-B's own noise and FM-A's, scaled up by 1/0.6: about 0.8 l/s, where the
        // inflow swings between 40 and 130 l/s. The stated variance covers it.
        let rms = (squares / Double(judged.count)).squareRoot()
        #expect(rms < 1.5)
        #expect((variances / Double(judged.count)).squareRoot() >= 0.7 * rms)
    }

    @Test func aBurstThroughAMeterThatStillReportsShows() throws {
        let burstFrom = 15 * Self.slots + 40
        let (history, truth) = Self.history(silent: ["FM-B", "FM-C"], silentFrom: 15 * Self.slots,
                                            burst: 10, burstFrom: burstFrom)
        let imputation = try Self.fitted(history)
        let errors = try judged.map { index in
            try #require(imputation.inflow(history, atIndex: index, slot: index % Self.slots)).value - truth[index]
        }
        // Drawn through FM-A alone, the burst is scaled by the inverse of FM-A's share (1/0.6):
        // it shows in full, and more.
        let before = errors[..<40].reduce(0, +) / 40
        let after = errors[40...].reduce(0, +) / Double(errors.count - 40)
        #expect(abs(before) < 0.5)
        #expect(abs(after - 10 * (1 / 0.6 - 1)) < 1)
    }

    @Test func withEveryMeterSilentThereIsNothingToEstimate() throws {
        let (history, _) = Self.history(silent: ["FM-A", "FM-B", "FM-C"], silentFrom: 15 * Self.slots)
        let imputation = try Self.fitted(history)
        #expect(imputation.inflow(history, atIndex: judged[0], slot: 0) == nil)
        #expect(!history.hasFlowReading(atIndex: judged[0]))
    }

    @Test func aDMAOfOneMeterHasNothingToEstimateFrom() {
        var history = DMAHistory(dma: Self.dma, channels: [Self.channels[0]])
        history.append(NormalizedReading(loggerID: "FM-A", channel: "flow", timestamp: SyntheticDMA.origin, valueSI: 1,
                                         dma: Self.dma))
        #expect(InflowImputation.fit(history: history, trainingIndices: [0], slotsPerDay: Self.slots) { $0 % 96 } == nil)
    }
}
