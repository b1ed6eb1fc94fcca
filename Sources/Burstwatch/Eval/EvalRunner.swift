import Detection
import WaterNetwork
import Readings

/// Runs the live detector's code over a scenario exactly as the live service would see it:
/// window by window in data time, each DMA's history growing by that window's readings only,
/// one `BurstDetector.step` per DMA per window. Nothing is fitted on future data: the
/// detector only ever receives the history up to the window it judges.
public struct EvalRunner: Sendable {
    public var config: DetectorConfig
    /// What each DMA's detector localises with, given the DMA and the localiser eval built
    /// for it; nil: that localiser. For measurement, e.g. recording the evidence.
    public var localising: (@Sendable (_ dma: String, _ localiser: Localiser) -> any BurstLocalising)?

    public init(config: DetectorConfig = .default,
                localising: (@Sendable (_ dma: String, _ localiser: Localiser) -> any BurstLocalising)? = nil) {
        self.config = config
        self.localising = localising
    }

    public struct Run: Sendable {
        /// Every event the detector would have published, in order.
        public var events: [BurstEvent]
        /// Windows judged (per DMA), from `history_until` on.
        public var windowsStepped: Int
        public var dmas: [String]
        /// Mean net inflow of each DMA over the burst-free history (l/s), for sizing bursts.
        public var meanInflowByDMA: [String: Double]
        /// Where each DMA is in the network (`DMARegion`); none for a DMA the network does not place.
        public var regionByDMA: [String: DMARegion]
        public var firstEvaluatedWindow: Int64
        public var endOfData: Int64
        public var localised: Bool
    }

    public func run(_ scenario: Scenario) -> Run {
        let windowMicros = config.windowSeconds * 1_000_000
        let dmas = scenario.registry.dmaNames
        let localiser = scenario.network.map { Localiser(network: $0, graph: NetworkGraph(model: $0)) }
        var regions: [String: DMARegion] = [:]
        for dma in dmas {
            if let localiser { regions[dma] = DMARegion(dma: dma, registry: scenario.registry, graph: localiser.graph) }
        }
        // One detector per DMA, each localising within its own DMA.
        let detectors = dmas.map { dma in
            let own = regions[dma].flatMap { localiser?.restricted(to: $0) } ?? localiser
            return BurstDetector(config: config, localiser: own.map { own in localising?(dma, own) ?? own })
        }
        var histories = dmas.map { DMAHistory(dma: $0, registry: scenario.registry, windowSeconds: config.windowSeconds) }
        var states = dmas.map { DetectorState(dma: $0) }
        let dmaIndex = Dictionary(uniqueKeysWithValues: dmas.enumerated().map { ($1, $0) })

        let readings = scenario.readings
        guard let first = readings.first, let last = readings.last else {
            return Run(events: [], windowsStepped: 0, dmas: dmas, meanInflowByDMA: [:], regionByDMA: regions,
                       firstEvaluatedWindow: scenario.info.historyUntil, endOfData: scenario.info.historyUntil,
                       localised: localiser != nil)
        }
        let firstWindow = Windowing.windowStart(of: first.timestamp, lengthSeconds: config.windowSeconds)
        let lastWindow = Windowing.windowStart(of: last.timestamp, lengthSeconds: config.windowSeconds)
        let evaluateFrom = Windowing.windowStart(of: scenario.info.historyUntil + windowMicros - 1,
                                                 lengthSeconds: config.windowSeconds)

        var events: [BurstEvent] = []
        var stepped = 0
        var next = 0
        var window = firstWindow
        var meanInflow: [String: Double] = [:]
        while window <= lastWindow {
            let end = window + windowMicros
            // This window's readings, and only those: data time is the only clock.
            while next < readings.count, readings[next].timestamp < end {
                let reading = readings[next]
                if let index = dmaIndex[reading.dma] { histories[index].append(reading) }
                next += 1
            }
            if window == evaluateFrom {
                for (index, dma) in dmas.enumerated() { meanInflow[dma] = Self.meanInflow(histories[index]) }
            }
            if window >= evaluateFrom {
                for index in dmas.indices {
                    let (state, published) = detectors[index].step(states[index], window: window, history: histories[index])
                    states[index] = state
                    events.append(contentsOf: published)
                    stepped += 1
                }
            }
            window = end
        }
        if meanInflow.isEmpty {
            for (index, dma) in dmas.enumerated() { meanInflow[dma] = Self.meanInflow(histories[index]) }
        }
        return Run(events: events, windowsStepped: stepped, dmas: dmas, meanInflowByDMA: meanInflow, regionByDMA: regions,
                   firstEvaluatedWindow: evaluateFrom, endOfData: lastWindow + windowMicros,
                   localised: localiser != nil)
    }

    private static func meanInflow(_ history: DMAHistory) -> Double {
        var total = 0.0, count = 0
        for index in 0..<history.windowCount {
            if let value = history.inflow(atIndex: index) {
                total += value
                count += 1
            }
        }
        return count > 0 ? total / Double(count) : 0
    }
}
