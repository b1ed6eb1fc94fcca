import Burstwatch
import BurstwatchHTTP
import Foundation
import Testing

@Suite("Map network and loggers JSON")
struct MapNetworkJSONTests {
    @Test("a US-unit network is drawn from its coordinates and vertices; lengths in metres; unplaced nodes counted")
    func usNetwork() throws {
        let document = MapNetworkJSON.document(networks: [MapFixtures.parsed], loggers: MapFixtures.loggers)
        let network = try #require(document.networks.first)
        #expect(network.error == nil)
        #expect(network.flowUnits == "GPM")
        #expect(network.unitSystem == "US")
        #expect(network.dmas == ["DMA-A"])
        #expect(network.nodes.map(\.id).sorted() == ["A", "B", "C", "R"])
        #expect(network.unplacedNodes == 1)
        // P4 ends at D, which has no coordinates: not drawn rather than guessed.
        #expect(network.links.map(\.id) == ["P1", "P2", "P3", "P5"])
        let bend = try #require(network.links.first { $0.id == "P5" })
        #expect(bend.points == [[100, 0], [100, 100], [200, 100]])
        #expect(abs(bend.lengthM - 700 * 0.3048) < 1e-9)
        let bounds = try #require(network.bounds)
        #expect([bounds.minX, bounds.minY, bounds.maxX, bounds.maxY] == [0, 0, 200, 100])
        #expect(network.nodes.first { $0.id == "R" }?.kind == "reservoir")
    }

    @Test("a stored network that does not parse is reported with its reason, not dropped")
    func brokenNetwork() throws {
        let broken = ParsedNetwork(MapNetworkRow(name: "bad", inp: "[PIPES]\nP1 A B 100 8 100\n[END]\n", updatedAt: "t"))
        let document = MapNetworkJSON.document(networks: [broken, MapFixtures.parsed], loggers: [])
        #expect(document.networks.count == 2)
        let error = try #require(document.networks[0].error)
        #expect(error.contains("bad"))
        #expect(error.contains("line"))
        #expect(document.networks[0].nodes.isEmpty)
        #expect(document.networks[1].error == nil)
    }

    @Test("pressure loggers sit on their node, flow loggers halfway along their link's drawn line")
    func loggerPositions() throws {
        let document = MapLoggersJSON.document(loggers: MapFixtures.loggers, networks: [MapFixtures.parsed])
        let byID = Dictionary(uniqueKeysWithValues: document.loggers.map { ($0.loggerID, $0) })
        // P5 runs A(100,0) → (100,100) → C(200,100): 200 units drawn, halfway is the vertex.
        #expect(byID["FM1"]?.x == 100)
        #expect(byID["FM1"]?.y == 100)
        #expect(byID["PL1"]?.x == 200)
        #expect(byID["PL1"]?.y == 0)
        // Node without coordinates, and a logger of no registered network: listed, not placed.
        #expect(byID["PL2"]?.x == nil)
        #expect(byID["XL1"]?.x == nil)
        #expect(document.loggers.count == 4)
    }

    @Test("the built-in demo network (SI) is drawn whole")
    func demoNetwork() throws {
        let row = MapNetworkRow(name: "demo", inp: DemoScenario(start: 0, days: 1).networkINP, updatedAt: "t")
        let network = try #require(MapNetworkJSON.document(networks: [ParsedNetwork(row)], loggers: []).networks.first)
        #expect(network.unitSystem == "SI")
        #expect(network.unplacedNodes == 0)
        #expect(network.nodes.count == 38)
        #expect(network.links.count == 62)
    }

    @Test("JSON keys are snake_case, as in the burst-event contract")
    func snakeCaseKeys() throws {
        let document = MapNetworkJSON.document(networks: [MapFixtures.parsed], loggers: MapFixtures.loggers)
        let object = try #require(try JSONSerialization.jsonObject(with: MapJSONEncoding.encode(document)) as? [String: Any])
        let network = try #require((object["networks"] as? [[String: Any]])?.first)
        #expect(network["unplaced_nodes"] as? Int == 1)
        #expect(network["flow_units"] as? String == "GPM")
        #expect((network["bounds"] as? [String: Any])?["max_x"] as? Double == 200)
        #expect(((network["links"] as? [[String: Any]])?.first)?["length_m"] != nil)
    }
}
