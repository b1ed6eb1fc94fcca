@testable import Burstwatch
import Detection
import Readings
import Testing

/// Scoring against a truth whose bursts end (a repair): what a detection is, what a false
/// alarm is, and how the closing is judged. One DMA, no network: no area is scored.
struct EvalScoreTests {
    static let hour: Int64 = 3_600_000_000
    static let day0: Int64 = 1_780_000_000_000_000 // a midnight's worth of microseconds; any time will do

    static func event(_ id: String, _ state: BurstEvent.State, at hours: Double) -> BurstEvent {
        BurstEvent(eventID: id, state: state, dma: "DMA-1", detectedAt: day0 + Int64(hours * Double(hour)),
                   publishedAt: 0, startEstimate: day0, flowIncreaseLps: 4, confidence: 0.9, areaOfInterest: nil)
    }

    static func score(_ events: [BurstEvent], bursts: [ScenarioTruth.Burst]) throws -> EvalScore {
        let registry = try LoggerRegistry.parse(csv: """
            logger_id,channel,quantity,element,dma,sign,unit
            FM1,flow,flow,P1,DMA-1,1,l/s
            """)
        let scenario = Scenario(folder: "/nowhere",
                                info: ScenarioInfo(name: "t", start: day0 - 14 * 24 * hour, stepSeconds: 900, days: 21,
                                                   historyUntil: day0),
                                registry: registry, network: nil, truth: ScenarioTruth(bursts: bursts), readings: [],
                                rejectedFiles: [], rejectedRows: 0, fileCount: 0)
        let run = EvalRunner.Run(events: events, windowsStepped: 7 * 96, dmas: ["DMA-1"], meanInflowByDMA: ["DMA-1": 50],
                                 regionByDMA: [:], firstEvaluatedWindow: day0, endOfData: day0 + 7 * 24 * hour,
                                 localised: false)
        return EvalScore.score(run: run, scenario: scenario, truth: ScenarioTruth(bursts: bursts))
    }

    static func burst(startingAt start: Double, endingAt end: Double?) -> ScenarioTruth.Burst {
        ScenarioTruth.Burst(node: "J1", start: day0 + Int64(start * Double(hour)), sizeLitresPerSecond: 4,
                            end: end.map { day0 + Int64($0 * Double(hour)) })
    }

    @Test func anEventClosedAfterTheRepairIsTimedFromIt() throws {
        let score = try Self.score([Self.event("a", .opened, at: 2), Self.event("a", .closed, at: 27.5)],
                                   bursts: [Self.burst(startingAt: 1, endingAt: 25)])
        let burst = try #require(score.bursts.first)
        #expect(burst.detected && burst.timeToCloseSeconds == 2.5 * 3600)
        #expect(!burst.closedWhileLeaking && !burst.leftOpen)
        #expect(EvalReport.closing(burst) == "+2 h 30 m")
        #expect(score.falseAlarms.isEmpty && score.repeatAlarms.isEmpty)
    }

    @Test func anEventOpenedAfterTheRepairIsAFalseAlarmNotAReOpening() throws {
        let score = try Self.score([Self.event("a", .opened, at: 2), Self.event("a", .closed, at: 27),
                                    Self.event("b", .opened, at: 60)],
                                   bursts: [Self.burst(startingAt: 1, endingAt: 25)])
        #expect(score.falseAlarms.map(\.eventID) == ["b"])
        #expect(score.repeatAlarms.isEmpty)
        // Without an end the same event re-opens the running burst.
        let running = try Self.score([Self.event("a", .opened, at: 2), Self.event("a", .closed, at: 27),
                                      Self.event("b", .opened, at: 60)],
                                     bursts: [Self.burst(startingAt: 1, endingAt: nil)])
        #expect(running.falseAlarms.isEmpty && running.repeatAlarms.map(\.eventID) == ["b"])
        #expect(try #require(running.bursts.first).closedWhileLeaking)
        #expect(EvalReport.closing(try #require(running.bursts.first)) == "while leaking")
    }

    @Test func anEventFirstOpenedAfterTheRepairDetectsNothing() throws {
        let score = try Self.score([Self.event("a", .opened, at: 26)], bursts: [Self.burst(startingAt: 1, endingAt: 25)])
        #expect(!(try #require(score.bursts.first)).detected)
        #expect(score.falseAlarms.map(\.eventID) == ["a"])
    }

    @Test func aRepairedBurstsEventLeftOpenOrClosedEarlyIsReported() throws {
        let open = try #require(try Self.score([Self.event("a", .opened, at: 2)],
                                               bursts: [Self.burst(startingAt: 1, endingAt: 25)]).bursts.first)
        #expect(open.leftOpen && open.timeToCloseSeconds == nil && EvalReport.closing(open) == "never")
        let early = try #require(try Self.score([Self.event("a", .opened, at: 2), Self.event("a", .closed, at: 10)],
                                                bursts: [Self.burst(startingAt: 1, endingAt: 25)]).bursts.first)
        #expect(early.closedWhileLeaking && !early.leftOpen && EvalReport.closing(early) == "early 15 h 00 m")
        let running = try #require(try Self.score([Self.event("a", .opened, at: 2)],
                                                  bursts: [Self.burst(startingAt: 1, endingAt: nil)]).bursts.first)
        #expect(!running.leftOpen && !running.closedWhileLeaking && EvalReport.closing(running) == "-")
    }
}
