import Foundation
import WaterNetwork
import Postgres
import Readings

/// The logger registry and network models in PostgreSQL (`burstwatch register`).
public struct RegistryStore {
    public let connection: PGConnection
    public init(connection: PGConnection) { self.connection = connection }

    /// Replaces the registry with `loggersCSV` and, when given, stores the network
    /// model the loggers' elements refer to. One transaction: readers see the old
    /// registry or the new one, never half of each.
    public func register(loggersCSV: String, networkName: String, networkINP: String?) throws -> (channels: Int, dmas: Int) {
        // A registry or network that does not parse is bad configuration (exit 2).
        let registry: LoggerRegistry
        do { registry = try LoggerRegistry.parse(csv: loggersCSV) } catch { throw ConfigurationError("loggers.csv: \(error)") }
        if let networkINP {
            let model: NetworkModel
            do { model = try INPReader.parse(networkINP, fileName: "network.inp") } catch { throw ConfigurationError("\(error)") }
            try Self.checkElements(registry, against: model)
        }
        let specs = registry.channels
        try connection.transaction {
            if let networkINP {
                _ = try connection.execute("""
                    INSERT INTO networks (name, inp) VALUES ($1, $2)
                    ON CONFLICT (name) DO UPDATE SET inp = EXCLUDED.inp, updated_at = now()
                    """, [networkName, networkINP])
            }
            _ = try connection.execute("DELETE FROM loggers")
            _ = try connection.execute("""
                INSERT INTO loggers (logger_id, channel, quantity, element, dma, sign, unit, network)
                SELECT l, c, q, e, d, s, u, (SELECT name FROM networks WHERE name = $8)
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[])
                     AS t(l, c, q, e, d, s, u)
                """, [
                    SQLArray.text(specs.map(\.loggerID)), SQLArray.text(specs.map(\.channel)),
                    SQLArray.text(specs.map(\.quantity.rawValue)), SQLArray.text(specs.map(\.element)),
                    SQLArray.text(specs.map(\.dma)), SQLArray.text(specs.map { $0.sign.map { String($0) } }),
                    SQLArray.text(specs.map(\.unitName)), networkName,
                ])
        }
        return (specs.count, Set(specs.map(\.dma)).count)
    }

    /// Every flow logger must sit on a link and every pressure logger on a node of the
    /// network, or localisation would silently ignore it.
    static func checkElements(_ registry: LoggerRegistry, against model: NetworkModel) throws {
        for spec in registry.channels {
            switch spec.quantity {
            case .flow where model.linkIndex(spec.element) == nil:
                throw ConfigurationError("loggers.csv: flow logger \(spec.loggerID)/\(spec.channel) is on link \"\(spec.element)\", which the network does not have")
            case .pressure where model.nodeIndex(spec.element) == nil:
                throw ConfigurationError("loggers.csv: pressure logger \(spec.loggerID)/\(spec.channel) is on node \"\(spec.element)\", which the network does not have")
            default: continue
            }
        }
    }

    /// The registry as stored.
    public func loadRegistry() throws -> LoggerRegistry {
        let rows = try connection.execute("""
            SELECT logger_id, channel, quantity, element, dma, sign, unit FROM loggers ORDER BY logger_id, channel
            """).rows
        let specs = try rows.map { row -> ChannelSpec in
            let (logger, channel, quantity, unitName) = (row[0] ?? "", row[1] ?? "", row[2] ?? "", row[6] ?? "")
            let unit: ChannelUnit
            if quantity == "flow", let flow = FlowUnit(name: unitName) {
                unit = .flow(flow)
            } else if quantity == "pressure", let pressure = PressureUnit(name: unitName) {
                unit = .pressure(pressure)
            } else {
                throw ConfigurationError("registry row \(logger)/\(channel) has unit \"\(unitName)\" for \(quantity)")
            }
            return ChannelSpec(loggerID: logger, channel: channel, element: row[3] ?? "", dma: row[4] ?? "",
                               sign: row[5].flatMap(Double.init), unit: unit)
        }
        return try LoggerRegistry(channels: specs)
    }

    /// For each of `dmas` whose loggers refer to a registered network: that network's name.
    public func networkNames(forDMAs dmas: Set<String>) throws -> [String: String] {
        guard !dmas.isEmpty else { return [:] }
        var names: [String: String] = [:]
        for row in try connection.execute("""
            SELECT DISTINCT ON (l.dma) l.dma, l.network FROM loggers l
            WHERE l.dma = ANY($1::text[]) AND l.network IS NOT NULL ORDER BY l.dma, l.logger_id
            """, [SQLArray.text(dmas.sorted())]).rows {
            if let dma = row[0], let network = row[1] { names[dma] = network }
        }
        return names
    }

    /// The .inp text of a registered network, by name.
    public func networkINP(named name: String) throws -> String? {
        try connection.execute("SELECT inp FROM networks WHERE name = $1", [name]).rows.first?[0] ?? nil
    }
}

extension ChannelSpec {
    /// The unit as loggers.csv names it, for storing the registry.
    var unitName: String {
        switch unit {
        case .flow(let flow): flow.rawValue
        case .pressure(let pressure): pressure.rawValue
        }
    }
}
