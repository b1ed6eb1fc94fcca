import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The roles of a fault run and what the suite does to them. A role the suite killed is
/// started again by the suite (watch, detect) or by the ingest supervisor (its workers);
/// a role that exits by itself is a finding: it is noted, and started again so the run
/// can still tell what else went wrong.
final class RoleSet {
    let world: BenchWorld
    let processes: Int
    let ingestArguments: [String]
    let watchArguments: [String]
    let detectArguments = ["detect"]
    var ingest: RoleProcess?
    var watch: RoleProcess?
    var detect: RoleProcess?

    init(world: BenchWorld, processes: Int, prefetch: Int) {
        self.world = world
        self.processes = processes
        ingestArguments = ["ingest", "--processes", "\(processes)", "--prefetch", "\(prefetch)"]
        watchArguments = ["watch", "--dir", world.uploadDirectory, "--archive", world.archiveDirectory]
    }

    func startAll() throws {
        ingest = try world.start(ingestArguments)
        watch = try world.start(watchArguments)
        detect = try world.start(detectArguments)
    }

    func stopAll() { world.stopRoles() }

    /// Until the ingest workers and the detector consume (60 s at most).
    func waitUntilConsuming() throws {
        let broker = try world.broker()
        defer { broker.close() }
        let deadline = Date().addingTimeInterval(60)
        while true {
            let ingestConsumers = (try? broker.queueInfo(world.topology.ingestQueue).consumerCount) ?? 0
            let detectConsumers = (try? broker.queueInfo(world.topology.detectQueue).consumerCount) ?? 0
            if ingestConsumers >= UInt32(processes), detectConsumers >= 1 { return }
            guard Date() < deadline else {
                throw BenchError("the roles did not start consuming within 60 s; logs in \(world.directory)")
            }
            usleep(100_000)
        }
    }

    /// SIGKILL, wait until it is gone, stay down `seconds`, start it again.
    func killAndRestart(_ role: ReferenceWritableKeyPath<RoleSet, RoleProcess?>, after seconds: Double) throws -> String {
        guard let running = self[keyPath: role] else { return "(not running)" }
        let pid = running.pid
        kill(pid, SIGKILL)
        Self.waitUntilGone(pid)
        usleep(UInt32(seconds * 1e6))
        let fresh = try world.start(running.arguments)
        self[keyPath: role] = fresh
        return "(pid \(pid), down \(formatDecimal(seconds, 1)) s, now pid \(fresh.pid))"
    }

    /// Until the process is gone or a zombie (Foundation reaps it in its own time).
    static func waitUntilGone(_ pid: Int32) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !ProcessCPU.hasExited(pid) {
            usleep(20_000)
        }
    }

    /// SIGKILL to one of the supervisor's workers (by pid order); the supervisor restarts it.
    func killIngestWorker(_ index: Int) throws -> String {
        guard let ingest else { return "(not running)" }
        let deadline = Date().addingTimeInterval(15)
        var workers = ProcessCPU.children(of: ingest.pid)
        // A worker killed just before may still be waiting for its restart.
        while workers.count < processes, Date() < deadline {
            usleep(100_000)
            workers = ProcessCPU.children(of: ingest.pid)
        }
        guard !workers.isEmpty else { return "(no worker running)" }
        let pid = workers[min(index, workers.count - 1)]
        kill(pid, SIGKILL)
        return "(pid \(pid); the supervisor restarts it)"
    }

    /// Starts again any role that exited without the suite killing it, and notes it.
    func restartUnexpectedExits(into report: inout FaultReport, progress: BenchProgress) throws {
        for path in [\RoleSet.ingest, \RoleSet.watch, \RoleSet.detect] {
            guard let role = self[keyPath: path], !role.isRunning else { continue }
            let name = role.arguments[0]
            report.unexpectedExits.append(name)
            progress.line("faults: \(name) exited by itself (status \(role.process.terminationStatus)); starting it again. "
                + "Its log ends: \(role.log.suffix(800))")
            self[keyPath: path] = try world.start(role.arguments)
        }
    }
}
