import AMQP
import Burstwatch
import Detection
import Foundation
import Testing

/// The development scenarios (../shared/scenarios beside the repository), replayed
/// through the real FTP server, watch, ingest and detect. A subscriber bound to
/// `burst.#` must receive exactly what `burstwatch eval` finds offline.
@Suite("Live detection", .serialized, .enabled(if: DevelopmentScenarios.available, "../shared/scenarios is not beside the repository"))
struct LiveDetectionTests {
    @Test("a replayed burst scenario publishes the opened event eval finds, and the same events")
    func burstScenario() throws {
        try DevelopmentScenarios.withScenario("net3-dev-b01") { folder in
            let (events, offline) = try replayLive(folder, label: "live-b01")
            let opened = events.filter { $0.state == .opened }
            #expect(opened.count == 1)
            #expect(opened.first?.eventID == offline.first { $0.state == .opened }?.eventID)
            // Same events, in the same order, as eval publishes (published_at aside).
            #expect(events.map(\.eventID) == offline.map(\.eventID))
            #expect(events.map(\.state) == offline.map(\.state))
            #expect(events.map(\.detectedAt) == offline.map(\.detectedAt))
            #expect(events.map(\.areaOfInterest?.nodes) == offline.map(\.areaOfInterest?.nodes))
        }
    }

    @Test("a replayed scenario without a burst publishes nothing")
    func quietScenario() throws {
        try DevelopmentScenarios.withScenario("net3-dev-n01") { folder in
            let (events, offline) = try replayLive(folder, label: "live-n01")
            #expect(offline.isEmpty)
            #expect(events.isEmpty)
        }
    }

    /// Runs the scenario live and offline; returns the burst events each produced.
    func replayLive(_ folder: String, label: String) throws -> (live: [BurstEvent], offline: [BurstEvent]) {
        let env = try TestEnvironment(label)
        let register = try env.start(["register", "--network", folder + "/network.inp", "--loggers", folder + "/loggers.csv"])
        register.process.waitUntilExit()
        try #require(register.process.terminationStatus == 0, "\(register.log)")

        let subscriber = try env.broker()
        defer { subscriber.close() }
        try env.topology.declare(on: subscriber)
        let queue = "\(env.settings.prefix).test-alerts"
        _ = try subscriber.declareQueue(queue, durable: false)
        try subscriber.bindQueue(queue, exchange: env.topology.alertsExchange, routingKey: "burst.#")

        let (_, ingest) = try env.startPipeline(prefetch: 500)
        let detect = try env.start(["detect"])

        // Upload in data-time order, as loggers would, through the FTP server.
        let files = try Replay(scenario: URL(fileURLWithPath: folder), target: URL(fileURLWithPath: "/nonexistent"), speed: nil).orderedFiles()
        for chunk in stride(from: 0, to: files.count, by: 2_000) {
            try env.ftpUpload(files[chunk..<min(chunk + 2_000, files.count)].map { file in
                ((file.path as NSString).lastPathComponent, [UInt8](FileManager.default.contents(atPath: file.path) ?? Data()))
            })
        }
        let expectedWindows = Set(files.compactMap(\.firstTimestamp)).count
        #expect(try env.eventually(timeout: 300) { try env.count("SELECT count(*) FROM files") == files.count },
                "ingest log:\n\(ingest.log.suffix(3000))")
        // Every window announced (the last ones by their grace period or completeness) and
        // stepped by the detector.
        #expect(try env.eventually(timeout: 300) {
            try env.count("SELECT count(*) FROM windows WHERE announced_at IS NOT NULL") == expectedWindows
                && env.count("SELECT count(*) FROM outbox") == 0
                && env.queueDepth(env.topology.detectQueue) == 0
        }, "detect log:\n\(detect.log.suffix(3000))")

        let decoder = JSONDecoder()
        var live: [BurstEvent] = []
        _ = try env.eventually(timeout: 5) {
            while let message = try subscriber.get(queue: queue) {
                live.append(try decoder.decode(BurstEvent.self, from: Data(message.body)))
                #expect(message.routingKey == "burst.\(live.last!.dma).\(live.last!.state.rawValue)")
            }
            return false
        }
        let alertsPath = NSTemporaryDirectory() + "bwtest-alerts-\(env.name).jsonl"
        defer { try? FileManager.default.removeItem(atPath: alertsPath) }
        _ = try runEval(scenarioPath: folder, alertsOut: alertsPath)
        let offline = try String(contentsOfFile: alertsPath, encoding: .utf8).split(separator: "\n")
            .map { try decoder.decode(BurstEvent.self, from: Data($0.utf8)) }
        return (live, offline)
    }
}

/// The development scenarios shipped beside the repository as tarballs.
enum DevelopmentScenarios {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../shared/scenarios").standardizedFileURL.path
    }

    static var available: Bool { FileManager.default.fileExists(atPath: directory + "/net3-dev-b01.tar.gz") }

    static func withScenario<T>(_ name: String, _ body: (String) throws -> T) throws -> T {
        let folder = NSTemporaryDirectory() + "bwtest-scenario-\(name)-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-xzf", "\(directory)/\(name).tar.gz", "-C", folder]
        try tar.run()
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else { throw TestSetupError("cannot unpack \(name).tar.gz") }
        return try body(folder + "/" + name)
    }
}
