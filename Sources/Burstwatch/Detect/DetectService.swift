import AMQP
import Detection
import Foundation
import Logging
import Postgres
import Readings

/// `burstwatch detect`: consumes window-complete messages and, per DMA and in window
/// order, runs the pure `BurstDetector`. The detector's state, the burst events and
/// their outbox messages are written in one transaction, under a lock on the DMA's
/// state row, so two detectors never step the same DMA at once, and a redelivered
/// window changes nothing (its window is at or before the stored last window).
public final class DetectService {
    public struct Options: Sendable {
        public var config: DetectorConfig
        public init(config: DetectorConfig = .default) { self.config = config }
    }

    let connections: Connections
    let options: Options
    let topology: Topology
    let shutdown: Shutdown
    let logger = Logs.logger("detect")
    private var contexts: [String: DMAContext] = [:]

    public init(connections: Connections, options: Options = Options(), shutdown: Shutdown = .shared) {
        self.connections = connections
        self.options = options
        self.topology = Topology(prefix: connections.settings.prefix)
        self.shutdown = shutdown
    }

    public func run() {
        // After a failure the in-memory histories are rebuilt from the database.
        shutdown.keepRunning("detect", logger: logger, afterFailure: { contexts.removeAll() }, session)
    }

    private func session(connected: () -> Void) throws {
        let database = try connections.database("detect")
        defer { database.close() }
        let broker = try connections.broker("detect")
        defer { broker.close() }
        database.waitHook = connections.statementWatch(for: broker, shutdown: shutdown)
        let deadLetters = DeadLetterPublisher(connections: connections, topology: topology)
        defer { deadLetters.close() }
        try topology.declare(on: broker)
        // One window at a time: windows of a DMA must be stepped in order.
        try broker.setPrefetch(1)
        try broker.consume(queue: topology.detectQueue)
        connected()
        logger.info("detect: consuming \(topology.detectQueue)")
        while !shutdown.isRequested {
            guard let delivery = try broker.nextDelivery(timeout: 0.5) else { continue }
            let window: WindowComplete
            do {
                window = try JSONDecoder().decode(WindowComplete.self, from: Data(delivery.body))
                guard window.schema == WindowComplete.schemaName, let start = try? ISOTimestamp.parse(window.windowStart) else {
                    throw DetectInputError(description: "not a \(WindowComplete.schemaName) message with a valid window_start")
                }
                let events = try handle(dma: window.dma, windowStart: start, database: database)
                for event in events {
                    logger.notice("burst \(event.state.rawValue)", metadata: [
                        "dma": "\(event.dma)", "event": "\(event.eventID)", "window": "\(window.windowStart)",
                        "flow_increase_lps": "\(String(format: "%.2f", event.flowIncreaseLps))",
                    ])
                }
            } catch let error as DecodingError {
                try deadLetter(delivery, reason: "undecodable window message: \(error)", deadLetters: deadLetters)
            } catch let error as DetectInputError {
                try deadLetter(delivery, reason: error.description, deadLetters: deadLetters)
            }
            try broker.ack(deliveryTag: delivery.deliveryTag, multiple: false)
        }
    }

    private func deadLetter(_ delivery: AMQPDelivery, reason: String, deadLetters: DeadLetterPublisher) throws {
        logger.warning("dead-lettered window message: \(reason)")
        try deadLetters.publish([(IncomingFile(deliveryTag: delivery.deliveryTag, body: delivery.body,
                                               fileName: delivery.routingKey, source: "detect", receivedAt: nil), reason)])
    }

    /// Steps the DMA through every window after its last one up to `windowStart`, and
    /// returns the events it raised (already in the outbox).
    func handle(dma: String, windowStart: Int64, database: PGConnection) throws -> [BurstEvent] {
        let context = try self.context(for: dma, database: database)
        let windowMicros = options.config.windowSeconds * 1_000_000
        return try database.transaction {
            _ = try database.execute("""
                INSERT INTO detector_state (dma, state) VALUES ($1, '{}') ON CONFLICT (dma) DO NOTHING
                """, [dma])
            let stored = try database.execute("SELECT state::text FROM detector_state WHERE dma = $1 FOR UPDATE", [dma])
            var state = DetectorState(dma: dma)
            if let json = stored.rows.first?[0], json != "{}" {
                state = try JSONDecoder().decode(DetectorState.self, from: Data(json.utf8))
            }
            if let last = state.lastWindow, windowStart <= last { return [] }
            try context.load(until: windowStart + windowMicros, from: database)

            var events: [BurstEvent] = []
            var window = state.lastWindow.map { $0 + windowMicros } ?? windowStart
            while window <= windowStart {
                let result = context.detector.step(state, window: window, history: context.history)
                state = result.state
                events += result.events
                window += windowMicros
            }
            let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            _ = try database.execute("""
                UPDATE detector_state SET state = $2::jsonb, last_window = $3, updated_at = now() WHERE dma = $1
                """, [dma, json, ISOTimestamp.format(windowStart)])
            try BurstEventStore(connection: database, alertsExchange: topology.alertsExchange).record(events)
            return events
        }
    }

    private func context(for dma: String, database: PGConnection) throws -> DMAContext {
        if let context = contexts[dma] { return context }
        let store = RegistryStore(connection: database)
        let context = try DMAContext(dma: dma, registry: try store.loadRegistry(), networkINP: try store.loadNetwork(forDMA: dma),
                                     config: options.config, overlapSeconds: connections.settings.graceSeconds)
        contexts[dma] = context
        return context
    }
}

struct DetectInputError: Error, CustomStringConvertible { let description: String }
