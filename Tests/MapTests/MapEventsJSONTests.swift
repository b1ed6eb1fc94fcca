import BurstwatchHTTP
import Foundation
import Testing

@Suite("Map events JSON")
struct MapEventsJSONTests {
    @Test("pipes rank by their more likely end, then their other end; bands split the ranking in quarters")
    func ranking() throws {
        // Nodes most likely first: B, then C, then A. The event lists pipes in network order.
        let area = try MapFixtures.areaJSON(nodes: ["B", "C", "A"], pipes: ["P2", "P3", "P5", "PX"])
        let document = MapEventsJSON.document(events: [MapFixtures.event(area: area)], networks: [MapFixtures.parsed],
                                              networkVersion: "v1")
        let event = try #require(document.events.first)
        let pipes = try #require(event.area?.pipes)
        // P3 joins B–C (ranks 0, 1), P2 joins A–B (0, 2), P5 joins A–C (1, 2); PX is unknown.
        #expect(pipes.map(\.id) == ["P3", "P2", "P5", "PX"])
        #expect(pipes.map(\.rank) == [1, 2, 3, 4])
        #expect(pipes.map(\.band) == [0, 1, 2, 3])
        #expect(pipes[0].points == [[200, 0], [200, 100]])
        #expect(pipes[2].points == [[100, 0], [100, 100], [200, 100]])
        #expect(pipes[3].points == nil)
        #expect(event.estimatedNode == "B")
        #expect(event.estimatedPosition?.x == 200)
        #expect(event.estimatedPosition?.y == 0)
        #expect(event.problem == nil)
        #expect(document.networkVersion == "v1")
    }

    @Test("bands stay within 0...3 and begin with 0 for any number of pipes")
    func bands() throws {
        for count in 1...9 {
            let pipes = ["P1", "P2", "P3", "P5"] + (0..<5).map { "X\($0)" }
            let area = try MapFixtures.areaJSON(nodes: ["A"], pipes: Array(pipes.prefix(count)))
            let ranked = try #require(MapEventsJSON.document(events: [MapFixtures.event(area: area)], networks: [MapFixtures.parsed],
                                                             networkVersion: "").events.first?.area?.pipes)
            #expect(ranked.first?.band == 0)
            #expect(ranked.map(\.band) == ranked.map(\.band).sorted())
            #expect(ranked.allSatisfy { (0..<MapEventsJSON.bandCount).contains($0.band) })
            if count >= 4 { #expect(ranked.last?.band == 3) }
        }
    }

    @Test("the panel's flow and length read in the network's units: gpm and feet beside l/s and m for a US network")
    func displayUnits() throws {
        let area = try MapFixtures.areaJSON(nodes: ["B"], pipes: ["P2"])
        let us = try #require(MapEventsJSON.document(events: [MapFixtures.event(area: area)], networks: [MapFixtures.parsed],
                                                     networkVersion: "").events.first)
        #expect(us.flowDisplay == "4.00 l/s (63.4 gpm)")
        #expect(us.area?.lengthDisplay == "123 m (405 ft)")
        let si = try #require(MapEventsJSON.document(events: [MapFixtures.event(area: area, network: nil)], networks: [],
                                                     networkVersion: "").events.first)
        #expect(si.flowDisplay == "4.00 l/s")
        #expect(si.area?.lengthDisplay == "123 m")
        // Without a network the order of the event is kept and nothing can be placed.
        #expect(si.area?.pipes.map(\.id) == ["P2"])
        #expect(si.estimatedPosition == nil)
    }

    @Test("an event without an area, or with an unreadable one, is listed with the reason")
    func missingArea() throws {
        let document = MapEventsJSON.document(events: [MapFixtures.event(id: "none", area: nil),
                                                       MapFixtures.event(id: "null", area: "null"),
                                                       MapFixtures.event(id: "bad", area: #"{"nodes": 3}"#)],
                                              networks: [MapFixtures.parsed], networkVersion: "")
        #expect(document.events.map(\.eventID) == ["none", "null", "bad"])
        #expect(document.events.allSatisfy { $0.area == nil && $0.flowDisplay != nil })
        #expect(document.events[0].problem?.contains("no area of interest") == true)
        #expect(document.events[2].problem?.contains("bad") == true)
        #expect(document.events[2].problem?.contains("does not decode") == true)
    }

    @Test("events encode with the contract's snake_case names")
    func snakeCaseKeys() throws {
        let area = try MapFixtures.areaJSON(nodes: ["B"], pipes: ["P2"])
        let document = MapEventsJSON.document(events: [MapFixtures.event(area: area)], networks: [MapFixtures.parsed],
                                              networkVersion: "v")
        let object = try #require(try JSONSerialization.jsonObject(with: MapJSONEncoding.encode(document)) as? [String: Any])
        #expect(object["network_version"] as? String == "v")
        let event = try #require((object["events"] as? [[String: Any]])?.first)
        #expect(event["event_id"] as? String == "ev1")
        #expect(event["flow_increase_lps"] as? Double == 4)
        #expect(event["start_estimate"] as? String == "2026-03-24T03:15:00Z")
        #expect(event["estimated_node"] as? String == "B")
        #expect((event["area"] as? [String: Any])?["pipe_length_m"] as? Double == 123.4)
    }
}
