import AMQP
import Testing

@Suite("Failures become AMQPErrors (needs RabbitMQ)")
struct FailureTests {
    @Test func everyCallOnAClosedConnectionThrows() throws {
        let connection = try Broker.connect(#function)
        connection.close()
        connection.close()  // idempotent
        #expect(!connection.isOpen)
        let error = try #require(throws: AMQPError.self) {
            try connection.publish(exchange: "", routingKey: "q", body: [1])
        }
        #expect(error.kind == .connectionClosed)
        #expect(error.description.contains("closed by this client"))
        #expect(throws: AMQPError.self) { try connection.nextDelivery(timeout: 0.1) }
        #expect(throws: AMQPError.self) { try connection.declareQueue(Broker.uniqueName("never")) }
        #expect(throws: AMQPError.self) { try connection.waitForConfirms(timeout: 0.1) }
    }

    @Test func aMissingQueueGivesA404AndClosesTheConnection() throws {
        let connection = try Broker.connect(#function)
        let queue = Broker.uniqueName("missing")
        let error = try #require(throws: AMQPError.self) { try connection.queueInfo(queue) }
        #expect(error.replyCode == 404)
        #expect(error.message.contains("NOT_FOUND"))
        #expect(error.closesConnection)
        #expect(!connection.isOpen)
        #expect(connection.closeReason?.contains("NOT_FOUND") == true)
    }

    @Test func deletingTheQueueCancelsTheConsumerWithAClearError() throws {
        let consumer = try Broker.connect(#function + " consumer")
        defer { consumer.close() }
        let admin = try Broker.connect(#function + " admin")
        defer { admin.close() }
        let queue = Broker.uniqueName("deleted")
        try admin.declareQueue(queue, arguments: ["x-queue-type": "quorum"])
        try consumer.consume(queue: queue)
        try admin.deleteQueue(queue)

        let error = try #require(throws: AMQPError.self) { try consumer.nextDelivery(timeout: 5) }
        #expect(error.kind == .consumerCancelled)
        #expect(consumer.isOpen, "a cancelled consumer leaves the connection usable")
        #expect(throws: AMQPError.self) { try consumer.nextDelivery(timeout: 0.1) }  // no consumer left
    }

    @Test func publishingToAMissingExchangeFailsAtTheConfirmWait() throws {
        let connection = try Broker.connect(#function)
        try connection.enableConfirms()
        try connection.publish(exchange: Broker.uniqueName("no-such-exchange"), routingKey: "k", body: [1])
        let error = try #require(throws: AMQPError.self) { try connection.waitForConfirms(timeout: 5) }
        #expect(error.replyCode == 404)
        #expect(!connection.isOpen)
    }

    @Test func ackingAnUnknownDeliveryTagSurfacesAsA406InTheNextWait() throws {
        let connection = try Broker.connect(#function)
        let queue = Broker.uniqueName("acks")
        try connection.declareQueue(queue, durable: false, autoDelete: true)
        try connection.consume(queue: queue)
        try connection.ack(deliveryTag: 999)  // asynchronous: the broker answers by closing the channel
        let error = try #require(throws: AMQPError.self) { try connection.nextDelivery(timeout: 5) }
        #expect(error.replyCode == 406)
        #expect(error.message.contains("PRECONDITION_FAILED"))
        #expect(!connection.isOpen)
    }

    @Test func wrongCredentialsAreRefusedClearly() throws {
        var endpoint = try Broker.endpoint()
        _ = try Broker.connect(#function).close()  // the broker itself must be up
        endpoint.password = "definitely-wrong-\(Broker.uniqueName("pw"))"
        let error = try #require(throws: AMQPError.self) {
            try AMQPConnection(endpoint: endpoint, connectionName: "AMQPTests wrong password")
        }
        #expect(error.kind == .connectFailed)
        #expect(error.message.contains("ACCESS_REFUSED"))
        #expect(!error.description.contains(endpoint.password))
    }

    @Test func anUnreachablePortFailsToConnect() throws {
        var endpoint = try Broker.endpoint()
        endpoint.port = 1  // nothing listens there
        let error = try #require(throws: AMQPError.self) {
            try AMQPConnection(endpoint: endpoint, connectionName: "AMQPTests unreachable", connectTimeout: 2)
        }
        #expect(error.kind == .connectFailed)
    }
}
