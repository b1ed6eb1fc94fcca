import Detection
import Foundation
import WaterNetwork
import Postgres
import Readings

/// Reads burst events from `burst_events` (CONTRACTS.md section 6) and their DMAs'
/// registered networks, for `burstwatch alerts export`.
public struct AlertsExport {
    public struct Filter: Sendable {
        public var dma: String?
        /// Epoch microseconds; events whose latest state is at or after it (data time).
        public var since: Int64?
        public var openOnly: Bool

        /// An ISO 8601 time as epoch microseconds; nil when it is not one.
        public static func time(_ text: String) -> Int64? { try? ISOTimestamp.parse(text) }

        public init(dma: String? = nil, since: Int64? = nil, openOnly: Bool = false) {
            (self.dma, self.since, self.openOnly) = (dma, since, openOnly)
        }
    }

    public let connection: PGConnection
    public init(connection: PGConnection) { self.connection = connection }

    /// Events oldest first, each with its latest area of interest (an `updated` or
    /// `closed` message may carry none; the table keeps the last one there was).
    public func events(_ filter: Filter) throws -> [BurstEvent] {
        let rows = try connection.execute("""
            SELECT last_message::text, area_of_interest::text FROM burst_events
            WHERE ($1::text IS NULL OR dma = $1)
              AND ($2::timestamptz IS NULL OR detected_at >= $2::timestamptz)
              AND (NOT $3::boolean OR state <> 'closed')
            ORDER BY detected_at, event_id
            """, [filter.dma, filter.since.map(ISOTimestamp.format), filter.openOnly ? "true" : "false"]).rows
        let decoder = JSONDecoder()
        return try rows.map { row in
            var event = try decoder.decode(BurstEvent.self, from: Data((row[0] ?? "").utf8))
            if event.areaOfInterest == nil, let area = row[1] {
                event.areaOfInterest = try decoder.decode(AreaOfInterest.self, from: Data(area.utf8))
            }
            return event
        }
    }

    /// The registered network of each DMA that has one, each network read once however
    /// many DMAs share it (a utility's DMAs usually do). A network that no longer parses
    /// is a configuration error naming it.
    public func networks(forDMAs dmas: Set<String>) throws -> [String: NetworkModel] {
        let store = RegistryStore(connection: connection)
        let names = try store.networkNames(forDMAs: dmas)
        var models: [String: NetworkModel] = [:]
        for name in Set(names.values).sorted() {
            guard let inp = try store.networkINP(named: name) else { continue }
            do {
                models[name] = try INPReader.parse(inp, fileName: "registered network \(name)")
            } catch {
                throw ConfigurationError("\(error)")
            }
        }
        return names.compactMapValues { models[$0] }
    }
}
