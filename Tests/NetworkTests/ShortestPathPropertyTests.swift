import Testing
import WaterNetwork

/// Dijkstra checked against brute force (Floyd-Warshall) on random networks, and at
/// the 10,000-node scale on a grid whose distances are known in closed form.
@Suite struct ShortestPathPropertyTests {
    /// SplitMix64: a tiny seeded generator so failures reproduce.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func dijkstraAgreesWithFloydWarshall(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let nodeCount = 30
        var text = "[OPTIONS]\nUnits LPS\n[JUNCTIONS]\n"
        for node in 0..<nodeCount { text += "N\(node) 0\n" }
        text += "[PIPES]\n"
        var allPairs = [[Double]](repeating: [Double](repeating: .infinity, count: nodeCount), count: nodeCount)
        for node in 0..<nodeCount { allPairs[node][node] = 0 }
        for link in 0..<60 {
            let a = Int.random(in: 0..<nodeCount, using: &random)
            var b = Int.random(in: 0..<nodeCount, using: &random)
            if a == b { b = (b + 1) % nodeCount }
            let length = Double(Int.random(in: 1...1000, using: &random))
            text += "L\(link) N\(a) N\(b) \(length) 100 100\n"
            allPairs[a][b] = min(allPairs[a][b], length)
            allPairs[b][a] = allPairs[a][b]
        }
        for k in 0..<nodeCount {
            for i in 0..<nodeCount {
                for j in 0..<nodeCount where allPairs[i][k] + allPairs[k][j] < allPairs[i][j] {
                    allPairs[i][j] = allPairs[i][k] + allPairs[k][j]
                }
            }
        }
        let model = try INPReader.parse(text)
        let graph = NetworkGraph(model: model)
        for source in 0..<nodeCount {
            let distances = graph.shortestDistances(from: model.nodeIndex("N\(source)")!)
            for target in 0..<nodeCount {
                #expect(distances[model.nodeIndex("N\(target)")!] == allPairs[source][target])
            }
            // The path's links must add up to the distance.
            let target = Int.random(in: 0..<nodeCount, using: &random)
            let from = model.nodeIndex("N\(source)")!, to = model.nodeIndex("N\(target)")!
            if let path = graph.shortestPath(from, to) {
                #expect(path.reduce(0) { $0 + graph.weightM(ofLink: $1) } == allPairs[source][target])
            } else {
                #expect(allPairs[source][target] == .infinity)
            }
        }
    }

    @Test func tenThousandNodeGridHasManhattanDistances() throws {
        let side = 100, spacing = 25.0
        var text = "[OPTIONS]\nUnits LPS\n[JUNCTIONS]\n"
        for row in 0..<side { for column in 0..<side { text += "J\(row)_\(column) 0\n" } }
        text += "[PIPES]\n"
        for row in 0..<side {
            for column in 0..<side {
                if column + 1 < side { text += "H\(row)_\(column) J\(row)_\(column) J\(row)_\(column + 1) \(spacing) 100 100\n" }
                if row + 1 < side { text += "V\(row)_\(column) J\(row)_\(column) J\(row + 1)_\(column) \(spacing) 100 100\n" }
            }
        }
        let model = try INPReader.parse(text)
        #expect(model.nodes.count == 10_000)
        let graph = NetworkGraph(model: model)
        let distances = graph.shortestDistances(from: model.nodeIndex("J17_42")!)
        for row in stride(from: 0, to: side, by: 7) {
            for column in stride(from: 0, to: side, by: 9) {
                let expected = Double(abs(row - 17) + abs(column - 42)) * spacing
                #expect(distances[model.nodeIndex("J\(row)_\(column)")!] == expected)
            }
        }
        #expect(graph.connectedComponents.count == 1)
    }
}
