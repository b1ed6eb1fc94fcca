import Burstwatch
import Detection
import Foundation
import Readings
import Testing

/// The development scenarios, as CI has them: tarballs in ../shared/scenarios beside the
/// repository. Each test unpacks into its own temporary folder.
enum DevScenarios {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/scenarios").standardizedFileURL.path
    }

    static func archive(_ name: String) -> String { directory + "/\(name).tar.gz" }

    static var available: Bool {
        FileManager.default.fileExists(atPath: archive("net3-dev-b01"))
            && FileManager.default.fileExists(atPath: archive("net3-dev-n01"))
    }
}

@Suite(.enabled(if: DevScenarios.available,
                "needs the development scenarios at ../shared/scenarios/*.tar.gz beside the repository"))
struct EvalScenarioTests {
    @Test func theBurstOfB01IsFoundQuicklyAndLocatedWithoutFalseAlarms() throws {
        let alerts = NSTemporaryDirectory() + "detection-eval-b01-\(UInt32.random(in: 0..<UInt32.max)).jsonl"
        defer { try? FileManager.default.removeItem(atPath: alerts) }
        let report = try ScenarioArchive.withUnpacked(DevScenarios.archive("net3-dev-b01")) { folder in
            try runEval(scenarioPath: folder, alertsOut: alerts)
        }
        let score = try #require(report.score)
        #expect(score.falseAlarms.isEmpty)
        let burst = try #require(score.bursts.first)
        #expect(burst.detected)
        let hours = try #require(burst.timeToDetectSeconds) / 3600
        #expect(hours > 0 && hours <= 2, "time to detect \(hours) h")
        #expect(burst.inArea == true, "burst node outside the area of interest")
        // 5.0 % of Net3's pipe length since the area grows from the densest neighbourhood
        // (AreaSeed; 4.1 % before), a change that placed more of the suite's bursts inside
        // their area (10/22 against 9/22) and nearer (773 m against 1,145 m median). The
        // target (a median under 5 %) is the suite's; this guards against a wider area here.
        #expect(try #require(burst.areaShare) < 0.055)

        // The alerts file holds the same events, one burst-event/v1 object a line.
        let lines = try String(contentsOfFile: alerts, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == report.events.count)
        let decoded = try lines.map { try JSONDecoder().decode(BurstEvent.self, from: Data($0.utf8)) }
        #expect(decoded.map(\.eventID) == report.events.map(\.eventID))
        #expect(decoded.map(\.state) == report.events.map(\.state))
        #expect(report.render().contains("net3-dev-b01"))
    }

    @Test func n01RaisesNothing() throws {
        let report = try ScenarioArchive.withUnpacked(DevScenarios.archive("net3-dev-n01")) { folder in
            try runEval(scenarioPath: folder, alertsOut: nil)
        }
        #expect(report.events.isEmpty)
        #expect(report.run.windowsStepped == 7 * 96)
        #expect(report.fileCount == 30_240)
    }

    @Test func theSuiteSummarisesEveryScenarioOfAFolder() throws {
        let report = try runEvalSuite(folder: DevScenarios.directory)
        #expect(report.reports.count == 2)
        #expect(report.failures.isEmpty)
        #expect(report.bursts.count == 1 && report.bursts[0].detected)
        #expect(report.render().contains("false alarms: 0"))
        // b01's burst node is in its area from the opening alert on (both counts are the
        // scores', not fixed text: a localiser that lost it at either would fail here).
        #expect(report.bursts[0].inAreaAtOpening == true && report.bursts[0].inArea == true)
        #expect(report.render().contains("burst node in area: 1/1 (at the opening alert 1/1);"))
    }
}
