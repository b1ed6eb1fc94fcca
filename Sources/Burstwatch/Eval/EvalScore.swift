import Detection
import WaterNetwork
import Readings

/// How one true burst fared.
public struct BurstScore: Sendable {
    public var node: String
    public var start: Int64
    public var sizeLps: Double
    /// When the leak stopped (truth.json's optional `end`); nil: it ran to the end of the data.
    public var end: Int64?
    /// The burst's size as a share of its DMA's mean inflow (nil when that is unknown).
    public var sizeShare: Double?
    public var dma: String?
    /// The event that detected it: the first opened after the burst started.
    public var eventID: String?
    public var detectedAt: Int64?
    public var timeToDetectSeconds: Double?
    /// Estimated minus true start, seconds.
    public var startErrorSeconds: Double?
    /// The last published flow increase of the event.
    public var estimatedFlowLps: Double?
    /// Whether the burst node is in the area of the opening event and of the last one published.
    public var inAreaAtOpening: Bool?
    public var inArea: Bool?
    /// Last published area's pipe length over the network's.
    public var areaShare: Double?
    /// Network distance from the burst node to the nearest node of the last published area.
    public var distanceToAreaM: Double?
    /// When the event that detected it closed (its `closed` alert's data time).
    public var closedAt: Int64?

    public var detected: Bool { eventID != nil }
    /// Closed after the repair: how long after, seconds.
    public var timeToCloseSeconds: Double? {
        guard let end, let closedAt, closedAt >= end else { return nil }
        return Double(closedAt - end) / 1e6
    }
    /// Closed (or withdrawn) while the leak still ran: the crew is called off a real burst.
    public var closedWhileLeaking: Bool { closedAt.map { $0 < end ?? .max } ?? false }
    /// Repaired, and its event still open at the end of the data.
    public var leftOpen: Bool { detected && end != nil && closedAt == nil }
}

/// The score of one eval run against the scenario's truth.
public struct EvalScore: Sendable {
    public var bursts: [BurstScore]
    /// Opened events that match no true burst.
    public var falseAlarms: [BurstEvent]
    /// Opened events for a burst that an earlier event had already found (a re-opening).
    public var repeatAlarms: [BurstEvent]
    /// DMAs × evaluated days / 30.
    public var dmaMonths: Double

    public var falseAlarmsPerDMAMonth: Double { dmaMonths > 0 ? Double(falseAlarms.count) / dmaMonths : 0 }

    /// Matches opened events to true bursts: an event detects a burst when it opened (its
    /// `detected_at`) after the burst started and before it ended, in the burst's DMA; each
    /// burst takes the first such event, the latest-started undetected burst first. A burst
    /// without `end` lasts to the end of the scenario; an event opened after a repair, with no
    /// other burst running, is a false alarm.
    public static func score(run: EvalRunner.Run, scenario: Scenario, truth: ScenarioTruth) -> EvalScore {
        let graph = scenario.network.map { NetworkGraph(model: $0) }
        var bursts = truth.bursts.sorted { $0.start < $1.start }.map { burst -> BurstScore in
            let dma = dmaOf(node: burst.node, scenario: scenario, graph: graph, dmas: run.dmas, regions: run.regionByDMA)
            let mean = dma.flatMap { run.meanInflowByDMA[$0] }
            return BurstScore(node: burst.node, start: burst.start, sizeLps: burst.sizeLitresPerSecond, end: burst.end,
                              sizeShare: mean.flatMap { $0 > 0 ? burst.sizeLitresPerSecond / $0 : nil }, dma: dma)
        }
        var falseAlarms: [BurstEvent] = [], repeats: [BurstEvent] = []
        let opened = run.events.filter { $0.state == .opened }.sorted { $0.detectedAt < $1.detectedAt }
        for event in opened {
            let eligible = bursts.indices.filter {
                bursts[$0].start < event.detectedAt && event.detectedAt < bursts[$0].end ?? .max
                    && (bursts[$0].dma == nil || bursts[$0].dma == event.dma)
            }
            if let index = eligible.filter({ !bursts[$0].detected }).max(by: { bursts[$0].start < bursts[$1].start }) {
                bursts[index].eventID = event.eventID
                bursts[index].detectedAt = event.detectedAt
                bursts[index].timeToDetectSeconds = Double(event.detectedAt - bursts[index].start) / 1e6
                bursts[index].inAreaAtOpening = event.areaOfInterest.map { $0.nodes.contains(bursts[index].node) }
            } else if !eligible.isEmpty {
                repeats.append(event)
            } else {
                falseAlarms.append(event)
            }
        }
        for index in bursts.indices {
            guard let id = bursts[index].eventID else { continue }
            let history = run.events.filter { $0.eventID == id }
            guard let latest = history.last else { continue }
            bursts[index].closedAt = history.first { $0.state == .closed }?.detectedAt
            bursts[index].startErrorSeconds = Double(latest.startEstimate - bursts[index].start) / 1e6
            bursts[index].estimatedFlowLps = latest.flowIncreaseLps
            guard let area = history.last(where: { $0.areaOfInterest != nil })?.areaOfInterest else { continue }
            bursts[index].inArea = area.nodes.contains(bursts[index].node)
            if let graph, graph.totalPipeLengthM > 0 {
                bursts[index].areaShare = area.pipeLengthM / graph.totalPipeLengthM
                if let source = graph.model.nodeIndex(bursts[index].node) {
                    let distances = graph.shortestDistances(from: source)
                    bursts[index].distanceToAreaM = area.nodes.compactMap { graph.model.nodeIndex($0) }
                        .map { distances[$0] }.filter(\.isFinite).min()
                }
            }
        }
        let days = Double(run.endOfData - run.firstEvaluatedWindow) / 86_400e6
        return EvalScore(bursts: bursts, falseAlarms: falseAlarms, repeatAlarms: repeats,
                         dmaMonths: Double(run.dmas.count) * max(days, 0) / 30)
    }

    /// The DMA of a network node: the one whose metered boundary closes around it
    /// (`regions`), else the DMA of the logger nearest to it along the pipes (a scenario
    /// does not say which node belongs to which DMA). With one DMA, that one.
    static func dmaOf(node: String, scenario: Scenario, graph: NetworkGraph?, dmas: [String],
                      regions: [String: DMARegion]) -> String? {
        if dmas.count == 1 { return dmas[0] }
        guard let graph, let source = graph.model.nodeIndex(node) else { return nil }
        let enclosing = dmas.filter { regions[$0]?.contains[source] == true }
        if enclosing.count == 1 { return enclosing[0] }
        let distances = graph.shortestDistances(from: source)
        var best: (dma: String, distance: Double)?
        for spec in scenario.registry.channels {
            var nodes: [Int] = []
            if spec.quantity == .pressure, let index = graph.model.nodeIndex(spec.element) {
                nodes = [index]
            } else if let link = graph.model.link(spec.element) {
                nodes = [link.from, link.to]
            }
            for index in nodes where distances[index] < (best?.distance ?? .infinity) {
                best = (spec.dma, distances[index])
            }
        }
        return best?.dma
    }
}
