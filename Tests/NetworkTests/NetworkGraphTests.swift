import Testing
import WaterNetwork

/// Distances checked by hand on a small network:
///
///     A --100-- B --50-- C
///     |                  |
///    300                 60
///     |                  |
///     D ------ 500 ----- E ==pump== F        G (no links)
@Suite struct NetworkGraphTests {
    static let text = """
        [OPTIONS]
        Units LPS
        [JUNCTIONS]
        A 0
        B 0
        C 0
        D 0
        E 0
        F 0
        G 0
        [PIPES]
        AB A B 100 100 100
        BC B C 50 100 100
        CE C E 60 100 100
        AD A D 300 100 100
        DE D E 500 100 100
        [PUMPS]
        PU E F HEAD c1
        """
    let model: NetworkModel
    let graph: NetworkGraph

    init() throws {
        model = try INPReader.parse(Self.text)
        graph = NetworkGraph(model: model)
    }

    func index(_ id: String) -> Int { model.nodeIndex(id)! }

    @Test func distancesFromANode() {
        let distances = graph.shortestDistances(from: index("A"))
        let expected: [String: Double] = ["A": 0, "B": 100, "C": 150, "D": 300, "E": 210, "F": 211, "G": .infinity]
        for (id, distance) in expected {
            #expect(distances[index(id)] == distance, "distance A-\(id)")
        }
    }

    @Test func distanceIsSymmetric() {
        // D-A-B-C = 300 + 100 + 50 = 450 beats D-E-C = 500 + 60 = 560.
        #expect(graph.distance(index("D"), index("C")) == 450)
        #expect(graph.distance(index("D"), index("C")) == graph.distance(index("C"), index("D")))
    }

    @Test func shortestPathListsTheLinksInOrder() throws {
        let path = try #require(graph.shortestPath(index("A"), index("F")))
        #expect(path.map { model.links[$0].id } == ["AB", "BC", "CE", "PU"])
        #expect(graph.shortestPath(index("C"), index("C")) == [])
        #expect(graph.shortestPath(index("A"), index("G")) == nil)
        #expect(graph.distance(index("A"), index("G")) == .infinity)
    }

    @Test func pumpsAndValvesWeighTheDocumentedFixedLength() {
        #expect(graph.distance(index("E"), index("F")) == NetworkGraph.defaultNonPipeLinkLengthM)
        let longer = NetworkGraph(model: model, nonPipeLinkLengthM: 25)
        #expect(longer.distance(index("E"), index("F")) == 25)
    }

    @Test func multiSourceDistancesTakeTheNearestSource() {
        let distances = graph.shortestDistances(fromAny: [index("A"), index("E")])
        #expect(distances[index("C")] == 60)
        #expect(distances[index("B")] == 100)
        #expect(distances[index("D")] == 300)
    }

    @Test func componentsNeighboursAndLength() {
        let components = graph.connectedComponents
        #expect(components.count == 2)
        #expect(Set(components[0].map { model.nodes[$0].id }) == ["A", "B", "C", "D", "E", "F"])
        #expect(components[1].map { model.nodes[$0].id } == ["G"])
        #expect(Set(graph.neighbours(of: index("E")).map { model.nodes[$0.node].id }) == ["C", "D", "F"])
        #expect(graph.neighbours(of: index("G")).isEmpty)
        #expect(graph.totalPipeLengthM == 1010)
    }

    @Test func distanceTableMatchesSingleRuns() {
        let sources = [index("B"), index("F")]
        let table = DistanceTable(graph: graph, sources: sources)
        for source in sources {
            #expect(table.distances(from: source) == graph.shortestDistances(from: source))
        }
        #expect(table.distance(from: index("F"), to: index("A")) == 211)
    }
}
