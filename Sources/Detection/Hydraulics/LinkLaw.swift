import Foundation
import WaterNetwork

/// How one link's head loss depends on its flow, in SI units inside the solver (flow in
/// m³/s, head in m). Head loss is positive from `from` to `to`; a pump's is negative
/// (it gains head). Coefficients follow EPANET 2.2 (its US-unit constants converted), so
/// that a solve matches what EPANET computes from the same file.
enum LinkLaw: Sendable {
    /// h = r·|Q|^(n-1)·Q + m·|Q|·Q (Hazen-Williams, n = 1.852; Chezy-Manning, n = 2).
    case powerLawPipe(r: Double, n: Double, minor: Double)
    /// Darcy-Weisbach with EPANET's friction factor (Swamee-Jain when turbulent).
    case darcyWeisbachPipe(lengthM: Double, diameterM: Double, roughnessM: Double, minor: Double)
    /// Head gain s²·h0 − r·s^(2−n)·Q^n (EPANET's one- and three-point curves).
    case powerFunctionPump(h0: Double, r: Double, n: Double, speed: Double)
    /// Head gain piecewise linear through the curve's points (flow m³/s, head m).
    case piecewisePump(flows: [Double], heads: [Double], speed: Double)
    /// Head gain = c/Q: constant power (c = power / specific weight).
    case constantPowerPump(c: Double)
    /// An open valve: h = m·|Q|·Q plus EPANET's small linear loss.
    case openValve(minor: Double)
    /// A pressure-reducing valve holding `setting` metres of pressure downstream.
    case pressureReducingValve(minor: Double, settingM: Double)
    /// Closed for good (status closed, a pump at speed 0, or a link nothing can model).
    case closed

    // EPANET's constants in SI: RQtol 1e-7 ft/cfs, CSMALL 1e-6 ft/cfs, CBIG 1e8 ft/cfs,
    // TINY 1e-6 cfs, g 32.2 ft/s², viscosity 1.1e-5 ft²/s.
    static let feetPerCfsInSI = 0.3048 / 0.028316846592
    static let minimumGradient = 1e-7 * feetPerCfsInSI
    static let smallValveLoss = 1e-6 * feetPerCfsInSI
    static let closedResistance = 1e8 * feetPerCfsInSI
    static let tinyFlow = 1e-6 * 0.028316846592
    static let gravity = 32.2 * 0.3048
    static let viscosity = 1.1e-5 * 0.3048 * 0.3048

    /// Head loss and its derivative dh/dQ (never below `minimumGradient`) at flow `q` m³/s.
    func headLoss(_ q: Double) -> (loss: Double, gradient: Double) {
        switch self {
        case let .powerLawPipe(r, n, minor):
            let a = abs(q)
            let gradient = n * r * pow(a, n - 1) + 2 * minor * a
            if gradient < Self.minimumGradient { return (Self.minimumGradient * q, Self.minimumGradient) }
            return (r * pow(a, n - 1) * q + minor * a * q, gradient)
        case let .darcyWeisbachPipe(length, diameter, roughness, minor):
            let loss = { (q: Double) in Self.darcyWeisbachLoss(q, length, diameter, roughness, minor) }
            let step = max(abs(q) * 1e-4, Self.tinyFlow)
            let gradient = (loss(q + step) - loss(q - step)) / (2 * step)
            return (loss(q), max(gradient, Self.minimumGradient))
        case let .powerFunctionPump(h0, r, n, speed):
            let flow = max(q, Self.tinyFlow)
            let scaled = r * pow(speed, 2 - n)
            let gain = speed * speed * h0 - scaled * pow(flow, n)
            return (-gain, max(n * scaled * pow(flow, n - 1), Self.minimumGradient))
        case let .piecewisePump(flows, heads, speed):
            let (intercept, slope) = Self.segment(flows: flows, heads: heads, at: q / max(speed, 1e-9))
            let gain = speed * speed * intercept + speed * slope * q
            return (-gain, max(-speed * slope, Self.minimumGradient))
        case let .constantPowerPump(c):
            let flow = max(q, Self.tinyFlow)
            return (-c / flow, max(c / (flow * flow), Self.minimumGradient))
        case let .openValve(minor), let .pressureReducingValve(minor, _):
            let a = abs(q)
            return (minor * a * q + Self.smallValveLoss * q, 2 * minor * a + Self.smallValveLoss)
        case .closed:
            return (Self.closedResistance * q, Self.closedResistance)
        }
    }

    /// The largest head the pump can give (at zero flow); nil when it has no limit.
    var shutoffHeadM: Double? {
        switch self {
        case let .powerFunctionPump(h0, _, _, speed): return speed * speed * h0
        case let .piecewisePump(flows, heads, speed):
            return speed * speed * Self.segment(flows: flows, heads: heads, at: 0).intercept
        default: return nil
        }
    }

    var isPump: Bool {
        switch self {
        case .powerFunctionPump, .piecewisePump, .constantPowerPump: return true
        default: return false
        }
    }

    /// EPANET's curve lookup: the segment holding `x`, the first or last one beyond the ends.
    static func segment(flows: [Double], heads: [Double], at x: Double) -> (intercept: Double, slope: Double) {
        guard flows.count >= 2 else { return (heads.first ?? 0, 0) }
        var upper = 1
        while upper < flows.count - 1 && flows[upper] < x { upper += 1 }
        let dx = flows[upper] - flows[upper - 1]
        let slope = dx > 0 ? (heads[upper] - heads[upper - 1]) / dx : 0
        return (heads[upper - 1] - slope * flows[upper - 1], slope)
    }

    /// EPANET 2.2's friction factor: laminar 64/Re below Re 2000, Swamee-Jain above 4000,
    /// linear in between.
    static func darcyWeisbachLoss(_ q: Double, _ length: Double, _ diameter: Double, _ roughness: Double,
                                  _ minor: Double) -> Double {
        let a = abs(q)
        let area = Double.pi * diameter * diameter / 4
        let reynolds = max(a / area * diameter / viscosity, 1e-12)
        func swameeJain(_ re: Double) -> Double {
            let x = log10(roughness / (3.7 * diameter) + 5.74 / pow(re, 0.9))
            return 0.25 / (x * x)
        }
        let friction: Double
        if reynolds < 2000 {
            friction = 64 / reynolds
        } else if reynolds < 4000 {
            let low = 64.0 / 2000, high = swameeJain(4000)
            friction = low + (high - low) * (reynolds - 2000) / 2000
        } else {
            friction = swameeJain(reynolds)
        }
        let pipe = friction * length / diameter / (2 * gravity * area * area)
        return (pipe + minor) * a * q
    }
}

extension LinkLaw {
    /// The law for `link` of `network`, or a reason why it cannot be modelled (a pump with
    /// neither a usable head curve nor a power).
    static func of(_ link: Link, in network: NetworkModel) -> Result<LinkLaw, LinkLawProblem> {
        if link.initialStatus == .closed { return .success(.closed) }
        let usUnits = network.flowUnits.isUSCustomary
        let minor = link.diameterM > 0
            ? 8 * link.minorLoss / (gravity * Double.pi * Double.pi * pow(link.diameterM, 4)) : 0
        switch link.kind {
        case .pipe:
            let length = link.lengthM, diameter = link.diameterM, roughness = link.roughness
            switch network.headlossFormula {
            case .hazenWilliams:
                // 4.727 ft·s^1.852/ft^... in EPANET's units, converted to m and m³/s.
                let r = 4.727 * length * pow(0.3048, 4.871) / pow(0.028316846592, 1.852)
                    / (pow(roughness, 1.852) * pow(diameter, 4.871))
                return .success(.powerLawPipe(r: r, n: 1.852, minor: minor))
            case .chezyManning:
                let r = 4.66 * length * roughness * roughness * pow(0.3048, 5.33)
                    / (0.028316846592 * 0.028316846592 * pow(diameter, 5.33))
                return .success(.powerLawPipe(r: r, n: 2, minor: minor))
            case .darcyWeisbach:
                let roughnessM = roughness * 0.001 * (usUnits ? 0.3048 : 1)
                return .success(.darcyWeisbachPipe(lengthM: length, diameterM: diameter,
                                                   roughnessM: roughnessM, minor: minor))
            }
        case .pump:
            guard let pump = link.pump else { return .failure(.init(link: link.id, reason: "has no pump parameters")) }
            if pump.speed == 0 { return .success(.closed) }
            if let power = pump.powerKW, pump.headCurve.isEmpty {
                // EPANET: head (ft) = 8.814·hp / Q (cfs), here in kW, m and m³/s.
                let c = 8.814 * 0.3048 * 0.028316846592 / 0.745699872 * power
                return .success(.constantPowerPump(c: c))
            }
            return pumpCurveLaw(pump, id: link.id)
        case .valve:
            switch link.valveType {
            case "PRV":
                if let setting = link.valveSetting {
                    return .success(.pressureReducingValve(minor: minor, settingM: setting))
                }
                return .success(.openValve(minor: minor))
            case "TCV":
                let coefficient = link.valveSetting.map { 8 * $0 / (gravity * Double.pi * Double.pi * pow(link.diameterM, 4)) }
                return .success(.openValve(minor: coefficient ?? minor))
            default:
                // PSV, PBV, FCV, GPV, PCV: modelled as open (see SteadyStateHydraulics).
                return .success(.openValve(minor: minor))
            }
        }
    }

    private static func pumpCurveLaw(_ pump: PumpParameters, id: String) -> Result<LinkLaw, LinkLawProblem> {
        let flows = pump.headCurve.map { $0.flowLps / 1000 }
        let heads = pump.headCurve.map(\.headM)
        switch flows.count {
        case 0:
            let reason = pump.headCurveID.map { "names head curve \"\($0)\", which the file does not define" }
                ?? "has neither a head curve nor a power"
            return .failure(.init(link: id, reason: reason))
        case 1:
            guard flows[0] > 0, heads[0] > 0 else { return .failure(.init(link: id, reason: "has a one-point curve without positive flow and head")) }
            return .success(.powerFunctionPump(h0: 4.0 / 3 * heads[0], r: heads[0] / 3 / (flows[0] * flows[0]),
                                               n: 2, speed: pump.speed))
        case 3 where flows[0] == 0:
            let h4 = heads[0] - heads[1], h5 = heads[0] - heads[2]
            if h4 > 0, h5 > h4, flows[1] > 0, flows[2] > flows[1] {
                let n = log(h5 / h4) / log(flows[2] / flows[1])
                if n > 0, n <= 20 {
                    return .success(.powerFunctionPump(h0: heads[0], r: h4 / pow(flows[1], n), n: n, speed: pump.speed))
                }
            }
            fallthrough
        default:
            for index in 1..<flows.count where !(flows[index] > flows[index - 1]) {
                return .failure(.init(link: id, reason: "head curve flows do not increase"))
            }
            return .success(.piecewisePump(flows: flows, heads: heads, speed: pump.speed))
        }
    }
}

/// Why a link cannot be given a head-loss law.
struct LinkLawProblem: Error, Sendable, CustomStringConvertible {
    var link: String
    var reason: String
    var description: String { "link \"\(link)\" \(reason)" }
}
