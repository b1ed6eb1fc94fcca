import Detection
import Foundation
import Testing

/// Measurement, not a check: how often, with two bursts open and one repaired, the wrong event
/// closes or another event opens after the repair (`OverlappingBurstsTests.twoOpenBursts`, seeds
/// 71-100 for each pair of flows). `BURSTWATCH_ATTRIBUTION_SWEEP=1 swift test --filter
/// RepairAttributionSweep` prints one line per pair; BURSTWATCH_ATTRIBUTION_RATIO overrides
/// `DetectorConfig.repairAttributionRatio` (0: the nearest flow at once).
@Suite struct RepairAttributionSweep {
    static let environment = ProcessInfo.processInfo.environment
    static let pairs: [(first: Double, second: Double, repaired: Int)] =
        [(10, 6, 1), (6, 10, 1), (10, 6, 0), (6, 10, 0), (8, 8, 1), (12, 4, 1)]

    @Test(.enabled(if: environment["BURSTWATCH_ATTRIBUTION_SWEEP"] != nil), arguments: pairs.indices)
    func sweep(pair: Int) {
        let (first, second, repaired) = Self.pairs[pair]
        var config = DetectorConfig()
        if let ratio = Self.environment["BURSTWATCH_ATTRIBUTION_RATIO"].flatMap(Double.init) {
            config.repairAttributionRatio = ratio
        }
        let hour: Int64 = 3_600_000_000, repair = OverlappingBurstsTests.repair
        var wrong: [UInt64] = [], reopened: [UInt64] = []
        for seed in UInt64(71)...100 {
            let dma = OverlappingBurstsTests.twoOpenBursts(first, second, repaired: repaired, seed: seed)
            let events = dma.run(detector: BurstDetector(config: config)).events
            let repairedStart = dma.bursts[repaired].start
            let closed = events.first { $0.state == .closed && $0.detectedAt > repair }
            if closed.map({ abs($0.startEstimate - repairedStart) > 3 * hour }) ?? true { wrong.append(seed) }
            if opened(events).count != 2 || opened(events).contains(where: { $0.detectedAt > repair }) { reopened.append(seed) }
        }
        print("bursts \(first), \(second); repaired the \(repaired == 0 ? "first" : "second"): "
              + "wrong event closed (or none) \(wrong.count)/30 \(wrong), another event opened \(reopened.count)/30 \(reopened)")
    }
}
