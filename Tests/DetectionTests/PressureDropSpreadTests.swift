@testable import Detection
import Testing

/// How much a logger's pressure drop wanders under normal operation, learned from its
/// residual history, including when that history is too gappy for the longest drops.
@Suite struct PressureDropSpreadTests {
    static func whiteNoise(count: Int, sigma: Double, seed: UInt64 = 11) -> [Double] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in sigma * random.gaussian() }
    }

    @Test func eachDropLengthGetsTheSpreadItsAveragingImplies() throws {
        let values = Self.whiteNoise(count: 20 * 96, sigma: 0.1)
        let spreads = PressureModel.learnedDropSigmas(values, indices: Array(values.indices), baseline: 96)
        try #require(spreads.count == PressureModel.dropLengths.count)
        // A one-window drop against a day's mean: σ·√(1 + 1/96) ≈ 0.1; the 99th-percentile
        // tail may lift it a little, never halve it.
        #expect(spreads[0] > 0.08 && spreads[0] < 0.14, "\(spreads[0])")
        #expect(spreads[0] > spreads[4], "longer drops average the noise away: \(spreads)")
    }

    @Test func dropsTooLongForTheHistoryTakeTheLargestSpreadLearned() throws {
        // 400 windows: enough starts for drops of up to 32 windows, too few for 64 and 128.
        let values = Self.whiteNoise(count: 400, sigma: 0.1)
        let spreads = PressureModel.learnedDropSigmas(values, indices: Array(values.indices), baseline: 96)
        try #require(spreads.count == PressureModel.dropLengths.count, "the logger must not drop out")
        let learned = spreads.prefix(6)
        #expect(spreads[6] == learned.max())
        #expect(spreads[7] == learned.max())
    }

    @Test func aHistoryTooShortForEvenOneWindowLearnsNothing() {
        let values = Self.whiteNoise(count: 110, sigma: 0.1)
        #expect(PressureModel.learnedDropSigmas(values, indices: Array(values.indices), baseline: 96).isEmpty)
    }
}
