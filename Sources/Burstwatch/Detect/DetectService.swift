import AMQP
import Detection
import Foundation
import Logging
import Postgres
import Readings
import WaterNetwork

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
    /// One localiser per registered network, shared by its DMAs: parsing the network,
    /// solving its operating point and factorising its signatures is done once.
    private var localisers: [String: Localiser] = [:]

    public init(connections: Connections, options: Options = Options(), shutdown: Shutdown = .shared) {
        self.connections = connections
        self.options = options
        self.topology = Topology(prefix: connections.settings.prefix)
        self.shutdown = shutdown
    }

    public func run() {
        // After a failure the in-memory histories are rebuilt from the database.
        shutdown.keepRunning("detect", logger: logger, afterFailure: {
            contexts.removeAll()
            localisers.removeAll()
        }, session)
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
            let started = DispatchTime.now()
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
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                logger.debug("window detected", metadata: [
                    "dma": "\(window.dma)", "window": "\(window.windowStart)", "events": "\(events.count)",
                    "ms": "\(String(format: "%.1f", seconds * 1000))",
                ])
                Meters.detectWindow(publishedAt: delivery.properties.timestamp, seconds: seconds,
                                    events: events.map(\.state.rawValue))
            } catch let error as DecodingError {
                try deadLetter(delivery, reason: "undecodable window message: \(error)", reasonClass: "undecodable",
                               deadLetters: deadLetters)
            } catch let error as DetectInputError {
                try deadLetter(delivery, reason: error.description, reasonClass: "invalid-window", deadLetters: deadLetters)
            }
            try broker.ack(deliveryTag: delivery.deliveryTag, multiple: false)
        }
    }

    /// Sets a window message aside, logged and counted by `reasonClass`.
    private func deadLetter(_ delivery: AMQPDelivery, reason: String, reasonClass: String,
                            deadLetters: DeadLetterPublisher) throws {
        Meters.detectDeadLettered(reason: reasonClass)
        logger.warning("dead-lettered window message: \(reason)", metadata: [
            "routing_key": "\(delivery.routingKey)", "reason_class": "\(reasonClass)",
        ])
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
            guard let ready = try readyWindows(dma: dma, after: state.lastWindow, windowMicros: windowMicros, database: database) else {
                return []
            }
            try context.load(until: ready.upperBound + windowMicros, from: database)

            var events: [BurstEvent] = []
            var window = ready.lowerBound
            while window <= ready.upperBound {
                let result = context.detector.step(state, window: window, history: context.history)
                state = result.state
                events += result.events
                window += windowMicros
            }
            let json = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
            _ = try database.execute("""
                UPDATE detector_state SET state = $2::jsonb, last_window = $3, updated_at = now() WHERE dma = $1
                """, [dma, json, ISOTimestamp.format(ready.upperBound)])
            try BurstEventStore(connection: database, alertsExchange: topology.alertsExchange).record(events)
            return events
        }
    }

    /// The windows of a DMA the detector may step now, after its last one: each in turn
    /// while it was announced, or has no data at all and lies past the grace period
    /// (nothing will come for it). A window whose data is still arriving stops the walk;
    /// its own announcement resumes it and then also steps the windows announced
    /// meanwhile. Stepping straight to the announced window instead judged the windows
    /// before it on whatever had committed so far: a window whose readings a killed
    /// ingest worker had left for redelivery was judged short of data, and the burst it
    /// held was localised differently from `burstwatch eval` (found by `burstwatch faults`).
    func readyWindows(dma: String, after last: Int64?, windowMicros: Int64, database: PGConnection) throws -> ClosedRange<Int64>? {
        let rows = try database.execute("""
            SELECT (extract(epoch FROM window_start) * 1000000)::bigint, announced_at IS NOT NULL
            FROM windows WHERE dma = $1 AND ($2::timestamptz IS NULL OR window_start > $2::timestamptz)
            ORDER BY window_start
            """, [dma, last.map { ISOTimestamp.format($0) }]).rows
        let windows = rows.compactMap { row in row[0].flatMap { Int64($0) }.map { (start: $0, announced: row[1] == "t") } }
        return Self.readyWindows(windows, after: last, windowMicros: windowMicros,
                                 graceMicros: connections.settings.graceSeconds * 1_000_000)
    }

    /// The walk of `readyWindows` over a DMA's windows after `last` (start, announced), in order.
    static func readyWindows(_ windows: [(start: Int64, announced: Bool)], after last: Int64?, windowMicros: Int64,
                             graceMicros: Int64) -> ClosedRange<Int64>? {
        let announced = Dictionary(windows.map { ($0.start, $0.announced) }, uniquingKeysWith: { $1 })
        guard let lastAnnounced = windows.last(where: \.announced)?.start, let newest = windows.last?.start,
              let first = last.map({ $0 + windowMicros }) ?? windows.first?.start else { return nil }
        var through: Int64?
        var window = first
        while window <= lastAnnounced {
            if let isAnnounced = announced[window] {
                guard isAnnounced else { break }
            } else if window + windowMicros + graceMicros > newest {
                break
            }
            through = window
            window += windowMicros
        }
        return through.map { first...$0 }
    }

    private func context(for dma: String, database: PGConnection) throws -> DMAContext {
        if let context = contexts[dma] { return context }
        let store = RegistryStore(connection: database)
        let registry = try store.loadRegistry()
        let networks = try store.networkNames(forDMAs: Set(registry.dmaNames))
        var localiser: Localiser?
        if let network = networks[dma], let shared = try self.localiser(named: network, store: store) {
            // Only the meters of DMAs on the same network bound its regions: another
            // network's link ids name nothing here, or the wrong pipe.
            let sameNetwork = try LoggerRegistry(channels: registry.channels.filter { networks[$0.dma] == network })
            localiser = shared.restricted(toDMA: dma, registry: sameNetwork)
        }
        let context = DMAContext(dma: dma, registry: registry, localiser: localiser,
                                 config: options.config, overlapSeconds: connections.settings.graceSeconds)
        contexts[dma] = context
        return context
    }

    /// The localiser on a registered network, shared by its DMAs; nil when it is not stored.
    private func localiser(named name: String, store: RegistryStore) throws -> Localiser? {
        if let localiser = localisers[name] { return localiser }
        guard let inp = try store.networkINP(named: name) else { return nil }
        let model = try INPReader.parse(inp, fileName: "registered network \(name)")
        let localiser = Localiser(network: model, graph: NetworkGraph(model: model))
        localisers[name] = localiser
        return localiser
    }
}

struct DetectInputError: Error, CustomStringConvertible { let description: String }
