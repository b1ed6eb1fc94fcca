import AMQP
import Burstwatch
import Foundation
import Postgres
import Testing

/// Heartbeats during slow batches, flow control in the watcher, and folders that
/// refuse files, on the real services.
@Suite("Resilience", .serialized)
struct ResilienceTests {
    static func writeFiles(_ files: [(name: String, contents: [UInt8])], into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for file in files {
            FileManager.default.createFile(atPath: folder + "/" + file.name, contents: Data(file.contents))
        }
    }

    @Test("a batch held up by a table lock for several heartbeat timeouts keeps its broker connection, and its ack is accepted")
    func heartbeatsDuringSlowBatch() throws {
        let env = try TestEnvironment("heartbeat")
        try env.registerDemo()
        var environment = env.environment
        // The broker drops a connection silent for about two of these.
        environment["BURSTWATCH_HEARTBEAT_SECONDS"] = "1"
        let ingest = try RoleProcess(arguments: ["ingest", "--prefetch", "50"], environment: environment, logName: env.name)
        defer { ingest.stop() }
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        let files = IngestPipelineTests.loggerFiles(count: 60)
        try Self.writeFiles(Array(files[..<10]), into: env.uploadDirectory)
        #expect(try env.eventually { try env.count("SELECT count(*) FROM readings") == 10 }, "ingest log:\n\(ingest.log)")

        // Another session locks the readings table: the next batch's INSERT waits.
        let locker = try env.database()
        defer { locker.close() }
        _ = try locker.execute("BEGIN")
        _ = try locker.execute("LOCK TABLE readings IN ACCESS EXCLUSIVE MODE")
        try Self.writeFiles(Array(files[10...]), into: env.uploadDirectory)
        #expect(try env.eventually(timeout: 30) {
            try env.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'burstwatch-ingest' AND wait_event_type = 'Lock'") == 1
        }, "the batch never waited on the lock; ingest log:\n\(ingest.log)")
        // Eight heartbeat intervals inside one statement.
        usleep(8_000_000)
        // (Only the lock holder can look at the table now.)
        #expect(try locker.execute("SELECT count(*) FROM readings").rows.first?.first == "10")
        _ = try locker.execute("COMMIT")

        #expect(try env.eventually(timeout: 30) { try env.count("SELECT count(*) FROM readings") == files.count }, "ingest log:\n\(ingest.log)")
        // The batch was acked on the connection it came from: nothing redelivered,
        // nothing reconnected, nothing left in the queue.
        #expect(try env.count("SELECT coalesce(sum(deliveries), 0) FROM files") == files.count)
        #expect(try env.eventually(timeout: 10) { try env.queueDepth(env.topology.ingestQueue) == 0 })
        #expect(!ingest.log.contains("reconnecting"), "ingest log:\n\(ingest.log)")
        #expect(!ingest.log.contains("heartbeats missed") && !ingest.log.contains("connection to the broker lost"), "ingest log:\n\(ingest.log)")
        _ = watch
    }

    @Test("with a queue limit and no ingest running, the watcher publishes up to the limit, holds the rest in the folder, and resumes as the queue drains")
    func queueLimitHoldsFiles() throws {
        let env = try TestEnvironment("queue-limit")
        try env.registerDemo()
        let limit = 40
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory, "--queue-limit", "\(limit)"])
        let files = IngestPipelineTests.loggerFiles(count: 200)
        try Self.writeFiles(files, into: env.uploadDirectory)
        #expect(try env.eventually(timeout: 30) { try env.queueDepth(env.topology.ingestQueue) == UInt32(limit) }, "watch log:\n\(watch.log)")
        // A few depth checks later it still holds at the limit.
        usleep(3_000_000)
        #expect(try env.queueDepth(env.topology.ingestQueue) == UInt32(limit))
        #expect(env.filesLeftInUpload().count == files.count - limit)
        #expect(watch.log.contains("holding files in the upload folder"), "watch log:\n\(watch.log)")

        try env.start(["ingest", "--prefetch", "10"])
        #expect(try env.eventually(timeout: 60) { try env.count("SELECT count(*) FROM readings") == files.count }, "watch log:\n\(watch.log)")
        #expect(try env.eventually(timeout: 10) { env.filesLeftInUpload().isEmpty })
        #expect(try env.count("SELECT coalesce(sum(deliveries), 0) FROM files") == files.count)
        #expect(watch.log.contains("publishing again"))
    }

    @Test("an archive and a quarantine folder that refuse files: a log line names file and folder, the files wait, nothing is republished, and all moves succeed once the folders work again")
    func refusingFoldersAreRetried() throws {
        let env = try TestEnvironment("disk-errors")
        try env.registerDemo()
        let quarantine = NSTemporaryDirectory() + "bwtest-quarantine-" + env.name
        defer { try? FileManager.default.removeItem(atPath: quarantine) }
        // A file where a folder should be makes the move fail even for root
        // (ENOTDIR), as a full or read-only disk would.
        let archiveBlocker = env.archiveDirectory + "/group"
        let quarantineBlocker = quarantine + "/group"
        for blocker in [archiveBlocker, quarantineBlocker] {
            try FileManager.default.createDirectory(atPath: (blocker as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: blocker, contents: Data("not a folder".utf8))
        }
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory,
                                   "--quarantine", quarantine, "--max-file-bytes", "1000"])
        try env.start(["ingest", "--prefetch", "10"])
        let files = IngestPipelineTests.loggerFiles(count: 30)
        let oversized = (name: "huge.csv", contents: [UInt8](repeating: UInt8(ascii: "x"), count: 5_000))
        try Self.writeFiles(files + [oversized], into: env.uploadDirectory + "/group")

        // Published and ingested, but not archived: every file is still in the upload folder.
        #expect(try env.eventually(timeout: 60) { try env.count("SELECT count(*) FROM readings") == files.count }, "watch log:\n\(watch.log)")
        #expect(env.filesLeftInUpload().count == files.count + 1)
        let log = watch.log
        #expect(log.contains("cannot move \(env.uploadDirectory)/group/\(files[0].name) into the archive folder \(env.archiveDirectory)"), "watch log:\n\(log)")
        #expect(log.contains("cannot move \(env.uploadDirectory)/group/huge.csv into the quarantine folder \(quarantine)"), "watch log:\n\(log)")
        // Retried with backoff, not in a tight loop.
        usleep(3_000_000)
        #expect(watch.log.components(separatedBy: "still failing").count - 1 <= 6, "watch log:\n\(watch.log)")

        for blocker in [archiveBlocker, quarantineBlocker] { try FileManager.default.removeItem(atPath: blocker) }
        // The quarantine is tried again at the next rescan (every 10 s).
        #expect(try env.eventually(timeout: 40) { env.filesLeftInUpload().isEmpty }, "left: \(env.filesLeftInUpload())\nwatch log:\n\(watch.log)")
        let archived = FileManager.default.enumerator(atPath: env.archiveDirectory + "/group")?.allObjects.compactMap { $0 as? String } ?? []
        #expect(archived.count == files.count)
        #expect(FileManager.default.fileExists(atPath: quarantine + "/group/huge.csv"))
        // Each file went to the broker once: no republishing while the move was retried.
        #expect(try env.count("SELECT coalesce(sum(deliveries), 0) FROM files") == files.count)
        #expect(try env.eventually(timeout: 10) { try env.queueDepth(env.topology.ingestQueue) == 0 })
    }
}
