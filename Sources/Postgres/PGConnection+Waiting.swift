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
public struct PGWaitHook {
    public var interval: Double
    public var action: () -> Void
    public init(every interval: Double, _ action: @escaping () -> Void) {
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
        let interval = Duration.nanoseconds(Int64(max(hook.interval, 0.01) * 1e9))
        while PQisBusy(connection) != 0 {
            let remaining = lastCall + interval - clock.now
            if remaining <= .zero {
                hook.action()
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
}
