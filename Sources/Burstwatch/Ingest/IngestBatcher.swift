/// When to write a batch: the pure part of the ingest loop, in the manner of
/// postgres-nio's state machines (events in, actions out, no I/O).
///
/// A batch is flushed when it holds `prefetch` messages (the broker will send no
/// more until we ack) or when no new message came for `idleFlushSeconds`.
public struct IngestBatcher: Sendable {
    public enum Action: Equatable, Sendable {
        /// Wait this long for the next delivery.
        case wait(seconds: Double)
        /// Write and ack the batch in hand now.
        case flush
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

    public mutating func received() -> Action {
        pending += 1
        return pending >= prefetch ? .flush : .wait(seconds: idleFlushSeconds)
    }

    /// The wait ended with no delivery.
    public mutating func timedOut() -> Action {
        pending == 0 ? .wait(seconds: idleWaitSeconds) : .flush
    }

    /// Shutdown was requested: write what is in hand, if anything.
    public func draining() -> Action? { pending == 0 ? nil : .flush }

    public mutating func flushed() { pending = 0 }
}
