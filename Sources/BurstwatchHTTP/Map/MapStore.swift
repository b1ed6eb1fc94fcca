import Postgres

/// The map's only SQL: reads of the registry, the networks and the open burst events.
/// The map never writes.
public struct MapStore {
    public let connection: PGConnection
    public init(connection: PGConnection) { self.connection = connection }

    static let iso = #"'YYYY-MM-DD"T"HH24:MI:SS"Z"'"#

    /// Changes whenever `burstwatch register` runs (it touches both tables' updated_at).
    public func networkVersion() throws -> String {
        try connection.execute("""
            SELECT coalesce((SELECT max(updated_at)::text FROM networks), '-') || ' ' ||
                   coalesce((SELECT max(updated_at)::text FROM loggers), '-') || ' ' ||
                   (SELECT count(*) FROM loggers)::text
            """).rows.first?[0] ?? "-"
    }

    /// Each network's name and last change, without the (possibly large) .inp text.
    public func networkStamps() throws -> [(name: String, updatedAt: String)] {
        try connection.execute("SELECT name, updated_at::text FROM networks ORDER BY name").rows.map {
            ($0[0] ?? "", $0[1] ?? "")
        }
    }

    public func network(named name: String) throws -> MapNetworkRow? {
        try connection.execute("SELECT name, inp, updated_at::text FROM networks WHERE name = $1", [name]).rows.first.map {
            MapNetworkRow(name: $0[0] ?? "", inp: $0[1] ?? "", updatedAt: $0[2] ?? "")
        }
    }

    public func loggers() throws -> [MapLoggerRow] {
        try connection.execute("""
            SELECT logger_id, channel, quantity, element, dma, unit, network FROM loggers ORDER BY dma, logger_id, channel
            """).rows.map {
            MapLoggerRow(loggerID: $0[0] ?? "", channel: $0[1] ?? "", quantity: $0[2] ?? "", element: $0[3] ?? "",
                         dma: $0[4] ?? "", unit: $0[5] ?? "", network: $0[6])
        }
    }

    /// Events not closed, newest first, each with the network its DMA's loggers name.
    public func openEvents() throws -> [MapEventRow] {
        try connection.execute("""
            SELECT e.event_id, e.dma, e.state,
                   to_char(e.opened_at AT TIME ZONE 'UTC', \(Self.iso)),
                   to_char(e.detected_at AT TIME ZONE 'UTC', \(Self.iso)),
                   to_char(e.start_estimate AT TIME ZONE 'UTC', \(Self.iso)),
                   e.flow_increase_lps, e.confidence, e.area_of_interest::text,
                   (SELECT l.network FROM loggers l WHERE l.dma = e.dma AND l.network IS NOT NULL
                    ORDER BY l.logger_id LIMIT 1)
            FROM burst_events e WHERE e.state <> 'closed'
            ORDER BY e.detected_at DESC, e.event_id
            """).rows.map {
            MapEventRow(eventID: $0[0] ?? "", dma: $0[1] ?? "", state: $0[2] ?? "", openedAt: $0[3] ?? "",
                        detectedAt: $0[4] ?? "", startEstimate: $0[5], flowIncreaseLps: $0[6].flatMap(Double.init),
                        confidence: $0[7].flatMap(Double.init), areaJSON: $0[8], network: $0[9])
        }
    }
}
