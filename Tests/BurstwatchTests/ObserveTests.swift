import AMQP
import Foundation
import Logging
import Postgres
import Readings
import Testing
@testable import Burstwatch

@Suite("Health, metric labels and log lines")
struct ObserveTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    @Test("health is ok only once every role loop of the process is connected")
    func healthFollowsComponents() {
        let health = RoleHealth()
        #expect(!health.snapshot().isHealthy, "nothing running yet is still starting")
        health.connecting("ingest", now: Self.t0)
        health.connecting("outbox_relay", now: Self.t0)
        health.connected("ingest", now: Self.t0)
        #expect(!health.snapshot().isHealthy, "the relay is not connected yet")
        health.connected("outbox_relay", now: Self.t0)
        #expect(health.snapshot().isHealthy)

        health.failed("outbox_relay", error: "connection refused", now: Self.t0.addingTimeInterval(5))
        let failed = health.snapshot()
        #expect(!failed.isHealthy)
        #expect(failed.components["outbox_relay"]?.state == .reconnecting)
        #expect(failed.components["outbox_relay"]?.since == Self.t0.addingTimeInterval(5))
        #expect(failed.components["outbox_relay"]?.reconnects == 1)
        #expect(failed.components["outbox_relay"]?.lastError == "connection refused")

        health.connected("outbox_relay", now: Self.t0.addingTimeInterval(7))
        health.succeeded("ingest", now: Self.t0.addingTimeInterval(8))
        let back = health.snapshot()
        #expect(back.isHealthy)
        #expect(back.components["ingest"]?.lastSuccess == Self.t0.addingTimeInterval(8))
        // A later `connecting` (a second session) does not hide the state.
        health.connecting("ingest", now: Self.t0.addingTimeInterval(9))
        #expect(health.snapshot().components["ingest"]?.state == .connected)
    }

    @Test("the health body names the role, the overall status and each component")
    func healthJSON() throws {
        let health = RoleHealth()
        health.connected("detect", now: Self.t0)
        health.failed("outbox_relay", error: "database: no route", now: Self.t0)
        let body = health.snapshot().json(role: "detect")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect(object["status"] as? String == "unavailable")
        #expect(object["role"] as? String == "detect")
        let components = try #require(object["components"] as? [String: [String: Any]])
        #expect(Set(components.keys) == ["detect", "outbox_relay"])
        #expect(components["detect"]?["state"] as? String == "connected")
        #expect(components["detect"]?["since"] as? String == "2026-09-21T14:13:20Z")
        #expect(components["detect"]?["last_success"] == nil)
        #expect(components["outbox_relay"]?["state"] as? String == "reconnecting")
        #expect(components["outbox_relay"]?["last_error"] as? String == "database: no route")
        #expect(components["outbox_relay"]?["reconnects"] as? Int == 1)
    }

    @Test("a reconnect is labelled with the peer whose connection failed")
    func reconnectPeer() {
        #expect(Meters.peer(of: AMQPError(.connectFailed, operation: "connect", message: "refused")) == "broker")
        #expect(Meters.peer(of: PGError(sqlState: "08006", message: "connection failure")) == "database")
        #expect(Meters.peer(of: CocoaError(.fileNoSuchFile)) == "other")
    }

    @Test("dead-lettered files are counted by the rejection's short kind, not its message")
    func deadLetterClasses() {
        let registry = try! LoggerRegistry.parse(csv: "logger_id,channel,quantity,element,dma,sign,unit\nFM01,flow,flow,P1,DMA-1,1,l/s\n")
        let planner = IngestPlanner(registry: registry, naiveOffsetSeconds: 0, latestAcceptedTimestamp: .max)
        func file(_ bytes: [UInt8], _ tag: UInt64) -> IncomingFile {
            IncomingFile(deliveryTag: tag, body: bytes, fileName: "f\(tag).csv", source: nil, receivedAt: nil)
        }
        let plans = planner.plan([
            file([0x00, 0xFF, 0x13], 1),
            file([], 2),
            file(Array("XX99,flow,2026-03-02T00:00:00Z,1\n".utf8), 3),
            file(Array("FM01,flow,2026-03-02T00:00:00Z,1\n".utf8), 4),
        ])
        #expect(plans.map(DeadLetterClass.of) == ["binary", "empty", "no-valid-rows", "other"])
        #expect(DeadLetterClass.of(nil) == "other")
    }

    @Test("JSON log lines carry the record's metadata as fields of their own")
    func jsonLogLine() throws {
        let line = LineLogHandler.render(
            time: Self.t0.addingTimeInterval(0.25), level: .warning, label: "burstwatch.ingest", message: "dead-lettered: bad \"file\"",
            metadata: ["file": "up/a b.csv", "sha256": "ab12", "logger": "PL01", "dma": "DMA-1", "window": "2026-03-02T00:15:00Z",
                       "missing": .array(["PL02/pressure", "FM01/flow"]), "message": "clash"],
            json: true)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2026-09-21T14:13:20.250Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["component"] as? String == "burstwatch.ingest")
        #expect(object["message"] as? String == "dead-lettered: bad \"file\"")
        #expect(object["file"] as? String == "up/a b.csv")
        #expect(object["sha256"] as? String == "ab12")
        #expect(object["logger"] as? String == "PL01")
        #expect(object["dma"] as? String == "DMA-1")
        #expect(object["window"] as? String == "2026-03-02T00:15:00Z")
        #expect(object["missing"] as? [String] == ["PL02/pressure", "FM01/flow"])
        // Metadata never overwrites the fixed keys.
        #expect(object["meta_message"] as? String == "clash")
        #expect(object.count == 11)
    }

    @Test("text log lines end with the metadata as sorted key=value pairs")
    func textLogLine() {
        let line = LineLogHandler.render(time: Self.t0, level: .info, label: "burstwatch.watch", message: "quarantined",
                                         metadata: ["sha256": "ab12", "file": "a.csv"], json: false)
        #expect(line == "2026-09-21T14:13:20.000Z INFO burstwatch.watch: quarantined file=a.csv sha256=ab12")
    }
}
