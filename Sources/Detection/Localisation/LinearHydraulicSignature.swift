import Foundation
import WaterNetwork

/// The model-based signature: the network linearised around a typical flow state, so
/// that a small extra outflow at node n lowers the head at every node by
/// (G⁻¹)·e_n, where G is the conductance (Laplacian) matrix of the pipes and the
/// reservoirs and tanks hold their heads (they are the ground of this circuit).
///
/// Each pipe's conductance is 1 / (dh/dQ) of its head-loss law at a typical velocity,
/// so no hydraulic simulation is needed:
/// - Hazen-Williams h ∝ L·Q^1.852 / (C^1.852·D^4.87), Q ∝ D²  ->  g ∝ C^1.852·D^3.17 / L
/// - Darcy-Weisbach h ∝ f·L·Q² / D^5, f roughly constant  ->  g ∝ D^3 / L
/// - Chezy-Manning h ∝ n²·L·Q² / D^5.33  ->  g ∝ D^3.33 / (n²·L)
/// The common factor (velocity, units) drops out because scoring is blind to scale.
/// Closed pipes carry nothing and are left out. Pumps and valves get the conductance
/// of the stiffest pipe: they hold their heads well, and their curves and settings are
/// not modelled (a limit of this method: an active PRV actually isolates its zone).
///
/// G is symmetric, so the drop at logger k caused by a burst at n equals the drop at n
/// caused by a burst at k: one solve per logger gives the signature of every candidate.
struct LinearHydraulicSignature: Sendable {
    private let freeIndex: [Int?]          // node -> row of G, nil for fixed heads
    private let factorisation: EnvelopeCholesky?

    init(network: NetworkModel) {
        var freeIndex = [Int?](repeating: nil, count: network.nodes.count)
        var freeCount = 0
        for (index, node) in network.nodes.enumerated() where node.kind == .junction {
            freeIndex[index] = freeCount
            freeCount += 1
        }
        let conductances = Self.conductances(network)
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
        // A tiny leak to ground keeps G invertible where a part of the network has no
        // reservoir or tank (its signatures then come out flat: no information).
        let meanDiagonal = diagonal.isEmpty ? 1 : max(diagonal.reduce(0, +) / Double(diagonal.count), 1e-300)
        for row in diagonal.indices { diagonal[row] += 1e-9 * meanDiagonal }
        self.freeIndex = freeIndex
        factorisation = freeCount > 0 ? EnvelopeCholesky(diagonal: diagonal, offDiagonal: offDiagonal) : nil
    }

    /// variants[0][k][n]: head drop at logger k per unit outflow at node n (0 where the
    /// logger or the node is a fixed head).
    func variants(loggerNodes: [Int], nodeCount: Int) -> [[[Double]]] {
        let rows = loggerNodes.map { logger -> [Double] in
            guard let factorisation, let row = freeIndex[logger] else {
                return [Double](repeating: 0, count: nodeCount)
            }
            var unit = [Double](repeating: 0, count: factorisation.size)
            unit[row] = 1
            let response = factorisation.solve(unit)
            return freeIndex.map { $0.map { response[$0] } ?? 0 }
        }
        return [rows]
    }

    static func conductances(_ network: NetworkModel) -> [Double] {
        var result = network.links.map { link -> Double in
            guard link.kind == .pipe, link.initialStatus != .closed else { return 0 }
            let d = link.diameterM, length = link.lengthM, roughness = link.roughness
            switch network.headlossFormula {
            case .hazenWilliams: return pow(roughness, 1.852) * pow(d, 3.166) / length
            case .darcyWeisbach: return pow(d, 3) / length
            case .chezyManning: return pow(d, 3.33) / (roughness * roughness * length)
            }
        }
        let stiffest = result.max() ?? 1
        for (index, link) in network.links.enumerated() where link.kind != .pipe {
            result[index] = stiffest > 0 ? stiffest : 1
        }
        return result
    }
}
