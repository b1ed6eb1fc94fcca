import Foundation

/// `burstwatch bench` and `burstwatch bench --sweep`: the chunk-size experiment of the
/// system burstwatch replaces, run on burstwatch's own pipeline, with the broker's ceiling
/// and the original Python method measured in the same run, repetition by repetition,
/// so that their ratios compare moments of the shared machine alike.
public struct ThroughputBench {
    public struct Options: Sendable {
        public var files = 27_000
        public var dmas = 30
        public var processes: [Int] = [2]
        public var prefetch: [Int] = [1000]
        public var repetitions = 3
        public var references = true
        public var python: String?
        public var pythonScript: String?
        public var pythonProcesses = ProcessInfo.processInfo.activeProcessorCount
        public var pythonChunkSize = 100
        public var outDirectory = "bench-results"
        public var workRoot = FileDrop.defaultWorkRoot
        public var seed: UInt64 = 1
        /// Draw the matrix and shuffle the cells' order per repetition.
        public var sweep = false
        public init() {}
    }

    public let options: Options
    public let progress: BenchProgress

    public init(options: Options, progress: BenchProgress = BenchProgress()) {
        self.options = options
        self.progress = progress
    }

    public var isSweep: Bool { options.sweep }

    /// Runs every measurement; returns the report printed on stdout. Writes results.csv
    /// (and for a sweep matrix.svg, plus matrix.png where a converter is installed).
    public func run(settings: Settings, shutdown: Shutdown = .shared) throws -> String {
        let dataset = BenchDataset(dmaCount: options.dmas, seed: options.seed)
        let files = dataset.files(count: options.files)
        try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: options.workRoot, withIntermediateDirectories: true)
        // Gone again afterwards, unless something else lives in it (rmdir removes only an empty folder).
        defer { rmdir(options.workRoot) }

        let world = try BenchWorld(label: "pipeline", base: settings, workRoot: options.workRoot)
        defer { world.tearDown() }
        try world.register(dataset)
        var pythonWorld: BenchWorld?
        defer { pythonWorld?.tearDown() }
        var python: PythonReference?
        if options.references {
            guard let script = options.pythonScript ?? PythonReference.locateScript() else {
                throw BenchError("bench/original_method.py not found: run from the repository or pass --python-script (or --no-references)")
            }
            let reference = try BenchWorld(label: "python", base: settings, workRoot: options.workRoot)
            pythonWorld = reference
            python = PythonReference(world: reference, python: options.python ?? PythonReference.locatePython(script: script),
                                     script: script, processes: options.pythonProcesses, chunkSize: options.pythonChunkSize)
            try python?.prepare(files: files, dataset: dataset)
        }

        let cells = options.processes.flatMap { p in options.prefetch.map { (processes: p, prefetch: $0) } }
        let runsPerRepetition = cells.count + (options.references ? 2 : 0)
        let totalRuns = runsPerRepetition * options.repetitions
        progress.line("bench: \(files.count) files from \(options.dmas) DMAs (\(dataset.filesPerStep) loggers), "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.repetitions) repetitions, \(totalRuns) runs")
        var records: [BenchRecord] = []
        var done = 0
        let pipeline = PipelineRun(world: world, progress: progress)
        for repetition in 1...options.repetitions {
            func announce(_ what: String) -> String {
                done += 1
                return "[\(done)/\(totalRuns)] rep \(repetition): \(what): "
            }
            if options.references, let python {
                guard !shutdown.isRequested else { break }
                var label = announce("broker ceiling")
                progress.status(label + "publishing and consuming \(files.count) messages")
                let ceiling = try BrokerCeiling(world: world).run(files: files, repetition: repetition)
                records.append(ceiling)
                progress.line(label + Self.describe(ceiling))
                label = announce("python (\(python.processes) processes, chunk size \(python.chunkSize))")
                progress.status(label + "running")
                let reference = try python.run(files: files.count, repetition: repetition)
                records.append(reference)
                progress.line(label + Self.describe(reference))
            }
            // A different order each repetition, so a noisy moment of the shared machine
            // does not always fall on the same cells.
            var rng = SplitMix64(seed: options.seed &+ UInt64(repetition))
            for cell in isSweep ? cells.shuffled(using: &rng) : cells {
                guard !shutdown.isRequested else { break }
                var run = pipeline
                run.label = announce("\(cell.processes) processes × prefetch \(cell.prefetch)")
                let outcome = try run.run(files: files, dataset: dataset, processes: cell.processes, prefetch: cell.prefetch,
                                          repetition: repetition)
                records.append(outcome.record)
                progress.line(run.label + Self.describe(outcome.record) + "; files moved in within " + formatDecimal(outcome.dropSeconds, 2)
                    + " s" + (outcome.archivedSeconds.map { ", all archived by the watcher at " + formatDecimal($0, 2) + " s" } ?? ""))
            }
            try BenchRecord.csv(records).write(toFile: options.outDirectory + "/results.csv", atomically: true, encoding: .utf8)
        }
        guard !shutdown.isRequested else { throw BenchError("interrupted; the runs so far are in \(options.outDirectory)/results.csv") }
        return try report(records, files: files.count)
    }

    static func describe(_ record: BenchRecord) -> String {
        var text = formatDecimal(record.seconds, 2) + " s (" + formatDecimal(record.filesPerSecond, 0) + " files/s)"
        if let latency = record.latency { text += ", latency " + latency.description }
        if let cpu = record.ingestCPUMicrosPerFile { text += ", ingest CPU " + formatDecimal(cpu, 1) + " µs/file" }
        if let cpu = record.watchCPUMicrosPerFile { text += ", watch " + formatDecimal(cpu, 1) + " µs/file" }
        if let cpu = record.databaseCPUMicrosPerFile { text += ", PostgreSQL " + formatDecimal(cpu, 1) + " µs/file" }
        if let cpu = record.brokerCPUMicrosPerFile { text += ", RabbitMQ " + formatDecimal(cpu, 1) + " µs/file" }
        return text
    }

    func report(_ records: [BenchRecord], files: Int) throws -> String {
        var out = "burstwatch bench: \(files) files, \(options.dmas) DMAs, \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "\(options.repetitions) repetitions (medians); folders on \(FileDrop.fileSystemName(options.workRoot))\n"
        let pipelineRecords = records.filter { $0.kind == .pipeline }
        // The best cell: the one with the shortest median.
        var best: (processes: Int, prefetch: Int, seconds: Double)?
        for p in options.processes {
            for f in options.prefetch {
                let cell = pipelineRecords.filter { $0.processes == p && $0.prefetch == f }
                guard let median = BenchStatistics.median(cell.map(\.seconds)) else { continue }
                if best == nil || median < best!.seconds { best = (p, f, median) }
            }
        }
        guard let best else { return out + "no pipeline run finished\n" }
        let bestRecords = pipelineRecords.filter { $0.processes == best.processes && $0.prefetch == best.prefetch }
        func median(_ values: [Double?]) -> String {
            BenchStatistics.median(values.compactMap { $0 }).map { formatDecimal($0, 1) } ?? "-"
        }
        out += "pipeline, \(best.processes) ingest processes × prefetch \(best.prefetch)\(isSweep ? " (the sweep's minimum)" : ""): "
            + "\(formatDecimal(best.seconds, 2)) s end to end (\(formatDecimal(Double(files) / best.seconds, 0)) files/s)\n"
        out += "  file close → row committed: median \(median(bestRecords.map { $0.latency.map { $0.median * 1000 } })) ms, "
            + "p99 \(median(bestRecords.map { $0.latency.map { $0.p99 * 1000 } })) ms (a burst of \(files) files queues by design)\n"
        out += "  CPU per file (user + system, /proc): ingest workers \(median(bestRecords.map(\.ingestCPUMicrosPerFile))) µs, "
            + "watch \(median(bestRecords.map(\.watchCPUMicrosPerFile))) µs; PostgreSQL backends \(median(bestRecords.map(\.databaseCPUMicrosPerFile))) µs, "
            + "RabbitMQ node \(median(bestRecords.map(\.brokerCPUMicrosPerFile))) µs\n"
        let isBest: (BenchRecord) -> Bool = { $0.kind == .pipeline && $0.processes == best.processes && $0.prefetch == best.prefetch }
        if let ceiling = BenchSummary.medianSeconds(records, .brokerCeiling),
           let ratio = BenchSummary.medianRatio(records, isBest, { $0.kind == .brokerCeiling }) {
            out += "broker ceiling (publish + consume \(files) persistent messages with confirms): \(formatDecimal(ceiling, 2)) s\n"
            out += "  pipeline / broker ceiling = \(formatDecimal(ratio, 2)) (median of per-repetition ratios; target ≤ 1.5)\n"
        }
        if let python = BenchSummary.medianSeconds(records, .python),
           let ratio = BenchSummary.medianRatio(records, { $0.kind == .python }, isBest) {
            out += "original Python method (pool of \(options.pythonProcesses), chunk size \(options.pythonChunkSize), one INSERT per file): "
                + "\(formatDecimal(python, 2)) s\n"
            out += "  python / pipeline = \(formatDecimal(ratio, 2)) (the pipeline is \(formatDecimal(ratio, 1))× faster; target ≥ 3)\n"
        }
        out += "results: \(options.outDirectory)/results.csv\n"
        if isSweep {
            let matrix = BenchSummary.matrix(records, processes: options.processes, prefetch: options.prefetch,
                title: "burstwatch: \(files) one-reading files, end to end",
                subtitle: "\(ProcessInfo.processInfo.activeProcessorCount) cores, median of \(options.repetitions) runs per cell; "
                    + "watch → RabbitMQ quorum queue → ingest × N → PostgreSQL")
            let svgPath = options.outDirectory + "/matrix.svg"
            try matrix.svg().write(toFile: svgPath, atomically: true, encoding: .utf8)
            out += "matrix: \(svgPath)"
            if let png = Self.convertToPNG(svgPath) { out += ", \(png)" }
            out += "\n" + Self.table(matrix)
        }
        return out
    }

    /// The matrix as text, seconds per cell, the minimum starred.
    static func table(_ matrix: SweepMatrix) -> String {
        let best = matrix.minimum
        var out = "processes \\ prefetch" + matrix.prefetch.map { " " + String(repeating: " ", count: max(0, 8 - "\($0)".count)) + "\($0)" }.joined() + "\n"
        for (row, processes) in matrix.processes.enumerated() {
            out += String(repeating: " ", count: 20 - "\(processes)".count) + "\(processes)"
            for (column, value) in matrix.seconds[row].enumerated() {
                let star = best.map { $0.row == row && $0.column == column } ?? false ? "*" : " "
                let text = value.map { formatDecimal($0, 2) } ?? "-"
                out += " " + String(repeating: " ", count: max(0, 7 - text.count)) + text + star
            }
            out += "\n"
        }
        return out
    }

    /// Converts with the first of rsvg-convert, ImageMagick or Inkscape that works.
    static func convertToPNG(_ svgPath: String) -> String? {
        let pngPath = (svgPath as NSString).deletingPathExtension + ".png"
        let attempts: [(String, [String])] = [
            ("rsvg-convert", ["--background-color", "white", "-o", pngPath, svgPath]),
            ("convert", [svgPath, pngPath]),
            ("inkscape", [svgPath, "--export-type=png", "--export-filename=\(pngPath)"]),
        ]
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for (tool, arguments) in attempts {
            guard let executable = path.map({ "\($0)/\(tool)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { continue }
            try? FileManager.default.removeItem(atPath: pngPath)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0, FileManager.default.fileExists(atPath: pngPath) { return pngPath }
        }
        return nil
    }
}
