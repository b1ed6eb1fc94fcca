import WaterNetwork

/// One logger channel where the map draws it.
public struct MapLogger: Codable, Sendable, Equatable {
    public var loggerID: String
    public var channel: String
    public var quantity: String
    public var element: String
    public var dma: String
    public var unit: String
    public var network: String?
    /// A pressure logger sits on its node; a flow logger halfway along its link. Nil
    /// when the network or the element's coordinates are unknown.
    public var x: Double?
    public var y: Double?
}

/// `/api/loggers`.
public struct MapLoggersDocument: Codable, Sendable, Equatable {
    public var loggers: [MapLogger]
}

public enum MapLoggersJSON {
    public static func document(loggers: [MapLoggerRow], networks: [ParsedNetwork]) -> MapLoggersDocument {
        let models = ParsedNetwork.models(networks)
        var placed: [MapLogger] = []
        for row in loggers {
            var position: Point?
            if let name = row.network, let model = models[name] { position = self.position(of: row, in: model) }
            placed.append(MapLogger(loggerID: row.loggerID, channel: row.channel, quantity: row.quantity, element: row.element,
                                    dma: row.dma, unit: row.unit, network: row.network, x: position?.x, y: position?.y))
        }
        return MapLoggersDocument(loggers: placed)
    }

    static func position(of logger: MapLoggerRow, in model: NetworkModel) -> Point? {
        if logger.quantity == "pressure" { return model.node(logger.element)?.position }
        guard let index = model.linkIndex(logger.element), let line = model.polyline(ofLink: index) else { return nil }
        return halfway(along: line)
    }

    /// The point half the polyline's drawn length from its start.
    static func halfway(along line: [Point]) -> Point {
        func distance(_ a: Point, _ b: Point) -> Double { ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot() }
        let segments = zip(line, line.dropFirst()).map { ($0, $1, distance($0, $1)) }
        var remaining = segments.reduce(0) { $0 + $1.2 } / 2
        for (start, end, length) in segments {
            if remaining <= length, length > 0 {
                let share = remaining / length
                return Point(x: start.x + (end.x - start.x) * share, y: start.y + (end.y - start.y) * share)
            }
            remaining -= length
        }
        return line[0]
    }
}
