import WaterNetwork

/// The linear circuit both hydraulic signatures solve: every link a conductance between
/// its nodes, the grounded nodes (reservoirs, tanks, nodes an active PRV holds) at fixed
/// head. A small extra outflow at node n lowers the heads by G⁻¹·e_n. G is symmetric, so
/// the drop at logger k caused by a burst at n equals the drop at n caused by a burst at
/// k: one solve per logger gives the signature of every candidate.
struct GroundedLaplacian: Sendable {
    /// What a part of the network cut off from every fixed head leaks to ground, as a
    /// tiny share of a typical diagonal entry (its signatures then come out flat: no
    /// information, but G stays invertible).
    enum LeakScale: Sendable {
        case meanDiagonal
        case medianPositiveDiagonal
    }

    private let freeIndex: [Int?]          // node -> row of G, nil for grounded nodes
    private let factorisation: EnvelopeCholesky?

    /// `conductances[i]` belongs to `network.links[i]`; links with 0 carry nothing.
    init(network: NetworkModel, conductances: [Double], grounded: [Bool], leak: LeakScale) {
        var freeIndex = [Int?](repeating: nil, count: network.nodes.count)
        var freeCount = 0
        for index in network.nodes.indices where !grounded[index] {
            freeIndex[index] = freeCount
            freeCount += 1
        }
        var diagonal = [Double](repeating: 0, count: freeCount)
        var offDiagonal = [[(column: Int, value: Double)]](repeating: [], count: freeCount)
        for (link, conductance) in zip(network.links, conductances) where conductance > 0 {
            let a = freeIndex[link.from], b = freeIndex[link.to]
            if let a { diagonal[a] += conductance }
            if let b { diagonal[b] += conductance }
            if let a, let b {
                offDiagonal[a].append((b, -conductance))
                offDiagonal[b].append((a, -conductance))
            }
        }
        let typical: Double
        switch leak {
        case .meanDiagonal:
            typical = diagonal.isEmpty ? 1 : max(diagonal.reduce(0, +) / Double(diagonal.count), 1e-300)
        case .medianPositiveDiagonal:
            let positive = diagonal.filter { $0 > 0 }.sorted()
            typical = positive.isEmpty ? 1 : positive[positive.count / 2]
        }
        for row in diagonal.indices { diagonal[row] += 1e-9 * typical }
        self.freeIndex = freeIndex
        factorisation = freeCount > 0 ? EnvelopeCholesky(diagonal: diagonal, offDiagonal: offDiagonal) : nil
    }

    /// rows[k][n]: head drop at logger k per unit outflow at node n (0 where the logger
    /// or the node is grounded).
    func responses(loggerNodes: [Int], nodeCount: Int) -> [[Double]] {
        loggerNodes.map { logger -> [Double] in
            guard let factorisation, let row = freeIndex[logger] else {
                return [Double](repeating: 0, count: nodeCount)
            }
            var unit = [Double](repeating: 0, count: factorisation.size)
            unit[row] = 1
            let response = factorisation.solve(unit)
            return freeIndex.map { $0.map { response[$0] } ?? 0 }
        }
    }
}
