import AMQP

/// The exchanges and queues of CONTRACTS.md section 3, under a configurable prefix.
public struct Topology: Sendable {
    public let prefix: String
    public init(prefix: String) { self.prefix = prefix }

    /// Direct exchange the watcher publishes file-arrived messages to.
    public var filesExchange: String { "\(prefix).files" }
    /// Quorum queue the ingest workers consume.
    public var ingestQueue: String { "\(prefix).ingest" }
    /// Routing key of file-arrived messages on the files exchange.
    public var fileRoutingKey: String { "file" }
    /// Fanout exchange and queue for files (and messages) that cannot be processed.
    public var deadExchange: String { "\(prefix).dead" }
    public var deadQueue: String { "\(prefix).dead" }
    /// Topic exchange for window-complete messages (routing key window.<dma>).
    public var windowsExchange: String { "\(prefix).windows" }
    /// Quorum queue the detectors consume.
    public var detectQueue: String { "\(prefix).detect" }
    /// Topic exchange for burst events (routing key burst.<dma>.<state>).
    public var alertsExchange: String { "\(prefix).alerts" }

    /// After this many deliveries a message that keeps crashing its consumer is
    /// dead-lettered by the broker itself, so one poison file cannot stall a queue.
    public static let deliveryLimit: Int64 = 5

    public static func windowRoutingKey(dma: String) -> String { "window.\(dma)" }
    public static func burstRoutingKey(dma: String, state: String) -> String { "burst.\(dma).\(state)" }

    /// Declares everything; every role calls this at start, so any of them can be
    /// started first. Declarations are idempotent.
    public func declare(on connection: AMQPConnection) throws {
        try connection.declareExchange(deadExchange, type: "fanout")
        _ = try connection.declareQueue(deadQueue, arguments: ["x-queue-type": .string("quorum")])
        try connection.bindQueue(deadQueue, exchange: deadExchange, routingKey: "")

        try connection.declareExchange(filesExchange, type: "direct")
        _ = try connection.declareQueue(ingestQueue, arguments: quorumArguments)
        try connection.bindQueue(ingestQueue, exchange: filesExchange, routingKey: fileRoutingKey)

        try connection.declareExchange(windowsExchange, type: "topic")
        _ = try connection.declareQueue(detectQueue, arguments: quorumArguments)
        try connection.bindQueue(detectQueue, exchange: windowsExchange, routingKey: "window.#")

        try connection.declareExchange(alertsExchange, type: "topic")
    }

    private var quorumArguments: [String: AMQPValue] {
        [
            "x-queue-type": .string("quorum"),
            "x-dead-letter-exchange": .string(deadExchange),
            "x-delivery-limit": .int(Topology.deliveryLimit),
        ]
    }
}
