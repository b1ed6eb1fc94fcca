import Readings
import WaterNetwork

/// The part of the network a DMA is: where a burst that raised the DMA's inflow can be.
///
/// A utility's network model holds many DMAs; each is closed by its meters (and by shut
/// boundary valves). A burst seen in one DMA's inflow is inside that DMA, so the localiser
/// need not, and must not, look for it in the next one: that would spread the probability
/// over pipes the crew has no reason to walk.
///
/// The region is found from the registry alone (a scenario does not list a DMA's nodes):
/// starting from the inside end of each of the DMA's flow meters (the end a positive reading
/// flows into when its sign is +1) and from its pressure loggers, it spreads along links
/// without crossing any metered link (of this DMA or another), a closed link, or a
/// reservoir. A boundary left open by a missing meter only makes the region larger, never
/// wrong: it is a superset of the DMA.
public struct DMARegion: Sendable, Equatable {
    /// By node index: whether the node is inside.
    public let contains: [Bool]
    /// Length of the pipes with both ends inside, m.
    public let pipeLengthM: Double

    /// Nil when nothing of the DMA is found in the network (no meter or logger names one of
    /// its elements) or the region holds no junction: then the whole network is searched.
    public init?(dma: String, registry: LoggerRegistry, graph: NetworkGraph) {
        let model = graph.model
        var metered = Set<Int>()
        for spec in registry.channels where spec.quantity == .flow {
            if let link = model.linkIndex(spec.element) { metered.insert(link) }
        }
        var seeds: [Int] = []
        for spec in registry.channels(inDMA: dma) {
            switch spec.quantity {
            case .flow:
                guard let index = model.linkIndex(spec.element) else { continue }
                let link = model.links[index]
                // Sign +1: positive EPANET flow (from → to) enters the DMA, so `to` is inside.
                seeds.append((spec.sign ?? 1) > 0 ? link.to : link.from)
            case .pressure:
                if let node = model.nodeIndex(spec.element) { seeds.append(node) }
            }
        }
        var inside = [Bool](repeating: false, count: graph.nodeCount)
        var queue: [Int] = []
        for seed in seeds where !inside[seed] {
            inside[seed] = true
            queue.append(seed)
        }
        while let node = queue.popLast() {
            // Water does not pass a reservoir from one part of the network to another.
            if model.nodes[node].kind == .reservoir { continue }
            for neighbour in graph.neighbours(of: node) where !inside[neighbour.node] {
                let link = model.links[neighbour.link]
                if metered.contains(neighbour.link) || link.initialStatus == .closed { continue }
                inside[neighbour.node] = true
                queue.append(neighbour.node)
            }
        }
        guard model.nodes.indices.contains(where: { inside[$0] && model.nodes[$0].kind == .junction }) else {
            return nil
        }
        contains = inside
        pipeLengthM = model.links.reduce(0) {
            $1.kind == .pipe && inside[$1.from] && inside[$1.to] ? $0 + $1.lengthM : $0
        }
    }
}
