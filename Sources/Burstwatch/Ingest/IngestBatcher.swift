/// When to write a batch: the pure part of the ingest loop, in the manner of
/// postgres-nio's state machines (events in, actions out, no I/O).
///
/// A batch is flushed when it holds `prefetch` messages (the broker will send no
/// more until we ack) or when no new message came for `idleFlushSeconds`.
///
/// A redelivered message is written in a batch of its own. Redelivery means a worker
/// died (or lost its connection) with it in hand; if the message itself is what kills
/// workers, the broker dead-letters it after its delivery limit, and alone it takes no
/// innocent neighbours into the dead-letter queue with it, whatever the prefetch.
public struct IngestBatcher: Sendable {
    public enum Action: Equatable, Sendable {
        /// Wait this long for the next delivery.
        case wait(seconds: Double)
        /// Write and ack the batch in hand now.
        case flush
        /// Write and ack the batch in hand except its last message (a redelivered one),
        /// then that message alone (`flushedAllButLast()` says so).
        case flushAllButLast
    }

    public let prefetch: Int
    public let idleFlushSeconds: Double
    /// How long to wait when nothing is in hand; short enough to notice shutdown.
    public let idleWaitSeconds: Double
    public private(set) var pending = 0

    public init(prefetch: Int, idleFlushSeconds: Double = 0.02, idleWaitSeconds: Double = 0.5) {
        precondition(prefetch > 0, "prefetch must be positive")
        self.prefetch = prefetch
        self.idleFlushSeconds = idleFlushSeconds
        self.idleWaitSeconds = idleWaitSeconds
    }

    /// What to do before the first delivery, and after every flush.
    public var nextAction: Action { pending == 0 ? .wait(seconds: idleWaitSeconds) : .wait(seconds: idleFlushSeconds) }

    public mutating func received(redelivered: Bool = false) -> Action {
        pending += 1
        if redelivered { return pending == 1 ? .flush : .flushAllButLast }
        return pending >= prefetch ? .flush : .wait(seconds: idleFlushSeconds)
    }

    /// The batch before the redelivered message was written: that message is in hand alone.
    public mutating func flushedAllButLast() -> Action {
        pending = 1
        return .flush
    }

    /// The wait ended with no delivery.
    public mutating func timedOut() -> Action {
        pending == 0 ? .wait(seconds: idleWaitSeconds) : .flush
    }

    /// Shutdown was requested: write what is in hand, if anything.
    public func draining() -> Action? { pending == 0 ? nil : .flush }

    public mutating func flushed() { pending = 0 }
}
