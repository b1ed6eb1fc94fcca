import AMQP
import Foundation
import Postgres

/// What `burstwatch status` and the demo print: queues, ingested data per DMA,
/// rejected files and open burst events.
public struct StatusReport: Sendable {
    public var queues: [(name: String, messages: UInt32, consumers: UInt32)] = []
    public var files: [(status: String, count: Int)] = []
    public var dmas: [(dma: String, readings: Int, newest: String, windowsAnnounced: Int)] = []
    public var rejected: [(file: String, reason: String)] = []
    public var openEvents: [(eventID: String, dma: String, state: String, detectedAt: String)] = []

    public static func collect(connections: Connections) throws -> StatusReport {
        var report = StatusReport()
        let database = try connections.database("status")
        defer { database.close() }
        if let broker = try? connections.broker("status") {
            defer { broker.close() }
            let topology = Topology(prefix: connections.settings.prefix)
            for queue in [topology.ingestQueue, topology.detectQueue, topology.deadQueue] {
                if let info = try? broker.queueInfo(queue) {
                    report.queues.append((queue, info.messageCount, info.consumerCount))
                }
            }
        }
        report.files = try database.execute("SELECT status, count(*) FROM files GROUP BY status ORDER BY status").rows
            .map { ($0[0] ?? "", Int($0[1] ?? "0") ?? 0) }
        report.dmas = try database.execute("""
            SELECT l.dma, count(r.*), coalesce(to_char(max(r.ts) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '-'),
                   (SELECT count(*) FROM windows w WHERE w.dma = l.dma AND w.announced_at IS NOT NULL)
            FROM loggers l LEFT JOIN readings r ON r.logger_id = l.logger_id AND r.channel = l.channel
            GROUP BY l.dma ORDER BY l.dma
            """).rows.map { ($0[0] ?? "", Int($0[1] ?? "0") ?? 0, $0[2] ?? "-", Int($0[3] ?? "0") ?? 0) }
        report.rejected = try database.execute("""
            SELECT file_name, coalesce(reason, '') FROM files WHERE status = 'rejected' ORDER BY ingested_at DESC LIMIT 10
            """).rows.map { ($0[0] ?? "", $0[1] ?? "") }
        report.openEvents = try database.execute("""
            SELECT event_id, dma, state, to_char(detected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM burst_events WHERE state <> 'closed' ORDER BY detected_at
            """).rows.map { ($0[0] ?? "", $0[1] ?? "", $0[2] ?? "", $0[3] ?? "") }
        return report
    }

    public func render() -> String {
        var out = ""
        if !queues.isEmpty {
            out += "queues:\n"
            for queue in queues { out += "  \(queue.name): \(queue.messages) ready, \(queue.consumers) consumers\n" }
        }
        out += "files: " + (files.isEmpty ? "none" : files.map { "\($0.count) \($0.status)" }.joined(separator: ", ")) + "\n"
        out += "DMAs:\n"
        for dma in dmas {
            out += "  \(dma.dma): \(dma.readings) readings, newest \(dma.newest), \(dma.windowsAnnounced) windows complete\n"
        }
        if !rejected.isEmpty {
            out += "rejected files (newest first):\n"
            for file in rejected { out += "  \(file.file): \(file.reason)\n" }
        }
        out += "open burst events: \(openEvents.isEmpty ? "none" : "")\n"
        for event in openEvents { out += "  \(event.eventID) \(event.dma) \(event.state) at \(event.detectedAt)\n" }
        return out
    }
}
