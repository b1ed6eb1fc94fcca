import Testing
@testable import Detection
import WaterNetwork

/// How the area grows on a network of few, long pipes.
@Suite struct AreaGrowingTests {
    /// R - A - B - C - D: four 1,600 m pipes (Net1's are a mile each), so one pipe is a
    /// quarter of the network, far past a 5 % cap.
    private func chain() throws -> NetworkModel {
        try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R 100
            [JUNCTIONS]
            A 0 1
            B 0 1
            C 0 1
            D 0 1
            [PIPES]
            P0 R A 1600 300 100
            P1 A B 1600 300 100
            P2 B C 1600 300 100
            P3 C D 1600 300 100
            """)
    }

    /// The cap cannot hold even one pipe, yet the area holds `minimumPipes` of them, grown
    /// most probable neighbour first; nothing beyond.
    @Test(arguments: [1, 2, 3])
    func theAreaHoldsTheMinimumNumberOfPipesWhateverTheCap(minimumPipes: Int) throws {
        let network = try chain()
        let graph = NetworkGraph(model: network)
        let index = { (id: String) in network.nodeIndex(id)! }
        var probabilities = [Double](repeating: 0, count: network.nodes.count)
        probabilities[index("B")] = 0.4
        probabilities[index("C")] = 0.3
        probabilities[index("A")] = 0.2
        probabilities[index("D")] = 0.1
        let area = AreaGrowing(graph: graph).grow(from: index("B"), probabilities: probabilities, coverage: 0.9,
                                                  maxPipeLengthM: 0.05 * graph.totalPipeLengthM,
                                                  minimumPipes: minimumPipes)
        let expected = [["B", "C"], ["B", "C", "A"], ["B", "C", "A", "D"]][minimumPipes - 1]
        #expect(area.map { network.nodes[$0].id } == expected)
    }
}
