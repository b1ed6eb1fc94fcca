import Detection
import Foundation
import WaterNetwork

/// An open burst event as the map shows it: the estimate in the side panel, the area
/// of interest drawn with its pipes in rank order.
public struct MapEvent: Codable, Sendable, Equatable {
    public var eventID: String
    public var dma: String
    public var state: String
    public var network: String?
    public var openedAt: String
    public var detectedAt: String
    public var startEstimate: String?
    public var flowIncreaseLps: Double?
    /// The flow for people: l/s, and the network's own flow unit beside it when that is
    /// a US one (a US utility reads gpm).
    public var flowDisplay: String?
    public var confidence: Double?
    /// The most likely burst node (the area's first node).
    public var estimatedNode: String?
    public var estimatedPosition: MapPoint?
    public var area: MapArea?
    /// Why the area cannot be shown, when it cannot (e.g. the stored JSON is unreadable).
    public var problem: String?
}

public struct MapPoint: Codable, Sendable, Equatable {
    public var x: Double
    public var y: Double
}

public struct MapArea: Codable, Sendable, Equatable {
    /// Node ids, most likely first.
    public var nodes: [String]
    /// The area's pipes, most likely first.
    public var pipes: [MapRankedPipe]
    public var pipeLengthM: Double
    /// The length for people: metres, and feet beside it for a US network.
    public var lengthDisplay: String
    public var centroid: MapPoint
}

/// A pipe of an area with its place in the ranking.
public struct MapRankedPipe: Codable, Sendable, Equatable {
    public var id: String
    /// 1 is the most likely pipe.
    public var rank: Int
    /// Which of `MapEventsJSON.bandCount` equal slices of the ranking the pipe is in;
    /// 0 is the most likely. The page colours pipes by band.
    public var band: Int
    /// The pipe as drawn (start node, vertices, end node); nil when it has no coordinates.
    public var points: [[Double]]?
}

/// `/api/events`.
public struct MapEventsDocument: Codable, Sendable, Equatable {
    public var events: [MapEvent]
    /// Changes when a network or the logger registry is registered again; the page then
    /// reloads `/api/network` and `/api/loggers`.
    public var networkVersion: String
}

public enum MapEventsJSON {
    public static let bandCount = 4

    public static func document(events: [MapEventRow], networks: [ParsedNetwork], networkVersion: String) -> MapEventsDocument {
        let models = ParsedNetwork.models(networks)
        let mapped = events.map { row in event(row, model: row.network.flatMap { models[$0] }) }
        return MapEventsDocument(events: mapped, networkVersion: networkVersion)
    }

    static func event(_ row: MapEventRow, model: NetworkModel?) -> MapEvent {
        let flow = row.flowIncreaseLps.flatMap { $0.isFinite ? $0 : nil }
        var event = MapEvent(eventID: row.eventID, dma: row.dma, state: row.state, network: row.network,
                             openedAt: row.openedAt, detectedAt: row.detectedAt, startEstimate: row.startEstimate,
                             flowIncreaseLps: flow, flowDisplay: flow.map { flowDisplay($0, units: model?.flowUnits) },
                             confidence: row.confidence.flatMap { $0.isFinite ? $0 : nil },
                             estimatedNode: nil, estimatedPosition: nil, area: nil, problem: nil)
        guard let text = row.areaJSON, text != "null" else {
            event.problem = "no area of interest (no network or no pressure loggers for \(row.dma))"
            return event
        }
        let area: AreaOfInterest
        do {
            area = try JSONDecoder().decode(AreaOfInterest.self, from: Data(text.utf8))
        } catch {
            event.problem = "event \(row.eventID): area_of_interest does not decode: \(error)"
            return event
        }
        event.estimatedNode = area.nodes.first
        if let position = area.estimatedPosition(in: model) {
            event.estimatedPosition = MapPoint(x: position.x, y: position.y)
        }
        event.area = MapArea(nodes: area.nodes, pipes: rankPipes(area, model: model), pipeLengthM: area.pipeLengthM,
                             lengthDisplay: lengthDisplay(area.pipeLengthM, units: model?.flowUnits),
                             centroid: MapPoint(x: area.centroid.x, y: area.centroid.y))
        if model == nil, row.network != nil {
            event.problem = "network \"\(row.network!)\" is not readable: pipes drawn from the event's own geometry"
        }
        return event
    }

    /// The area's pipes, most likely first. The localiser ranks nodes, not pipes: a pipe
    /// ranks by its more likely end, then by its other end, then by the order the event
    /// lists it in. A pipe the network does not know ranks last.
    static func rankPipes(_ area: AreaOfInterest, model: NetworkModel?) -> [MapRankedPipe] {
        var nodeRank: [String: Int] = [:]
        for (rank, node) in area.nodes.enumerated() where nodeRank[node] == nil { nodeRank[node] = rank }
        let keyed = area.pipes.enumerated().map { position, id -> (key: [Int], id: String, points: [[Double]]?) in
            var key = [Int.max, Int.max, position]
            if let model, let index = model.linkIndex(id) {
                let link = model.links[index]
                let ends = [nodeRank[model.nodes[link.from].id] ?? Int.max, nodeRank[model.nodes[link.to].id] ?? Int.max].sorted()
                key = ends + [position]
            }
            return (key, id, area.line(ofPipeAt: position, in: model)?.map { [$0.x, $0.y] })
        }
        let sorted = keyed.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        return sorted.enumerated().map { position, pipe in
            MapRankedPipe(id: pipe.id, rank: position + 1, band: position * bandCount / sorted.count, points: pipe.points)
        }
    }

    static func flowDisplay(_ lps: Double, units: FlowUnits?) -> String {
        let base = String(format: "%.2f l/s", lps)
        guard let units, units.isUSCustomary else { return base }
        return base + " (" + String(format: "%.1f", lps / units.litresPerSecondPerUnit) + " \(units.rawValue.lowercased()))"
    }

    static func lengthDisplay(_ metres: Double, units: FlowUnits?) -> String {
        let base = String(format: "%.0f m", metres)
        guard let units, units.isUSCustomary else { return base }
        return base + String(format: " (%.0f ft)", metres / 0.3048)
    }
}
