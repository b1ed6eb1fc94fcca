import AMQP
import Testing

@Suite("Dead-lettering (needs RabbitMQ)")
struct DeadLetterTests {
    /// A quorum work queue that dead-letters to a fanout exchange bound to a dead queue.
    private struct Topology {
        let work: String
        let deadExchange: String
        let dead: String

        init(_ connection: AMQPConnection, deliveryLimit: Int64) throws {
            work = Broker.uniqueName("work")
            deadExchange = Broker.uniqueName("dlx")
            dead = Broker.uniqueName("dead")
            try connection.declareExchange(deadExchange, type: "fanout")
            try connection.declareQueue(dead, arguments: ["x-queue-type": "quorum"])
            try connection.bindQueue(dead, exchange: deadExchange, routingKey: "")
            try connection.declareQueue(
                work,
                arguments: [
                    "x-queue-type": "quorum", "x-dead-letter-exchange": .string(deadExchange),
                    "x-delivery-limit": .int(deliveryLimit),
                ])
        }

        func remove(_ connection: AMQPConnection) {
            _ = try? connection.deleteQueue(work)
            _ = try? connection.deleteQueue(dead)
            try? connection.deleteExchange(deadExchange)
        }
    }

    @Test func nackWithoutRequeueRoutesToTheDeadLetterQueue() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let topology = try Topology(connection, deliveryLimit: 5)
        defer { topology.remove(connection) }
        try connection.publish(
            exchange: "", routingKey: topology.work, body: Array("bad file".utf8),
            properties: AMQPProperties(persistent: true, headers: ["x-file-name": "bad.csv"]))
        try connection.consume(queue: topology.work)
        let delivery = try #require(try connection.nextDelivery(timeout: 5))
        try connection.nack(deliveryTag: delivery.deliveryTag, requeue: false)

        let dead = try #require(try Broker.getEventually(connection, queue: topology.dead))
        #expect(dead.body == Array("bad file".utf8))
        #expect(dead.properties.headers["x-file-name"] == "bad.csv")
        let death = try #require(dead.properties.headers["x-death"]?.arrayValue?.first?.tableValue)
        #expect(death["reason"] == "rejected")
        #expect(death["queue"] == .string(topology.work))
        #expect(death["count"] == 1)
        try connection.ack(deliveryTag: dead.deliveryTag)
    }

    @Test func requeuingPastTheDeliveryLimitDeadLetters() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let topology = try Topology(connection, deliveryLimit: 1)
        defer { topology.remove(connection) }
        try connection.publish(exchange: "", routingKey: topology.work, body: [7])
        try connection.consume(queue: topology.work)
        var deliveries = 0
        while let delivery = try connection.nextDelivery(timeout: 2) {
            deliveries += 1
            try connection.nack(deliveryTag: delivery.deliveryTag, requeue: true)
        }
        #expect(deliveries == 2, "delivery limit 1 allows the first delivery and one redelivery")
        let dead = try #require(try Broker.getEventually(connection, queue: topology.dead))
        #expect(dead.properties.headers["x-death"]?.arrayValue?.first?.tableValue?["reason"] == "delivery_limit")
    }
}
