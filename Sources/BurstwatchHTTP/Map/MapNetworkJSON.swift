import WaterNetwork

/// A registered network as the map draws it: only what has coordinates, in the
/// network's own coordinate system (the page fits it to the window).
public struct MapNetwork: Codable, Sendable, Equatable {
    public var name: String
    /// `Units` from the .inp file's [OPTIONS] (e.g. `LPS`, `GPM`); lengths below are
    /// metres whatever the file used, coordinates are the file's own.
    public var flowUnits: String?
    /// `SI` or `US`.
    public var unitSystem: String?
    /// The DMAs whose loggers refer to this network.
    public var dmas: [String]
    public var bounds: MapBounds?
    public var nodes: [MapNode]
    public var links: [MapLink]
    /// Nodes the file gives no coordinates for; they (and their links) are not drawn.
    public var unplacedNodes: Int
    /// Why the stored .inp text could not be read (file, line and reason); nil when it could.
    public var error: String?
}

public struct MapBounds: Codable, Sendable, Equatable {
    public var minX: Double, minY: Double, maxX: Double, maxY: Double

    /// The box around `points`; nil for none.
    public init?(_ points: some Sequence<Point>) {
        var iterator = points.makeIterator()
        guard let first = iterator.next() else { return nil }
        (minX, minY, maxX, maxY) = (first.x, first.y, first.x, first.y)
        while let point = iterator.next() {
            minX = min(minX, point.x); maxX = max(maxX, point.x)
            minY = min(minY, point.y); maxY = max(maxY, point.y)
        }
    }
}

public struct MapNode: Codable, Sendable, Equatable {
    public var id: String
    /// `junction`, `reservoir` or `tank`.
    public var kind: String
    public var x: Double
    public var y: Double
}

public struct MapLink: Codable, Sendable, Equatable {
    public var id: String
    /// `pipe`, `pump` or `valve`.
    public var kind: String
    /// Start node, vertices, end node: `[[x, y], ...]`.
    public var points: [[Double]]
    public var lengthM: Double
}

/// `/api/network`.
public struct MapNetworkDocument: Codable, Sendable, Equatable {
    public var networks: [MapNetwork]
}

/// A stored network after parsing: the model, or the reason it could not be read.
public struct ParsedNetwork: Sendable {
    public var name: String
    public var updatedAt: String
    public var model: NetworkModel?
    public var error: String?

    public init(_ row: MapNetworkRow) {
        name = row.name
        updatedAt = row.updatedAt
        do {
            model = try INPReader.parse(row.inp, fileName: "network \"\(row.name)\"")
        } catch {
            model = nil
            self.error = "\(error)"
        }
    }

    /// The readable models by network name.
    public static func models(_ networks: [ParsedNetwork]) -> [String: NetworkModel] {
        var models: [String: NetworkModel] = [:]
        for parsed in networks where models[parsed.name] == nil {
            if let model = parsed.model { models[parsed.name] = model }
        }
        return models
    }
}

public enum MapNetworkJSON {
    /// The drawable part of every network, with the DMAs the loggers place on it.
    public static func document(networks: [ParsedNetwork], loggers: [MapLoggerRow]) -> MapNetworkDocument {
        MapNetworkDocument(networks: networks.map { parsed in
            let dmas = Set(loggers.filter { $0.network == parsed.name }.map(\.dma)).sorted()
            guard let model = parsed.model else {
                return MapNetwork(name: parsed.name, flowUnits: nil, unitSystem: nil, dmas: dmas, bounds: nil,
                                  nodes: [], links: [], unplacedNodes: 0, error: parsed.error ?? "not readable")
            }
            return network(name: parsed.name, model: model, dmas: dmas)
        })
    }

    static func network(name: String, model: NetworkModel, dmas: [String]) -> MapNetwork {
        let nodes = model.nodes.compactMap { node in
            node.position.map { MapNode(id: node.id, kind: node.kind.rawValue, x: $0.x, y: $0.y) }
        }
        let links = model.links.indices.compactMap { index -> MapLink? in
            guard let line = model.polyline(ofLink: index) else { return nil }
            let link = model.links[index]
            return MapLink(id: link.id, kind: link.kind.rawValue, points: line.map { [$0.x, $0.y] }, lengthM: link.lengthM)
        }
        let everyPoint = model.nodes.compactMap(\.position) + model.links.flatMap(\.vertices)
        return MapNetwork(name: name, flowUnits: model.flowUnits.rawValue,
                          unitSystem: model.flowUnits.isUSCustomary ? "US" : "SI", dmas: dmas,
                          bounds: MapBounds(everyPoint), nodes: nodes, links: links,
                          unplacedNodes: model.nodes.count - nodes.count, error: nil)
    }
}
