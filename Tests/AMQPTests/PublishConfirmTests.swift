import AMQP
import Testing

@Suite("Publishing with confirms (needs RabbitMQ)")
struct PublishConfirmTests {
    @Test func declaresAQuorumQueueWithDeadLetteringAndDeliveryLimit() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let queue = Broker.uniqueName("quorum")
        let info = try connection.declareQueue(
            queue,
            arguments: ["x-queue-type": "quorum", "x-dead-letter-exchange": "amqptests.nowhere", "x-delivery-limit": 3])
        defer { _ = try? connection.deleteQueue(queue) }
        #expect(info.name == queue)
        #expect(info.messageCount == 0)
        // Redeclaring with the same arguments is fine; the passive lookup sees the queue.
        try connection.declareQueue(
            queue,
            arguments: ["x-queue-type": "quorum", "x-dead-letter-exchange": "amqptests.nowhere", "x-delivery-limit": 3])
        #expect(try connection.queueInfo(queue).consumerCount == 0)
    }

    @Test func thousandPersistentMessagesAreAllAcked() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let exchange = Broker.uniqueName("files")
        let queue = Broker.uniqueName("ingest")
        try connection.declareExchange(exchange, type: "direct")
        defer { try? connection.deleteExchange(exchange) }
        try connection.declareQueue(queue, arguments: ["x-queue-type": "quorum"])
        defer { _ = try? connection.deleteQueue(queue) }
        try connection.bindQueue(queue, exchange: exchange, routingKey: "file")
        try connection.enableConfirms()

        var sequenceNumbers: [UInt64] = []
        for index in 0..<1000 {
            sequenceNumbers.append(
                try connection.publish(
                    exchange: exchange, routingKey: "file", body: Array("row \(index)".utf8),
                    properties: AMQPProperties(contentType: "text/csv", persistent: true, messageID: "m\(index)")))
        }
        #expect(sequenceNumbers == Array(1...1000))

        var acked: [UInt64] = []
        var batch = ConfirmBatch(unconfirmedCount: 1)
        while !batch.isComplete {
            batch = try connection.waitForConfirms(timeout: 30)
            acked += batch.acked
            #expect(batch.nacked.isEmpty)
            if batch.acked.isEmpty && !batch.isComplete { break }  // timed out without progress
        }
        #expect(batch.isComplete)
        #expect(acked.sorted() == sequenceNumbers)
        #expect(connection.unconfirmedCount == 0)
        #expect(try connection.queueInfo(queue).messageCount == 1000)
    }

    @Test func headersAndPropertiesRoundTripThroughTheBroker() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let queue = Broker.uniqueName("headers")
        try connection.declareQueue(queue, durable: false, autoDelete: true)
        defer { _ = try? connection.deleteQueue(queue) }
        let headers: [String: AMQPValue] = [
            "x-file-name": "PL001_2026-03-02.csv", "x-file-size": 1234, "x-source": "ftp",
            "x-valid": true, "x-ratio": 0.25,
            "x-nested": .table(["depth": 1, "inner": .table(["list": .array(["a", 2, false])])]),
        ]
        let properties = AMQPProperties(
            contentType: "text/csv", persistent: true, messageID: "sha256hex", timestamp: 1_774_000_000,
            correlationID: "corr-7", headers: headers)
        try connection.publish(exchange: "", routingKey: queue, body: [1, 2, 3], properties: properties)

        let delivery = try #require(try Broker.getEventually(connection, queue: queue))
        #expect(delivery.properties == properties)
        #expect(delivery.body == [1, 2, 3])
        #expect(delivery.routingKey == queue)
        #expect(delivery.exchange == "")
        try connection.ack(deliveryTag: delivery.deliveryTag)
    }

    @Test func unroutableMandatoryMessagesAreReturnedWithTheirSequenceNumber() throws {
        let connection = try Broker.connect(#function)
        defer { connection.close() }
        let exchange = Broker.uniqueName("unbound")
        try connection.declareExchange(exchange, type: "direct", durable: false, autoDelete: false)
        defer { try? connection.deleteExchange(exchange) }
        try connection.enableConfirms()
        let routed = try connection.publish(exchange: exchange, routingKey: "nobody", body: [1])
        let returned = try connection.publish(
            exchange: exchange, routingKey: "nobody", body: [2], properties: AMQPProperties(messageID: "lost"),
            mandatory: true)
        let batch = try connection.waitForConfirms(timeout: 10)
        #expect(batch.isComplete)
        #expect(batch.acked == [routed, returned])
        #expect(batch.returnedSequenceNumbers == [returned])
        #expect(batch.returned.first?.properties.messageID == "lost")
        #expect(batch.returned.first?.replyCode == 312)
        #expect(!batch.allSucceeded)
    }
}
