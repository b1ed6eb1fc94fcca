import Foundation
import WaterNetwork

/// What a DMA's meters measured just before a burst: the hour whose hydraulic state the
/// localiser linearises at (`OperatingConditions`), instead of the network file's snapshot.
/// Measured by the detector (`DMAHistory.measuredOperation`); turned into conditions here,
/// where the network is known.
public struct MeasuredOperation: Sendable, Hashable {
    /// Mean flow into the DMA through each metered link (reading × sign), l/s, by link id.
    public var flowsIntoDMALps: [String: Double]
    /// The DMA's mean net inflow over the same windows (what its junctions drew), l/s.
    public var netInflowLps: Double

    public init(flowsIntoDMALps: [String: Double], netInflowLps: Double) {
        self.flowsIntoDMALps = flowsIntoDMALps
        self.netInflowLps = netInflowLps
    }

    /// A metered pump counts as running when it carries more than this share of the DMA's
    /// inflow (a meter on an idle pump reads its noise), and at least `idlePumpFloorLps`.
    static let idlePumpShare = 0.01
    static let idlePumpFloorLps = 0.05
    /// The demand factor is kept within these bounds (a meter fault must not stretch the
    /// network's demand a hundredfold).
    static let demandFactorRange = 0.05...20.0

    /// The conditions these measurements imply on `graph`'s network, whose junctions `demandNodes`
    /// (the DMA's region; every junction when nil) the net inflow is shared over:
    /// - the junctions' demands scaled so that the region's base demand is the net inflow;
    /// - a tank whose every link is metered supplies what its links measured;
    /// - a metered pump runs when it carries flow and is idle when it does not.
    /// A tank is freed only while some reservoir or other tank still holds a fixed head.
    func conditions(on graph: NetworkGraph, demandNodes: [Bool]?) -> OperatingConditions {
        let network = graph.model
        var baseDemand = 0.0
        for (index, node) in network.nodes.enumerated() where node.kind == .junction && (demandNodes?[index] ?? true) {
            baseDemand += node.baseDemandLps
        }
        var factor = 1.0
        if baseDemand > 0, netInflowLps.isFinite, netInflowLps > 0 {
            factor = min(max(netInflowLps / baseDemand, Self.demandFactorRange.lowerBound),
                         Self.demandFactorRange.upperBound)
        }
        var outflows: [Int: Double] = [:]
        for (index, node) in network.nodes.enumerated() where node.kind == .tank && !graph.neighbours(of: index).isEmpty {
            let measured = graph.neighbours(of: index).map { flowsIntoDMALps[network.links[$0.link].id] }
            guard measured.allSatisfy({ $0?.isFinite ?? false }) else { continue }
            outflows[index] = measured.reduce(0) { $0 + $1! }
        }
        let fixedHeads = network.nodes.indices.count { network.nodes[$0].kind != .junction && outflows[$0] == nil }
        if fixedHeads == 0, let kept = outflows.keys.min() { outflows[kept] = nil }
        var running: [Int: Bool] = [:]
        let idle = max(Self.idlePumpFloorLps, Self.idlePumpShare * abs(netInflowLps))
        for (id, flow) in flowsIntoDMALps where flow.isFinite {
            guard let index = network.linkIndex(id), network.links[index].kind == .pump else { continue }
            running[index] = abs(flow) > idle
        }
        return OperatingConditions(demandFactor: factor, tankOutflowsLps: outflows, pumpsRunning: running)
    }
}

/// Operating-point signatures already built, by the conditions they stand for: every
/// localisation of one event measures the same hour before its start, so one solve serves
/// them all. Bounded; shared by the copies of one `Localiser`.
final class OperatingPointCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(conditions: OperatingConditions, signature: OperatingPointSignature)] = []
    static let capacity = 8

    func signature(_ conditions: OperatingConditions,
                   make: () -> OperatingPointSignature) -> OperatingPointSignature {
        if let hit = lock.withLock({ entries.first { $0.conditions == conditions }?.signature }) { return hit }
        let made = make()
        lock.withLock {
            entries.append((conditions, made))
            if entries.count > Self.capacity { entries.removeFirst() }
        }
        return made
    }
}

extension DMAHistory {
    /// The mean of each flow channel (by the link it meters) and of the net inflow over the
    /// `windows` windows before `startIndex`. Nil when no window there has every flow channel,
    /// or when the start is at or before the history's first window: an event's start can be a
    /// grid index of 0 or less once the history has been trimmed past it.
    func measuredOperation(before startIndex: Int, windows: Int) -> MeasuredOperation? {
        let channels = flowChannels
        var sums = Array(repeating: 0.0, count: channels.count), inflow = 0.0, counted = 0
        for index in max(0, startIndex - windows)..<max(0, startIndex) {
            // A window with an inflow is one where every flow channel reported.
            guard let net = self.inflow(atIndex: index) else { continue }
            for channel in channels.indices {
                sums[channel] += signedFlowMean(channel: channel, atIndex: index)!
            }
            inflow += net
            counted += 1
        }
        guard counted > 0 else { return nil }
        var byLink: [String: Double] = [:]
        for (channel, spec) in channels.enumerated() { byLink[spec.element, default: 0] += sums[channel] / Double(counted) }
        return MeasuredOperation(flowsIntoDMALps: byLink, netInflowLps: inflow / Double(counted))
    }
}
