import AMQP
import Burstwatch
import Foundation
import Readings
import Testing

/// FTP upload folder -> watch -> RabbitMQ -> ingest -> PostgreSQL, on the real services.
@Suite("Ingest pipeline", .serialized)
struct IngestPipelineTests {
    /// One-reading files like a logger uploads, for the demo registry's loggers.
    static func loggerFiles(count: Int, startingAt start: Int64 = 1_772_409_600_000_000) -> [(name: String, contents: [UInt8])] {
        let loggers = [("FM01", "flow"), ("FM02", "flow"), ("PL01", "pressure"), ("PL02", "pressure"), ("PL03", "pressure"), ("PL04", "pressure")]
        return (0..<count).map { index in
            let (logger, channel) = loggers[index % loggers.count]
            let ts = start + Int64(index / loggers.count) * 900_000_000
            let stamp = ISOTimestamp.format(ts)
            return ("\(logger)_\(index).csv", Array("logger_id,channel,timestamp,value\n\(logger),\(channel),\(stamp),\(Double(index % 97) + 0.5)\n".utf8))
        }
    }

    @Test("files uploaded over FTP become rows exactly once, even when uploaded twice")
    func uploadedFilesBecomeRowsOnce() throws {
        let env = try TestEnvironment("ftp-once")
        try env.registerDemo()
        let pipeline = try env.startPipeline(prefetch: 50)
        let files = Self.loggerFiles(count: 600)
        try env.ftpUpload(files)
        // The same bytes again: under the same name after the first was archived, and
        // under a new name.
        #expect(try env.eventually { try env.count("SELECT count(*) FROM readings") == 600 }, "ingest log:\n\(pipeline.ingest.log)")
        try env.ftpUpload([files[0], (name: "copy-of-" + files[1].name, contents: files[1].contents)])
        #expect(try env.eventually { try env.count("SELECT coalesce(sum(deliveries), 0) FROM files") == 602 })

        #expect(try env.count("SELECT count(*) FROM readings") == 600)
        #expect(try env.count("SELECT count(*) FROM files") == 600)
        #expect(try env.count("SELECT count(*) FROM files WHERE deliveries = 2") == 2)
        #expect(try env.eventually(timeout: 10) { env.filesLeftInUpload().isEmpty }, "left: \(env.filesLeftInUpload())")
        // Values arrive converted to l/s: FM02 logs in m3/h.
        let fm02 = try env.query("SELECT value FROM readings WHERE logger_id = 'FM02' ORDER BY ts LIMIT 1")
        let value = try #require(fm02.first?.first.flatMap { $0 }.flatMap(Double.init))
        #expect(abs(value - 1.5 / 3.6) < 1e-9)
    }

    @Test("a batch mixing good and broken files keeps the good rows and dead-letters each broken file with a reason")
    func brokenFilesGoAside() throws {
        let env = try TestEnvironment("broken")
        try env.registerDemo()
        let pipeline = try env.startPipeline(prefetch: 20)
        let good = Self.loggerFiles(count: 12)
        let broken: [(name: String, contents: [UInt8], reason: String)] = [
            ("junk.bin", [0x00, 0xFF, 0x13, 0x37, 0x00, 0x42, 0x89], "binary"),
            ("columns.csv", Array("FM01,flow,2026-03-02T00:00:00Z\n".utf8), "column"),
            ("timestamp.csv", Array("FM01,flow,2026-13-45T99:00:00Z,1.5\n".utf8), "timestamp"),
            ("unknown.csv", Array("XX99,flow,2026-03-02T00:00:00Z,1.5\n".utf8), "unknown logger"),
            ("empty.csv", [], "empty"),
        ]
        try env.ftpUpload(Array(good[0..<6]) + broken.map { ($0.name, $0.contents) } + Array(good[6...]))

        #expect(try env.eventually { try env.count("SELECT count(*) FROM files") == 17 }, "ingest log:\n\(pipeline.ingest.log)")
        #expect(try env.count("SELECT count(*) FROM readings") == 12)
        #expect(try env.count("SELECT count(*) FROM files WHERE status = 'rejected'") == 5)

        var dead: [AMQPDelivery] = []
        #expect(try env.eventually(timeout: 10) {
            dead += try env.drain(queue: env.topology.deadQueue)
            return dead.count >= 5
        })
        #expect(dead.count == 5)
        for file in broken {
            let message = dead.first { $0.properties.headers["x-file-name"] == .string(file.name) }
            guard case .string(let reason)? = message?.properties.headers["x-error-reason"] else {
                Issue.record("no dead letter with a reason for \(file.name)")
                continue
            }
            #expect(reason.lowercased().contains(file.reason), "reason for \(file.name): \(reason)")
            #expect(reason.contains(file.name))
            #expect(message?.body == file.contents)
        }
        #expect(try env.eventually(timeout: 10) { env.filesLeftInUpload().isEmpty })
    }

    @Test("a worker killed with SIGKILL mid-batch loses and duplicates nothing after restart")
    func killedWorkerLosesNothing() throws {
        let env = try TestEnvironment("kill9")
        try env.registerDemo()
        try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        let files = Self.loggerFiles(count: 3_000)
        try env.ftpUpload(files)
        // A backlog first, so that the worker is surely in the middle of it when killed.
        #expect(try env.eventually(timeout: 60) { try env.queueDepth(env.topology.ingestQueue) == 3_000 })
        let ingest = try env.start(["ingest", "--prefetch", "100"])
        _ = try env.eventually(timeout: 60, every: 0.005) { try env.count("SELECT count(*) FROM readings") > 0 }
        ingest.kill9()
        let atKill = try env.count("SELECT count(*) FROM readings")
        #expect(atKill < 3_000, "the worker finished before it could be killed; the test proved nothing")
        try env.start(["ingest", "--prefetch", "100"])

        #expect(try env.eventually(timeout: 120) { try env.count("SELECT count(*) FROM readings") == 3_000 })
        #expect(try env.count("SELECT count(*) FROM files") == 3_000)
        #expect(try env.count("SELECT count(*) FROM (SELECT logger_id, channel, ts FROM readings GROUP BY 1, 2, 3 HAVING count(*) > 1) d") == 0)
        #expect(try env.queueDepth(env.topology.ingestQueue) == 0)
        #expect(try env.eventually(timeout: 10) { env.filesLeftInUpload().isEmpty })
    }

    @Test("27,000 one-reading files dropped into the watched folder all arrive once, and the folder ends empty")
    func twentySevenThousandFiles() throws {
        let env = try TestEnvironment("27k")
        try env.registerDemo()
        let pipeline = try env.startPipeline(prefetch: 500)
        // Spread over subfolders, as several FTP accounts would upload them.
        let files = Self.loggerFiles(count: 27_000)
        for (index, file) in files.enumerated() {
            let folder = env.uploadDirectory + "/logger-group-\(index % 3)"
            if index < 3 { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            FileManager.default.createFile(atPath: folder + "/" + file.name, contents: Data(file.contents))
        }
        #expect(try env.eventually(timeout: 300) { try env.count("SELECT count(*) FROM files") == 27_000 },
                "ingest log:\n\(pipeline.ingest.log.suffix(2000))")
        #expect(try env.count("SELECT count(*) FROM readings") == 27_000)
        #expect(try env.count("SELECT coalesce(sum(deliveries), 0) FROM files") == 27_000)
        #expect(try env.eventually(timeout: 10) { env.filesLeftInUpload().isEmpty })
        let archived = FileManager.default.enumerator(atPath: env.archiveDirectory)?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".csv") }.count
        #expect(archived == 27_000)
    }

    @Test("a complete window is announced once on the windows exchange")
    func windowsAreAnnounced() throws {
        let env = try TestEnvironment("windows")
        try env.registerDemo()
        let listener = try env.broker()
        defer { listener.close() }
        try env.topology.declare(on: listener)
        let queue = "\(env.settings.prefix).test-windows"
        _ = try listener.declareQueue(queue, durable: false)
        try listener.bindQueue(queue, exchange: env.topology.windowsExchange, routingKey: "window.#")
        try env.startPipeline(prefetch: 10)

        // Two full windows (6 channels each), then a reading in a window three hours
        // later: the grace period (2 h) of an incomplete window in between expires.
        var files = Self.loggerFiles(count: 12)
        files.append(("partial.csv", Array("FM01,flow,2026-03-02T00:30:00Z,1\n".utf8)))
        try env.ftpUpload(files)
        #expect(try env.eventually { try env.count("SELECT count(*) FROM windows WHERE announced_at IS NOT NULL") == 2 })
        try env.ftpUpload([("late.csv", Array("FM01,flow,2026-03-02T03:00:00Z,1\n".utf8))])
        #expect(try env.eventually { try env.count("SELECT count(*) FROM windows WHERE announced_at IS NOT NULL") == 3 })

        var messages: [AMQPDelivery] = []
        _ = try env.eventually(timeout: 10) {
            while let message = try listener.get(queue: queue) { messages.append(message) }
            return messages.count >= 3
        }
        let decoded = try messages.map { try JSONDecoder().decode(WindowComplete.self, from: Data($0.body)) }
        #expect(decoded.count == 3)
        #expect(decoded.filter { $0.reason == .allArrived }.map(\.windowStart).sorted() == ["2026-03-02T00:00:00Z", "2026-03-02T00:15:00Z"])
        let expired = decoded.first { $0.reason == .graceExpired }
        #expect(expired?.windowStart == "2026-03-02T00:30:00Z")
        #expect(expired?.expected == 6)
        #expect(expired?.received == 1)
        #expect(expired?.missing == ["FM02/flow", "PL01/pressure", "PL02/pressure", "PL03/pressure", "PL04/pressure"])
        #expect(messages.allSatisfy { $0.routingKey == "window.DEMO-1" })
    }
}
