import Burstwatch
import Foundation
import Testing

/// The built-in demo as `scripts/demo` runs it (`burstwatch simulate --days 15 --burst-lps 4`):
/// the first alert a newcomer sees must find the burst and name it in its area.
@Suite struct DemoEvalTests {
    @Test func theDemosBurstIsFoundWithinAnHourAndLiesInItsArea() throws {
        let start: Int64 = 1_772_409_600_000_000  // 2026-03-02, the simulate command's default
        let days = 15
        let burst = DemoScenario.Burst(node: DemoScenario.junction(4, 3),
                                       start: start + Int64(days - 1) * 86_400_000_000 + 9_000_000_000, sizeLps: 4)
        let scenario = DemoScenario(start: start, days: days, historyDays: days - 1, seed: 1, burst: burst)
        let folder = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("burstwatch-demo-eval-\(UInt32.random(in: 0..<UInt32.max))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try scenario.write(to: folder)

        let report = try runEval(scenarioPath: folder.path, alertsOut: nil)
        let score = try #require(report.score)
        #expect(score.falseAlarms.isEmpty)
        let found = try #require(score.bursts.first)
        #expect(found.detected)
        #expect(try #require(found.timeToDetectSeconds) <= 3600)
        // Two meters (an inflow and an export) make the localisation's evidence cross-check
        // (EvidenceCrossCheck) take part; it once moved this area one pipe off the burst.
        #expect(found.inArea == true, "J-4-3 outside the area, \(found.distanceToAreaM ?? -1) m away")
    }
}
