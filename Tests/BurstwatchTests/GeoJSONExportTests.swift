import Detection
import Foundation
import WaterNetwork
import Testing
@testable import Burstwatch

@Suite("GeoJSON export of areas of interest")
struct GeoJSONExportTests {
    /// Three junctions in a row; pipe P2 bends through one vertex.
    static let network = try! INPReader.parse("""
        [JUNCTIONS]
        A 10 0
        B 10 0
        C 10 0
        [RESERVOIRS]
        R 50
        [PIPES]
        P0 R A 100 150 120 0 Open
        P1 A B 100 150 120 0 Open
        P2 B C 250 150 120 0 Open
        [COORDINATES]
        R 0 0
        A 100 0
        B 200 0
        C 300 0
        [VERTICES]
        P2 250 50
        [OPTIONS]
        Units LPS
        [END]
        """)

    static func event(id: String = "e1", state: BurstEvent.State = .opened, area: AreaOfInterest?) -> BurstEvent {
        BurstEvent(eventID: id, state: state, dma: "DMA-1", detectedAt: 1_772_409_600_000_000, publishedAt: 1_772_409_600_000_000,
                   startEstimate: 1_772_408_700_000_000, flowIncreaseLps: 7.5, confidence: 0.9, areaOfInterest: area)
    }

    static let area = AreaOfInterest(nodes: ["B", "C", "A"], pipes: ["P2", "P1"], pipeLengthM: 350,
                                     centroid: Point(x: 220, y: 10), geometry: Geometry(lines: []))

    private func parse(_ value: JSONValue) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(value.serialized().utf8)) as? [String: Any])
    }

    private func features(_ object: [String: Any]) -> [[String: Any]] { object["features"] as? [[String: Any]] ?? [] }
    private func properties(_ feature: [String: Any]) -> [String: Any] { feature["properties"] as? [String: Any] ?? [:] }
    private func geometry(_ feature: [String: Any]) -> [String: Any] { feature["geometry"] as? [String: Any] ?? [:] }

    @Test("each area pipe is a LineString through its vertices, ranked; the burst node is a Point")
    func pipesAndNode() throws {
        let collection = GeoJSONExport().featureCollection(events: [Self.event(area: Self.area)], networks: ["DMA-1": Self.network])
        let object = try parse(collection)
        #expect(object["type"] as? String == "FeatureCollection")
        let all = features(object)
        #expect(all.count == 3)
        let point = all[0]
        #expect(geometry(point)["type"] as? String == "Point")
        #expect(geometry(point)["coordinates"] as? [Double] == [200, 0])
        #expect(properties(point)["kind"] as? String == "estimated_burst_node")
        #expect(properties(point)["node_id"] as? String == "B")
        let pipes = all.dropFirst().map { $0 }
        #expect(pipes.map { properties($0)["pipe_id"] as? String } == ["P2", "P1"])
        #expect(pipes.map { properties($0)["rank"] as? Int } == [1, 2])
        #expect(geometry(pipes[0])["type"] as? String == "LineString")
        #expect(geometry(pipes[0])["coordinates"] as? [[Double]] == [[200, 0], [250, 50], [300, 0]])
        #expect(properties(pipes[0])["length_m"] as? Double == 250)
        for feature in all {
            #expect(properties(feature)["event_id"] as? String == "e1")
            #expect(properties(feature)["dma"] as? String == "DMA-1")
            #expect(properties(feature)["state"] as? String == "opened")
            #expect(properties(feature)["confidence"] as? Double == 0.9)
        }
    }

    @Test("coordinates are never reprojected: the file says so, and an EPSG code is passed through as crs")
    func coordinateSystem() throws {
        let without = try parse(GeoJSONExport().featureCollection(events: [], networks: [:]))
        #expect(without["crs"] == nil)
        let note = try #require(without["burstwatch"] as? [String: Any])
        #expect((note["note"] as? String)?.contains("not reprojected") == true)
        #expect(features(without).isEmpty)

        let with = try parse(GeoJSONExport(epsg: 27700).featureCollection(events: [], networks: [:]))
        let crs = try #require(with["crs"] as? [String: Any])
        #expect((crs["properties"] as? [String: Any])?["name"] as? String == "urn:ogc:def:crs:EPSG::27700")
        #expect((with["burstwatch"] as? [String: Any])?["epsg"] as? Int == 27700)
    }

    @Test("without a registered network the event's own geometry is used; an event without area is listed, not dropped silently")
    func fallbacks() throws {
        var area = Self.area
        area.geometry = Geometry(lines: [[Point(x: 1, y: 1), Point(x: 2, y: 2)], [Point(x: 2, y: 2), Point(x: 3, y: 2)]])
        let events = [Self.event(area: area), Self.event(id: "e2", state: .closed, area: nil)]
        let object = try parse(GeoJSONExport().featureCollection(events: events, networks: [:]))
        let all = features(object)
        #expect(all.map { properties($0)["kind"] as? String } == ["area_centroid", "area_pipe", "area_pipe"])
        #expect(geometry(all[0])["coordinates"] as? [Double] == [220, 10])
        #expect(geometry(all[2])["coordinates"] as? [[Double]] == [[2, 2], [3, 2]])
        #expect((object["burstwatch"] as? [String: Any])?["events_without_area"] as? [String] == ["e2"])
    }

    @Test("JSON text escapes what it must and writes whole numbers without a fraction")
    func serialization() {
        let value = JSONValue.object([("a\"b", .string("line\nnext\u{1}")), ("n", .number(2140)), ("x", .number(0.25)),
                                      ("bad", .number(.nan)), ("list", .array([.bool(true), .null, .int(-3)]))])
        #expect(value.serialized() == #"{"a\"b":"line\nnext\u0001","n":2140,"x":0.25,"bad":null,"list":[true,null,-3]}"#)
    }

    @Test("a tail line carries what an operator needs at a glance")
    func humanAlertLine() {
        let line = AlertLine.human(Self.event(area: Self.area))
        #expect(line.hasPrefix("2026-03-02T00:00:00Z  OPENED "))
        #expect(line.contains("DMA-1  e1  +7.5 l/s  confidence 0.90  since 2026-03-01T23:45:00Z  area 2 pipes, 350 m, most likely B"))
        #expect(AlertLine.json(body: Array("{\"a\":\n1}\n".utf8)) == "{\"a\": 1}")
        #expect(AlertsTail.Options(dma: "DMA-1").bindingKey == "burst.DMA-1.*")
        #expect(AlertsTail.Options(state: .closed).bindingKey == "burst.*.closed")
    }
}
