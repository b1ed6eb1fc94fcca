import AMQP
import Detection
import Foundation
import Logging

/// `burstwatch alerts tail`: the reference subscriber for downstream systems. It binds
/// its own queue to the alerts exchange with `burst.<dma|*>.<state|*>`, prints every
/// event, and acks only after printing, so a crash never loses an alert it had not
/// shown. Without `queue` the queue is exclusive and auto-deleted (alerts published
/// while it is not running are not kept); with `queue` it is a named durable quorum
/// queue that collects alerts while the subscriber is down.
public struct AlertsTail: Sendable {
    public struct Options: Sendable {
        public var dma: String?
        public var state: BurstEvent.State?
        public var queue: String?
        public var json: Bool

        public init(dma: String? = nil, state: BurstEvent.State? = nil, queue: String? = nil, json: Bool = false) {
            (self.dma, self.state, self.queue, self.json) = (dma, state, queue, json)
        }

        /// "opened", "updated" or "closed"; nil for anything else.
        public static func state(named name: String) -> BurstEvent.State? { BurstEvent.State(rawValue: name) }

        /// The topic binding: `burst.<dma or *>.<state or *>`.
        public var bindingKey: String { "burst.\(dma ?? "*").\(state?.rawValue ?? "*")" }
    }

    public let connections: Connections
    public let options: Options
    private let logger = Logs.logger("alerts")

    public init(connections: Connections, options: Options) {
        self.connections = connections
        self.options = options
    }

    /// Runs until SIGTERM/SIGINT; reconnects with backoff when the broker goes away.
    /// `write` gets each line (without newline) and must have shown it when it returns.
    public func run(shutdown: Shutdown = .shared, write: (String) -> Void) {
        let topology = Topology(prefix: connections.settings.prefix)
        shutdown.keepRunning("alerts tail", logger: logger) { connected in
            let broker = try connections.broker("alerts-tail")
            defer { broker.close() }
            // Declared here too, so the subscriber may start before any detector.
            try broker.declareExchange(topology.alertsExchange, type: "topic")
            let queue: String
            if let named = options.queue {
                try broker.declareQueue(named, durable: true, arguments: ["x-queue-type": .string("quorum")])
                queue = named
            } else {
                queue = try broker.declareQueue("", durable: false, exclusive: true, autoDelete: true).name
            }
            try broker.bindQueue(queue, exchange: topology.alertsExchange, routingKey: options.bindingKey)
            try broker.setPrefetch(100)
            try broker.consume(queue: queue)
            connected()
            logger.info("alerts tail: listening on queue \(queue), binding \(options.bindingKey) on \(topology.alertsExchange)")
            while !shutdown.isRequested {
                guard let delivery = try broker.nextDelivery(timeout: 0.5) else { continue }
                do {
                    let event = try JSONDecoder().decode(BurstEvent.self, from: Data(delivery.body))
                    write(options.json ? AlertLine.json(body: delivery.body) : AlertLine.human(event))
                } catch {
                    // Not ours to fix and must not block the alerts behind it: say why, drop it.
                    logger.warning("alerts tail: skipping a message with routing key \(delivery.routingKey) that is not a burst-event/v1: \(error)")
                }
                try broker.ack(deliveryTag: delivery.deliveryTag)
            }
        }
    }
}
