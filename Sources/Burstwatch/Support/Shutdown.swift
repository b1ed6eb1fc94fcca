import Dispatch
import Foundation
import Synchronization

/// Set once SIGTERM or SIGINT arrives. Every role's loop polls it between batches,
/// so a signal means: finish (or abandon) the batch in hand, ack what committed,
/// close the connections and exit 0.
public final class Shutdown: Sendable {
    public static let shared = Shutdown()

    private let requested = Atomic<Bool>(false)
    private let sources = Mutex<[DispatchSourceSignal]>([])

    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    public func request() { requested.store(true, ordering: .releasing) }

    /// Routes SIGTERM and SIGINT to `request()` instead of killing the process.
    public func installSignalHandlers() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGTERM, SIGINT] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [self] in request() }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Sleeps up to `seconds`, waking early when shutdown is requested.
    public func sleep(_ seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !isRequested, Date() < deadline {
            usleep(UInt32(min(0.05, max(0, deadline.timeIntervalSinceNow)) * 1_000_000))
        }
    }
}

/// Exponential backoff for reconnecting: 0.2 s doubling up to 10 s.
public struct Backoff: Sendable {
    private var attempt = 0
    public init() {}
    public mutating func next() -> Double {
        defer { attempt += 1 }
        return min(10, 0.2 * pow(2, Double(min(attempt, 10))))
    }
    public mutating func reset() { attempt = 0 }

    /// How long a session must stay up before a failure counts as a new incident.
    public static let stableSeconds = 10.0
    private var connectedAt: Double?

    /// The session came up at `now` (seconds on any monotonic clock).
    public mutating func connected(at now: Double) { connectedAt = now }

    /// The session failed at `now`; returns the wait before the next try. Only a session
    /// that stayed up `stableSeconds` starts over from the shortest wait: one that fails
    /// right after connecting (a row it cannot publish, a missing grant) keeps backing
    /// off instead of reconnecting five times a second for ever.
    public mutating func failed(at now: Double) -> Double {
        if let connectedAt, now - connectedAt >= Self.stableSeconds { attempt = 0 }
        connectedAt = nil
        return next()
    }
}

/// Seconds on the monotonic clock, for measuring how long something stayed up.
func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

import Logging

extension Shutdown {
    /// Runs `session` until shutdown. When it throws (a lost broker or database
    /// connection, say), logs why, waits with backoff and runs it again: a role resumes
    /// without a restart, and whatever it had not acked is redelivered. `session` calls
    /// `connected` once it is up; the backoff starts over only after a session that
    /// stayed up a while (`Backoff.failed(at:)`).
    public func keepRunning(_ role: String, logger: Logger, afterFailure: () -> Void = {},
                            _ session: (_ connected: () -> Void) throws -> Void) {
        var backoff = Backoff()
        // Health and metrics name the loop without spaces ("outbox relay" -> outbox_relay).
        let component = role.replacingOccurrences(of: " ", with: "_")
        RoleHealth.shared.connecting(component)
        while !isRequested {
            do {
                try session {
                    backoff.connected(at: monotonicSeconds())
                    RoleHealth.shared.connected(component)
                }
            } catch where isRequested {
                // Shutdown cut the work in hand short (e.g. a statement cancelled after
                // the grace period): nothing was acked, the broker redelivers it.
                logger.notice("\(role): stopping; abandoned the work in hand, which is redelivered: \(error)")
            } catch {
                RoleHealth.shared.failed(component, error: "\(error)")
                Meters.reconnect(role: component, error: error)
                logger.error("\(role): \(error); reconnecting", metadata: ["peer": "\(Meters.peer(of: error))"])
                afterFailure()
                sleep(backoff.failed(at: monotonicSeconds()))
            }
        }
    }
}
