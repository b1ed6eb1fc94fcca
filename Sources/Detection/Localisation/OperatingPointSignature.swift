import Foundation
import WaterNetwork

/// The model-based signature linearised at the network's actual operating point: a
/// steady-state solve (`SteadyStateHydraulics`) gives every link's flow, and a small
/// extra outflow at node n lowers the heads by J⁻¹·e_n, where J is the Jacobian of the
/// solved network: a Laplacian whose link conductances are 1 / (dh/dQ) at the solved flow.
///
/// Unlike `LinearHydraulicSignature` this knows what the flows are, and so:
/// - a pump gives conductance 1 / |dH/dQ| of its curve at its operating flow (its head
///   falls as a burst draws more through it, so the drop spreads upstream of it);
/// - an active PRV holds its downstream head: that node is ground, the valve carries
///   no signal (the zone behind it is isolated from the drop upstream);
/// - closed pipes, closed pumps and check valves closed against reverse flow carry nothing;
/// - a heavily loaded main is stiffer per unit length than one that carries little.
///
/// A pipe with (nearly) no flow has dh/dQ → 0 and would short-circuit its ends; its
/// gradient is taken at no less than the flow of `floorVelocityMps` (see there). When the
/// solve fails (e.g. a pump curve the file does not define), the linear signature is used.
struct OperatingPointSignature: Sendable {
    /// The gradient of a pipe or valve is taken at a velocity of at least this much. A
    /// burst is not infinitesimal: it adds tens of l/s to the pipes near it, so a pipe
    /// idle at the operating point behaves like one carrying some flow. Measured against
    /// EPANET's head drops for bursts of 5 % of the total demand at 30 junctions on each
    /// of Net1, Net3, ky4, ky10 and Net6 (tools/hydraulics_check.py drops, then
    /// OperatingPointSignatureTests.measureSignatureAccuracy): the median correlation of
    /// predicted and true drops over all junctions was, for floors of 0.01 / 0.1 / 0.3 /
    /// 1 m/s, Net3 1.000 / 1.000 / 0.996 / 0.954, ky4 1.000 / 1.000 / 0.998 / 0.983, ky10
    /// 0.535 / 0.608 / 0.609 / 0.638, Net6 0.981 / 0.984 / 0.981 / 0.985, and the true
    /// node's mean rank at the loggers was lowest at 0.01-0.1 on all five. 0.1 is the one
    /// floor near the best on every network (ky10's PRV zones need some floor).
    static let defaultFloorVelocityMps = 0.1

    /// The solved state's circuit, or the linear signature when the solve failed.
    private let circuit: GroundedLaplacian?
    private let linearFallback: LinearHydraulicSignature?
    /// Why the fallback is in use; nil when the operating point was solved.
    let fallbackReason: String?

    /// `linear`: the network's linear signature when the caller has one already, to fall
    /// back on without factorising it a second time. `conditions`: the hour to linearise at
    /// (by default the file's snapshot). Whatever the conditions, tanks and reservoirs are
    /// fixed heads for the burst itself: over the hours a burst is judged, a tank supplies it
    /// from its level.
    init(network: NetworkModel, floorVelocityMps: Double = defaultFloorVelocityMps,
         linear: LinearHydraulicSignature? = nil, conditions: OperatingConditions = .asFiled) {
        let hydraulics = SteadyStateHydraulics(network: network, conditions: conditions)
        let solution = hydraulics.solve()
        guard let state = solution.state else {
            if case let .failed(reason) = solution { fallbackReason = reason } else { fallbackReason = "no state" }
            linearFallback = linear ?? LinearHydraulicSignature(network: network)
            circuit = nil
            return
        }
        var grounded = network.nodes.map { $0.kind != .junction }
        for (index, link) in network.links.enumerated() where state.conditions[index] == .active {
            grounded[link.to] = true
        }
        let conductances = network.links.indices.map { index in
            Self.conductance(link: network.links[index], law: hydraulics.laws[index], condition: state.conditions[index],
                             flowLps: state.flowsLps[index], floorVelocityMps: floorVelocityMps)
        }
        circuit = GroundedLaplacian(network: network, conductances: conductances, grounded: grounded,
                                    leak: .medianPositiveDiagonal)
        linearFallback = nil
        fallbackReason = nil
    }

    /// 1 / (dh/dQ) in m³/s per m at the solved flow; 0 for links that carry no signal.
    static func conductance(link: Link, law: LinkLaw, condition: LinkCondition, flowLps: Double,
                            floorVelocityMps: Double) -> Double {
        guard condition == .open else { return 0 }
        var flow = flowLps / 1000
        switch law {
        case .closed:
            return 0
        case .powerFunctionPump, .piecewisePump, .constantPowerPump:
            break
        case .powerLawPipe, .darcyWeisbachPipe, .openValve, .pressureReducingValve:
            let floorFlow = floorVelocityMps * Double.pi * link.diameterM * link.diameterM / 4
            if abs(flow) < floorFlow { flow = flow < 0 ? -floorFlow : floorFlow }
        }
        let gradient = law.headLoss(flow).gradient
        return gradient > 0 && gradient.isFinite ? 1 / gradient : 0
    }

    /// variants[0][k][n]: head drop at logger k per unit outflow at node n (0 where the
    /// logger or the node is a fixed head).
    func variants(loggerNodes: [Int], nodeCount: Int) -> [[[Double]]] {
        if let circuit { return [circuit.responses(loggerNodes: loggerNodes, nodeCount: nodeCount)] }
        return linearFallback?.variants(loggerNodes: loggerNodes, nodeCount: nodeCount) ?? []
    }
}
