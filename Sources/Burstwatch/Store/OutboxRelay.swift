import AMQP
import Foundation
import Logging
import Postgres

/// Publishes outbox rows with publisher confirms and deletes each row only after the
/// broker confirmed it. Several relays may run at once (one per ingest worker and
/// detector): `FOR UPDATE SKIP LOCKED` gives each row to one of them. A crash between
/// the confirm and the delete publishes the row again: at least once, and every
/// message carries a stable message id for subscribers that care.
public final class OutboxRelay {
    let connections: Connections
    let batchSize: Int
    let logger = Logs.logger("relay")
    var database: PGConnection?
    var broker: AMQPConnection?

    public init(connections: Connections, batchSize: Int = 500) {
        self.connections = connections
        self.batchSize = batchSize
    }

    /// Runs until shutdown, reconnecting with backoff.
    public func run(shutdown: Shutdown = .shared) {
        shutdown.keepRunning("outbox relay", logger: logger, afterFailure: disconnect) { connected in
            try connect()
            connected()
            var backlogCounted = Date.distantPast
            while !shutdown.isRequested {
                let published = try relayOnce()
                Meters.relayPublished(published)
                if Date().timeIntervalSince(backlogCounted) >= 1, let database {
                    backlogCounted = Date()
                    Meters.relayBacklog(Int(try database.execute("SELECT count(*) FROM outbox").rows.first?[0] ?? "0") ?? 0)
                }
                if published == 0 {
                    _ = try database?.waitForNotifications(timeout: 0.5)
                    // Idle: the broker connection still needs its heartbeats.
                    try broker?.serviceConnection()
                }
            }
        }
        disconnect()
    }

    func connect() throws {
        if database == nil {
            let db = try connections.database("relay")
            try db.listen(Outbox.notifyChannel)
            database = db
        }
        if broker == nil {
            let amqp = try connections.broker("relay")
            try Topology(prefix: connections.settings.prefix).declare(on: amqp)
            try amqp.enableConfirms()
            broker = amqp
        }
    }

    func disconnect() {
        database?.close()
        database = nil
        broker?.close()
        broker = nil
    }

    /// Publishes one batch of outbox rows; returns how many were confirmed and deleted.
    @discardableResult
    public func relayOnce() throws -> Int {
        try connect()
        guard let database, let broker else { return 0 }
        return try database.transaction {
            let rows = try database.execute("""
                SELECT id, exchange, routing_key, message_id, body FROM outbox
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """, [String(batchSize)]).rows
            guard !rows.isEmpty else { return 0 }
            var idBySequence: [UInt64: String] = [:]
            let now = Int64(Date().timeIntervalSince1970)
            for row in rows {
                guard let id = row[0], let exchange = row[1], let key = row[2], let body = row[4] else { continue }
                let properties = AMQPProperties(contentType: "application/json", persistent: true,
                                                messageID: row[3], timestamp: now, correlationID: nil, headers: [:])
                let sequence = try broker.publish(exchange: exchange, routingKey: key, body: Array(body.utf8),
                                                  properties: properties)
                idBySequence[sequence] = id
            }
            let confirms = try broker.waitForConfirms(timeout: 30)
            let confirmed = confirms.acked.compactMap { idBySequence[$0] }
            if !confirms.nacked.isEmpty || confirmed.count < idBySequence.count {
                logger.warning("outbox relay: broker confirmed \(confirmed.count) of \(idBySequence.count) messages; the rest stay in the outbox")
            }
            if !confirmed.isEmpty {
                _ = try database.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [SQLArray.text(confirmed)])
            }
            return confirmed.count
        }
    }
}
