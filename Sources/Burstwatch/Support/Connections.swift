import Foundation
import AMQP
import Postgres

/// Opens the connections a role needs from its settings. Each call gives a new
/// connection: a connection belongs to the one thread that uses it.
public struct Connections: Sendable {
    public let settings: Settings
    public init(settings: Settings) { self.settings = settings }

    /// A hook for `PGConnection.waitHook` for a role that holds `broker` next to its
    /// database session. While a statement runs (a batch held up by a lock or a slow
    /// disk) it keeps the broker's heartbeats going, and after a shutdown request it
    /// gives the statement `shutdownGraceSeconds` to finish, then cancels it: the
    /// transaction rolls back and its messages, never acked, are redelivered.
    public func statementWatch(for broker: AMQPConnection, shutdown: Shutdown = .shared,
                               shutdownGraceSeconds: Double = 5) -> PGWaitHook {
        let serviceEvery = settings.heartbeatSeconds > 0 ? Double(settings.heartbeatSeconds) / 3 : .infinity
        var lastService = Date()
        var shutdownSeen: Date?
        return PGWaitHook(every: min(serviceEvery, 0.5)) {
            if Date().timeIntervalSince(lastService) >= serviceEvery {
                // A failure here closed the broker connection; the role's next broker
                // call throws with the reason and the role reconnects.
                try? broker.serviceConnection()
                lastService = Date()
            }
            guard shutdown.isRequested else { return true }
            let seen = shutdownSeen ?? Date()
            shutdownSeen = seen
            return Date().timeIntervalSince(seen) < shutdownGraceSeconds
        }
    }

    public func database(_ applicationName: String) throws -> PGConnection {
        try PGConnection(conninfo: settings.databaseURL, password: settings.databasePassword,
                         applicationName: "burstwatch-\(applicationName)")
    }

    /// `heartbeatSeconds` defaults to the settings' (BURSTWATCH_HEARTBEAT_SECONDS).
    public func broker(_ connectionName: String, heartbeatSeconds: Int? = nil) throws -> AMQPConnection {
        let endpoint = try settings.amqpTLS.apply(to: AMQPEndpoint(url: settings.amqpURL, passwordOverride: settings.amqpPassword))
        return try AMQPConnection(endpoint: endpoint, heartbeatSeconds: heartbeatSeconds ?? settings.heartbeatSeconds,
                                  connectionName: "burstwatch-\(connectionName)")
    }
}
