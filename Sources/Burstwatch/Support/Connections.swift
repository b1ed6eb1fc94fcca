import AMQP
import Postgres

/// Opens the connections a role needs from its settings. Each call gives a new
/// connection: a connection belongs to the one thread that uses it.
public struct Connections: Sendable {
    public let settings: Settings
    public init(settings: Settings) { self.settings = settings }

    /// A hook for `PGConnection.waitHook` that keeps `broker`'s heartbeats going while a
    /// statement runs: called at a third of the heartbeat interval. nil without heartbeats.
    public func heartbeatKeeper(for broker: AMQPConnection) -> PGWaitHook? {
        guard settings.heartbeatSeconds > 0 else { return nil }
        // A failure here closed the broker connection; the role's next broker call
        // throws with the reason and the role reconnects.
        return PGWaitHook(every: Double(settings.heartbeatSeconds) / 3) { try? broker.serviceConnection() }
    }

    public func database(_ applicationName: String) throws -> PGConnection {
        try PGConnection(conninfo: settings.databaseURL, password: settings.databasePassword,
                         applicationName: "burstwatch-\(applicationName)")
    }

    /// `heartbeatSeconds` defaults to the settings' (BURSTWATCH_HEARTBEAT_SECONDS).
    public func broker(_ connectionName: String, heartbeatSeconds: Int? = nil) throws -> AMQPConnection {
        let endpoint = try AMQPEndpoint(url: settings.amqpURL, passwordOverride: settings.amqpPassword)
        return try AMQPConnection(endpoint: endpoint, heartbeatSeconds: heartbeatSeconds ?? settings.heartbeatSeconds,
                                  connectionName: "burstwatch-\(connectionName)")
    }
}
