import Foundation
import Testing
import Readings

@Suite struct ScenarioFilesTests {
    /// The example scenario's scenario.json and truth.json, verbatim.
    let scenarioJSON = """
        {
         "name": "net3-dev-b01",
         "start": "2026-03-02T00:00:00Z",
         "step_s": 900,
         "days": 21,
         "history_until": "2026-03-16T00:00:00Z"
        }
        """
    let truthJSON = """
        {
         "bursts": [
          {
           "node": "149",
           "start": "2026-03-19T02:30:00Z",
           "size_lps": 15.0,
           "mean_demand_lps": 200.74
          }
         ]
        }
        """

    func scenarioError(_ json: String) -> String? {
        do {
            _ = try ScenarioInfo.decode(Data(json.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    @Test func decodesScenarioJSON() throws {
        let info = try ScenarioInfo.decode(Data(scenarioJSON.utf8))
        #expect(info == ScenarioInfo(name: "net3-dev-b01", start: epochMicros(2026, 3, 2), stepSeconds: 900,
                                     days: 21, historyUntil: epochMicros(2026, 3, 16)))
        #expect(info.end == epochMicros(2026, 3, 23))
    }

    @Test func decodesTruthJSONIgnoringExtraFields() throws {
        let truth = try ScenarioTruth.decode(Data(truthJSON.utf8))
        #expect(truth.bursts == [ScenarioTruth.Burst(node: "149", start: epochMicros(2026, 3, 19, 2, 30), sizeLitresPerSecond: 15)])
        #expect(try ScenarioTruth.decode(Data(#"{"bursts": []}"#.utf8)).bursts.isEmpty)
    }

    @Test func readsARepairedBurstsEnd() throws {
        let truth = try ScenarioTruth.decode(Data(#"{"bursts":[{"node":"22","start":"2026-08-31T02:30:00Z","size_lps":4.3,"end":"2026-09-02T02:30:00Z"}]}"#.utf8))
        #expect(truth.bursts.map(\.end) == [epochMicros(2026, 9, 2, 2, 30)])
        #expect(try ScenarioTruth.decode(Data(truthJSON.utf8)).bursts.map(\.end) == [nil])
    }

    @Test func scenarioErrorsNameTheFileAndKey() {
        #expect(scenarioError("{") == "scenario.json: not valid JSON")
        #expect(scenarioError(#"{"name":"x","start":"2026-03-02T00:00:00Z","step_s":900,"days":21}"#)
                == "scenario.json: missing \"history_until\"")
        #expect(scenarioError(#"{"name":"x","start":"2026-03-02T00:00:00Z","step_s":"900","days":21,"history_until":"2026-03-16T00:00:00Z"}"#)
                == "scenario.json: \"step_s\" should be a number")
        #expect(scenarioError(#"{"name":"x","start":"2026-02-30T00:00:00Z","step_s":900,"days":21,"history_until":"2026-03-16T00:00:00Z"}"#)
                == "scenario.json: \"start\": bad timestamp \"2026-02-30T00:00:00Z\": day 30 out of range for 2026-02")
        #expect(scenarioError(#"{"name":"x","start":"2026-03-02T00:00:00Z","step_s":0,"days":21,"history_until":"2026-03-16T00:00:00Z"}"#)
                == "scenario.json: \"step_s\" must be positive, got 0")
    }

    @Test func truthErrorsNameTheBurst() {
        do {
            _ = try ScenarioTruth.decode(Data(#"{"bursts":[{"node":"1","start":"2026-03-19T02:30:00Z","size_lps":1},{"node":"2","start":"soon","size_lps":1}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("truth.json: \"bursts[1].start\": bad timestamp \"soon\""))
        }
        do {
            _ = try ScenarioTruth.decode(Data(#"{"bursts":[{"node":"1","start":"2026-03-19T02:30:00Z"}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "truth.json: missing \"bursts[0].size_lps\"")
        }
        do {
            _ = try ScenarioTruth.decode(Data(#"{"bursts":[{"node":"1","start":"2026-03-19T02:30:00Z","size_lps":1,"end":"2026-03-19T02:30:00Z"}]}"#.utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "truth.json: \"bursts[0].end\" 2026-03-19T02:30:00Z is not after its start 2026-03-19T02:30:00Z")
        }
    }
}
