import AMQP
import Foundation
import Logging
import Postgres
import Readings

/// Consumes file-arrived messages and writes them into PostgreSQL, one transaction and
/// one multiple-ack per batch (DESIGN.md: prefetch is the chunk size).
///
/// Order within a batch: parse and validate (pure), commit everything good in one
/// transaction, dead-letter the rejected files with confirms, then ack the whole batch.
/// A crash anywhere before the ack redelivers the batch; the file ledger and the
/// readings key make the second pass harmless.
public final class IngestWorker {
    public struct Options: Sendable {
        public var prefetch: Int
        public var idleFlushSeconds: Double
        public init(prefetch: Int = 100, idleFlushSeconds: Double = 0.02) {
            self.prefetch = prefetch
            self.idleFlushSeconds = idleFlushSeconds
        }
    }

    let connections: Connections
    let options: Options
    let topology: Topology
    let logger = Logs.logger("ingest")
    let shutdown: Shutdown

    public init(connections: Connections, options: Options, shutdown: Shutdown = .shared) {
        self.connections = connections
        self.options = options
        self.topology = Topology(prefix: connections.settings.prefix)
        self.shutdown = shutdown
    }

    /// Runs until shutdown; reconnects with backoff when the broker or database goes away.
    public func run() {
        shutdown.keepRunning("ingest", logger: logger, session)
    }

    private func session(connected: () -> Void) throws {
        let database = try connections.database("ingest")
        defer { database.close() }
        let broker = try connections.broker("ingest")
        defer { broker.close() }
        // A batch held up (a lock, a slow disk) must not cost the broker connection.
        database.waitHook = connections.statementWatch(for: broker, shutdown: shutdown)
        let deadLetters = DeadLetterPublisher(connections: connections, topology: topology)
        defer { deadLetters.close() }

        try topology.declare(on: broker)
        let settings = connections.settings
        let writer = BatchWriter(connection: database, windowSeconds: settings.windowSeconds,
                                 graceSeconds: settings.graceSeconds, windowsExchange: topology.windowsExchange)
        try writer.prepare()
        var registry = try RegistryCache(store: RegistryStore(connection: database))

        try broker.setPrefetch(UInt16(clamping: options.prefetch))
        try broker.consume(queue: topology.ingestQueue)
        connected()
        logger.info("ingest: consuming \(topology.ingestQueue) with prefetch \(options.prefetch)")

        var batcher = IngestBatcher(prefetch: options.prefetch, idleFlushSeconds: options.idleFlushSeconds)
        var batch: [IncomingFile] = []
        var action = batcher.nextAction
        while true {
            if shutdown.isRequested {
                if batcher.draining() != nil { try flush(batch, writer: writer, registry: &registry, deadLetters: deadLetters, broker: broker) }
                return
            }
            switch action {
            case .wait(let seconds):
                if let delivery = try broker.nextDelivery(timeout: seconds) {
                    batch.append(IncomingFile(delivery))
                    action = batcher.received(redelivered: delivery.redelivered)
                } else {
                    action = batcher.timedOut()
                }
            case .flush:
                try flush(batch, writer: writer, registry: &registry, deadLetters: deadLetters, broker: broker)
                batch.removeAll(keepingCapacity: true)
                batcher.flushed()
                action = batcher.nextAction
            case .flushAllButLast:
                let alone = batch.removeLast()
                try flush(batch, writer: writer, registry: &registry, deadLetters: deadLetters, broker: broker)
                batch = [alone]
                action = batcher.flushedAllButLast()
            }
        }
    }

    private func flush(_ batch: [IncomingFile], writer: BatchWriter, registry: inout RegistryCache,
                       deadLetters: DeadLetterPublisher, broker: AMQPConnection) throws {
        guard let lastTag = batch.map(\.deliveryTag).max() else { return }
        let started = DispatchTime.now()
        var plans = planner(registry.current).plan(batch)
        // A logger registered after this worker started: reload once and re-check.
        if plans.contains(where: IngestPlanner.mentionsUnknownLogger), try registry.reloadIfStale() {
            plans = planner(registry.current).plan(batch)
        }
        let writeStarted = DispatchTime.now()
        let outcome = try writeRetrying(plans, writer: writer, registry: registry.current)
        let commitSeconds = Double(DispatchTime.now().uptimeNanoseconds - writeStarted.uptimeNanoseconds) / 1e9
        for rejected in outcome.deadLetters {
            logger.warning("dead-lettered: \(rejected.reason)", metadata: [
                "file": "\(rejected.file.fileName)", "sha256": "\(rejected.sha256)", "reason_class": "\(rejected.reasonClass)",
            ])
        }
        for plan in plans where plan.rejection == nil && !plan.rowErrors.isEmpty {
            for error in plan.rowErrors.prefix(5) {
                logger.warning("bad row kept aside: line \(error.line): \(error.reason)",
                               metadata: ["file": "\(plan.file.fileName)", "sha256": "\(plan.sha256)", "line": "\(error.line)"])
            }
        }
        try deadLetters.publish(outcome.deadLetters.map { ($0.file, $0.reason) })
        try broker.ack(deliveryTag: lastTag, multiple: true)
        for window in outcome.windowsAnnounced {
            logger.info("window complete", metadata: [
                "dma": "\(window.dma)", "window": "\(window.windowStart)", "reason": "\(window.reason.rawValue)",
                "missing": .array(window.missing.map { .string($0) }),
            ])
        }
        Meters.ingestBatch(files: batch, outcome: outcome,
                           deadLetterClasses: outcome.deadLetters.map(\.reasonClass),
                           commitSeconds: commitSeconds)
        let millis = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
        logger.debug("batch committed", metadata: [
            "files": "\(batch.count)", "rows": "\(outcome.rowsInserted)", "duplicates": "\(outcome.rowsDuplicate)",
            "rejected": "\(outcome.filesRejected)", "windows": "\(outcome.windowsAnnounced.count)",
            "ms": "\(String(format: "%.1f", millis))",
        ])
    }

    private func planner(_ registry: LoggerRegistry) -> IngestPlanner {
        let dayAhead = (Int64(Date().timeIntervalSince1970) + 86_400) * 1_000_000
        return IngestPlanner(registry: registry, naiveOffsetSeconds: connections.settings.naiveOffsetSeconds,
                             latestAcceptedTimestamp: dayAhead)
    }

    /// Deadlocks and serialisation failures between workers are normal under load:
    /// the transaction is simply run again.
    private func writeRetrying(_ plans: [FilePlan], writer: BatchWriter, registry: LoggerRegistry) throws -> BatchOutcome {
        var attempt = 0
        while true {
            do {
                return try writer.write(plans, registry: registry)
            } catch let error as PGError where error.isRetryable && error.kind != .connection && attempt < 5 {
                attempt += 1
                logger.info("ingest: \(error.kind) on attempt \(attempt); retrying the batch")
                usleep(UInt32.random(in: 1_000...20_000) * UInt32(attempt))
            }
        }
    }
}

extension IncomingFile {
    init(_ delivery: AMQPDelivery) {
        let headers = delivery.properties.headers
        func text(_ key: String) -> String? {
            if case .string(let value)? = headers[key] { return value }
            return nil
        }
        self.init(deliveryTag: delivery.deliveryTag, body: delivery.body,
                  fileName: text("x-file-name") ?? delivery.properties.messageID.map { "message \($0)" } ?? "(unnamed file)",
                  source: text("x-source"), receivedAt: text("x-received-at"))
        publishedAt = delivery.properties.timestamp
    }
}

/// The registry a worker validates against, reloaded from the database when a file
/// names a logger it does not know (at most every few seconds).
struct RegistryCache {
    let store: RegistryStore
    private(set) var current: LoggerRegistry
    private var loadedAt = Date.distantPast

    init(store: RegistryStore) throws {
        self.store = store
        current = try store.loadRegistry()
        loadedAt = Date()
    }

    mutating func reload() throws {
        current = try store.loadRegistry()
        loadedAt = Date()
    }

    /// Returns whether it reloaded.
    mutating func reloadIfStale(after seconds: Double = 5) throws -> Bool {
        guard Date().timeIntervalSince(loadedAt) > seconds else { return false }
        try reload()
        return true
    }
}
