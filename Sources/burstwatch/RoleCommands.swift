import ArgumentParser
import Burstwatch
import Foundation

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Watches an FTP upload folder and publishes each finished file.")

    @Option(help: "The upload folder (subfolders count).")
    var dir: String

    @Option(help: "Where published files are moved (default: <dir>.archive).")
    var archive: String?

    @Option(help: "Where files too large to publish are moved (default: <dir>.quarantine).")
    var quarantine: String?

    @Option(help: "The x-source header of published files.")
    var source = "ftp"

    @Option(help: "Largest file published, in bytes.")
    var maxFileBytes = 16 << 20

    @OptionGroup var http: HTTPOptions

    @Option(help: "Stop publishing while the ingest queue holds this many messages (default: BURSTWATCH_WATCH_QUEUE_LIMIT, else no limit).")
    var queueLimit: Int?

    func run() throws {
        let settings = try loadSettings()
        Shutdown.shared.installSignalHandlers()
        let server = try http.startServer(role: "watch", settings: settings)
        defer { server?.stop() }
        var options = WatchService.Options(uploadDirectory: dir, archiveDirectory: archive, source: source,
                                           maxFileBytes: maxFileBytes, quarantineDirectory: quarantine)
        options.queueLimit = queueLimit ?? settings.watchQueueLimit
        try WatchService(connections: Connections(settings: settings), options: options).run()
    }
}

extension WatchCommand {
    func validate() throws {
        if let queueLimit, queueLimit < 1 { throw ValidationError("--queue-limit must be at least 1") }
    }
}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Consumes file messages into PostgreSQL; prefetch is the chunk size.")

    @Option(help: "Worker processes; more than one runs a supervisor that restarts crashed workers.")
    var processes = 1

    @Option(help: "Unacked messages per worker, and so the batch written per transaction.")
    var prefetch = 1000  // bench --sweep: 500-1000 beat 100 by 1.4-2.7x in a burst

    @Option(help: "Flush a partial batch after this many milliseconds without a new message.")
    var idleFlushMs = 20

    @OptionGroup(title: "HTTP (with --processes N, worker i of 0..<N serves on port+i)") var http: HTTPOptions

    func validate() throws {
        guard processes >= 1 else { throw ValidationError("--processes must be at least 1") }
        guard (1...65_535).contains(prefetch) else { throw ValidationError("--prefetch must be between 1 and 65535") }
    }

    func run() throws {
        let settings = try loadSettings()
        Shutdown.shared.installSignalHandlers()
        if processes > 1 {
            let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            // Each worker is its own process with its own metrics: worker i serves on port+i.
            let basePort = http.resolvedPort(settings)
            let host = http.resolvedHost(settings)
            try Supervisor(executable: me, arguments: ["ingest", "--processes", "1", "--prefetch", "\(prefetch)",
                                                       "--idle-flush-ms", "\(idleFlushMs)"],
                           count: processes,
                           slotArguments: { slot in
                               basePort.map { ["--http-port", "\($0 + slot)", "--http-host", host] } ?? ["--http-port", "0"]
                           }).run()
            return
        }
        let server = try http.startServer(role: "ingest", settings: settings)
        defer { server?.stop() }
        let connections = Connections(settings: settings)
        let relay = Thread { OutboxRelay(connections: connections).run() }
        relay.start()
        IngestWorker(connections: connections,
                     options: .init(prefetch: prefetch, idleFlushSeconds: Double(idleFlushMs) / 1000)).run()
        while !relay.isFinished { usleep(20_000) }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Copies a scenario's files into a folder in data-time order.")

    @Argument(help: "The scenario folder.")
    var scenario: String

    @Option(help: "The folder to copy into (an upload folder).")
    var into: String

    @Option(help: "Data seconds per wall second (default: as fast as possible).")
    var speed: Double?

    func run() throws {
        Shutdown.shared.installSignalHandlers()
        let count = try Replay(scenario: URL(fileURLWithPath: scenario), target: URL(fileURLWithPath: into), speed: speed).run()
        print("replayed \(count) files into \(into)")
    }
}

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Writes the built-in demo scenario folder (network, loggers, data files).")

    @Option(help: "The scenario folder to write.")
    var out: String

    @Option(help: "Days of data.")
    var days = 1

    @Option(help: "First day, UTC (YYYY-MM-DD).")
    var start = "2026-03-02"

    @Option(help: "Add a burst of this many l/s on the last day, at 02:30.")
    var burstLps: Double?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func run() throws {
        let startMicros = try parseDay(start)
        let burst = burstLps.map {
            DemoScenario.Burst(node: DemoScenario.junction(4, 3), start: startMicros + Int64(days - 1) * 86_400_000_000 + 9_000_000_000, sizeLps: $0)
        }
        let scenario = DemoScenario(start: startMicros, days: days, historyDays: burst == nil ? days : days - 1,
                                    seed: seed, burst: burst)
        try scenario.write(to: URL(fileURLWithPath: out))
        print("wrote \(scenario.days) day(s) of data for the demo network to \(out)")
    }

    func parseDay(_ text: String) throws -> Int64 {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { throw ValidationError("--start must look like 2026-03-02") }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { throw ValidationError("--start is not a date") }
        return Int64(date.timeIntervalSince1970) * 1_000_000
    }
}
