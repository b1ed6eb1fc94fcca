import Foundation

/// When to try a failing operation again (a move into a full or read-only folder):
/// `Backoff`'s delays, counted from the last failure, reset by a success.
public struct RetrySchedule: Sendable {
    private var backoff = Backoff()
    private var nextTry = Date.distantPast

    public init() {}

    public var isDue: Bool { Date() >= nextTry }

    /// Records a failure; returns the seconds until the next try.
    @discardableResult
    public mutating func failed() -> Double {
        let delay = backoff.next()
        nextTry = Date().addingTimeInterval(delay)
        return delay
    }

    public mutating func succeeded() {
        backoff.reset()
        nextTry = .distantPast
    }
}
