import Foundation
import WaterNetwork

/// A steady-state hydraulic solve of a network at its base conditions, by the global
/// gradient algorithm (Todini and Pilati, as EPANET does): Newton's method on heads and
/// flows, where each step solves one symmetric positive definite system for the junction
/// heads (`EnvelopeCholesky`) and updates every flow from it.
///
/// What is modelled, and how (EPANET 2.2's rules unless said):
/// - Demands: the junctions' base demands (no patterns, no emitters), or `OperatingConditions`'
///   scaled ones.
/// - Reservoirs hold their head; tanks hold their initial level (a snapshot, no filling), or
///   supply the outflow `OperatingConditions` measured and find their head.
/// - Pipes: the network's head-loss formula (Hazen-Williams, Darcy-Weisbach with
///   Swamee-Jain, Chezy-Manning) plus minor losses; closed pipes carry nothing; a CV pipe
///   closes when its flow would reverse.
/// - Pumps: head curves (one point: h = 4/3·h0 − h0/3·(q/q0)²; three points from q = 0:
///   h = A − B·q^C; otherwise piecewise linear), or constant power h = P/(ρ·g·q); speed by
///   the affinity laws (curves only; a constant-power pump ignores its speed); a pump
///   closes when the head it must lift exceeds its shut-off head and never runs backwards.
/// - PRV: active, it holds its downstream node at its setting; it opens fully when the
///   upstream head is too low and closes against reverse flow (EPANET's status rules).
/// - PSV, PBV, FCV, TCV, GPV, PCV: open links with their minor loss (a TCV's setting is its
///   loss coefficient). Their control action is not modelled: a limit of this solver.
/// - Link statuses are those of [PIPES] and [STATUS]; [CONTROLS] and [RULES] are ignored.
public struct SteadyStateHydraulics: Sendable {
    public let network: NetworkModel
    let laws: [LinkLaw]
    /// Links with no usable law (e.g. a pump naming an undefined curve): the solve fails
    /// with this reason instead of guessing.
    public let unmodelled: String?

    /// `conditions`: the hour the solve stands for (`OperatingConditions`); by default the
    /// file's own snapshot. `network` stays the file's; the solve runs on the network as the
    /// conditions make it.
    public init(network: NetworkModel, conditions: OperatingConditions = .asFiled) {
        let network = conditions == .asFiled ? network : conditions.applied(to: network)
        self.network = network
        var laws: [LinkLaw] = []
        var problems: [String] = []
        for link in network.links {
            switch LinkLaw.of(link, in: network) {
            case let .success(law): laws.append(law)
            case let .failure(problem):
                laws.append(.closed)
                problems.append(problem.description)
            }
        }
        self.laws = laws
        unmodelled = problems.isEmpty ? nil
            : problems.prefix(3).joined(separator: "; ") + (problems.count > 3 ? " (and \(problems.count - 3) more)" : "")
    }

    /// EPANET's default: converged when Σ|ΔQ| / Σ|Q| falls to this.
    public static let defaultAccuracy = 0.001

    /// `extraDemandLps`: outflows added to the base demands, by node index (e.g. a burst).
    public func solve(accuracy: Double = defaultAccuracy, maximumIterations: Int = 200,
                      extraDemandLps: [Int: Double] = [:]) -> HydraulicSolution {
        if let unmodelled { return .failed(reason: unmodelled) }
        var solver = GradientIteration(network: network, laws: laws, extraDemandLps: extraDemandLps)
        return solver.run(accuracy: accuracy, maximumIterations: maximumIterations)
    }
}

/// The outcome of a solve: a state, or why there is none (never NaN heads).
public enum HydraulicSolution: Sendable {
    case converged(HydraulicState)
    case failed(reason: String)

    public var state: HydraulicState? {
        if case let .converged(state) = self { return state }
        return nil
    }
}

/// A link's condition in a solved state.
public enum LinkCondition: Sendable, Equatable {
    case open
    /// Closed by its status, a check valve against reverse flow, a pump beyond its
    /// shut-off head, or a PRV against reverse flow.
    case closed
    /// A PRV holding its downstream node's head.
    case active
}

/// Heads and flows of a converged solve.
public struct HydraulicState: Sendable {
    /// Per node, metres.
    public let headsM: [Double]
    /// Per link, l/s, positive from `from` to `to`.
    public let flowsLps: [Double]
    public let conditions: [LinkCondition]
    public let iterations: Int
}
