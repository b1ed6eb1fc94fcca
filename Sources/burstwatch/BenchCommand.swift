import ArgumentParser
import Burstwatch
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measures the pipeline end to end against the broker's ceiling and the original Python method.",
        discussion: """
            Generates logger files (one reading each, a mix of loggers and units), drops them into the \
            watched folder of a pipeline it runs as child processes (its own database, queue prefix and \
            folders), and measures the time from the first file dropped to the last row committed, the \
            latency from each file's close to its row's commit, and the CPU time of the roles. In the \
            same run it measures the broker's ceiling and bench/original_method.py on the same files.

            --sweep repeats the run over ingest processes × prefetch and draws the matrix (SVG, and PNG \
            where rsvg-convert or ImageMagick is installed). --live drops files at a steady rate with \
            `detect` running and a burst in every DMA, and measures file → commit and window complete → \
            burst event latencies. Progress goes to stderr, results to stdout and --out.
            """)

    @Option(help: "Files per run (one reading each).")
    var files = 27_000

    @Option(help: "DMAs of the generated utility (6 loggers each).")
    var dmas: Int?

    @Option(help: "Ingest processes, comma-separated (a sweep's rows). Default: 2; with --sweep 1 to 2 × cores and beyond.")
    var processes: String?

    @Option(help: "Prefetch (chunk size), comma-separated (a sweep's columns). Default: 1000; with --sweep 1,10,50,100,250,500,1000,2000.")
    var prefetch: String?

    @Option(help: "Repetitions of every measurement; medians are reported.")
    var repetitions = 3

    @Flag(help: "Run the processes × prefetch experiment and draw its matrix.")
    var sweep = false

    @Flag(help: "Skip the broker ceiling and the Python reference.")
    var noReferences = false

    @Option(help: "Python interpreter with psycopg2 (pip install -r bench/requirements.txt). Default: bench/.venv, else python3.")
    var python: String?

    @Option(help: "The Python reference script (default: bench/original_method.py).")
    var pythonScript: String?

    @Option(help: "Pool processes of the Python reference (default: the number of cores).")
    var pythonProcesses: Int?

    @Option(help: "Chunk size of the Python reference's pool.map.")
    var pythonChunksize = 100

    @Flag(help: "Measure latencies at a steady live rate with detect running instead of throughput.")
    var live = false

    @Option(help: "With --live: files per second.")
    var rate = 100.0

    @Option(help: "With --live: data windows (15 min each) dropped at the live rate.")
    var liveWindows = 14

    @Option(help: "Folder for results.csv / live.csv, matrix.svg and matrix.png.")
    var out = "bench-results"

    @Option(help: "Folder for the runs' upload and archive folders and logs, removed afterwards (default: /dev/shm/burstwatch-bench, RAM, where there is one; a folder on disk adds the disk's cost per file).")
    var workDir: String?

    static func list(_ text: String?, default fallback: [Int], name: String) throws -> [Int] {
        guard let text else { return fallback }
        let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--\(name) takes positive whole numbers separated by commas, not \"\(text)\"")
        }
        return values.compactMap { $0 }
    }

    func validate() throws {
        guard files > 0 else { throw ValidationError("--files must be positive") }
        guard repetitions > 0 else { throw ValidationError("--repetitions must be positive") }
        guard rate > 0 else { throw ValidationError("--rate must be positive") }
        let prefetchValues = try Self.list(prefetch, default: [], name: "prefetch")
        guard prefetchValues.allSatisfy({ $0 <= 65_535 }) else { throw ValidationError("--prefetch values must be at most 65535") }
        if !sweep, (try Self.list(processes, default: [], name: "processes")).count > 1 || prefetchValues.count > 1 {
            throw ValidationError("several --processes or --prefetch values need --sweep")
        }
        if let dmas, !(1...999).contains(dmas) { throw ValidationError("--dmas must be between 1 and 999") }
    }

    func run() throws {
        let settings = try loadSettings()
        Shutdown.shared.installSignalHandlers()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if live {
            var options = LiveBench.Options()
            options.dmas = dmas ?? options.dmas
            options.rate = rate
            options.liveWindows = liveWindows
            options.processes = try Self.list(processes, default: [options.processes], name: "processes")[0]
            options.prefetch = try Self.list(prefetch, default: [options.prefetch], name: "prefetch")[0]
            options.repetitions = repetitions
            options.outDirectory = out
            options.workRoot = workDir ?? options.workRoot
            print(try LiveBench(options: options).run(settings: settings), terminator: "")
            return
        }
        var options = ThroughputBench.Options()
        options.files = files
        options.dmas = dmas ?? options.dmas
        // 1 to 2 × cores, and beyond.
        let sweepProcesses = Array(1...(2 * cores)) + [2 * cores + 2]
        options.processes = try Self.list(processes, default: sweep ? sweepProcesses : [2], name: "processes")
        options.prefetch = try Self.list(prefetch, default: sweep ? [1, 10, 50, 100, 250, 500, 1000, 2000] : [1000], name: "prefetch")
        options.repetitions = repetitions
        options.sweep = sweep
        options.references = !noReferences
        options.python = python
        options.pythonScript = pythonScript
        options.pythonProcesses = pythonProcesses ?? cores
        options.pythonChunkSize = pythonChunksize
        options.outDirectory = out
        options.workRoot = workDir ?? options.workRoot
        print(try ThroughputBench(options: options).run(settings: settings), terminator: "")
    }
}
