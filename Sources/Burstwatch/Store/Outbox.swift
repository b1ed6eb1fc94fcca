import Postgres

/// A message that must follow a database change: written in the change's transaction,
/// published by `OutboxRelay` after the commit.
public struct OutboxMessage: Sendable, Equatable {
    public var exchange: String
    public var routingKey: String
    public var messageID: String
    public var body: String
    public init(exchange: String, routingKey: String, messageID: String, body: String) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.messageID = messageID
        self.body = body
    }
}

public enum Outbox {
    /// The channel relays LISTEN on; notified in the same transaction, so a relay wakes
    /// as soon as the rows are visible.
    public static let notifyChannel = "burstwatch_outbox"

    /// Must run inside the caller's transaction.
    public static func enqueue(on connection: PGConnection, messages: [OutboxMessage]) throws {
        guard !messages.isEmpty else { return }
        _ = try connection.execute("""
            INSERT INTO outbox (exchange, routing_key, message_id, body)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
            """, [SQLArray.text(messages.map(\.exchange)), SQLArray.text(messages.map(\.routingKey)),
                  SQLArray.text(messages.map(\.messageID)), SQLArray.text(messages.map(\.body))])
        _ = try connection.execute("SELECT pg_notify($1, '')", [notifyChannel])
    }
}
