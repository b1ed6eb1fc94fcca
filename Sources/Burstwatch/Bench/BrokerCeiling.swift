import AMQP
import Foundation
import Synchronization

/// The broker's own ceiling on this machine: the same number of messages as the run has
/// files, with the same bodies and headers, published persistent with confirms to a quorum
/// queue like burstwatch.ingest, and consumed with acks at the same time. No file system,
/// no parsing, no database: no pipeline built on this broker can beat it.
struct BrokerCeiling {
    let world: BenchWorld
    /// Publishes in flight before waiting for their confirms.
    var publishWindow = 1000
    var consumerPrefetch: UInt16 = 1000

    func run(files: [BenchDataset.File], repetition: Int) throws -> BenchRecord {
        let queue = world.settings.prefix + ".ceiling"
        let setup = try world.broker()
        defer { setup.close() }
        _ = try? setup.deleteQueue(queue)
        _ = try setup.declareQueue(queue, arguments: ["x-queue-type": .string("quorum")])

        let consumed = ConsumerOutcome()
        let consumer = try world.broker()
        try consumer.setPrefetch(consumerPrefetch)
        try consumer.consume(queue: queue)
        let total = files.count
        let ackEvery = max(1, Int(consumerPrefetch) / 4)
        let thread = Thread {
            var received = 0
            var lastTag: UInt64 = 0
            var unacked = 0
            do {
                while received < total {
                    guard let delivery = try consumer.nextDelivery(timeout: 30) else {
                        throw BenchError("no message for 30 s after \(received) of \(total)")
                    }
                    received += 1
                    unacked += 1
                    lastTag = delivery.deliveryTag
                    if unacked >= ackEvery || received == total {
                        try consumer.ack(deliveryTag: lastTag, multiple: true)
                        unacked = 0
                    }
                }
                let finished = wallClock()
                consumed.state.withLock { $0 = (finished, nil) }
            } catch {
                consumed.state.withLock { $0 = (nil, "\(error)") }
            }
        }

        let publisher = try world.broker()
        defer { publisher.close() }
        try publisher.enableConfirms()
        let now = Int64(Date().timeIntervalSince1970)
        let started = wallClock()
        thread.start()
        var inFlight = 0
        for file in files {
            let properties = AMQPProperties(contentType: "text/csv", persistent: true, messageID: file.name,
                                            timestamp: now, correlationID: nil, headers: [
                                                "x-file-name": .string(file.name),
                                                "x-file-size": .int(Int64(file.bytes.count)),
                                                "x-source": .string("bench"),
                                                "x-received-at": .string("2026-03-02T00:00:00Z"),
                                            ])
            try publisher.publish(exchange: "", routingKey: queue, body: file.bytes, properties: properties)
            inFlight += 1
            if inFlight >= publishWindow {
                try confirm(publisher)
                inFlight = 0
            }
        }
        try confirm(publisher)
        while !thread.isFinished { usleep(1_000) }
        consumer.close()
        _ = try? setup.deleteQueue(queue)
        let result = consumed.state.withLock { $0 }
        guard let finished = result.finishedAt else {
            throw BenchError("broker ceiling: consumer failed: \(result.error ?? "?")")
        }
        return BenchRecord(kind: .brokerCeiling, repetition: repetition, files: files.count, processes: 1, prefetch: Int(consumerPrefetch),
                           seconds: finished - started)
    }

    private func confirm(_ publisher: AMQPConnection) throws {
        let batch = try publisher.waitForConfirms(timeout: 60)
        guard batch.nacked.isEmpty, batch.unconfirmedCount == 0 else {
            throw BenchError("broker ceiling: the broker did not confirm every publish")
        }
    }
}

/// What the consumer thread reports back.
private final class ConsumerOutcome: Sendable {
    let state = Mutex<(finishedAt: Double?, error: String?)>((nil, nil))
}
