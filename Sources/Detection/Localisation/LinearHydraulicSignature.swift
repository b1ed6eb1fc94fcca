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
/// The common factor (velocity, units) drops out of the shape of the drops; where the
/// size counts, the localiser rescales this signature to the operating point's units.
/// Closed pipes carry nothing and are left out. Pumps and valves get the conductance
/// of the stiffest pipe: they hold their heads well, and their curves and settings are
/// not modelled (a limit of this method: an active PRV actually isolates its zone).
/// The circuit is solved by `GroundedLaplacian`.
struct LinearHydraulicSignature: Sendable {
    private let circuit: GroundedLaplacian

    init(network: NetworkModel) {
        circuit = GroundedLaplacian(network: network, conductances: Self.conductances(network),
                                    grounded: network.nodes.map { $0.kind != .junction }, leak: .meanDiagonal)
    }

    /// variants[0][k][n]: head drop at logger k per unit outflow at node n (0 where the
    /// logger or the node is a fixed head).
    func variants(loggerNodes: [Int], nodeCount: Int) -> [[[Double]]] {
        [circuit.responses(loggerNodes: loggerNodes, nodeCount: nodeCount)]
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
