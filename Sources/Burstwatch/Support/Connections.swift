import AMQP
import Postgres

/// Opens the connections a role needs from its settings. Each call gives a new
/// connection: a connection belongs to the one thread that uses it.
public struct Connections: Sendable {
    public let settings: Settings
    public init(settings: Settings) { self.settings = settings }

    public func database(_ applicationName: String) throws -> PGConnection {
        try PGConnection(conninfo: settings.databaseURL, password: settings.databasePassword,
                         applicationName: "burstwatch-\(applicationName)")
    }

    public func broker(_ connectionName: String, heartbeatSeconds: Int = 30) throws -> AMQPConnection {
        let endpoint = try settings.amqpTLS.apply(to: AMQPEndpoint(url: settings.amqpURL, passwordOverride: settings.amqpPassword))
        return try AMQPConnection(endpoint: endpoint, heartbeatSeconds: heartbeatSeconds,
                                  connectionName: "burstwatch-\(connectionName)")
    }
}
