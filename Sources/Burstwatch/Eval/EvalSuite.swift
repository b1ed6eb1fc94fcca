import Detection
import Foundation

/// Eval over every scenario of a folder, summarised against the project's targets: detection
/// by burst size band, false alarms per DMA-month, time to detect, and localisation.
public struct EvalSuiteReport: Sendable {
    public var reports: [EvalReport]
    /// Scenarios that could not be evaluated, with the reason.
    public var failures: [String]

    /// Size bands as shares of the DMA's mean inflow.
    public static let bands: [(name: String, range: Range<Double>)] = [
        ("< 2 %", 0..<0.02), ("2-4 %", 0.02..<0.04), ("4-10 %", 0.04..<0.10), (">= 10 %", 0.10..<Double.infinity),
    ]

    public var bursts: [BurstScore] { reports.flatMap { $0.score?.bursts ?? [] } }

    public func render() -> String {
        var lines = ["burstwatch eval suite — \(reports.count) scenario(s)"]
        let header = ["scenario", "bursts", "detected", "false alarms", "FA/DMA-month", "median to detect", "in area", "area share",
                      "distance m", "seconds"]
        var rows: [[String]] = []
        for report in reports {
            let bursts = report.score?.bursts ?? []
            rows.append([
                report.scenarioName,
                "\(bursts.count)",
                "\(bursts.count(where: \.detected))",
                report.score.map { "\($0.falseAlarms.count)" } ?? "-",
                report.score.map { String(format: "%.2f", $0.falseAlarmsPerDMAMonth) } ?? "-",
                BenchStatistics.median(bursts.compactMap(\.timeToDetectSeconds)).map(EvalReport.duration) ?? "-",
                "\(bursts.count { $0.inArea == true })/\(bursts.count(where: \.detected))",
                BenchStatistics.median(bursts.compactMap(\.areaShare)).map { String(format: "%.1f %%", 100 * $0) } ?? "-",
                BenchStatistics.median(bursts.compactMap(\.distanceToAreaM)).map { String(format: "%.0f", $0) } ?? "-",
                String(format: "%.1f", report.loadSeconds + report.detectSeconds),
            ])
        }
        lines.append(contentsOf: EvalReport.table(header: header, rows: rows))
        lines.append("")

        let all = bursts
        var bandRows: [[String]] = []
        for band in Self.bands {
            let inBand = all.filter { $0.sizeShare.map { band.range.contains($0) } ?? false }
            guard !inBand.isEmpty else { continue }
            bandRows.append([band.name, "\(inBand.count(where: \.detected))/\(inBand.count)",
                             BenchStatistics.median(inBand.compactMap(\.timeToDetectSeconds)).map(EvalReport.duration) ?? "-"])
        }
        lines.append(contentsOf: EvalReport.table(header: ["size band", "detected", "median to detect"], rows: bandRows))
        lines.append("")

        let scored = reports.compactMap(\.score)
        let falseAlarms = scored.reduce(0) { $0 + $1.falseAlarms.count }
        let dmaMonths = scored.reduce(0) { $0 + $1.dmaMonths }
        let times = all.compactMap(\.timeToDetectSeconds)
        let large = all.filter { ($0.sizeShare ?? 0) >= 0.10 }.compactMap(\.timeToDetectSeconds)
        // A burst raised without an area sends the crew nowhere: it counts against the
        // localiser, as in each scenario's row.
        let detected = all.filter(\.detected)
        lines.append(String(format: "  false alarms: %d over %.2f DMA-months = %.2f per DMA-month", falseAlarms, dmaMonths,
                            dmaMonths > 0 ? Double(falseAlarms) / dmaMonths : 0))
        lines.append("  time to detect: median \(BenchStatistics.median(times).map(EvalReport.duration) ?? "-"),"
            + " p90 \(BenchStatistics.percentile(times, 90).map(EvalReport.duration) ?? "-"),"
            + " median for >= 10 % \(BenchStatistics.median(large).map(EvalReport.duration) ?? "-")")
        // The opening alert's area is the one a crew is sent to first; the last published
        // is the one the event settled on, which the rest of the score and each
        // scenario's row judge.
        lines.append("  burst node in area: \(detected.count { $0.inArea == true })/\(detected.count)"
            + " (at the opening alert \(detected.count { $0.inAreaAtOpening == true })/\(detected.count));"
            + " area share median \(BenchStatistics.median(all.compactMap(\.areaShare)).map { String(format: "%.1f %%", 100 * $0) } ?? "-");"
            + " distance median \(BenchStatistics.median(all.compactMap(\.distanceToAreaM)).map { String(format: "%.0f m", $0) } ?? "-")")
        // An event must close when the flow returns to normal, and not before: closed while
        // the leak runs, it calls the crew off; left open, it hides the DMA's next burst.
        let repaired = detected.filter { $0.end != nil }
        let closeTimes = repaired.compactMap(\.timeToCloseSeconds)
        lines.append("  closing: \(closeTimes.count)/\(repaired.count) repaired bursts' events closed after the repair"
            + " (median \(BenchStatistics.median(closeTimes).map(EvalReport.duration) ?? "-"),"
            + " p90 \(BenchStatistics.percentile(closeTimes, 90).map(EvalReport.duration) ?? "-") after it),"
            + " \(repaired.count(where: \.leftOpen)) left open; \(detected.count(where: \.closedWhileLeaking))/\(detected.count)"
            + " events closed while the leak ran")
        for failure in failures { lines.append("  FAILED \(failure)") }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Evaluates every scenario in `folder`: each sub-folder holding a scenario.json, and each
/// `*.tar.gz` (unpacked into a temporary folder, removed afterwards).
public func runEvalSuite(folder: String) throws -> EvalSuiteReport {
    try runEvalSuite(folder: folder, config: .default)
}

public func runEvalSuite(folder: String, config: DetectorConfig) throws -> EvalSuiteReport {
    let root = URL(fileURLWithPath: folder)
    let names: [String]
    do {
        names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    } catch {
        throw ScenarioLoadError(path: folder, reason: "cannot list the folder: \(error.localizedDescription)")
    }
    var reports: [EvalReport] = [], failures: [String] = []
    for name in names {
        let path = root.appendingPathComponent(name).path
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        do {
            if isDirectory.boolValue,
               FileManager.default.fileExists(atPath: root.appendingPathComponent(name).appendingPathComponent("scenario.json").path) {
                reports.append(try runEval(scenarioPath: path, alertsOut: nil, config: config))
            } else if name.hasSuffix(".tar.gz") {
                try ScenarioArchive.withUnpacked(path) { folder in
                    reports.append(try runEval(scenarioPath: folder, alertsOut: nil, config: config))
                }
            }
        } catch {
            failures.append("\(name): \(error)")
        }
    }
    return EvalSuiteReport(reports: reports, failures: failures)
}

/// Scenario archives (`name.tar.gz` holding `name/` or the scenario files themselves).
public enum ScenarioArchive {
    /// Unpacks into a fresh temporary folder, calls `body` with the scenario folder inside
    /// it, and removes the temporary folder whatever happens.
    public static func withUnpacked<T>(_ archive: String, _ body: (String) throws -> T) throws -> T {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("burstwatch-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "-xzf", archive, "-C", temporary.path]
        let errors = Pipe()
        tar.standardError = errors
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            let message = String(data: errors.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
            throw ScenarioLoadError(path: archive, reason: "tar failed (\(tar.terminationStatus)): \(message)")
        }
        return try body(scenarioFolder(in: temporary.path) ?? temporary.path)
    }

    /// The folder holding scenario.json: the root itself or one level down.
    static func scenarioFolder(in root: String) -> String? {
        let manager = FileManager.default
        if manager.fileExists(atPath: (root as NSString).appendingPathComponent("scenario.json")) { return root }
        let children = (try? manager.contentsOfDirectory(atPath: root)) ?? []
        for child in children.sorted() {
            let folder = (root as NSString).appendingPathComponent(child)
            if manager.fileExists(atPath: (folder as NSString).appendingPathComponent("scenario.json")) { return folder }
        }
        return nil
    }
}
