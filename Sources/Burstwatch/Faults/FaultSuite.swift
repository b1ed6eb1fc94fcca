import AMQP
import Detection
import Foundation
import Postgres
import Readings
import Synchronization

/// `burstwatch faults`: proves the pipeline loses nothing, duplicates nothing and keeps
/// going while its processes are killed and its broker and database restart.
///
/// In a world of its own (database, queue prefix, folders; see `BenchWorld`) it runs
/// `watch`, `ingest --processes 2` and `detect`, drops the workload's files at a steady
/// rate and, at seeded random moments, kills roles with SIGKILL (and starts them again;
/// the ingest supervisor restarts its own workers) and restarts RabbitMQ and PostgreSQL.
/// Once the pipeline has drained it checks every reading, file, window announcement and
/// burst event (see `FaultReport`). Checking queues bound to the windows and alerts
/// exchanges from the start (durable, so they outlive the broker restarts) hold every
/// announcement for counting at the end.
public struct FaultSuite {
    public struct Options: Sendable {
        public var seed: UInt64
        /// A shell command line that restarts one service, given `rabbitmq` or `postgres`
        /// after it as its last argument (`bash scripts/services restart`). Run by /bin/sh as
        /// written, so quoted paths with spaces work; it must return once the service is up.
        public var restartCommand: String
        public var dropSeconds = 90.0
        public var counts: [FaultKind: Int] = [
            .killWatch: 3, .killIngestWorker1: 3, .killIngestWorker2: 3, .killDetect: 3,
            .restartRabbitMQ: 2, .restartPostgres: 2,
        ]
        public var demoDays = 15
        public var burstLps = 4.0
        /// The bench utility's size: with the demo's 8,640 files, 34 DMAs × 90 steps make 27,000.
        public var benchDMAs = 34
        public var benchSteps = 90
        public var brokenFiles = 9
        public var processes = 2
        public var prefetch = 500
        public var drainTimeout = 300.0
        /// BURSTWATCH_GRACE_SECONDS of the roles. The run replays 15 days of data in about 90 s,
        /// some 14,000 times faster than loggers deliver it, so the default grace of 2 data
        /// hours would be half a second of the run: a role down for a second would push
        /// windows past it, when live the same outage is nothing next to 2 hours. Two data
        /// days are about 12 s here, longer than any fault keeps data back.
        public var graceSeconds: Int64 = 172_800
        public var workRoot = (FileDrop.defaultWorkRoot as NSString).deletingLastPathComponent + "/burstwatch-faults"

        public init(seed: UInt64, restartCommand: String) {
            self.seed = seed
            self.restartCommand = restartCommand
        }
    }

    public let options: Options
    public let progress: BenchProgress

    public init(options: Options, progress: BenchProgress = BenchProgress()) {
        self.options = options
        self.progress = progress
    }

    public func run(settings: Settings) throws -> FaultReport {
        let clockStart = wallClock()
        var report = FaultReport(seed: options.seed)
        report.graceSeconds = options.graceSeconds
        progress.line("faults: seed \(options.seed) (replay a run with --seed \(options.seed))")
        let workload = FaultWorkload(demoDays: options.demoDays, burstLps: options.burstLps, benchDMAs: options.benchDMAs,
                                     benchSteps: options.benchSteps, brokenFiles: options.brokenFiles, seed: options.seed)
        report.goodFiles = workload.goodFiles
        report.brokenFiles = workload.brokenNames.count

        try FileManager.default.createDirectory(atPath: options.workRoot, withIntermediateDirectories: true)
        // The roles inherit this process's environment (BenchWorld.environment).
        setenv("BURSTWATCH_GRACE_SECONDS", String(options.graceSeconds), 1)
        let world = try BenchWorld(label: "faults", base: settings, workRoot: options.workRoot)
        let checkWindows = world.settings.prefix + ".faults-windows", checkAlerts = world.settings.prefix + ".faults-alerts"
        // The roles' logs stay unless the run passed (also when it throws, e.g. did not drain).
        var keepLogs = true
        defer {
            if keepLogs { setenv("BURSTWATCH_BENCH_KEEP", "1", 1) }
            if let broker = try? world.broker() {
                for queue in [checkWindows, checkAlerts] { _ = try? broker.deleteQueue(queue) }
                broker.close()
            }
            world.tearDown()
            rmdir(options.workRoot)
        }

        let scenarioFolder = world.directory + "/scenario"
        try workload.demo.write(to: URL(fileURLWithPath: scenarioFolder))
        do {
            let database = try world.database()
            defer { database.close() }
            try workload.register(on: database)
        }
        // Durable quorum queues: they and what they hold survive the broker's restarts.
        do {
            let broker = try world.broker()
            defer { broker.close() }
            try world.topology.declare(on: broker)
            for (queue, exchange, key) in [(checkWindows, world.topology.windowsExchange, "window.#"),
                                           (checkAlerts, world.topology.alertsExchange, "burst.#")] {
                _ = try broker.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])
                try broker.bindQueue(queue, exchange: exchange, routingKey: key)
            }
        }

        let dropper = FileDrop(stagingDirectory: world.directory + "/staging", uploadDirectory: world.uploadDirectory,
                               archiveDirectory: world.archiveDirectory)
        progress.status("faults: staging \(workload.files.count) files")
        try dropper.stage(workload.files)

        let roles = RoleSet(world: world, processes: options.processes, prefetch: options.prefetch)
        try roles.startAll()
        try roles.waitUntilConsuming()

        let schedule = FaultSchedule.make(seed: options.seed, counts: options.counts,
                                          span: (options.dropSeconds * 0.05)...(options.dropSeconds * 0.9), minimumGap: 3)
        let drop = DropThread(files: workload.files, dropper: dropper, seconds: options.dropSeconds)
        let started = wallClock()
        drop.start()
        for fault in schedule {
            while wallClock() - started < fault.at {
                try roles.restartUnexpectedExits(into: &report, progress: progress)
                progress.status("faults: \(drop.dropped) of \(workload.files.count) files dropped")
                usleep(100_000)
            }
            let detail = try inject(fault, roles: roles)
            report.injected[fault.kind, default: 0] += 1
            progress.line("faults: \(formatDecimal(wallClock() - started, 1)) s: \(fault.kind.rawValue) \(detail)")
        }
        while !drop.finished {
            try roles.restartUnexpectedExits(into: &report, progress: progress)
            usleep(100_000)
        }
        if let error = drop.error { throw BenchError(error) }
        report.dropSeconds = drop.finishedAt - started

        try waitForDrain(world: world, workload: workload, roles: roles, report: &report)
        roles.stopAll()

        try collect(world: world, workload: workload, checkWindows: checkWindows, checkAlerts: checkAlerts, into: &report)
        try compareWithEval(scenarioFolder: scenarioFolder, world: world, checkAlerts: checkAlerts, into: &report)
        report.seconds = wallClock() - clockStart
        keepLogs = !report.passed
        if keepLogs { progress.line("faults: the roles' logs stay in \(world.directory)") }
        return report
    }

    private func inject(_ fault: ScheduledFault, roles: RoleSet) throws -> String {
        switch fault.kind {
        case .killWatch: return try roles.killAndRestart(\.watch, after: fault.downSeconds)
        case .killDetect: return try roles.killAndRestart(\.detect, after: fault.downSeconds)
        case .killIngestWorker1: return try roles.killIngestWorker(0)
        case .killIngestWorker2: return try roles.killIngestWorker(1)
        case .restartRabbitMQ: return try restart("rabbitmq", log: roles.world.directory + "/restarts.log")
        case .restartPostgres: return try restart("postgres", log: roles.world.directory + "/restarts.log")
        }
    }

    /// The operator's command as written, the service as its last argument, output to `log`.
    static func restartCommandLine(_ command: String, service: String, log: String) -> String {
        "\(command) \(shellQuoted(service)) >>\(shellQuoted(log)) 2>&1"
    }

    private func restart(_ service: String, log: String) throws -> String {
        let began = wallClock()
        // posix_spawn and waitpid, not Foundation's Process: its waitUntilExit missed the exit
        // of this script now and then (the script's own children outlive it), and hung.
        let status = try runShell(Self.restartCommandLine(options.restartCommand, service: service, log: log))
        guard status == 0 else {
            let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(1500)
            throw BenchError("restarting \(service) failed (exit \(status)): \(tail)")
        }
        return "(down and up again in \(formatDecimal(wallClock() - began, 1)) s)"
    }

    /// Until every file left the upload folder and is in the ledger, every window was
    /// announced, the outbox is empty and the detector has stepped every DMA's last window.
    private func waitForDrain(world: BenchWorld, workload: FaultWorkload, roles: RoleSet, report: inout FaultReport) throws {
        let deadline = wallClock() + options.drainTimeout
        let dmas = workload.lastWindow.keys.sorted()
        var state = ""
        while wallClock() < deadline {
            try roles.restartUnexpectedExits(into: &report, progress: progress)
            do {
                let database = try world.database()
                defer { database.close() }
                func count(_ sql: String, _ parameters: [String?] = []) throws -> Int {
                    Int(try database.execute(sql, parameters).rows.first?[0] ?? "0") ?? 0
                }
                let upload = FileDrop.count(in: world.uploadDirectory)
                let ledger = try count("SELECT count(*) FROM files")
                let announced = try count("SELECT count(*) FROM windows WHERE announced_at IS NOT NULL")
                let outbox = try count("SELECT count(*) FROM outbox")
                let caughtUp = try count("""
                    SELECT count(*) FROM detector_state d
                    JOIN unnest($1::text[], $2::timestamptz[]) AS f(dma, last) ON d.dma = f.dma AND d.last_window >= f.last
                    """, [SQLArray.text(dmas), SQLArray.text(dmas.map { ISOTimestamp.format(workload.lastWindow[$0]!) })])
                state = "\(upload) files in the upload folder, \(ledger) of \(workload.files.count) in the ledger, "
                    + "\(announced) of \(workload.expectedWindows.count) windows announced, \(outbox) in the outbox, "
                    + "detector caught up in \(caughtUp) of \(dmas.count) DMAs"
                if upload == 0, ledger >= workload.files.count, announced >= workload.expectedWindows.count, outbox == 0,
                   caughtUp == dmas.count {
                    progress.line("faults: drained: \(state)")
                    // Confirmed publishes are routed by now; a moment for the last acks.
                    usleep(500_000)
                    return
                }
            } catch {
                state = "cannot look yet: \(error)"
            }
            progress.status("faults: draining: \(state)")
            usleep(250_000)
        }
        throw BenchError("the pipeline did not drain within \(Int(options.drainTimeout)) s: \(state); logs in \(world.directory)")
    }

    private func collect(world: BenchWorld, workload: FaultWorkload, checkWindows: String, checkAlerts: String,
                         into report: inout FaultReport) throws {
        report.filesArchived = FileDrop.count(in: world.archiveDirectory)
        report.filesLeftInUpload = FileDrop.count(in: world.uploadDirectory)
        let database = try world.database()
        defer { database.close() }
        for row in try database.execute("SELECT status, count(*), sum(deliveries - 1) FROM files GROUP BY status").rows {
            let n = Int(row[1] ?? "0") ?? 0
            switch row[0] {
            case "ingested": report.ledgerIngested = n
            case "rejected": report.ledgerRejected = n
            default: break
            }
            report.fileRedeliveries += Int(row[2] ?? "0") ?? 0
        }
        report.rowsExpected = workload.expectedReadings.count
        var found = Set<String>()
        for row in try database.execute("""
            SELECT logger_id, channel, (extract(epoch FROM ts) * 1000000)::bigint FROM readings
            """).rows {
            found.insert("\(row[0] ?? "")|\(row[1] ?? "")|\(row[2] ?? "")")
        }
        report.rowsFound = found.count
        report.rowsLost = workload.expectedReadings.subtracting(found).count
        report.rowsUnexpected = found.subtracting(workload.expectedReadings).count
        report.rowsDuplicated = Int(try database.execute("""
            SELECT count(*) - count(DISTINCT (logger_id, channel, ts)) FROM readings
            """).rows.first?[0] ?? "0") ?? 0
        report.windowsGraceExpired = Int(try database.execute("""
            SELECT count(*) FROM windows WHERE reason = 'grace-expired'
            """).rows.first?[0] ?? "0") ?? 0
        report.windowRowsCounted = Int(try database.execute("SELECT coalesce(sum(received), 0) FROM windows").rows.first?[0] ?? "0") ?? 0

        let broker = try world.broker()
        defer { broker.close() }
        var windows = DeliveryTally()
        var newestAnnounced: [String: String] = [:]
        var seen = Set<String>()
        try drain(checkWindows, on: broker) { delivery in
            let object = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
            let dma = object?["dma"] as? String ?? "?", start = object?["window_start"] as? String ?? "?"
            let key = "\(dma)|\(start)"
            // Announced after a later window of its DMA (ISO timestamps of one format sort as time).
            if seen.insert(key).inserted, let newest = newestAnnounced[dma], start < newest { report.windowsOutOfOrder += 1 }
            newestAnnounced[dma] = max(newestAnnounced[dma] ?? start, start)
            windows.record(key: key, messageID: delivery.properties.messageID, body: delivery.body)
        }
        report.windows = windows.summary(expected: workload.expectedWindows)
        var dead = DeliveryTally()
        try drain(world.topology.deadQueue, on: broker) { delivery in
            var name = "?"
            if case .string(let value)? = delivery.properties.headers["x-file-name"] { name = value }
            dead.record(key: name, messageID: nil, body: delivery.body)
        }
        let deadSummary = dead.summary(expected: workload.brokenNames)
        report.deadLettered = dead.keys.intersection(workload.brokenNames).count
        report.deadLetterCopies = deadSummary.repeatedCopies + deadSummary.distinctDuplicates
        if deadSummary.unexpected > 0 {
            // Also visible as good files missing from the ledger and readings lost.
            progress.line("faults: good files on the dead-letter queue: \(dead.keys.subtracting(workload.brokenNames).sorted().prefix(5))")
        }
    }

    /// Reads a checking queue to its end (basic.get, acked one by one).
    private func drain(_ queue: String, on broker: AMQPConnection, _ body: (AMQPDelivery) throws -> Void) throws {
        while let delivery = try broker.get(queue: queue) {
            try body(delivery)
            try broker.ack(deliveryTag: delivery.deliveryTag, multiple: false)
        }
    }

    /// The burst events published live, against `burstwatch eval` on the same scenario.
    private func compareWithEval(scenarioFolder: String, world: BenchWorld, checkAlerts: String,
                                 into report: inout FaultReport) throws {
        let alertsPath = world.directory + "/eval-alerts.jsonl"
        _ = try runEval(scenarioPath: scenarioFolder, alertsOut: alertsPath)
        let decoder = JSONDecoder()
        let offline = try String(contentsOfFile: alertsPath, encoding: .utf8).split(separator: "\n")
            .map { try decoder.decode(BurstEvent.self, from: Data($0.utf8)) }
        func key(_ event: BurstEvent) -> String { "\(event.eventID):\(event.state.rawValue):\(event.detectedAt)" }

        let broker = try world.broker()
        defer { broker.close() }
        var tally = DeliveryTally()
        var live: [String: BurstEvent] = [:]
        var undecodable = 0
        try drain(checkAlerts, on: broker) { delivery in
            guard let event = try? decoder.decode(BurstEvent.self, from: Data(delivery.body)) else {
                undecodable += 1
                tally.record(key: "undecodable \(undecodable)", messageID: delivery.properties.messageID, body: delivery.body)
                return
            }
            tally.record(key: key(event), messageID: delivery.properties.messageID, body: delivery.body)
            live[key(event)] = live[key(event)] ?? event
        }
        report.events = tally.summary(expected: Set(offline.map(key)))
        var differences: [String] = []
        for event in offline {
            guard let seen = live[key(event)] else { differences.append("\(key(event)) not published"); continue }
            if seen.areaOfInterest?.nodes != event.areaOfInterest?.nodes { differences.append("\(key(event)) has another area: live \(seen.areaOfInterest?.nodes.prefix(5) ?? []), eval \(event.areaOfInterest?.nodes.prefix(5) ?? [])")
            }
        }
        for extra in Set(live.keys).subtracting(offline.map(key)).sorted() { differences.append("\(extra) not in eval") }
        if offline.isEmpty { differences.append("eval found no burst event in the demo scenario") }
        report.evalMismatch = differences.isEmpty ? nil : differences.prefix(5).joined(separator: "; ")
    }
}

/// Drops the staged files into the upload folder at a steady rate, on its own thread, so
/// that files keep arriving while faults are injected (and restarts take their time).
final class DropThread: Sendable {
    private let files: [BenchDataset.File]
    private let dropper: FileDrop
    private let seconds: Double
    private let count = Atomic<Int>(0)
    private let done = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)
    private let end = Atomic<Double>(0)

    init(files: [BenchDataset.File], dropper: FileDrop, seconds: Double) {
        self.files = files
        self.dropper = dropper
        self.seconds = seconds
    }

    var dropped: Int { count.load(ordering: .relaxed) }
    var finished: Bool { done.load(ordering: .acquiring) }
    var error: String? { failure.withLock { $0 } }
    /// Wall-clock time the last file was dropped.
    var finishedAt: Double { end.load(ordering: .acquiring) }

    func start() {
        Thread { [self] in
            let started = wallClock()
            let rate = Double(files.count) / max(0.001, seconds)
            for (index, file) in files.enumerated() {
                let wait = started + Double(index) / rate - wallClock()
                if wait > 0 { usleep(UInt32(wait * 1e6)) }
                do {
                    _ = try dropper.drop(file)
                } catch {
                    failure.withLock { $0 = "\(error)" }
                    break
                }
                count.store(index + 1, ordering: .relaxed)
            }
            end.store(wallClock(), ordering: .releasing)
            done.store(true, ordering: .releasing)
        }.start()
    }
}

func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

/// Runs `bash -c command` and returns its exit status.
func runShell(_ command: String) throws -> Int32 {
    var pid: pid_t = 0
    let arguments = ["/bin/bash", "-c", ""]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // Only stdin, stdout and stderr pass on: the services this starts outlive the command,
    // and must not hold on to this process's descriptors (Foundation tells that a child
    // exited by a socket closing that every descendant inherited).
    let closeInherited = #"for fd in $(ls /proc/$$/fd); do if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi; done; "#
    free(argv[2])
    argv[2] = strdup(closeInherited + command)
    let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ)
    guard spawned == 0 else { throw BenchError("cannot run /bin/bash: \(String(cString: strerror(spawned)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw BenchError("waitpid failed: \(String(cString: strerror(errno)))") }
    }
    // WIFEXITED / WEXITSTATUS, which Swift does not import.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}
