import AMQP
import Foundation

/// Broker tests run against a real RabbitMQ named by BURSTWATCH_AMQP_URL
/// (default amqp://guest:guest@127.0.0.1:5672/%2f). When it cannot be reached
/// they fail with `BrokerUnreachable`, which says so and how to fix it.
enum Broker {
    static let url =
        ProcessInfo.processInfo.environment["BURSTWATCH_AMQP_URL"]
        ?? "amqp://guest:guest@127.0.0.1:5672/%2f"

    static func endpoint() throws -> AMQPEndpoint { try AMQPEndpoint(url: url) }

    static func connect(_ test: String, heartbeatSeconds: Int = 30) throws -> AMQPConnection {
        let endpoint = try endpoint()
        do {
            return try AMQPConnection(
                endpoint: endpoint, heartbeatSeconds: heartbeatSeconds, connectionName: "AMQPTests \(test)",
                connectTimeout: 5)
        } catch {
            throw BrokerUnreachable(endpoint: endpoint, underlying: error)
        }
    }

    /// A name no other test (or earlier run) uses, so tests can run in parallel.
    static func uniqueName(_ purpose: String) -> String {
        "amqptests.\(purpose).\(UUID().uuidString.prefix(8))"
    }

    /// Polls with basic.get until a message arrives (dead-lettering is asynchronous).
    static func getEventually(_ connection: AMQPConnection, queue: String, within seconds: Double = 10)
        throws -> AMQPDelivery?
    {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if let delivery = try connection.get(queue: queue) { return delivery }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return nil
    }
}

struct BrokerUnreachable: Error, CustomStringConvertible {
    let endpoint: AMQPEndpoint
    let underlying: any Error
    var description: String {
        "RabbitMQ is required for the AMQP tests but \(endpoint) is not usable: \(underlying). "
            + "Start a broker or point BURSTWATCH_AMQP_URL at one."
    }
}
