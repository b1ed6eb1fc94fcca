import AMQP
import Foundation
import Postgres
import Readings
import Synchronization

/// `burstwatch bench --live`: the pipeline at a steady live rate, as loggers deliver,
/// with `detect` running. Every DMA has a burst, so the run measures both latencies users
/// wait for: a file's close to its row's commit, and a window's completion (the
/// window-complete message) to the burst event it raised being published.
///
/// The detector needs a week of burst-free history before it may alarm; that history is
/// loaded straight into `readings` before the run (setup, not measured).
public struct LiveBench {
    public struct Options: Sendable {
        public var dmas = 40
        public var rate = 100.0
        public var historyDays = 8
        /// Live data windows dropped at `rate`.
        public var liveWindows = 14
        /// Live window in which every DMA's burst starts.
        public var burstWindow = 4
        public var processes = 2
        public var prefetch = 100
        public var repetitions = 1
        public var outDirectory = "bench-results"
        public var workRoot = FileDrop.defaultWorkRoot
        public var seed: UInt64 = 7
        public init() {}
    }

    public let options: Options
    public let progress: BenchProgress

    public init(options: Options, progress: BenchProgress = BenchProgress()) {
        self.options = options
        self.progress = progress
    }

    struct Repetition {
        var record: BenchRecord
        var windowToEvent: [Double]
        var events: Int
        var windows: Int
    }

    public func run(settings: Settings, shutdown: Shutdown = .shared) throws -> String {
        try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: options.workRoot, withIntermediateDirectories: true)
        // Gone again afterwards, unless something else lives in it (rmdir removes only an empty folder).
        defer { rmdir(options.workRoot) }
        var repetitions: [Repetition] = []
        for repetition in 1...options.repetitions where !shutdown.isRequested {
            repetitions.append(try runOnce(settings: settings, repetition: repetition))
        }
        guard !repetitions.isEmpty else { throw BenchError("interrupted") }
        try BenchRecord.csv(repetitions.map(\.record)).write(toFile: options.outDirectory + "/live.csv", atomically: true, encoding: .utf8)

        let fileLatencies = repetitions.compactMap(\.record.latency)
        var out = "burstwatch bench --live: \(options.dmas) DMAs, \(options.dmas * 6) loggers, \(formatDecimal(options.rate, 0)) files/s, "
            + "\(options.processes) ingest processes × prefetch \(options.prefetch), \(repetitions.count) run(s); "
            + "folders on \(FileDrop.fileSystemName(options.workRoot))\n"
        out += "  files: \(repetitions.map(\.record.files).reduce(0, +)), windows completed: \(repetitions.map(\.windows).reduce(0, +)), "
            + "burst events: \(repetitions.map(\.events).reduce(0, +))\n"
        if let worst = fileLatencies.max(by: { $0.p99 < $1.p99 }) {
            out += "  file close → row committed, per run: "
                + fileLatencies.map { "median \(formatMillis($0.median)), p99 \(formatMillis($0.p99))" }.joined(separator: "; ")
                + " (worst p99 \(formatMillis(worst.p99)); target p99 < 250 ms)\n"
        }
        if let events = LatencySummary(repetitions.flatMap(\.windowToEvent)) {
            out += "  window complete → burst event published: \(events.description) (target p99 < 100 ms)\n"
        } else {
            out += "  window complete → burst event published: no burst event was raised\n"
        }
        let cpu = repetitions.compactMap(\.record.ingestCPUMicrosPerFile)
        out += "  CPU per file at this rate (user + system, /proc): ingest workers \(BenchStatistics.median(cpu).map { formatDecimal($0, 1) } ?? "-") µs, "
            + "watch \(BenchStatistics.median(repetitions.compactMap(\.record.watchCPUMicrosPerFile)).map { formatDecimal($0, 1) } ?? "-") µs\n"
        out += "results: \(options.outDirectory)/live.csv\n"
        return out
    }

    private func runOnce(settings: Settings, repetition: Int) throws -> Repetition {
        let dataset = BenchDataset(dmaCount: options.dmas, seed: options.seed &+ UInt64(repetition))
        let historySteps = options.historyDays * 96
        let world = try BenchWorld(label: "live", base: settings, workRoot: options.workRoot)
        defer { world.tearDown() }
        try world.register(dataset)
        progress.status("live: loading \(options.historyDays) days of history for \(options.dmas) DMAs")
        try loadHistory(dataset, steps: 0..<historySteps, world: world)

        let bursts = dataset.burstsInEveryDMA(atStep: historySteps + options.burstWindow)
        let files = dataset.files(steps: historySteps..<(historySteps + options.liveWindows), bursts: bursts)
        let subscriber = try Subscriber(world: world)
        defer { subscriber.stop() }

        var run = PipelineRun(world: world, progress: progress)
        run.rate = options.rate
        run.extraRoles = [["detect"]]
        run.label = "live run \(repetition): "
        let expectedWindows = options.dmas * options.liveWindows
        let outcome = try run.run(files: files, dataset: dataset, processes: options.processes, prefetch: options.prefetch,
                                  repetition: repetition, resetFirst: false) {
            try waitForDetection(world: world, windows: expectedWindows, label: run.label)
        }
        usleep(500_000)  // events published at the very end are still on their way to the subscriber
        let arrivals = subscriber.stop()
        var windowArrival: [String: Double] = [:]
        for arrival in arrivals where arrival.kind == .window { windowArrival[arrival.key] = windowArrival[arrival.key] ?? arrival.time }
        var latencies: [Double] = []
        for arrival in arrivals where arrival.kind == .event {
            guard let window = windowArrival[arrival.key] else { continue }
            latencies.append(arrival.time - window)
        }
        let events = arrivals.filter { $0.kind == .event }.count
        progress.line("live run \(repetition): \(files.count) files at \(formatDecimal(options.rate, 0))/s; "
            + "latency \(outcome.record.latency?.description ?? "-"); \(events) burst events, window → event "
            + (LatencySummary(latencies)?.description ?? "-"))
        return Repetition(record: outcome.record, windowToEvent: latencies, events: events,
                          windows: arrivals.filter { $0.kind == .window }.count)
    }

    /// History straight into `readings`, in the units ingest stores.
    private func loadHistory(_ dataset: BenchDataset, steps: Range<Int>, world: BenchWorld) throws {
        let database = try world.database()
        defer { database.close() }
        let rows = dataset.readingsSI(steps: steps).lazy.map { row -> [String?] in
            [row.loggerID, row.channel, ISOTimestamp.format(row.timestamp), String(row.value)]
        }
        try database.copyIn("COPY readings (logger_id, channel, ts, value) FROM STDIN", rows: rows)
        _ = try database.execute("ANALYZE readings")
    }

    /// Until every window was announced and the detector has stepped through all of them.
    private func waitForDetection(world: BenchWorld, windows: Int, label: String) throws {
        let database = try world.database()
        defer { database.close() }
        let broker = try world.broker()
        defer { broker.close() }
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            let announced = Int(try database.execute("SELECT count(*) FROM windows WHERE announced_at IS NOT NULL").rows.first?[0] ?? "0") ?? 0
            let outbox = Int(try database.execute("SELECT count(*) FROM outbox").rows.first?[0] ?? "0") ?? 0
            let queued = try broker.queueInfo(world.topology.detectQueue).messageCount
            if announced >= windows, outbox == 0, queued == 0 {
                // The last window may be in the detector's hands (delivered, not yet acked).
                usleep(300_000)
                if try broker.queueInfo(world.topology.detectQueue).messageCount == 0,
                   (Int(try database.execute("SELECT count(*) FROM outbox").rows.first?[0] ?? "0") ?? 0) == 0 { return }
            }
            progress.status(label + "waiting for detection: \(announced) of \(windows) windows announced, \(queued) queued")
            usleep(100_000)
        }
        throw BenchError("detection did not finish within 300 s; see the logs in \(world.directory)")
    }
}

/// Listens to window-complete messages and burst events on queues of its own and notes
/// when each arrived. An event is matched to the window that raised it by DMA and time:
/// its `detected_at` is that window's end.
final class Subscriber {
    enum Kind: Sendable { case window, event }
    struct Arrival: Sendable {
        var kind: Kind
        /// DMA and window end.
        var key: String
        var time: Double
    }

    private let loop: SubscriberLoop
    private let thread: Thread

    init(world: BenchWorld) throws {
        let connection = try world.broker()
        let topology = world.topology
        try topology.declare(on: connection)
        let windows = world.settings.prefix + ".bench-windows", alerts = world.settings.prefix + ".bench-alerts"
        _ = try connection.declareQueue(windows, durable: false, exclusive: true, autoDelete: true)
        try connection.bindQueue(windows, exchange: topology.windowsExchange, routingKey: "window.#")
        _ = try connection.declareQueue(alerts, durable: false, exclusive: true, autoDelete: true)
        try connection.bindQueue(alerts, exchange: topology.alertsExchange, routingKey: "burst.#")
        try connection.consume(queue: windows)
        try connection.consume(queue: alerts)
        let loop = SubscriberLoop(connection: connection, alertsExchange: topology.alertsExchange)
        self.loop = loop
        thread = Thread { loop.run() }
        thread.start()
    }

    /// Stops listening; returns what arrived. Safe to call twice.
    @discardableResult
    func stop() -> [Arrival] {
        loop.stopping.store(true, ordering: .releasing)
        while !thread.isFinished { usleep(10_000) }
        loop.connection.close()
        return loop.arrivals.withLock { $0 }
    }
}

/// The subscriber's receive loop, on its own thread.
private final class SubscriberLoop: Sendable {
    let connection: AMQPConnection
    let alertsExchange: String
    let arrivals = Mutex<[Subscriber.Arrival]>([])
    let stopping = Atomic<Bool>(false)

    init(connection: AMQPConnection, alertsExchange: String) {
        self.connection = connection
        self.alertsExchange = alertsExchange
    }

    func run() {
        while !stopping.load(ordering: .acquiring) {
            guard let delivery = try? connection.nextDelivery(timeout: 0.1) else { continue }
            let time = wallClock()
            guard let object = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any],
                  let dma = object["dma"] as? String else { continue }
            if delivery.exchange == alertsExchange, let detected = object["detected_at"] as? String {
                arrivals.withLock { $0.append(.init(kind: .event, key: dma + " " + detected, time: time)) }
            } else if let end = object["window_end"] as? String {
                arrivals.withLock { $0.append(.init(kind: .window, key: dma + " " + end, time: time)) }
            }
            try? connection.ack(deliveryTag: delivery.deliveryTag)
        }
    }
}
