import WaterNetwork

/// Where to look for a burst: the `area_of_interest` of a burst-event/v1 message.
/// Encodes to exactly the contract's keys: nodes, pipes, pipe_length_m, centroid {x, y},
/// geometry {type, coordinates}.
public struct AreaOfInterest: Sendable, Equatable, Codable {
    /// Network node ids, most likely burst location first.
    public var nodes: [String]
    /// Ids of the pipes that make up the area (both ends in `nodes`).
    public var pipes: [String]
    /// Total length of `pipes`.
    public var pipeLengthM: Double
    /// Length-weighted centre of the pipes, in the network's own coordinates.
    public var centroid: Point
    public var geometry: Geometry

    public init(nodes: [String], pipes: [String], pipeLengthM: Double, centroid: Point, geometry: Geometry) {
        self.nodes = nodes
        self.pipes = pipes
        self.pipeLengthM = pipeLengthM
        self.centroid = centroid
        self.geometry = geometry
    }

    enum CodingKeys: String, CodingKey {
        case nodes, pipes, pipeLengthM = "pipe_length_m", centroid, geometry
    }
}

/// A GeoJSON MultiLineString in the network's own coordinates:
/// `{"type": "MultiLineString", "coordinates": [[[x, y], ...], ...]}`.
public struct Geometry: Sendable, Equatable, Codable {
    public static let typeName = "MultiLineString"

    /// One polyline per pipe.
    public var lines: [[Point]]

    public init(lines: [[Point]]) {
        self.lines = lines
    }

    enum CodingKeys: String, CodingKey {
        case type, coordinates
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.typeName, forKey: .type)
        try container.encode(lines.map { $0.map { [$0.x, $0.y] } }, forKey: .coordinates)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        guard type == Self.typeName else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "expected \(Self.typeName), got \(type)")
        }
        let coordinates = try container.decode([[[Double]]].self, forKey: .coordinates)
        lines = try coordinates.map { line in
            try line.map { pair in
                guard pair.count >= 2 else {
                    throw DecodingError.dataCorruptedError(forKey: .coordinates, in: container,
                                                           debugDescription: "a position needs x and y")
                }
                return Point(x: pair[0], y: pair[1])
            }
        }
    }
}
