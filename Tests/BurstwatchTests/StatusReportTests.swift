import Foundation
import Testing
@testable import Burstwatch

@Suite("Status report")
struct StatusReportTests {
    private let window: Int64 = 900
    private func at(_ windows: Int64) -> Int64 { 1_772_409_600_000_000 + windows * window * 1_000_000 }

    @Test("a channel more than N windows behind its DMA's newest reading is silent; one never heard from is too")
    func silentChannels() {
        let channels: [StatusReport.ChannelLatest] = [
            .init(loggerID: "FM01", channel: "flow", dma: "A", newest: at(100)),
            .init(loggerID: "PL01", channel: "pressure", dma: "A", newest: at(96)),  // exactly 4 behind: not yet
            .init(loggerID: "PL02", channel: "pressure", dma: "A", newest: at(95)),  // 5 behind
            .init(loggerID: "PL03", channel: "pressure", dma: "A", newest: nil),
            .init(loggerID: "FM09", channel: "flow", dma: "B", newest: at(10)),  // B's newest itself: not silent
        ]
        let silent = StatusReport.silent(channels, windowSeconds: window, windows: 4)
        #expect(silent.map(\.loggerID) == ["PL03", "PL02"])
        #expect(silent[0].newestReading == nil && silent[0].windowsBehind == nil)
        #expect(silent[1].windowsBehind == 5 && silent[1].dma == "A")
        #expect(StatusReport.silent(channels, windowSeconds: window, windows: 3).map(\.loggerID) == ["PL03", "PL02", "PL01"])
    }

    @Test("the JSON form uses snake_case keys a machine can rely on")
    func jsonKeys() throws {
        var report = StatusReport(generatedAt: "2026-03-02T00:00:00Z", silentAfterWindows: 4)
        report.silentLoggers = [.init(loggerID: "PL02", channel: "pressure", dma: "A", newestReading: nil, windowsBehind: nil)]
        report.openEvents = [.init(eventID: "e1", dma: "A", state: "opened", startEstimate: nil, detectedAt: "2026-03-02T00:00:00Z",
                                   flowIncreaseLps: 7.5, confidence: 0.9, areaNodes: 3, areaPipes: 2, areaPipeLengthM: 200)]
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let event = try #require((object["open_events"] as? [[String: Any]])?.first)
        #expect(event["event_id"] as? String == "e1")
        #expect(event["area_pipe_length_m"] as? Double == 200)
        #expect((object["silent_loggers"] as? [[String: Any]])?.first?["logger_id"] as? String == "PL02")
        #expect(object["silent_after_windows"] as? Int == 4)
    }

    @Test("tables line up and durations read like people write them")
    func rendering() {
        var table = TextTable(["A", "LONGER"])
        table.add(["wide cell", "x"])
        #expect(table.render(indent: "") == "A          LONGER\nwide cell  x\n")
        #expect(humanDuration(seconds: 45) == "45s")
        #expect(humanDuration(seconds: 3 * 3600 + 5 * 60) == "3h 05m")
        #expect(humanDuration(seconds: 2 * 86_400 + 4 * 3600) == "2d 04h")
    }
}
