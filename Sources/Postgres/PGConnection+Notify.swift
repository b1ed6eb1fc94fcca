import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A NOTIFY received on a channel this connection LISTENs on.
public struct PGNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    /// Process id of the server session that sent it.
    public let senderPID: Int

    public init(channel: String, payload: String, senderPID: Int) {
        self.channel = channel
        self.payload = payload
        self.senderPID = senderPID
    }
}

extension PGConnection {
    /// Starts listening on `channel` (any text; quoted as an identifier). Remembered, so
    /// `reset()` listens again.
    public func listen(_ channel: String) throws {
        try executeScript("LISTEN \(pgQuoteIdentifier(channel))")
        if !listenedChannels.contains(channel) { listenedChannels.append(channel) }
    }

    public func unlisten(_ channel: String) throws {
        try executeScript("UNLISTEN \(pgQuoteIdentifier(channel))")
        listenedChannels.removeAll { $0 == channel }
    }

    /// Sends a notification (delivered when the current transaction commits).
    public func notify(_ channel: String, payload: String = "") throws {
        try execute("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// Returns the notifications that arrived, waiting up to `timeout` seconds for the
    /// first one; `[]` when none came in time. Throws `.connection` when the connection
    /// broke while waiting.
    public func waitForNotifications(timeout: Double) throws -> [PGNotification] {
        let connection = try liveHandle()
        let clock = ContinuousClock()
        let deadline = clock.now + .nanoseconds(Int64((max(timeout, 0) * 1e9).rounded()))
        while true {
            guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else {
                throw PGError.connection(
                    "connection lost while waiting for notifications: \(PGConnection.errorMessage(of: connection))")
            }
            let arrived = takeNotifications(connection)
            if !arrived.isEmpty { return arrived }

            let remaining = deadline - clock.now
            if remaining <= .zero { return [] }
            let socket = PQsocket(connection)
            guard socket >= 0 else { throw PGError.connection("connection has no socket") }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = min(seconds * 1_000 + attoseconds / 1_000_000_000_000_000 + 1, Int64(Int32.max))
            if clibpq_wait_readable(socket, Int32(milliseconds)) < 0 {
                throw PGError.connection("waiting for notifications failed: \(String(cString: strerror(errno)))")
            }
            // Readable, timed out or interrupted: the loop reads input and checks the time.
        }
    }

    private func takeNotifications(_ connection: OpaquePointer) -> [PGNotification] {
        var notifications: [PGNotification] = []
        while let notify = PQnotifies(connection) {
            notifications.append(PGNotification(
                channel: String(cString: notify.pointee.relname),
                payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                senderPID: Int(notify.pointee.be_pid)))
            PQfreemem(notify)
        }
        return notifications
    }
}
