import Testing
@testable import Detection
import WaterNetwork

/// A side × side grid of junctions 100 m apart with one reservoir at a corner.
private func grid(side: Int) throws -> NetworkModel {
    var text = "[OPTIONS]\nUnits LPS\nHeadloss H-W\n[RESERVOIRS]\nR 80\n[JUNCTIONS]\n"
    for row in 0..<side { for column in 0..<side { text += "J\(row)_\(column) 10 1\n" } }
    text += "[PIPES]\nPR R J0_0 50 400 120\n"
    for row in 0..<side {
        for column in 0..<side {
            if column + 1 < side { text += "H\(row)_\(column) J\(row)_\(column) J\(row)_\(column + 1) 100 200 100\n" }
            if row + 1 < side { text += "V\(row)_\(column) J\(row)_\(column) J\(row + 1)_\(column) 100 200 100\n" }
        }
    }
    return try INPReader.parse(text, fileName: "grid.inp")
}

@Suite struct AreaSeedTests {
    let network: NetworkModel
    let graph: NetworkGraph

    init() throws {
        network = try grid(side: 10)
        graph = NetworkGraph(model: network)
    }

    private func index(_ id: String) -> Int { network.nodeIndex(id)! }

    /// An isolated spike (one node at 0.2) against a cluster of nine nodes at 0.08 each
    /// (0.72 in all): the area must grow from inside the cluster, where the burst more
    /// likely is, not from the spike.
    @Test func growsFromTheDensestNeighbourhoodNotFromAnIsolatedSpike() {
        var probabilities = [Double](repeating: 0, count: network.nodes.count)
        probabilities[index("J1_1")] = 0.2
        var cluster: [Int] = []
        for row in 6...8 { for column in 6...8 { cluster.append(index("J\(row)_\(column)")) } }
        for node in cluster { probabilities[node] = 0.08 }
        let seed = AreaSeed(graph: graph)
        let centre = seed.centre(probabilities: probabilities, neighbourhoodPipeLengthM: 1_200,
                                 fallback: index("J1_1"))
        #expect(cluster.contains(centre), "centre \(network.nodes[centre].id)")
        #expect(centre == index("J7_7"), "the middle of the cluster holds all of it")
    }

    /// A single clear peak (the evidence is strong) keeps the most probable node.
    @Test func aClearPeakStaysTheCentre() {
        var probabilities = [Double](repeating: 0.001, count: network.nodes.count)
        probabilities[index("J3_4")] = 0.9
        let centre = AreaSeed(graph: graph).centre(probabilities: probabilities, neighbourhoodPipeLengthM: 400,
                                                   fallback: index("J3_4"))
        #expect(centre == index("J3_4"))
    }

    /// Equal probabilities everywhere (no evidence) change nothing: the caller's choice stands.
    @Test func aFlatPosteriorKeepsTheFallback() {
        let probabilities = network.nodes.map { $0.kind == .junction ? 1.0 : 0 }
        let centre = AreaSeed(graph: graph).centre(probabilities: probabilities, neighbourhoodPipeLengthM: 400,
                                                   fallback: index("J5_5"))
        #expect(centre == index("J5_5"))
    }

    /// The neighbourhood is measured in pipe length: 400 m of pipe around a grid node
    /// holds the node and its four neighbours, not the next ring.
    @Test func theNeighbourhoodIsMeasuredInPipeLength() {
        var probabilities = [Double](repeating: 0, count: network.nodes.count)
        for id in ["J5_5", "J4_5", "J6_5", "J5_4", "J5_6"] { probabilities[index(id)] = 1 }
        probabilities[index("J3_5")] = 100  // two pipes away: outside
        let held = AreaSeed(graph: graph).mass(around: index("J5_5"), probabilities, 400)
        #expect(held == 5)
    }
}
