import Foundation
import Testing
@testable import Detection
import WaterNetwork

/// The burst's measured flow checks the size a candidate's fit implies (`CandidateScoring.SizeCheck`).
@Suite struct BurstSizeCheckTests {
    /// Two candidates whose drops have the same shape, one ten times stronger per m³/s: the
    /// shape cannot tell them apart, the size can. 10 l/s explains the drops at the first.
    @Test func theSizeTellsApartCandidatesOfTheSameShape() {
        let weak = [100.0, 50, 20, 10], strong = weak.map { $0 * 10 }   // metres per m³/s
        let drops = weak.map { 0.010 * $0 }                              // 10 l/s at the first
        let sigmas = [Double](repeating: 0.05, count: drops.count)
        let variants = [weak.indices.map { [weak[$0], strong[$0]] }]   // [variant][logger][node]
        func probabilities(_ check: CandidateScoring.SizeCheck?) -> [Double] {
            CandidateScoring.probabilities(
                misfits: CandidateScoring.misfits(drops: drops, sigmas: sigmas, variants: variants, candidates: [0, 1],
                                                  nodeCount: 2, sizeChecks: [check]),
                loggerCount: drops.count)
        }
        let free = probabilities(nil)
        #expect(abs(free[0] - free[1]) < 1e-9)
        let checked = probabilities(CandidateScoring.SizeCheck(expectedSlope: 0.010, spread: log(3)))
        #expect(checked[0] > 0.85, "\(checked)")
        // A flow ten times smaller turns it round.
        let smaller = probabilities(CandidateScoring.SizeCheck(expectedSlope: 0.001, spread: log(3)))
        #expect(smaller[1] > 0.85, "\(smaller)")
    }

    /// On Net3 with its ten loggers, drops as the operating point predicts them for the
    /// burst's flow, plus a shared offset and noise: knowing the flow leaves less of the
    /// probability on nodes more likely than the burst's own. Over eight bursts and ten noise
    /// draws each, less than half as much (measured: 0.035 against 0.109); it can be a
    /// little worse for one burst (119, 171: within 0.005), never much.
    @Test func knowingTheFlowNarrowsTheSearch() throws {
        let network = try net3()
        let localiser = Localiser(network: network, graph: NetworkGraph(model: network))
        let signature = OperatingPointSignature(network: network)
        var sized = 0.0, unsized = 0.0
        for burst in ["149", "119", "209", "255", "171", "123", "237", "20"] {
            let node = network.nodeIndex(burst)!
            var burstSized = 0.0, burstUnsized = 0.0
            for seed in 1...10 as ClosedRange<UInt64> {
                let drawn = modelEvidence(network: network, burst: burst, loggerNodes: net3LoggerNodes, sigmaM: 0.05,
                                          seed: seed, rows: signature)
                func massAbove(_ flow: Double) -> Double {
                    let p = localiser.burstProbabilities(evidence: drawn.evidence, flowIncreaseLps: flow)
                    return p.reduce(0) { $1 > p[node] ? $0 + $1 : $0 } / 10
                }
                burstSized += massAbove(drawn.flowLps)
                burstUnsized += massAbove(0)
            }
            #expect(burstSized < burstUnsized + 0.02, "burst \(burst): with the flow \(burstSized), without \(burstUnsized)")
            sized += burstSized / 8
            unsized += burstUnsized / 8
        }
        #expect(sized < 0.5 * unsized, "with the flow \(sized), without \(unsized)")
    }

}
