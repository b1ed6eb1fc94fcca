import Detection
import WaterNetwork
import Readings

/// Burst events' areas of interest as a GeoJSON FeatureCollection, for a GIS or a web
/// map: each pipe of an area is a LineString (from the network's node coordinates and
/// [VERTICES]), and the estimated burst node (the area's most likely node) is a Point.
///
/// Coordinates are the network model's own, never reprojected: EPANET files use
/// whatever the utility drew them in (a national grid, a local system, arbitrary
/// units). RFC 7946 readers assume WGS84, so the collection says so in a `burstwatch`
/// member, and when the caller knows the EPSG code it is passed through as the
/// (pre-RFC 7946, still widely read) `crs` member.
public struct GeoJSONExport: Sendable {
    /// The EPSG code of the network's coordinates, if known; only passed through.
    public var epsg: Int?

    public init(epsg: Int? = nil) { self.epsg = epsg }

    /// `networks` maps a DMA to its network model; a DMA without one falls back to the
    /// geometry carried in the event itself.
    public func featureCollection(events: [BurstEvent], networks: [String: NetworkModel]) -> JSONValue {
        var features: [JSONValue] = []
        var withoutArea: [String] = []
        for event in events {
            guard let area = event.areaOfInterest, !area.nodes.isEmpty || !area.pipes.isEmpty else {
                withoutArea.append(event.eventID)
                continue
            }
            features += self.features(of: event, area: area, network: networks[event.dma])
        }
        var members: [(String, JSONValue)] = [("type", .string("FeatureCollection"))]
        if let epsg {
            members.append(("crs", .object([
                ("type", .string("name")),
                ("properties", .object([("name", .string("urn:ogc:def:crs:EPSG::\(epsg)"))])),
            ])))
        }
        members.append(("burstwatch", .object([
            ("coordinates", .string("network")),
            ("epsg", epsg.map { .int(Int64($0)) } ?? .null),
            ("note", .string("Coordinates are the network model's own ([COORDINATES] and [VERTICES] of the registered .inp file), not reprojected; they are WGS84 only if the model was drawn in WGS84.")),
            ("events", .int(Int64(events.count))),
            ("events_without_area", .array(withoutArea.map(JSONValue.string))),
        ])))
        members.append(("features", .array(features)))
        return .object(members)
    }

    private func features(of event: BurstEvent, area: AreaOfInterest, network: NetworkModel?) -> [JSONValue] {
        var features: [JSONValue] = []
        if let burstNode = area.nodes.first, let position = area.estimatedPosition(in: network) {
            features.append(feature(
                geometry: .object([("type", .string("Point")), ("coordinates", coordinates(position))]),
                properties: [("kind", .string("estimated_burst_node")), ("node_id", .string(burstNode))]
                    + common(event, rank: 1)
                    + [("area_pipes", .int(Int64(area.pipes.count))), ("area_pipe_length_m", .number(area.pipeLengthM))]))
        } else if network == nil, let burstNode = area.nodes.first {
            // Nothing better to place it at than the area's centre.
            features.append(feature(
                geometry: .object([("type", .string("Point")), ("coordinates", coordinates(area.centroid))]),
                properties: [("kind", .string("area_centroid")), ("node_id", .string(burstNode))]
                    + common(event, rank: 1)
                    + [("area_pipes", .int(Int64(area.pipes.count))), ("area_pipe_length_m", .number(area.pipeLengthM))]))
        }
        for (index, pipe) in area.pipes.enumerated() {
            guard let line = area.line(ofPipeAt: index, in: network), line.count >= 2 else { continue }
            let length = network.flatMap { network in network.linkIndex(pipe).map { network.links[$0].lengthM } }
            var properties: [(String, JSONValue)] = [("kind", .string("area_pipe")), ("pipe_id", .string(pipe))]
            properties += common(event, rank: index + 1)
            if let length { properties.append(("length_m", .number(length))) }
            features.append(feature(
                geometry: .object([("type", .string("LineString")), ("coordinates", .array(line.map(coordinates)))]),
                properties: properties))
        }
        return features
    }

    /// Properties every feature of an event carries. `rank` 1 is the most likely
    /// element; `confidence` is the event's (the detector's probability that the
    /// burst is real), the same on every feature of the event.
    private func common(_ event: BurstEvent, rank: Int) -> [(String, JSONValue)] {
        [
            ("event_id", .string(event.eventID)),
            ("dma", .string(event.dma)),
            ("state", .string(event.state.rawValue)),
            ("rank", .int(Int64(rank))),
            ("confidence", .number(event.confidence)),
            ("flow_increase_lps", .number(event.flowIncreaseLps)),
            ("start_estimate", .string(ISOTimestamp.format(event.startEstimate))),
            ("detected_at", .string(ISOTimestamp.format(event.detectedAt))),
        ]
    }

    private func feature(geometry: JSONValue, properties: [(String, JSONValue)]) -> JSONValue {
        .object([("type", .string("Feature")), ("geometry", geometry), ("properties", .object(properties))])
    }

    private func coordinates(_ point: Point) -> JSONValue { .array([.number(point.x), .number(point.y)]) }
}
