/// A message handed to us by the broker (basic.deliver or basic.get-ok).
/// All fields are copies; nothing points into library memory.
public struct AMQPDelivery: Sendable, Equatable {
    /// Pass to `ack`/`nack` on the same connection; tags are per channel.
    public var deliveryTag: UInt64
    public var redelivered: Bool
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var properties: AMQPProperties
}

/// A mandatory message the broker could not route to any queue (basic.return).
public struct AMQPReturnedMessage: Sendable, Equatable {
    /// The publish sequence number, when confirms are on. RabbitMQ sends the
    /// basic.return right before the basic.ack of the same publish, and that
    /// ack's delivery tag is what is recorded here.
    public var sequenceNumber: UInt64?
    public var replyCode: UInt16
    public var replyText: String
    public var exchange: String
    public var routingKey: String
    public var properties: AMQPProperties
    public var body: [UInt8]
}

/// What queue.declare reports.
public struct QueueInfo: Sendable, Equatable {
    /// The queue's name (the generated one when declared with "").
    public var name: String
    /// Ready messages (not counting unacknowledged ones).
    public var messageCount: UInt32
    public var consumerCount: UInt32
}

/// Publisher confirms received since the previous `waitForConfirms` call.
///
/// Sequence numbers are those `publish` returned. A sequence number in `acked`
/// is safely with the broker (on disk for persistent messages to durable
/// queues). `nacked` ones were refused by the broker: publish them again.
/// `returned` ones were mandatory but unroutable; the broker also acks them,
/// so they appear in `acked` too — treat them as not delivered.
public struct ConfirmBatch: Sendable, Equatable {
    public var acked: [UInt64]
    public var nacked: [UInt64]
    public var returned: [AMQPReturnedMessage]
    /// Publishes still waiting for a confirm after this call (non-zero after a timeout).
    public var unconfirmedCount: Int

    public init(
        acked: [UInt64] = [], nacked: [UInt64] = [], returned: [AMQPReturnedMessage] = [], unconfirmedCount: Int = 0
    ) {
        self.acked = acked
        self.nacked = nacked
        self.returned = returned
        self.unconfirmedCount = unconfirmedCount
    }

    /// Every publish so far is confirmed.
    public var isComplete: Bool { unconfirmedCount == 0 }

    /// Sequence numbers of the returned messages.
    public var returnedSequenceNumbers: [UInt64] { returned.compactMap(\.sequenceNumber) }

    /// Every publish so far was acked, none nacked, none returned.
    public var allSucceeded: Bool { isComplete && nacked.isEmpty && returned.isEmpty }
}
