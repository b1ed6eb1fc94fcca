import Detection
import Foundation
import Readings

/// The outcome of `burstwatch eval` on one scenario: what was run, the events, and the score
/// when the scenario has a truth.json.
public struct EvalReport: Sendable {
    public var scenarioName: String
    public var fileCount: Int
    public var readingCount: Int
    public var rejectedFiles: [String]
    public var rejectedRows: Int
    public var run: EvalRunner.Run
    public var score: EvalScore?
    public var loadSeconds: Double
    public var detectSeconds: Double

    public var events: [BurstEvent] { run.events }

    public func render() -> String {
        var lines: [String] = []
        lines.append("burstwatch eval — \(scenarioName)")
        lines.append("  data: \(fileCount) files, \(readingCount) readings"
            + " (\(rejectedFiles.count) files and \(rejectedRows) rows rejected)")
        for rejected in rejectedFiles.prefix(5) { lines.append("    rejected \(rejected)") }
        lines.append("  judged: \(run.dmas.count) DMA(s) × \(run.dmas.isEmpty ? 0 : run.windowsStepped / run.dmas.count) windows"
            + " from \(ISOTimestamp.format(run.firstEvaluatedWindow)) to \(ISOTimestamp.format(run.endOfData))"
            + (run.localised ? "" : " (no network: no area of interest)"))
        let count = { (state: BurstEvent.State) in run.events.count { $0.state == state } }
        lines.append("  events: \(count(.opened)) opened, \(count(.updated)) updated, \(count(.closed)) closed")
        lines.append(String(format: "  time: load %.2f s, detection %.2f s", loadSeconds, detectSeconds))
        for event in run.events where event.state != .updated {
            lines.append("    \(event.state.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(event.dma)"
                + " at \(ISOTimestamp.format(event.detectedAt)): start \(ISOTimestamp.format(event.startEstimate)),"
                + String(format: " +%.1f l/s, confidence %.2f", event.flowIncreaseLps, event.confidence)
                + (event.areaOfInterest.map { ", area \($0.nodes.count) nodes" + String(format: " %.0f m", $0.pipeLengthM) } ?? ""))
        }
        guard let score else {
            lines.append("  no truth.json: not scored")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("")
        lines.append(contentsOf: Self.burstTable(score.bursts))
        lines.append("")
        lines.append(String(format: "  false alarms: %d (%.2f per DMA-month over %.2f DMA-months); re-openings: %d",
                            score.falseAlarms.count, score.falseAlarmsPerDMAMonth, score.dmaMonths, score.repeatAlarms.count))
        for alarm in score.falseAlarms {
            lines.append("    false alarm \(alarm.dma) at \(ISOTimestamp.format(alarm.detectedAt)),"
                + String(format: " +%.1f l/s, confidence %.2f", alarm.flowIncreaseLps, alarm.confidence))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func burstTable(_ bursts: [BurstScore]) -> [String] {
        let header = ["node", "start", "size l/s", "share", "detected", "to detect", "start err", "flow est",
                      "in area", "area share", "distance m", "closed"]
        var rows: [[String]] = []
        for burst in bursts {
            rows.append([
                burst.node,
                ISOTimestamp.format(burst.start),
                String(format: "%.1f", burst.sizeLps),
                burst.sizeShare.map { String(format: "%.1f %%", 100 * $0) } ?? "?",
                burst.detected ? "yes" : "NO",
                burst.timeToDetectSeconds.map(Self.duration) ?? "-",
                burst.startErrorSeconds.map { ($0 >= 0 ? "+" : "-") + Self.duration(abs($0)) } ?? "-",
                burst.estimatedFlowLps.map { String(format: "%.1f", $0) } ?? "-",
                burst.inArea.map { $0 ? "yes" : "no" } ?? "-",
                burst.areaShare.map { String(format: "%.1f %%", 100 * $0) } ?? "-",
                burst.distanceToAreaM.map { String(format: "%.0f", $0) } ?? "-",
                Self.closing(burst),
            ])
        }
        return Self.table(header: header, rows: rows)
    }

    /// How the event that found the burst ended: "+45 m" after the repair, "early 3 h 00 m"
    /// while the leak still ran, "never" when repaired and left open, "-" when neither.
    static func closing(_ burst: BurstScore) -> String {
        if let after = burst.timeToCloseSeconds { return "+" + duration(after) }
        if burst.closedWhileLeaking, let closedAt = burst.closedAt {
            return burst.end.map { "early " + duration(Double($0 - closedAt) / 1e6) } ?? "while leaking"
        }
        return burst.leftOpen ? "never" : "-"
    }

    static func duration(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded())
        return minutes >= 60 ? "\(minutes / 60) h \(String(format: "%02d", minutes % 60)) m" : "\(minutes) m"
    }

    /// The table's lines, header underlined, indented by two spaces.
    static func table(header: [String], rows: [[String]]) -> [String] {
        var table = TextTable(header)
        rows.forEach { table.add($0) }
        return table.render(indent: "", underline: true).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { "  " + String($0).trimmingCharacters(in: .whitespaces) }
    }
}

/// Runs eval on one scenario folder (CONTRACTS section 4): loads it, steps the detector over
/// every window after `history_until`, writes the events to `alertsOut` (one burst-event/v1
/// JSON object a line) and scores them when the folder has a truth.json.
public func runEval(scenarioPath: String, alertsOut: String?) throws -> EvalReport {
    try runEval(scenarioPath: scenarioPath, alertsOut: alertsOut, config: .default)
}

public func runEval(scenarioPath: String, alertsOut: String?, config: DetectorConfig) throws -> EvalReport {
    let clock = ContinuousClock()
    let loadStart = clock.now
    let scenario = try ScenarioLoader.load(folder: scenarioPath)
    let detectStart = clock.now
    let run = EvalRunner(config: config).run(scenario)
    let detectEnd = clock.now
    if let alertsOut { try AlertsFile.write(run.events, to: alertsOut) }
    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
    return EvalReport(scenarioName: scenario.info.name, fileCount: scenario.fileCount,
                      readingCount: scenario.readings.count, rejectedFiles: scenario.rejectedFiles,
                      rejectedRows: scenario.rejectedRows, run: run,
                      score: scenario.truth.map { EvalScore.score(run: run, scenario: scenario, truth: $0) },
                      loadSeconds: seconds(detectStart - loadStart), detectSeconds: seconds(detectEnd - detectStart))
}

/// The --alerts-out file: one burst-event/v1 JSON object a line, in publication order.
public enum AlertsFile {
    /// `published_at` is set to the wall clock at writing, what the live publisher would put there
    /// (all other fields are data-time and reproducible).
    public static func write(_ events: [BurstEvent], to path: String, now: Date = Date()) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let published = Int64(now.timeIntervalSince1970.rounded(.down)) * 1_000_000
        var output = Data()
        for var event in events {
            event.publishedAt = published
            output.append(try encoder.encode(event))
            output.append(0x0A)
        }
        do {
            try output.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ScenarioLoadError(path: path, reason: "cannot write the alerts file: \(error.localizedDescription)")
        }
    }
}
