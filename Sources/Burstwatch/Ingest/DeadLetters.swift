import AMQP
import Foundation

/// Sends files that cannot be ingested to the dead-letter exchange, with the reason in
/// the headers, and waits for the broker's confirm: only then may the original be acked.
/// (A plain nack would dead-letter too, but RabbitMQ lets no reason travel with it.)
/// The queue's own dead-lettering still catches messages that exceed the delivery
/// limit, e.g. a file that crashes every worker that reads it.
public final class DeadLetterPublisher {
    let connections: Connections
    let topology: Topology
    var broker: AMQPConnection?

    public init(connections: Connections, topology: Topology) {
        self.connections = connections
        self.topology = topology
    }

    public func publish(_ files: [(file: IncomingFile, reason: String)]) throws {
        guard !files.isEmpty else { return }
        do {
            try publishOnce(files)
        } catch {
            // The connection idles between bad files and may have been closed by the
            // broker meanwhile: one fresh attempt.
            close()
            try publishOnce(files)
        }
    }

    private func publishOnce(_ files: [(file: IncomingFile, reason: String)]) throws {
        let broker = try connection()
        let now = Int64(Date().timeIntervalSince1970)
        for (file, reason) in files {
            var headers: [String: AMQPValue] = [
                "x-file-name": .string(file.fileName),
                "x-file-size": .int(Int64(file.body.count)),
                "x-error-reason": .string(reason),
                "x-error-stage": .string("ingest"),
                "x-error-at": .string(ISO8601DateFormatter().string(from: Date())),
            ]
            if let source = file.source { headers["x-source"] = .string(source) }
            if let received = file.receivedAt { headers["x-received-at"] = .string(received) }
            _ = try broker.publish(exchange: topology.deadExchange, routingKey: "ingest", body: file.body,
                                   properties: AMQPProperties(contentType: "text/csv", persistent: true,
                                                              messageID: nil, timestamp: now, correlationID: nil,
                                                              headers: headers))
        }
        let confirms = try broker.waitForConfirms(timeout: 30)
        guard confirms.nacked.isEmpty, broker.unconfirmedCount == 0 else {
            throw DeadLetterError(description: "the broker did not confirm \(files.count) dead-lettered files")
        }
    }

    private func connection() throws -> AMQPConnection {
        if let broker, broker.isOpen { return broker }
        let fresh = try connections.broker("dead-letters")
        try fresh.enableConfirms()
        broker = fresh
        return fresh
    }

    public func close() {
        broker?.close()
        broker = nil
    }
}

struct DeadLetterError: Error, CustomStringConvertible { let description: String }
