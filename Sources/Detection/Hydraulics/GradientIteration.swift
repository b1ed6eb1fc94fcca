import Foundation
import WaterNetwork

/// The iteration of `SteadyStateHydraulics`, in SI units (m³/s, m). EPANET's rules for
/// convergence and for when link statuses are checked.
struct GradientIteration {
    let network: NetworkModel
    let laws: [LinkLaw]
    private let demands: [Double]          // m³/s per node
    private let unknown: [Int?]            // node -> row, nil for a fixed head
    private let unknownCount: Int
    private var heads: [Double]
    private var flows: [Double]
    private var conditions: [LinkCondition]

    // EPANET's status tolerances (Htol 0.0005 ft, Qtol 0.0001 cfs).
    static let headTolerance = 0.0005 * 0.3048
    static let flowTolerance = 0.0001 * 0.028316846592
    /// How strongly an active PRV pins its downstream head (EPANET's BIG).
    static let pinning = 1e10
    /// EPANET: check statuses every 2 iterations, for at most 10 checks before convergence.
    static let statusCheckFrequency = 2
    static let statusCheckLimit = 10

    init(network: NetworkModel, laws: [LinkLaw], extraDemandLps: [Int: Double]) {
        self.network = network
        self.laws = laws
        // A node without a fixed head (a junction, or a tank whose outflow was measured,
        // `OperatingConditions`) draws its demand; a fixed head draws nothing.
        var demands = network.nodes.map { $0.kind == .junction || $0.fixedHeadM == nil ? $0.baseDemandLps / 1000 : 0 }
        for (node, extra) in extraDemandLps { demands[node] += extra / 1000 }
        self.demands = demands
        var unknown = [Int?](repeating: nil, count: network.nodes.count)
        var count = 0
        for (index, node) in network.nodes.enumerated() where node.kind == .junction || node.fixedHeadM == nil {
            unknown[index] = count
            count += 1
        }
        self.unknown = unknown
        unknownCount = count
        heads = network.nodes.map { $0.fixedHeadM ?? $0.elevationM }
        // EPANET's start: 1 ft/s in pipes and valves, the design flow in pumps.
        flows = zip(network.links, laws).map { link, law in
            switch law {
            case let .powerFunctionPump(h0, r, n, speed):
                return speed * pow(h0 / 4 / r, 1 / n)  // flow at 3/4 of the shut-off head
            case let .piecewisePump(flows, _, speed):
                return speed * (flows.first! + flows.last!) / 2
            case .constantPowerPump: return 0.028316846592
            case .closed: return 0
            default: return Double.pi * link.diameterM * link.diameterM / 4 * 0.3048
            }
        }
        // A PRV starts active, unless it feeds a fixed head: it cannot hold that, and
        // stays an open valve.
        conditions = zip(network.links, laws).map { link, law in
            switch law {
            case .closed: return .closed
            case .pressureReducingValve: return unknown[link.to] == nil ? .open : .active
            default: return .open
            }
        }
    }

    mutating func run(accuracy: Double, maximumIterations: Int) -> HydraulicSolution {
        var checks = 0
        for iteration in 1...maximumIterations {
            guard let change = step() else {
                return .failed(reason: "the head equations became singular at iteration \(iteration)")
            }
            guard heads.allSatisfy(\.isFinite), flows.allSatisfy(\.isFinite) else {
                return .failed(reason: "heads or flows became non-finite at iteration \(iteration)")
            }
            if change <= accuracy {
                if !updateConditions() { return .converged(state(iterations: iteration)) }
            } else if checks < Self.statusCheckLimit, iteration % Self.statusCheckFrequency == 0 {
                checks += 1
                _ = updateConditions()
            }
        }
        return .failed(reason: "did not converge in \(maximumIterations) iterations")
    }

    private func state(iterations: Int) -> HydraulicState {
        HydraulicState(headsM: heads, flowsLps: flows.map { $0 * 1000 }, conditions: conditions,
                       iterations: iterations)
    }

    /// The law a link follows in its current condition.
    func effectiveLaw(_ link: Int) -> LinkLaw {
        conditions[link] == .closed ? .closed : laws[link]
    }

    /// One Newton step; returns Σ|ΔQ| / Σ|Q|, or nil if the system is singular.
    private mutating func step() -> Double? {
        var diagonal = [Double](repeating: 0, count: unknownCount)
        var offDiagonal = [[(column: Int, value: Double)]](repeating: [], count: unknownCount)
        var rhs = [Double](repeating: 0, count: unknownCount)
        for node in network.nodes.indices {
            if let row = unknown[node] { rhs[row] = -demands[node] }
        }
        var conductance = [Double](repeating: 0, count: laws.count)
        var excess = [Double](repeating: 0, count: laws.count)   // Q − y
        for (index, link) in network.links.enumerated() {
            if conditions[index] == .active, unknown[link.to] != nil {
                // Pinned downstream; upstream, the valve's last flow is a fixed outflow.
                let row = unknown[link.to]!
                diagonal[row] += Self.pinning
                rhs[row] += Self.pinning * setHead(index) + flows[index]
                if let a = unknown[link.from] { rhs[a] -= flows[index] }
                continue
            }
            let (loss, gradient) = effectiveLaw(index).headLoss(flows[index])
            let p = 1 / gradient
            conductance[index] = p
            excess[index] = flows[index] - p * loss
            let a = unknown[link.from], b = unknown[link.to]
            if let a {
                diagonal[a] += p
                rhs[a] -= excess[index]
                if b == nil { rhs[a] += p * heads[link.to] }
            }
            if let b {
                diagonal[b] += p
                rhs[b] += excess[index]
                if a == nil { rhs[b] += p * heads[link.from] }
            }
            if let a, let b {
                offDiagonal[a].append((b, -p))
                offDiagonal[b].append((a, -p))
            }
        }
        for node in network.nodes.indices {
            // A junction with no links at all keeps its elevation and its demand unmet.
            if let row = unknown[node], diagonal[row] == 0 {
                diagonal[row] = 1
                rhs[row] = network.nodes[node].elevationM
            }
        }
        if unknownCount > 0 {
            guard let factorisation = EnvelopeCholesky(diagonal: diagonal, offDiagonal: offDiagonal) else { return nil }
            let solved = factorisation.solve(rhs)
            for node in network.nodes.indices {
                if let row = unknown[node] { heads[node] = solved[row] }
            }
        }
        var totalChange = 0.0, totalFlow = 0.0
        for (index, link) in network.links.enumerated() where conductance[index] > 0 {
            var new = excess[index] + conductance[index] * (heads[link.from] - heads[link.to])
            if laws[index].isPump && conditions[index] == .open {
                // A pump does not run backwards, and its flow may at most halve in one step:
                // near zero flow a constant-power pump's head P/(ρ·g·Q) explodes and Newton's
                // step stalls there instead of finding the operating point.
                new = max(new, flows[index] / 2, LinkLaw.tinyFlow)
            }
            totalChange += abs(new - flows[index])
            totalFlow += abs(new)
            flows[index] = new
        }
        // An active PRV passes whatever its downstream node needs.
        for (index, link) in network.links.enumerated() where conditions[index] == .active && unknown[link.to] != nil {
            var need = demands[link.to]
            for (other, otherLink) in network.links.enumerated() where other != index {
                if otherLink.from == link.to { need += flows[other] }
                if otherLink.to == link.to { need -= flows[other] }
            }
            totalChange += abs(need - flows[index])
            totalFlow += abs(need)
            flows[index] = need
        }
        return totalFlow > 0 ? totalChange / totalFlow : 0
    }

    private func setHead(_ link: Int) -> Double {
        guard case let .pressureReducingValve(_, setting) = laws[link] else { return heads[network.links[link].to] }
        return setting + network.nodes[network.links[link].to].elevationM
    }

    /// EPANET's status checks for check valves, pumps and PRVs; true if any changed.
    private mutating func updateConditions() -> Bool {
        var changed = false
        for (index, link) in network.links.enumerated() {
            let law = laws[index]
            if case .closed = law { continue }
            let before = conditions[index]
            let h1 = heads[link.from], h2 = heads[link.to], q = flows[index]
            let htol = Self.headTolerance, qtol = Self.flowTolerance
            if link.kind == .pipe && link.initialStatus == .checkValve {
                if before == .open && (h1 - h2 < -htol || q < -qtol) { conditions[index] = .closed }
                if before == .closed && h1 - h2 > htol { conditions[index] = .open }
            } else if law.isPump {
                let limit = law.shutoffHeadM ?? .infinity
                if before == .open && h2 - h1 > limit + htol { conditions[index] = .closed }
                if before == .closed && h2 - h1 < limit - htol { conditions[index] = .open }
            } else if case .pressureReducingValve = law, unknown[link.to] != nil {
                let hset = setHead(index)
                switch before {
                case .active:
                    if q < -qtol { conditions[index] = .closed } else if h1 < hset - htol { conditions[index] = .open }
                case .open:
                    if q < -qtol { conditions[index] = .closed } else if h2 >= hset + htol { conditions[index] = .active }
                case .closed:
                    if h1 >= hset + htol && h2 < hset - htol { conditions[index] = .active }
                    else if h1 < hset - htol && h1 > h2 + htol { conditions[index] = .open }
                }
            }
            if conditions[index] != before {
                changed = true
                if before == .closed && conditions[index] != .closed && flows[index] == 0 {
                    flows[index] = LinkLaw.tinyFlow
                }
            }
        }
        return changed
    }
}
