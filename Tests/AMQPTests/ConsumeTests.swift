import AMQP
import Foundation
import Testing

@Suite("Consuming (needs RabbitMQ)")
struct ConsumeTests {
    /// Publishes `count` messages to a fresh quorum queue and waits for the confirms.
    private func queueWithMessages(_ connection: AMQPConnection, count: Int, purpose: String) throws -> String {
        let queue = Broker.uniqueName(purpose)
        try connection.declareQueue(queue, arguments: ["x-queue-type": "quorum"])
        try connection.enableConfirms()
        for index in 0..<count {
            try connection.publish(
                exchange: "", routingKey: queue, body: Array("\(index)".utf8),
                properties: AMQPProperties(persistent: true))
        }
        #expect(try connection.waitForConfirms(timeout: 20).allSucceeded)
        return queue
    }

    @Test func prefetchLimitsUnackedDeliveriesUntilAMultipleAck() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let queue = try queueWithMessages(connection, count: 10, purpose: "prefetch")
        defer { _ = try? connection.deleteQueue(queue) }
        try connection.setPrefetch(4)
        try connection.consume(queue: queue)

        var first: [AMQPDelivery] = []
        while first.count < 4, let delivery = try connection.nextDelivery(timeout: 5) { first.append(delivery) }
        #expect(first.map { String(decoding: $0.body, as: UTF8.self) } == ["0", "1", "2", "3"])
        #expect(try connection.nextDelivery(timeout: 0.5) == nil, "a fifth delivery arrived despite prefetch 4")

        try connection.ack(deliveryTag: try #require(first.last).deliveryTag, multiple: true)
        var second: [AMQPDelivery] = []
        while second.count < 4, let delivery = try connection.nextDelivery(timeout: 5) { second.append(delivery) }
        #expect(second.map { String(decoding: $0.body, as: UTF8.self) } == ["4", "5", "6", "7"])
        #expect(try connection.nextDelivery(timeout: 0.5) == nil)
    }

    @Test func nextDeliveryReturnsNilAfterTheTimeout() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let queue = Broker.uniqueName("empty")
        try connection.declareQueue(queue, durable: false, autoDelete: true)
        try connection.consume(queue: queue)
        let start = ContinuousClock.now
        #expect(try connection.nextDelivery(timeout: 0.3) == nil)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(280) && elapsed < .seconds(3))
        #expect(connection.isOpen)
    }

    @Test func heartbeatsKeepAnIdleConsumerConnected() throws {
        let connection = try Broker.connect(#function, heartbeatSeconds: 1)
        defer { connection.close() }
        let queue = Broker.uniqueName("idle")
        try connection.declareQueue(queue, durable: false, autoDelete: true)
        try connection.consume(queue: queue)
        // Several heartbeat intervals: the broker drops a client that misses two.
        #expect(try connection.nextDelivery(timeout: 3.5) == nil)
        try connection.publish(exchange: "", routingKey: queue, body: [42])
        #expect(try connection.nextDelivery(timeout: 5)?.body == [42])
    }

    @Test func publishingAndConsumingShareAConnection() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let queue = Broker.uniqueName("shared")
        try connection.declareQueue(queue, durable: false, autoDelete: true)
        try connection.setPrefetch(100)
        try connection.consume(queue: queue)
        try connection.enableConfirms()
        for index in 0..<200 { try connection.publish(exchange: "", routingKey: queue, body: [UInt8(index)]) }
        // Deliveries read while waiting for confirms are kept for nextDelivery.
        #expect(try connection.waitForConfirms(timeout: 10).allSucceeded)
        var received: [UInt8] = []
        while received.count < 200, let delivery = try connection.nextDelivery(timeout: 5) {
            received.append(contentsOf: delivery.body)
            try connection.ack(deliveryTag: delivery.deliveryTag)
        }
        #expect(received == (0..<200).map { UInt8($0) })
    }
}
