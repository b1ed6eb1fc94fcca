import BurstwatchHTTP
import Detection
import Foundation
import WaterNetwork

/// A small network in US units: feet, inches and gpm. D has no coordinates, so P4 (C–D)
/// cannot be drawn; P5 bends through a vertex.
///
///     C(200,100) ── P3 ── B(200,0)
///     │ ╲ P5 via (100,100)   │ P2
///     P4   A(100,0) ─────────┘
///     D       │ P1
///          R(0,0)
enum MapFixtures {
    static let usINP = """
        [TITLE]
        map test network
        [JUNCTIONS]
        ;ID  Elev  Demand
        A    100   1
        B    100   1
        C    100   1
        D    100   1
        [RESERVOIRS]
        R    300
        [PIPES]
        ;ID  Node1 Node2 Length Diameter Roughness MinorLoss Status
        P1   R     A     1000   12       100       0         Open
        P2   A     B     1000   8        100       0         Open
        P3   B     C     500    8        100       0         Open
        P4   C     D     500    8        100       0         Open
        P5   A     C     700    8        100       0         Open
        [OPTIONS]
        Units GPM
        [COORDINATES]
        R    0    0
        A    100  0
        B    200  0
        C    200  100
        [VERTICES]
        P5   100  100
        [END]
        """

    static let networkRow = MapNetworkRow(name: "us-net", inp: usINP, updatedAt: "2026-11-24 10:00:00+00")
    static var parsed: ParsedNetwork { ParsedNetwork(networkRow) }

    static let loggers = [
        MapLoggerRow(loggerID: "FM1", channel: "flow", quantity: "flow", element: "P5", dma: "DMA-A", unit: "gpm", network: "us-net"),
        MapLoggerRow(loggerID: "PL1", channel: "pressure", quantity: "pressure", element: "B", dma: "DMA-A", unit: "psi", network: "us-net"),
        MapLoggerRow(loggerID: "PL2", channel: "pressure", quantity: "pressure", element: "D", dma: "DMA-A", unit: "psi", network: "us-net"),
        MapLoggerRow(loggerID: "XL1", channel: "pressure", quantity: "pressure", element: "A", dma: "DMA-B", unit: "m", network: nil),
    ]

    /// The area_of_interest column exactly as detect stores it (the same encoder settings
    /// as BurstEventStore).
    static func areaJSON(nodes: [String], pipes: [String]) throws -> String {
        let area = AreaOfInterest(nodes: nodes, pipes: pipes, pipeLengthM: 123.4, centroid: Point(x: 150, y: 50),
                                  geometry: Geometry(lines: []))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(area), as: UTF8.self)
    }

    static func event(id: String = "ev1", area: String?, network: String? = "us-net") -> MapEventRow {
        MapEventRow(eventID: id, dma: "DMA-A", state: "opened", openedAt: "2026-03-24T04:00:00Z",
                    detectedAt: "2026-03-24T04:00:00Z", startEstimate: "2026-03-24T03:15:00Z", flowIncreaseLps: 4,
                    confidence: 0.97, areaJSON: area, network: network)
    }
}
