import AMQP
import Burstwatch
import Foundation
import Testing

/// SIGTERM/SIGINT: every role finishes or abandons the batch in hand, acks what
/// committed and exits 0; nothing is lost and nothing stays unacked.
@Suite("Graceful shutdown", .serialized)
struct ShutdownTests {
    /// Writes one-reading files into the upload folder a few at a time, as loggers
    /// would, until stopped or out of files.
    final class FileStream: @unchecked Sendable {  // @unchecked: `next` is only touched under `lock`
        let files: [(name: String, contents: [UInt8])]
        let folder: String
        private let lock = NSLock()
        private var next = 0
        private var stopped = false
        private var thread: Thread?

        init(files: [(name: String, contents: [UInt8])], folder: String) {
            self.files = files
            self.folder = folder
        }

        var written: Int { lock.withLock { next } }

        func start(perTick: Int = 20, tick: Double = 0.02) {
            stopped = false
            let thread = Thread { [self] in
                while true {
                    let range: Range<Int>? = lock.withLock {
                        guard !stopped, next < files.count else { return nil }
                        let end = min(files.count, next + perTick)
                        defer { next = end }
                        return next..<end
                    }
                    guard let range else { return }
                    for file in files[range] {
                        FileManager.default.createFile(atPath: folder + "/" + file.name, contents: Data(file.contents))
                    }
                    usleep(UInt32(tick * 1_000_000))
                }
            }
            self.thread = thread
            thread.start()
        }

        func stop() {
            lock.withLock { stopped = true }
            while thread?.isFinished == false { usleep(1_000) }
        }
    }

    /// Sends `signal` and waits (at most `timeout` seconds) for the exit; returns the exit status.
    static func signalAndWait(_ role: RoleProcess, _ signal: Int32 = SIGTERM, timeout: Double = 30) -> Int32? {
        kill(role.pid, signal)
        let deadline = Date().addingTimeInterval(timeout)
        while role.isRunning, Date() < deadline { usleep(10_000) }
        guard !role.isRunning else { return nil }
        return role.process.terminationReason == .exit ? role.process.terminationStatus : -role.process.terminationStatus
    }

    @Test("SIGTERM during a steady stream: watch, ingest --processes 2 and detect exit 0, and after a restart every file's rows are there once")
    func sigtermDuringStream() throws {
        let env = try TestEnvironment("sigterm")
        try env.registerDemo()
        let files = IngestPipelineTests.loggerFiles(count: 4_000)
        let stream = FileStream(files: files, folder: env.uploadDirectory)
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        let ingest = try env.start(["ingest", "--processes", "2", "--prefetch", "50"])
        let detect = try env.start(["detect"])
        stream.start()
        // Mid-stream: some rows committed, more files still coming.
        #expect(try env.eventually(timeout: 60) { try env.count("SELECT count(*) FROM readings") >= 500 }, "ingest log:\n\(ingest.log)")
        #expect(stream.written < files.count, "the stream ended before the signal; the test proved nothing")

        #expect(Self.signalAndWait(ingest) == 0, "ingest log:\n\(ingest.log.suffix(3000))")
        #expect(Self.signalAndWait(watch) == 0, "watch log:\n\(watch.log.suffix(3000))")
        #expect(Self.signalAndWait(detect, SIGINT) == 0, "detect log:\n\(detect.log.suffix(3000))")
        let rowsAtStop = try env.count("SELECT count(*) FROM readings")
        #expect(rowsAtStop < files.count)
        // Nothing is held unacked by a process that is gone: whatever is left is ready
        // in the queue, to be redelivered.
        let broker = try env.broker()
        #expect(try broker.queueInfo(env.topology.ingestQueue).consumerCount == 0)
        broker.close()

        // Restart: the rest of the stream, and whatever was in flight at the signal, arrives once.
        stream.start()
        try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        try env.start(["ingest", "--prefetch", "50"])
        #expect(try env.eventually(timeout: 180) { try env.count("SELECT count(*) FROM readings") == files.count })
        stream.stop()
        #expect(try env.count("SELECT count(*) FROM files") == files.count)
        #expect(try env.count("SELECT count(*) FROM (SELECT logger_id, channel, ts FROM readings GROUP BY 1, 2, 3 HAVING count(*) > 1) d") == 0)
        #expect(try env.eventually(timeout: 20) { try env.queueDepth(env.topology.ingestQueue) == 0 })
        #expect(try env.eventually(timeout: 20) { env.filesLeftInUpload().isEmpty })
    }

    @Test("SIGTERM while a batch waits on a lock: the batch is abandoned (rolled back, not acked), ingest exits 0, and a restart ingests it once")
    func sigtermAbandonsStuckBatch() throws {
        let env = try TestEnvironment("sigterm-lock")
        try env.registerDemo()
        try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        let ingest = try env.start(["ingest", "--prefetch", "50"])
        let files = IngestPipelineTests.loggerFiles(count: 40)
        let locker = try env.database()
        defer { locker.close() }
        _ = try locker.execute("BEGIN")
        _ = try locker.execute("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE")
        try ResilienceTests.writeFiles(files, into: env.uploadDirectory)
        #expect(try env.eventually(timeout: 30) {
            try env.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'burstwatch-ingest' AND wait_event_type = 'Lock'") == 1
        }, "the batch never waited on the lock; ingest log:\n\(ingest.log)")

        // The lock stays: only cancelling the statement (after a 5 s grace) lets it exit.
        #expect(Self.signalAndWait(ingest, timeout: 20) == 0, "ingest log:\n\(ingest.log)")
        #expect(try locker.execute("SELECT count(*) FROM readings").rows.first?.first == "0")
        _ = try locker.execute("COMMIT")
        #expect(try env.eventually(timeout: 10) { try env.queueDepth(env.topology.ingestQueue) == UInt32(files.count) })

        try env.start(["ingest", "--prefetch", "50"])
        #expect(try env.eventually(timeout: 30) { try env.count("SELECT count(*) FROM readings") == files.count })
        #expect(try env.count("SELECT coalesce(sum(deliveries), 0) FROM files") == files.count)
    }

    @Test("SIGTERM while waiting to reconnect to a broker that is not there: exit 0 at once")
    func sigtermWhileReconnecting() throws {
        let env = try TestEnvironment("sigterm-idle")
        var environment = env.environment
        // A port nobody listens on: every role keeps reconnecting with backoff.
        environment["BURSTWATCH_AMQP_URL"] = "amqp://guest:guest@127.0.0.1:9/%2f"
        let roles = try [
            RoleProcess(arguments: ["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory], environment: environment, logName: env.name),
            RoleProcess(arguments: ["ingest"], environment: environment, logName: env.name),
            RoleProcess(arguments: ["ingest", "--processes", "2"], environment: environment, logName: env.name),
            RoleProcess(arguments: ["detect"], environment: environment, logName: env.name),
        ]
        // Six failed attempts: the backoff has grown to 6.4 s (0.2 s doubling).
        #expect(env.eventually(timeout: 40) { roles.allSatisfy { $0.log.components(separatedBy: "reconnecting").count > 6 } },
                "logs:\n\(roles.map(\.log).joined(separator: "\n"))")
        // The signal cuts the backoff's sleep short: each exits well before its next attempt.
        for role in roles {
            #expect(Self.signalAndWait(role, timeout: 5) == 0, "\(role.process.arguments ?? []) log:\n\(role.log.suffix(2000))")
        }
    }
}
