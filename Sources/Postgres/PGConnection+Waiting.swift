import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Work to do on the calling thread while a statement runs on the server.
///
/// Why: a role holds a broker connection next to its database session, and the broker
/// library (librabbitmq) sends and checks heartbeats only while it is being called.
/// A statement that waits on a lock or writes a large batch for longer than the
/// heartbeat timeout would let the broker drop the connection. With a hook set, the
/// connection sends statements without blocking and calls the hook every `interval`
/// seconds until the answer is there, on the same thread, so no connection is ever
/// shared between threads.
///
/// The hook returns whether to keep waiting: false asks the server to cancel the
/// statement (e.g. a shutdown that should not wait for a lock), which then fails with
/// SQLSTATE 57014 and, inside a transaction, rolls it back.
public struct PGWaitHook {
    public var interval: Double
    public var action: () -> Bool
    public init(every interval: Double, _ action: @escaping () -> Bool) {
        self.interval = interval
        self.action = action
    }
}

extension PGConnection {
    /// Waits until libpq has a whole result ready, calling the wait hook meanwhile.
    /// Without a hook this returns at once (PQgetResult then blocks as usual).
    func awaitResult(_ connection: OpaquePointer) throws {
        guard let hook = waitHook else { return }
        let clock = ContinuousClock()
        var lastCall = clock.now
        var cancelled = false
        let interval = Duration.nanoseconds(Int64(max(hook.interval, 0.01) * 1e9))
        while PQisBusy(connection) != 0 {
            let remaining = lastCall + interval - clock.now
            if remaining <= .zero {
                if !hook.action(), !cancelled {
                    cancelled = true
                    cancelStatement(connection)
                }
                lastCall = clock.now
                continue
            }
            let socket = PQsocket(connection)
            guard socket >= 0 else { throw PGError.connection("connection has no socket") }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = min(seconds * 1_000 + attoseconds / 1_000_000_000_000_000 + 1, Int64(Int32.max))
            if clibpq_wait_readable(socket, Int32(milliseconds)) < 0, errno != EINTR {
                throw PGError.connection("waiting for the server failed: \(String(cString: strerror(errno)))")
            }
            guard PQconsumeInput(connection) == 1 else { return }  // PQgetResult reports the error
        }
    }

    /// Asks the server to cancel the statement in progress (best effort: it may have
    /// finished meanwhile, and then the request does nothing).
    private func cancelStatement(_ connection: OpaquePointer) {
        guard let cancel = PQgetCancel(connection) else { return }
        defer { PQfreeCancel(cancel) }
        var reason = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &reason, Int32(reason.count))
    }
}
