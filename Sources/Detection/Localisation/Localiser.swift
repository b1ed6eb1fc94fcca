import Readings
import WaterNetwork

/// Finds where in the network a burst most likely is, from the pressure drops the
/// loggers saw. Pure and deterministic; build one per network and reuse it.
///
/// Method:
/// 1. Every junction is a candidate burst location. Its signature is the relative drop it
///    would cause at each logger, from the model `LocalisationSettings.method` names
///    (by default `OperatingPointSignature` and `LinearHydraulicSignature` as alternatives,
///    or one of them, or `DistanceDecaySignature`), seen through the pressure model's
///    common mode as the drops are (`throughCommonMode`).
/// 2. Each candidate is scored by how well its signature explains the observed drops,
///    up to a size and a shared offset (`CandidateScoring`); with a hydraulic signature
///    the size must also agree with the burst's measured flow. The scores become
///    probabilities whose spread comes from the evidence's noise plus the signature
///    model's own error.
/// 3. The area grows from the best node through its most likely neighbours until it holds
///    most of the probability, within a cap on pipe length (`AreaGrowing`). Weak evidence
///    gives flat probabilities and so a large area: the uncertainty is shown, not hidden.
///
/// On a network of several DMAs, `restricted(to:)` gives the localiser of one DMA: only its
/// junctions are candidates, the area never leaves it, and the cap is a share of its pipes.
public struct Localiser: Sendable {
    public let network: NetworkModel
    public let graph: NetworkGraph
    public let settings: LocalisationSettings
    /// The DMA searched; nil: the whole network.
    public private(set) var region: DMARegion?
    private var candidates: [Int]
    /// Factorised once per network, only when the method needs it.
    private let hydraulics: LinearHydraulicSignature?
    private let operatingPoint: OperatingPointSignature?
    /// Signatures at measured conditions (`MeasuredOperation`), built when first asked for.
    private let measuredOperatingPoints = OperatingPointCache()

    public init(network: NetworkModel, graph: NetworkGraph) {
        self.init(network: network, graph: graph, settings: LocalisationSettings())
    }

    /// `graph` must be built from `network`.
    public init(network: NetworkModel, graph: NetworkGraph, settings: LocalisationSettings) {
        precondition(graph.nodeCount == network.nodes.count, "graph is not built from this network")
        self.network = network
        self.graph = graph
        self.settings = settings
        let junctions = network.nodes.indices.filter { network.nodes[$0].kind == .junction }
        // A network of tanks and reservoirs only still gets an answer.
        candidates = junctions.isEmpty ? Array(network.nodes.indices) : junctions
        let method = settings.method
        let linear = method == .linearHydraulics || method == .operatingPointOrLinear
            ? LinearHydraulicSignature(network: network) : nil
        hydraulics = linear
        operatingPoint = method == .operatingPoint || method == .operatingPointOrLinear
            ? OperatingPointSignature(network: network, linear: linear) : nil
    }

    /// What the area's size limits are shares of: the DMA's pipes, or the network's.
    private var searchedPipeLengthM: Double { region?.pipeLengthM ?? graph.totalPipeLengthM }

    /// The same localiser searching only `region` (signatures are shared, not recomputed).
    public func restricted(to region: DMARegion) -> Localiser {
        var copy = self
        copy.region = region
        copy.candidates = candidates.filter { region.contains[$0] }
        return copy
    }

    /// The localiser of `dma`, on the region its meters close (`DMARegion`); this one
    /// unchanged when the registry does not place the DMA in the network.
    public func restricted(toDMA dma: String, registry: LoggerRegistry) -> Localiser {
        DMARegion(dma: dma, registry: registry, graph: graph).map { restricted(to: $0) } ?? self
    }

    /// `flowIncreaseLps`, the burst's flow as the DMA's inflow measured it, checks the size
    /// the hydraulic signatures imply (`LocalisationSettings.burstSizeSpread`); 0 or less:
    /// unknown, not checked. The distance-decay method has no units and ignores it.
    /// `operation`, what the DMA's meters measured before the burst: the operating point is
    /// then linearised at that hour (`MeasuredOperation`) instead of at the file's snapshot.
    public func localise(evidence: [PressureEvidence], flowIncreaseLps: Double,
                         operation: MeasuredOperation? = nil) -> AreaOfInterest {
        guard !candidates.isEmpty else {
            return AreaOfInterest(nodes: [], pipes: [], pipeLengthM: 0, centroid: Point(x: 0, y: 0),
                                  geometry: Geometry(lines: []))
        }
        let observations = LoggerObservations(evidence: evidence, network: network)
        let distances = DistanceTable(graph: graph, sources: observations.nodes)
        let probabilities = probabilities(observations, distances: distances, flowIncreaseLps: flowIncreaseLps,
                                          operation: operation)
        let peak = mostLikelyNode(probabilities, observations: observations, distances: distances)
        let start = settings.seedNeighbourhoodShare > 0
            ? AreaSeed(graph: graph).centre(
                probabilities: probabilities,
                neighbourhoodPipeLengthM: settings.seedNeighbourhoodShare * searchedPipeLengthM, fallback: peak)
            : peak
        let area = AreaGrowing(graph: graph).grow(
            from: start, probabilities: probabilities, coverage: settings.coverage,
            maxPipeLengthM: settings.maxShareOfPipeLength * searchedPipeLengthM,
            minimumPipes: settings.minimumPipes, within: region?.contains)
        return AreaDescription(network: network).describe(area: area, probabilities: probabilities)
    }

    /// The probability that the burst is at each node (index = node index; 0 for
    /// non-candidates). For comparing methods and for diagnostics. `flowIncreaseLps` 0:
    /// the burst's size is unknown and not checked.
    public func burstProbabilities(evidence: [PressureEvidence], flowIncreaseLps: Double = 0,
                                   operation: MeasuredOperation? = nil) -> [Double] {
        let observations = LoggerObservations(evidence: evidence, network: network)
        return probabilities(observations, distances: DistanceTable(graph: graph, sources: observations.nodes),
                             flowIncreaseLps: flowIncreaseLps, operation: operation)
    }

    /// The operating-point signature for `operation`'s conditions, or the file's snapshot's
    /// when there is no measurement or its solve fails.
    private func operatingPoint(at operation: MeasuredOperation?) -> OperatingPointSignature? {
        guard let base = operatingPoint, let operation else { return operatingPoint }
        let conditions = operation.conditions(on: graph, demandNodes: region?.contains)
        guard conditions != .asFiled else { return base }
        let measured = measuredOperatingPoints.signature(conditions) {
            OperatingPointSignature(network: network, linear: hydraulics, conditions: conditions)
        }
        return measured.fallbackReason == nil ? measured : base
    }

    private func probabilities(_ observations: LoggerObservations, distances: DistanceTable,
                               flowIncreaseLps: Double, operation: MeasuredOperation?) -> [Double] {
        let operatingPoint = operatingPoint(at: operation)
        let variants: [[[Double]]]
        var sizeChecks: [CandidateScoring.SizeCheck?] = []
        // The operating point's drops are metres per m³/s of outflow: the size its fit
        // should find is the burst's flow.
        let sized = settings.burstSizeSpread.flatMap { spread in
            flowIncreaseLps > 0 && flowIncreaseLps.isFinite
                ? CandidateScoring.SizeCheck(expectedSlope: flowIncreaseLps / 1000, spread: spread) : nil
        }
        switch settings.method {
        case .distanceDecay:
            let signature = DistanceDecaySignature(distances: distances, loggerNodes: observations.nodes,
                                                   network: network, factors: settings.lengthScaleFactors)
            variants = signature.variants(distances: distances, loggerNodes: observations.nodes)
        case .linearHydraulics:
            variants = hydraulics?.variants(loggerNodes: observations.nodes, nodeCount: network.nodes.count) ?? []
        case .operatingPoint:
            variants = operatingPoint?.variants(loggerNodes: observations.nodes, nodeCount: network.nodes.count) ?? []
            sizeChecks = [operatingPoint?.fallbackReason == nil ? sized : nil]
        case .operatingPointOrLinear:
            // An operating point that did not solve falls back on the linear signature,
            // which is here already: not scored twice.
            let solved = operatingPoint?.fallbackReason == nil
            let atOperatingPoint = solved
                ? operatingPoint?.variants(loggerNodes: observations.nodes, nodeCount: network.nodes.count) ?? [] : []
            let linear = hydraulics?.variants(loggerNodes: observations.nodes, nodeCount: network.nodes.count) ?? []
            variants = atOperatingPoint + linear
            if let sized, let reference = atOperatingPoint.first, let rows = linear.first {
                // The linear signature's conductances are set at a typical velocity, not at
                // the real flows, so its units are off by a network-wide factor: rescaled to
                // the operating point's by the median ratio of their drop ranges.
                let scale = Self.medianRangeRatio(reference, to: rows, candidates: candidates)
                sizeChecks = [sized, scale.map { CandidateScoring.SizeCheck(expectedSlope: sized.expectedSlope * $0,
                                                                             spread: sized.spread) }]
            }
        }
        // The drops reach us through the pressure model's common mode; so must the signatures.
        let seen = settings.commonModeLens ? Self.throughCommonMode(variants, gains: observations.commonModeGains) : variants
        let sigmas = observations.sigmasWithModelError(
            share: settings.modelErrorShare ?? settings.method.typicalModelError)
        let misfits = CandidateScoring.misfits(drops: observations.dropsM, sigmas: sigmas,
                                               variants: seen, candidates: candidates,
                                               nodeCount: network.nodes.count, sizeChecks: sizeChecks)
        return CandidateScoring.probabilities(misfits: misfits, loggerCount: observations.count)
    }

    /// Each signature as the evidence sees it: the pressure model takes out of every logger
    /// its gain times the loggers' median change, so a burst's own drop, where every logger
    /// feels it, is partly taken out too. `variants[v][k][n]`.
    static func throughCommonMode(_ variants: [[[Double]]], gains: [Double]) -> [[[Double]]] {
        guard gains.contains(where: { $0 != 0 }), let first = variants.first, first.count == gains.count,
              let nodeCount = first.first?.count else { return variants }
        var result = variants
        for v in variants.indices {
            for n in 0..<nodeCount {
                let median = RobustStatistics.median(gains.indices.map { variants[v][$0][n] }) ?? 0
                for k in gains.indices { result[v][k][n] = variants[v][k][n] - gains[k] * median }
            }
        }
        return result
    }

    /// Median over candidates of the range over loggers of `reference` over that of `rows`
    /// (both `[k][n]`): the factor that takes `rows` to `reference`'s units. Nil when no
    /// candidate has a range in both.
    static func medianRangeRatio(_ reference: [[Double]], to rows: [[Double]], candidates: [Int]) -> Double? {
        var ratios: [Double] = []
        for node in candidates {
            var low = (Double.infinity, Double.infinity), high = (-Double.infinity, -Double.infinity)
            for k in rows.indices {
                low = (min(low.0, reference[k][node]), min(low.1, rows[k][node]))
                high = (max(high.0, reference[k][node]), max(high.1, rows[k][node]))
            }
            let a = high.0 - low.0, b = high.1 - low.1
            if a > 0 && b > 0 && a.isFinite && b.isFinite { ratios.append(a / b) }
        }
        guard !ratios.isEmpty else { return nil }
        ratios.sort()
        return ratios[ratios.count / 2]
    }

    /// The most probable node; among equals (e.g. no evidence at all) the one closest on
    /// average to the loggers, the middle of what is observed.
    private func mostLikelyNode(_ probabilities: [Double], observations: LoggerObservations,
                                distances: DistanceTable) -> Int {
        func meanDistanceToLoggers(_ node: Int) -> Double {
            guard !observations.nodes.isEmpty else { return 0 }
            return observations.nodes.reduce(0) { $0 + distances.distance(from: $1, to: node) }
                / Double(observations.nodes.count)
        }
        var best = candidates[0]
        var bestDistance = meanDistanceToLoggers(best)
        for node in candidates.dropFirst() {
            if probabilities[node] < probabilities[best] { continue }
            let distance = meanDistanceToLoggers(node)
            if probabilities[node] > probabilities[best] || distance < bestDistance {
                best = node
                bestDistance = distance
            }
        }
        return best
    }
}
