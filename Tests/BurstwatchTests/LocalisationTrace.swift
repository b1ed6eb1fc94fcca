import Burstwatch
@testable import Detection
import Foundation
import Readings
import Testing
import WaterNetwork

/// Measurement, not a check: what the localiser is given on the eval suite, and how well it
/// does with it, so that localisation can be compared without re-running detection.
///
/// 1. `BURSTWATCH_TRACE_SUITE=/tmp/bw-suite BURSTWATCH_TRACE=/tmp/trace.jsonl swift test
///    --filter LocalisationTrace/record` runs the detector over every scenario with a burst and
///    writes each DMA's last localisation input (evidence and flow) as one JSON line.
/// 2. `BURSTWATCH_TRACE=/tmp/trace.jsonl swift test --filter LocalisationTrace/score` localises
///    those inputs again and prints, per burst, whether the node is in the area, the area's
///    share, the burst node's rank (the probability of the nodes more likely than it, plus half
///    of the nodes exactly as likely: `fairRank`) and `tied`, the share of candidates exactly as
///    likely as the burst node (near 1: it sits at the floor, its signature explaining the drops
///    no better than none, with nearly every other candidate), then the totals. BURSTWATCH_TRACE_DETAIL=SCENARIO prints that burst's signatures;
///    BURSTWATCH_TRACE_METHOD, _SIZE_SPREAD (a number, or "off"), _MODEL_ERROR, _CAP, _MIN_PIPES,
///    _COVERAGE and _SEED override `LocalisationSettings`; BURSTWATCH_TRACE_DIR is the suite
///    (default /tmp/bw-suite). BURSTWATCH_TRACE_OPERATION=off localises at the network file's
///    snapshot instead of the hour the meters measured (step 1 records it, over
///    BURSTWATCH_TRACE_OPERATION_WINDOWS windows before the start if set).
///    BURSTWATCH_TRACE_MASS prints the probability the area holds; BURSTWATCH_TRACE_BOUND
///    the largest ratio, over loggers that fell by more than 3 standard deviations, of the
///    drop to the most any node's burst of the measured flow would cause there at the
///    file's snapshot (how far a physical bound on drops would be from real bursts).
///    BURSTWATCH_TRACE_LENS=off compares the raw signatures with the drops instead of seeing
///    them through the pressure model's common mode (`LocalisationSettings.commonModeLens`;
///    records written before the gains were kept see no difference).
/// The record is the input of the area each burst's DMA published last, as `burstwatch eval`
/// scores it; re-localised with other settings, the figures approximate eval's.
@Suite struct LocalisationTrace {
    struct Record: Codable {
        var scenario: String
        var dma: String
        var burstNode: String
        var flowIncreaseLps: Double
        var loggers: [String]
        var nodes: [String]
        var drops: [Double]
        var sigmas: [Double]
        /// Each logger's common-mode gain (`PressureEvidence.commonModeGain`); nil in records
        /// written before it was kept.
        var gains: [Double]?
        /// The published event's start estimate and data time (µs since the epoch): the span
        /// the drops are means over. Nil in records written before they were kept.
        var startEstimate: Int64?
        var detectedAt: Int64?
        /// What the meters measured before the start (`MeasuredOperation`); nil in records
        /// written before it was kept, or when there was no complete window.
        var operationFlows: [String: Double]?
        var operationNetInflow: Double?

        var operation: MeasuredOperation? {
            guard let operationFlows, let operationNetInflow else { return nil }
            return MeasuredOperation(flowsIntoDMALps: operationFlows, netInflowLps: operationNetInflow)
        }
    }

    final class Recorder: BurstLocalising, @unchecked Sendable {
        let inner: Localiser
        let lock = NSLock()
        var calls: [(flow: Double, evidence: [PressureEvidence], operation: MeasuredOperation?, area: [String])] = []

        init(_ inner: Localiser) { self.inner = inner }

        func localise(evidence: [PressureEvidence], flowIncreaseLps: Double,
                      operation: MeasuredOperation?) -> AreaOfInterest {
            let area = inner.localise(evidence: evidence, flowIncreaseLps: flowIncreaseLps, operation: operation)
            lock.withLock { calls.append((flowIncreaseLps, evidence, operation, area.nodes)) }
            return area
        }
    }

    final class Recorders: @unchecked Sendable {
        let lock = NSLock()
        var byDMA: [String: Recorder] = [:]
        func make(_ dma: String, _ localiser: Localiser) -> any BurstLocalising {
            let recorder = Recorder(localiser)
            lock.withLock { byDMA[dma] = recorder }
            return recorder
        }
    }

    static let environment = ProcessInfo.processInfo.environment

    /// The probability more likely than `node`'s, plus half of what is exactly as likely
    /// (besides the node's own): nodes that tie with it, all at the floor of a signature that
    /// explains nothing or on a branch every logger sees alike, count half, as a fair draw among
    /// them would place it. Counting only the more likely ones flattered a burst node lost
    /// among hundreds at the floor (session 20).
    static func fairRank(_ probabilities: [Double], of node: Int) -> Double {
        let own = probabilities[node], tolerance = 1e-9 * own
        var more = 0.0, tied = 0.0
        for p in probabilities {
            if p > own + tolerance {
                more += p
            } else if abs(p - own) <= tolerance {
                tied += p
            }
        }
        return more + (tied - own) / 2
    }

    @Test(.enabled(if: environment["BURSTWATCH_TRACE_SUITE"] != nil && environment["BURSTWATCH_TRACE"] != nil))
    func record() throws {
        let suite = Self.environment["BURSTWATCH_TRACE_SUITE"]!
        let names = try FileManager.default.contentsOfDirectory(atPath: suite).sorted()
        var lines: [String] = []
        for name in names {
            let folder = suite + "/" + name
            guard FileManager.default.fileExists(atPath: folder + "/truth.json") else { continue }
            let scenario = try ScenarioLoader.load(folder: folder)
            guard let burst = scenario.truth?.bursts.first, let network = scenario.network else { continue }
            let recorders = Recorders()
            var config = DetectorConfig()
            if let windows = Self.environment["BURSTWATCH_TRACE_OPERATION_WINDOWS"].flatMap(Int.init) {
                config.operationWindows = windows
            }
            let run = EvalRunner(config: config, localising: { recorders.make($0, $1) }).run(scenario)
            guard let node = network.nodeIndex(burst.node),
                  let dma = run.dmas.first(where: { run.regionByDMA[$0]?.contains[node] ?? true }),
                  let event = run.events.last(where: { $0.dma == dma && $0.areaOfInterest != nil }),
                  let published = event.areaOfInterest,
                  let last = recorders.byDMA[dma]?.calls.last(where: { $0.area == published.nodes }) else { continue }
            let record = Record(scenario: name, dma: dma, burstNode: burst.node, flowIncreaseLps: last.flow,
                                loggers: last.evidence.map(\.loggerID), nodes: last.evidence.map(\.nodeID),
                                drops: last.evidence.map(\.dropM), sigmas: last.evidence.map(\.sigmaM),
                                gains: last.evidence.map(\.commonModeGain),
                                startEstimate: event.startEstimate, detectedAt: event.detectedAt,
                                operationFlows: last.operation?.flowsIntoDMALps,
                                operationNetInflow: last.operation?.netInflowLps)
            lines.append(String(decoding: try JSONEncoder().encode(record), as: UTF8.self))
            print("recorded \(name): \(last.evidence.count) loggers, \(last.flow) l/s")
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: Self.environment["BURSTWATCH_TRACE"]!,
                                                         atomically: true, encoding: .utf8)
    }

    @Test(.enabled(if: environment["BURSTWATCH_TRACE_SUITE"] == nil && environment["BURSTWATCH_TRACE"] != nil))
    func score() throws {
        let suite = Self.environment["BURSTWATCH_TRACE_DIR"] ?? "/tmp/bw-suite"
        let text = try String(contentsOfFile: Self.environment["BURSTWATCH_TRACE"]!, encoding: .utf8)
        let records = try text.split(separator: "\n").map { try JSONDecoder().decode(Record.self, from: Data($0.utf8)) }
        var cache: [String: (Localiser, LoggerRegistry, [Double])] = [:]
        var inArea = 0, shares: [Double] = [], ranks: [Double] = [], lengthRanks: [Double] = []
        for record in records {
            let folder = suite + "/" + record.scenario
            let networkText = try String(contentsOfFile: folder + "/network.inp", encoding: .utf8)
            let registryText = try String(contentsOfFile: folder + "/loggers.csv", encoding: .utf8)
            let key = String(networkText.hashValue) + registryText
            let (base, registry, nodeLength) = try cache[key] ?? {
                let network = try INPReader.parse(networkText)
                var settings = LocalisationSettings()
                if let method = Self.environment["BURSTWATCH_TRACE_METHOD"].flatMap(SignatureMethod.init(rawValue:)) {
                    settings.method = method
                }
                if let spread = Self.environment["BURSTWATCH_TRACE_SIZE_SPREAD"] { settings.burstSizeSpread = Double(spread) }
                settings.modelErrorShare = Self.environment["BURSTWATCH_TRACE_MODEL_ERROR"].flatMap(Double.init)
                if let cap = Self.environment["BURSTWATCH_TRACE_CAP"].flatMap(Double.init) { settings.maxShareOfPipeLength = cap }
                if let coverage = Self.environment["BURSTWATCH_TRACE_COVERAGE"].flatMap(Double.init) { settings.coverage = coverage }
                if let seed = Self.environment["BURSTWATCH_TRACE_SEED"].flatMap(Double.init) { settings.seedNeighbourhoodShare = seed }
                if let pipes = Self.environment["BURSTWATCH_TRACE_MIN_PIPES"].flatMap(Int.init) { settings.minimumPipes = pipes }
                if Self.environment["BURSTWATCH_TRACE_LENS"] == "off" { settings.commonModeLens = false }
                // Each node's pipe length (half of each pipe to each end), for the length rank.
                var nodeLength = [Double](repeating: 0, count: network.nodes.count)
                for link in network.links where link.kind == .pipe {
                    nodeLength[link.from] += link.lengthM / 2
                    nodeLength[link.to] += link.lengthM / 2
                }
                let made = (Localiser(network: network, graph: NetworkGraph(model: network), settings: settings),
                            try LoggerRegistry.parse(csv: registryText), nodeLength)
                cache[key] = made
                return made
            }()
            let localiser = base.restricted(toDMA: record.dma, registry: registry)
            let evidence = record.loggers.indices.map {
                PressureEvidence(loggerID: record.loggers[$0], nodeID: record.nodes[$0], dropM: record.drops[$0],
                                 sigmaM: record.sigmas[$0], commonModeGain: record.gains?[$0] ?? 0)
            }
            // BURSTWATCH_TRACE_OPERATION=off: linearised at the file's snapshot, as before the
            // measured operation was used.
            let operation = Self.environment["BURSTWATCH_TRACE_OPERATION"] == "off" ? nil : record.operation
            let area = localiser.localise(evidence: evidence, flowIncreaseLps: record.flowIncreaseLps, operation: operation)
            let probabilities = localiser.burstProbabilities(evidence: evidence, flowIncreaseLps: record.flowIncreaseLps,
                                                             operation: operation)
            let node = base.network.nodeIndex(record.burstNode)!
            let rank = Self.fairRank(probabilities, of: node)
            // The pipe length of the candidates more likely than the burst node, as a share
            // of the candidates' pipe length.
            let candidateLength = probabilities.indices.filter { probabilities[$0] > 0 }.reduce(0) { $0 + nodeLength[$1] }
            let lengthRank = probabilities.indices.filter { probabilities[$0] > probabilities[node] }
                .reduce(0) { $0 + nodeLength[$1] } / max(candidateLength, 1e-9)
            lengthRanks.append(lengthRank)
            let hit = area.nodes.contains(record.burstNode)
            let share = area.pipeLengthM / base.graph.totalPipeLengthM
            inArea += hit ? 1 : 0
            shares.append(share)
            ranks.append(rank)
            if Self.environment["BURSTWATCH_TRACE_DETAIL"] == record.scenario {
                Self.detail(localiser: localiser, evidence: evidence, probabilities: probabilities, truth: node)
            }
            let strongest = record.loggers.indices.map { record.drops[$0] / record.sigmas[$0] }.max() ?? 0
            let held = area.nodes.compactMap { base.network.nodeIndex($0) }.reduce(0) { $0 + probabilities[$1] }
            let top = probabilities.max() ?? 0
            if Self.environment["BURSTWATCH_TRACE_MASS"] != nil {
                let around = AreaSeed(graph: base.graph).mass(around: node, probabilities,
                                                               localiser.settings.maxShareOfPipeLength * (localiser.region?.pipeLengthM ?? base.graph.totalPipeLengthM))
                print(String(format: "   area holds %.3f, the same length around the burst node %.3f; burst node p %.4f, top p %.4f, nodes with p > 0: %d", held,
                             around, probabilities[node], top, probabilities.count { $0 > 0 }))
            }
            if Self.environment["BURSTWATCH_TRACE_BOUND"] != nil {
                let observations = LoggerObservations(evidence: evidence, network: base.network)
                let op = OperatingPointSignature(network: base.network, linear: nil)
                let rows = op.variants(loggerNodes: observations.nodes, nodeCount: base.network.nodes.count)[0]
                let region = localiser.region
                var worst = 0.0, worstZ = 0.0
                for k in observations.nodes.indices {
                    let z = observations.dropsM[k] / observations.sigmasM[k]
                    guard z > 3 else { continue }
                    var peak = 0.0
                    for n in base.network.nodes.indices where region?.contains[n] ?? true { peak = max(peak, rows[k][n]) }
                    let bound = peak * record.flowIncreaseLps / 1000
                    let ratio = observations.dropsM[k] / max(bound, 1e-9)
                    if ratio > worst { worst = ratio; worstZ = z }
                }
                print(String(format: "   bound: largest drop / (largest sensitivity x flow) %.2f (logger z %.1f)", worst, worstZ))
            }
            let own = probabilities[node]
            let tied = Double(probabilities.count { abs($0 - own) <= 1e-9 * own && $0 > 0 })
                / Double(max(probabilities.count { $0 > 0 }, 1))
            print(String(format: "%-10@ %-6@ in area %@  share %5.1f %%  rank %.3f  length rank %.3f  loggers %2d  flow %6.2f  max z %5.1f  tied %.2f",
                         record.scenario, record.burstNode, hit ? "yes" : "no ", share * 100, rank, lengthRank,
                         record.loggers.count, record.flowIncreaseLps, strongest, tied))
        }
        let sortedShares = shares.sorted(), sortedRanks = ranks.sorted()
        print(String(format: "in area %d/%d, area share median %.1f %%, rank median %.3f mean %.3f; length rank < 5 %% %d, < 10 %% %d, median %.3f",
                     inArea, records.count, sortedShares[sortedShares.count / 2] * 100,
                     sortedRanks[sortedRanks.count / 2], ranks.reduce(0, +) / Double(ranks.count),
                     lengthRanks.count { $0 < 0.05 }, lengthRanks.count { $0 < 0.10 },
                     lengthRanks.sorted()[lengthRanks.count / 2]))
    }

    /// The burst node's and the most likely nodes' signatures against the observed drops.
    static func detail(localiser: Localiser, evidence: [PressureEvidence], probabilities: [Double], truth: Int) {
        let network = localiser.network
        let observations = LoggerObservations(evidence: evidence, network: network)
        let linear = LinearHydraulicSignature(network: network)
        let operating = OperatingPointSignature(network: network, linear: linear)
        let rows = operating.variants(loggerNodes: observations.nodes, nodeCount: network.nodes.count)
            + linear.variants(loggerNodes: observations.nodes, nodeCount: network.nodes.count)
        let top = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }.prefix(5)
        print("loggers: " + observations.nodes.map { network.nodes[$0].id }.joined(separator: " "))
        print("drops:   " + observations.dropsM.map { String(format: "%.3f", $0) }.joined(separator: " "))
        for node in [truth] + top {
            print(String(format: "%@ p=%.4f", network.nodes[node].id, probabilities[node]))
            for (v, variant) in rows.enumerated() {
                let values = variant.map { $0[node] }
                let peak = values.map(abs).max() ?? 1
                print("   v\(v): " + values.map { String(format: "%.3f", $0 / max(peak, 1e-12)) }.joined(separator: " "))
            }
        }
    }
}
