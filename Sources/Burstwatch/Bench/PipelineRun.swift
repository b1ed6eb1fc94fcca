import Foundation
import Postgres
import Readings
#if canImport(Glibc)
import Glibc
#endif

/// One end-to-end run of the pipeline: `watch` and `ingest` as child processes, the files
/// written into the watched folder as an FTP server writes them (open, write, close), and
/// the clock stopped at the last row's commit.
///
/// Times: a file's close is the bench's wall clock right after close(2); a file's commit is
/// `files.ingested_at`, which the ingest transaction sets with clock_timestamp() in its last
/// statement before COMMIT (the COMMIT's own WAL flush, about a millisecond, is not in it).
/// Both read the same system clock.
struct PipelineRun {
    struct Outcome {
        var record: BenchRecord
        /// Per file: wall-clock close and commit, seconds since the epoch.
        var closedAt: [String: Double]
        var committedAt: [String: Double]
        /// Seconds from the first file's drop until the last was moved in, and (with
        /// BURSTWATCH_BENCH_TRACE) until the watcher had archived them all.
        var dropSeconds: Double
        var archivedSeconds: Double?
    }

    let world: BenchWorld
    let progress: BenchProgress
    /// Roles started besides watch and ingest (e.g. ["detect"]).
    var extraRoles: [[String]] = []
    /// Files per second, or nil to drop them all as fast as possible.
    var rate: Double?
    /// Starts every progress line.
    var label = ""

    func run(files: [BenchDataset.File], dataset: BenchDataset, processes: Int, prefetch: Int,
             repetition: Int, resetFirst: Bool = true, afterCommits: () throws -> Void = {}) throws -> Outcome {
        world.stopRoles()
        if resetFirst { try world.reset() }
        let dropper = FileDrop(stagingDirectory: world.directory + "/staging", uploadDirectory: world.uploadDirectory,
                               archiveDirectory: world.archiveDirectory)
        progress.status("\(label)staging \(files.count) files")
        try dropper.stage(files)
        let ingest = try world.start(["ingest", "--processes", "\(processes)", "--prefetch", "\(prefetch)"])
        let watch = try world.start(["watch", "--dir", world.uploadDirectory, "--archive", world.archiveDirectory])
        for arguments in extraRoles { _ = try world.start(arguments) }
        defer { world.stopRoles() }
        try warmUp(dataset: dataset, roles: [ingest, watch], processes: processes)

        let ingestPIDs = ingest.workerPIDs
        let databasePIDs = try backendPIDs()
        let brokerPIDs = ProcessCPU.processes(named: "beam.smp")
        func cpu() -> (ingest: Double, watch: Double, database: Double, broker: Double) {
            (ProcessCPU.total(ingestPIDs), ProcessCPU.total([watch.pid]), ProcessCPU.total(databasePIDs), ProcessCPU.total(brokerPIDs))
        }
        let cpuBefore = cpu()
        let started = wallClock()
        let closedAt = try drop(files, with: dropper)
        let dropped = wallClock()
        var archived: Double?
        // BURSTWATCH_BENCH_TRACE=1: a line every poll with how far the watcher (archived,
        // i.e. published and confirmed) and ingest (committed) are; costs a folder listing.
        let trace = ProcessInfo.processInfo.environment["BURSTWATCH_BENCH_TRACE"] != nil
        let committed = try waitForCommits(of: files.count, roles: world.roles, since: started) { done in
            guard trace else { return }
            let inArchive = FileDrop.count(in: world.archiveDirectory)
            if archived == nil, inArchive > files.count { archived = wallClock() }
            progress.line("trace \(formatDecimal(wallClock() - started, 3)) s: archived \(inArchive - 1), committed \(done)")
        }
        let cpuAfter = cpu()
        guard ingest.workerPIDs == ingestPIDs else {
            throw BenchError("an ingest worker was restarted during the run; see \(ingest.logPath)")
        }
        try afterCommits()

        let database = try world.database()
        defer { database.close() }
        try verify(files.count, database: database)
        var committedAt: [String: Double] = [:]
        for row in try database.execute("SELECT file_name, extract(epoch FROM ingested_at)::float8 FROM files").rows {
            if let name = row[0], let time = row[1].flatMap(Double.init) { committedAt[name] = time }
        }
        let latencies = files.compactMap { file in committedAt[file.name].flatMap { c in closedAt[file.name].map { c - $0 } } }
        let count = Double(files.count)
        let record = BenchRecord(kind: .pipeline, repetition: repetition, files: files.count, processes: processes,
                                 prefetch: prefetch, seconds: committed - started, latency: LatencySummary(latencies),
                                 ingestCPUMicrosPerFile: (cpuAfter.ingest - cpuBefore.ingest) / count * 1e6,
                                 watchCPUMicrosPerFile: (cpuAfter.watch - cpuBefore.watch) / count * 1e6,
                                 databaseCPUMicrosPerFile: databasePIDs.isEmpty ? nil : (cpuAfter.database - cpuBefore.database) / count * 1e6,
                                 brokerCPUMicrosPerFile: brokerPIDs.isEmpty ? nil : (cpuAfter.broker - cpuBefore.broker) / count * 1e6)
        return Outcome(record: record, closedAt: closedAt, committedAt: committedAt, dropSeconds: dropped - started,
                       archivedSeconds: archived.map { $0 - started })
    }

    /// The PostgreSQL backends serving the roles (when the server runs on this machine).
    private func backendPIDs() throws -> [Int32] {
        let database = try world.database()
        defer { database.close() }
        let rows = try database.execute("""
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND application_name LIKE 'burstwatch-%' AND application_name <> 'burstwatch-bench'
            """).rows
        return rows.compactMap { $0[0].flatMap { Int32($0) } }.filter { ProcessCPU.cpuSeconds(pid: $0) != nil }
    }

    /// Sends one file through before the clock starts: proves watch and every ingest
    /// worker are consuming and warms their connections. Its traces are then removed.
    private func warmUp(dataset: BenchDataset, roles: [RoleProcess], processes: Int) throws {
        let broker = try world.broker()
        defer { broker.close() }
        let deadline = Date().addingTimeInterval(60)
        while (try? broker.queueInfo(world.topology.ingestQueue).consumerCount) ?? 0 < UInt32(processes) {
            try checkAlive(roles)
            guard Date() < deadline else { throw BenchError("the ingest workers did not start consuming within 60 s; see \(roles[0].logPath)") }
            usleep(50_000)
        }
        // A reading long before any the run sends, so it touches none of the run's windows.
        let channel = dataset.channels[0]
        let probe = dataset.file(channel, timestamp: dataset.start - 90 * 86_400_000_000, valueSI: 1)
        try FileDrop.write(probe, to: world.uploadDirectory + "/" + probe.name)
        let database = try world.database()
        defer { database.close() }
        while try countFiles(database) == 0 {
            try checkAlive(roles)
            guard Date() < deadline else { throw BenchError("the warm-up file was not ingested within 60 s; see \(roles[1].logPath)") }
            usleep(20_000)
        }
        _ = try database.execute("DELETE FROM files WHERE file_name = $1", [probe.name])
        _ = try database.execute("DELETE FROM readings WHERE ts = $1", [ISOTimestamp.format(probe.timestamp)])
        _ = try database.execute("DELETE FROM windows WHERE window_end <= $1", [ISOTimestamp.format(dataset.start - 80 * 86_400_000_000)])
    }

    /// Moves the staged files into the upload folder; returns each one's "close" time.
    private func drop(_ files: [BenchDataset.File], with dropper: FileDrop) throws -> [String: Double] {
        var closedAt: [String: Double] = [:]
        closedAt.reserveCapacity(files.count)
        let started = wallClock()
        for (index, file) in files.enumerated() {
            if let rate {
                let due = started + Double(index) / rate
                let wait = due - wallClock()
                if wait > 0 { usleep(UInt32(wait * 1e6)) }
                if index % 100 == 0 { progress.status("\(label)dropping at \(Int(rate)) files/s: \(index) of \(files.count)") }
            }
            closedAt[file.name] = try dropper.drop(file)
        }
        return closedAt
    }

    /// Waits until `count` files are in the ledger; returns the last commit's time.
    private func waitForCommits(of count: Int, roles: [RoleProcess], since started: Double, poll: (Int) -> Void) throws -> Double {
        let database = try world.database()
        defer { database.close() }
        let timeout = max(180, Double(count) / 20)
        var done = 0
        while true {
            done = try countFiles(database)
            poll(done)
            if done >= count { break }
            try checkAlive(roles)
            let elapsed = wallClock() - started
            guard elapsed < timeout else {
                throw BenchError("only \(done) of \(count) files were ingested after \(Int(timeout)) s; see the logs in \(world.directory)")
            }
            progress.status("\(label)\(done) of \(count) files committed, \(formatDecimal(elapsed, 1)) s")
            // The end time comes from the ledger, not from this poll, so polling slowly
            // costs no precision, only less of the machine the pipeline runs on.
            usleep(150_000)
        }
        let last: String? = try database.execute("SELECT extract(epoch FROM max(ingested_at))::float8 FROM files").rows.first?[0] ?? nil
        guard let time = last.flatMap(Double.init) else { throw BenchError("no commit time in the ledger") }
        return time
    }

    private func countFiles(_ database: PGConnection) throws -> Int {
        Int(try database.execute("SELECT count(*) FROM files").rows.first?[0] ?? "0") ?? 0
    }

    /// Every file must have become exactly one row: the run measures nothing otherwise.
    private func verify(_ count: Int, database: PGConnection) throws {
        let rejected = try database.execute("SELECT file_name, reason FROM files WHERE status <> 'ingested' LIMIT 3").rows
        if let first = rejected.first {
            throw BenchError("bench file \(first[0] ?? "?") was not ingested cleanly: \(first[1] ?? "partial")")
        }
        let rows = Int(try database.execute("SELECT sum(rows_inserted) FROM files").rows.first?[0] ?? "0") ?? 0
        guard rows == count else { throw BenchError("\(count) files inserted \(rows) rows; expected one each") }
    }

    private func checkAlive(_ roles: [RoleProcess]) throws {
        for role in roles where !role.isRunning {
            throw BenchError("burstwatch \(role.arguments.joined(separator: " ")) exited; its log: \(role.log.suffix(1500))")
        }
    }
}

public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
