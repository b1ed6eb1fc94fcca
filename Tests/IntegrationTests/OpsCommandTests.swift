import AMQP
import Burstwatch
import Detection
import Foundation
import Testing

/// `burstwatch status`, `config check`, `alerts tail` and `alerts export` as an operator
/// runs them: real child processes against the real broker and database.
@Suite("Operator commands")
struct OpsCommandTests {
    static let day: Int64 = 1_772_409_600_000_000  // 2026-03-02T00:00:00Z
    static let window: Int64 = 900_000_000

    static func event(_ id: String, state: BurstEvent.State, detectedAt: Int64) -> BurstEvent {
        BurstEvent(eventID: id, state: state, dma: "DEMO-1", detectedAt: detectedAt, publishedAt: detectedAt,
                   startEstimate: detectedAt - window, flowIncreaseLps: 6.5, confidence: 0.95,
                   areaOfInterest: AreaOfInterest(nodes: ["J-4-3", "J-4-4", "J-3-3"], pipes: ["P-4-3-E", "P-3-3-S"],
                                                  pipeLengthM: 200, centroid: .init(x: 0, y: 0), geometry: Geometry(lines: [])))
    }

    static func encode(_ event: BurstEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    /// A row of burst_events as the detector writes it.
    static func store(_ event: BurstEvent, in env: TestEnvironment) throws {
        let body = try encode(event)
        let area = try event.areaOfInterest.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        _ = try env.query("""
            INSERT INTO burst_events (event_id, dma, state, opened_at, detected_at, start_estimate, flow_increase_lps,
                                      confidence, area_of_interest, last_message)
            VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
            """, [event.eventID, event.dma, event.state.rawValue, ISOTimestampText(event.detectedAt),
                  ISOTimestampText(event.startEstimate), String(event.flowIncreaseLps), String(event.confidence), area, body])
    }

    static func ISOTimestampText(_ micros: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        return ISO8601DateFormatter().string(from: date)
    }

    static func finish(_ process: RoleProcess) -> (status: Int32, output: String) {
        process.process.waitUntilExit()
        return (process.process.terminationStatus, process.log)
    }

    @Test("status shows queue depth and consumers, newest data per DMA, silent loggers and open events")
    func status() throws {
        let env = try TestEnvironment("status")
        try env.registerDemo()
        // FM01 reported up to window 20, PL01 stopped at window 10, the others never reported.
        _ = try env.query("""
            INSERT INTO readings (logger_id, channel, ts, value)
            SELECT 'FM01', 'flow', $1::timestamptz + n * interval '15 minutes', 10 FROM generate_series(0, 20) n
            UNION ALL
            SELECT 'PL01', 'pressure', $1::timestamptz + n * interval '15 minutes', 40 FROM generate_series(0, 10) n
            """, [Self.ISOTimestampText(Self.day)])
        // 21 windows, the first 12 announced.
        _ = try env.query("""
            INSERT INTO windows (dma, window_start, window_end, received, announced_at)
            SELECT 'DEMO-1', $1::timestamptz + n * interval '15 minutes', $1::timestamptz + (n + 1) * interval '15 minutes', 2,
                   CASE WHEN n < 12 THEN now() END
            FROM generate_series(0, 20) n
            """, [Self.ISOTimestampText(Self.day)])
        try Self.store(Self.event("open-event", state: .opened, detectedAt: Self.day + 20 * Self.window), in: env)
        try Self.store(Self.event("closed-event", state: .closed, detectedAt: Self.day + 5 * Self.window), in: env)

        let broker = try env.broker()
        defer { broker.close() }
        try env.topology.declare(on: broker)
        for index in 0..<3 {
            try broker.publish(exchange: env.topology.filesExchange, routingKey: env.topology.fileRoutingKey, body: Array("f\(index)".utf8))
        }
        let consumer = try env.broker()
        defer { consumer.close() }
        try consumer.consume(queue: env.topology.detectQueue)
        #expect(env.eventually(timeout: 10) { (try? env.queueDepth(env.topology.ingestQueue)) == 3 })

        let subscriberQueue = env.settings.prefix + ".subscriber"
        try broker.declareQueue(subscriberQueue, durable: false)
        defer { _ = try? broker.deleteQueue(subscriberQueue) }
        try broker.publish(exchange: "", routingKey: subscriberQueue, body: Array("alert".utf8))
        #expect(env.eventually(timeout: 10) { (try? env.queueDepth(subscriberQueue)) == 1 })

        let (status, output) = Self.finish(try env.start(["status", "--json", "--silent-windows", "4", "--queue", subscriberQueue]))
        #expect(status == 0, "\(output)")
        let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let queues = try #require(report?["queues"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: queues.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName[env.topology.ingestQueue]?["messages"] as? Int == 3)
        #expect(byName[env.topology.detectQueue]?["consumers"] as? Int == 1)
        #expect(byName[env.topology.deadQueue]?["declared"] as? Bool == true)
        #expect(byName[subscriberQueue]?["messages"] as? Int == 1)

        let dma = try #require((report?["dmas"] as? [[String: Any]])?.first)
        #expect(dma["dma"] as? String == "DEMO-1")
        #expect(dma["newest_reading"] as? String == "2026-03-02T05:00:00Z")
        #expect((dma["age_seconds"] as? Int ?? 0) > 0)
        #expect(dma["windows_complete"] as? Int == 12 && dma["windows_open"] as? Int == 9)
        let channels = try #require(dma["channels"] as? [[String: Any]])
        #expect(channels.count == 6)
        let pl01 = channels.first { $0["logger_id"] as? String == "PL01" }
        #expect(pl01?["newest_reading"] as? String == "2026-03-02T02:30:00Z")
        #expect(pl01?["behind_dma_seconds"] as? Int == 10 * 900)

        let silent = try #require(report?["silent_loggers"] as? [[String: Any]])
        let silentIDs = Set(silent.compactMap { $0["logger_id"] as? String })
        #expect(silentIDs == ["PL01", "FM02", "PL02", "PL03", "PL04"])
        #expect(silent.first { $0["logger_id"] as? String == "PL01" }?["windows_behind"] as? Int == 10)

        let events = try #require(report?["open_events"] as? [[String: Any]])
        #expect(events.map { $0["event_id"] as? String } == ["open-event"])
        #expect(events.first?["area_pipes"] as? Int == 2)
        #expect(events.first?["flow_increase_lps"] as? Double == 6.5)

        // The human form carries the same facts.
        let (humanStatus, human) = Self.finish(try env.start(["status", "--silent-windows", "12", "--queue", "no-such-queue-\(env.name)"]))
        #expect(humanStatus == 0)
        #expect(human.split(separator: "\n").contains { $0.contains("no-such-queue") && $0.contains("not declared yet") }, "\(human)")
        #expect(human.contains("open-event") && !human.contains("closed-event"))
        let silentSection = human.components(separatedBy: "silent loggers").last?.components(separatedBy: "files:").first ?? ""
        #expect(!silentSection.contains("PL01"), "PL01 is only 10 windows behind: \(human)")
        #expect(silentSection.split(separator: "\n").contains { $0.contains("PL02") && $0.contains("never") }, "\(human)")

        // Without a broker the report still shows what the database knows, and says why queues are missing.
        var environment = env.environment
        environment["BURSTWATCH_AMQP_URL"] = "amqp://guest@127.0.0.1:1/%2f"
        let noBroker = Self.finish(try RoleProcess(arguments: ["status", "--json"], environment: environment, logName: env.name))
        #expect(noBroker.status == 0, "\(noBroker.output)")
        let partial = try JSONSerialization.jsonObject(with: Data(noBroker.output.utf8)) as? [String: Any]
        #expect((partial?["queues"] as? [Any])?.isEmpty == true)
        #expect((partial?["broker_error"] as? String)?.isEmpty == false)
        #expect((partial?["open_events"] as? [Any])?.count == 1)
    }

    @Test("config check passes on working services, fails with ✘ and a reason on a dead broker, and never prints a password")
    func configCheck() throws {
        let env = try TestEnvironment("config-check")
        let good = Self.finish(try env.start(["config", "check"]))
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("✔ broker"))
        #expect(good.output.contains("✔ database schema: version"))
        #expect(good.output.contains("BURSTWATCH_PREFIX = \(env.settings.prefix)  [environment]"))

        let folder = NSTemporaryDirectory() + "bwtest-config-" + env.name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "amqp-Secret-991\n".write(toFile: folder + "/amqp.password", atomically: true, encoding: .utf8)
        try """
            # nothing listens on port 1
            BURSTWATCH_AMQP_URL=amqp://bw:url-Secret-773@127.0.0.1:1/%2f
            BURSTWATCH_AMQP_PASSWORD_FILE=amqp.password
            BURSTWATCH_GRACE_SECONDS=300
            """.write(toFile: folder + "/burstwatch.conf", atomically: true, encoding: .utf8)
        var environment = env.environment
        environment["BURSTWATCH_AMQP_URL"] = nil
        environment["BURSTWATCH_AMQP_PASSWORD_FILE"] = nil
        let process = try RoleProcess(arguments: ["config", "check", "--config", folder + "/burstwatch.conf"],
                                      environment: environment, logName: env.name)
        let bad = Self.finish(process)
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.output.contains("✘ broker amqp://bw@127.0.0.1:1/%2f: cannot connect"), "\(bad.output)")
        #expect(bad.output.contains("✔ database"))
        #expect(bad.output.contains("BURSTWATCH_GRACE_SECONDS = 300  [\(folder)/burstwatch.conf:4]"), "\(bad.output)")
        #expect(!bad.output.contains("Secret"), "a password was printed: \(bad.output)")

        // An invalid value is a configuration error: exit 2, file and line named.
        try "BURSTWATCH_NAIVE_UTC_OFFSET=CET\n".write(toFile: folder + "/bad.conf", atomically: true, encoding: .utf8)
        let invalid = Self.finish(try env.start(["config", "check", "--config=\(folder)/bad.conf"]))
        #expect(invalid.status == 2)
        #expect(invalid.output.contains("✘ settings: config file \(folder)/bad.conf line 1: BURSTWATCH_NAIVE_UTC_OFFSET"), "\(invalid.output)")
        // Every role reads the file: status refuses to run on it, with the same reason.
        let role = Self.finish(try env.start(["status", "--config", folder + "/bad.conf"]))
        #expect(role.status == 2 && role.output.contains("bad.conf line 1"))
    }

    @Test("alerts tail prints only the events its filter binds, acks them, reconnects, and a named queue keeps alerts while it is down")
    func alertsTail() throws {
        let env = try TestEnvironment("alerts-tail")
        let queue = env.settings.prefix + ".tail"
        let publisher = try env.broker()
        defer {
            _ = try? publisher.deleteQueue(queue)
            publisher.close()
        }
        func publish(_ event: BurstEvent) throws {
            try publisher.publish(exchange: env.topology.alertsExchange, routingKey: event.routingKey, body: Array(try Self.encode(event).utf8))
        }
        func started(_ process: RoleProcess) -> Bool { env.eventually(timeout: 20) { process.log.contains("listening on queue") } }

        let json = try env.start(["alerts", "tail", "--json", "--dma", "DEMO-1", "--queue", queue])
        #expect(started(json), "\(json.log)")
        let first = Self.event("first", state: .opened, detectedAt: Self.day)
        var otherDMA = Self.event("other-dma", state: .opened, detectedAt: Self.day)
        otherDMA.dma = "DEMO-2"
        try publish(otherDMA)
        try publish(first)
        try publisher.publish(exchange: env.topology.alertsExchange, routingKey: "burst.DEMO-1.opened", body: Array("not json".utf8))
        #expect(env.eventually(timeout: 20) { json.log.contains("not a burst-event/v1") }, "\(json.log)")
        let lines = json.log.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(lines == [Substring(try Self.encode(first))])
        // Acked after printing: nothing is left in the queue.
        #expect(env.eventually(timeout: 10) { (try? publisher.queueInfo(queue).messageCount) == 0 })

        // Its queue deleted under it (the broker cancels the consumer): it reconnects,
        // declares the queue again and goes on printing.
        try publisher.deleteQueue(queue)
        #expect(env.eventually(timeout: 20) { json.log.contains("reconnecting") }, "\(json.log)")
        #expect(env.eventually(timeout: 20) { json.log.components(separatedBy: "listening on queue").count == 3 }, "\(json.log)")
        let afterReconnect = Self.event("after-reconnect", state: .updated, detectedAt: Self.day)
        try publish(afterReconnect)
        #expect(env.eventually(timeout: 20) { json.log.contains(try! Self.encode(afterReconnect)) }, "\(json.log)")

        json.stop()
        #expect(json.process.terminationStatus == 0)
        let whileDown = Self.event("while-down", state: .closed, detectedAt: Self.day + Self.window)
        try publish(whileDown)
        let again = try env.start(["alerts", "tail", "--json", "--dma", "DEMO-1", "--queue", queue])
        #expect(env.eventually(timeout: 20) { again.log.contains("\"event_id\":\"while-down\"") }, "\(again.log)")
        again.stop()

        // Without --queue: a private queue, human lines, and the state filter. Its log
        // format comes from a config file, which reaches the logging set-up too.
        let config = NSTemporaryDirectory() + "bwtest-tail-\(env.name).conf"
        try "BURSTWATCH_LOG_FORMAT=json\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let human = try env.start(["alerts", "tail", "--state", "closed", "--config", config])
        #expect(started(human), "\(human.log)")
        #expect(human.log.split(separator: "\n").first { $0.contains("listening on queue") }?.hasPrefix("{") == true, "\(human.log)")
        try publish(Self.event("opened-not-shown", state: .opened, detectedAt: Self.day))
        try publish(Self.event("closed-shown", state: .closed, detectedAt: Self.day))
        #expect(env.eventually(timeout: 20) { human.log.contains("CLOSED   DEMO-1  closed-shown  +6.5 l/s") }, "\(human.log)")
        #expect(!human.log.contains("opened-not-shown"))
        human.stop()
    }

    @Test("alerts export writes the areas as GeoJSON on the registered network's coordinates")
    func alertsExport() throws {
        let env = try TestEnvironment("alerts-export")
        try env.registerDemo()
        try Self.store(Self.event("still-open", state: .updated, detectedAt: Self.day + 8 * Self.window), in: env)
        try Self.store(Self.event("long-closed", state: .closed, detectedAt: Self.day), in: env)

        let (status, output) = Self.finish(try env.start(["alerts", "export", "--geojson", "--open-only", "--epsg", "27700"]))
        #expect(status == 0, "\(output)")
        let collection = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(collection["type"] as? String == "FeatureCollection")
        #expect(((collection["crs"] as? [String: Any])?["properties"] as? [String: Any])?["name"] as? String == "urn:ogc:def:crs:EPSG::27700")
        let features = try #require(collection["features"] as? [[String: Any]])
        let properties = features.compactMap { $0["properties"] as? [String: Any] }
        #expect(Set(properties.compactMap { $0["event_id"] as? String }) == ["still-open"])
        #expect(properties.map { $0["kind"] as? String } == ["estimated_burst_node", "area_pipe", "area_pipe"])
        #expect(properties.dropFirst().map { $0["pipe_id"] as? String } == ["P-4-3-E", "P-3-3-S"])
        #expect(properties.dropFirst().map { $0["length_m"] as? Double } == [100, 100])
        // The burst node J-4-3 is where its pipe P-4-3-E starts: both come from the network.
        let point = (features[0]["geometry"] as? [String: Any])?["coordinates"] as? [Double]
        let line = (features[1]["geometry"] as? [String: Any])?["coordinates"] as? [[Double]]
        #expect(point != nil && point == line?.first)
        #expect(line?.count == 2 && line?.first != line?.last)

        let all = Self.finish(try env.start(["alerts", "export", "--geojson", "--since", "2026-03-02T00:00:00Z", "--dma", "DEMO-1"]))
        #expect(all.status == 0)
        #expect(all.output.contains("long-closed") && all.output.contains("still-open"))
        let later = Self.finish(try env.start(["alerts", "export", "--geojson", "--since", "2026-03-02T01:00:00Z"]))
        #expect(!later.output.contains("long-closed") && later.output.contains("still-open"))
        let badSince = Self.finish(try env.start(["alerts", "export", "--geojson", "--since", "yesterday"]))
        #expect(badSince.status == 2 && badSince.output.contains("--since"))
    }
}
