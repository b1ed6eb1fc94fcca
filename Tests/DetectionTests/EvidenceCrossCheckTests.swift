@testable import Detection
import Foundation
import Readings
import Testing

@Suite struct EvidenceCrossCheckTests {
    static func evidence(_ logger: String, drop: Double, sigma: Double) -> PressureEvidence {
        PressureEvidence(loggerID: logger, nodeID: "N-" + logger, dropM: drop, sigmaM: sigma, commonModeGain: 0.5)
    }

    @Test func aDropTheNetInflowShowsTooKeepsItsWeight() {
        // The difference 0.05 m is within 3 × √(0.05² − 0.03²) = 0.12 m.
        let checked = EvidenceCrossCheck.checked([Self.evidence("PL-1", drop: 0.40, sigma: 0.03)],
                                                 against: [Self.evidence("PL-1", drop: 0.35, sigma: 0.05)])
        #expect(checked == [Self.evidence("PL-1", drop: 0.40, sigma: 0.03)])
    }

    @Test func aDropTheNetInflowDoesNotShowHasTheDifferenceAddedToItsNoise() throws {
        // The difference 0.70 m is beyond 3 × √(0.15² − 0.08²) = 0.38 m.
        let checked = EvidenceCrossCheck.checked([Self.evidence("PL-1", drop: 0.60, sigma: 0.08)],
                                                 against: [Self.evidence("PL-1", drop: -0.10, sigma: 0.15)])
        let item = try #require(checked.first)
        #expect(item.dropM == 0.60)
        #expect(abs(item.sigmaM - (0.08 * 0.08 + 0.70 * 0.70).squareRoot()) < 1e-12)
        #expect(item.commonModeGain == 0.5)
    }

    @Test func aDisagreementWithinTheDropsOwnNoiseKeepsItsWeightWhenTheSpreadIsZero() {
        // The demo's logger nearest its burst: the net-inflow drop's noise is no larger than
        // the per-channel one's, so the spread is 0, and 0.032 m is within the drop's 0.036 m.
        let checked = EvidenceCrossCheck.checked([Self.evidence("PL04", drop: 0.176, sigma: 0.036)],
                                                 against: [Self.evidence("PL04", drop: 0.144, sigma: 0.035)])
        #expect(checked == [Self.evidence("PL04", drop: 0.176, sigma: 0.036)])
        // Beyond it, the difference is added to the noise.
        let beyond = EvidenceCrossCheck.checked([Self.evidence("PL04", drop: 0.176, sigma: 0.036)],
                                                against: [Self.evidence("PL04", drop: 0.100, sigma: 0.035)])
        #expect(abs((beyond.first?.sigmaM ?? 0) - (0.036 * 0.036 + 0.076 * 0.076).squareRoot()) < 1e-12)
    }

    @Test func aDropTheNetInflowShowsLargerKeepsItsWeight() {
        // w-ky3-b3's logger beside the burst: the net inflow says it fell further (0.551 m)
        // than the channels do (0.442 m), far beyond the spread, so it did fall.
        let checked = EvidenceCrossCheck.checked([Self.evidence("PL007", drop: 0.442, sigma: 0.008)],
                                                 against: [Self.evidence("PL007", drop: 0.551, sigma: 0.015)])
        #expect(checked == [Self.evidence("PL007", drop: 0.442, sigma: 0.008)])
        // Nor is a rise the net inflow does not show doubted: measured, leaving rises alone
        // held two more bursts in their areas than doubting them too.
        let rise = EvidenceCrossCheck.checked([Self.evidence("PL007", drop: -0.30, sigma: 0.01)],
                                              against: [Self.evidence("PL007", drop: 0.0, sigma: 0.015)])
        #expect(rise == [Self.evidence("PL007", drop: -0.30, sigma: 0.01)])
    }

    @Test func aLoggerTheSecondModelLeftOutIsUnchanged() {
        let evidence = [Self.evidence("PL-1", drop: 0.6, sigma: 0.08), Self.evidence("PL-2", drop: 0.2, sigma: 0.05)]
        let checked = EvidenceCrossCheck.checked(evidence, against: [Self.evidence("PL-2", drop: 0.21, sigma: 0.06)])
        #expect(checked == evidence)
    }
}

/// Two metered inlets that share the demand about 60:40 in training. PL-1's pressure follows the
/// DMA's demand (it rises with it, as on a line a pump drives harder at the peaks); PL-2, PL-3
/// and PL-4 sit in a part whose pressure does not. On the last day, from `changeIndex`, inlet A
/// carries the whole demand and B nothing (a valve moved, or a burst drawing through A), and
/// PL-2 falls 0.5 m. The per-channel model, extrapolating, makes PL-1 fall; the check doubts
/// drops, not rises, so the logger's pressure rising with demand is what makes it a drop here
/// (falling with it, the same split made a spurious rise).
@Suite struct EvidenceCrossCheckOnAModelTests {
    static let dma = "DMA-X"
    static let slots = 96
    static let changeIndex = 15 * slots + 40
    static let channels = ["FM-A", "FM-B"].map {
        ChannelSpec(loggerID: $0, channel: "flow", element: "P-" + $0, dma: dma, sign: 1, unit: .flow(.litresPerSecond))
    } + (1...4).map {
        ChannelSpec(loggerID: "PL-\($0)", channel: "pressure", element: "N-\($0)", dma: dma, sign: nil,
                    unit: .pressure(.metres))
    }

    static func history() -> DMAHistory {
        var random = SeededRandom(seed: 21)
        var history = DMAHistory(dma: dma, channels: channels)
        for index in 0..<(16 * slots) {
            let hour = Double(index % slots) / 4
            let demand = 60 * (0.6 + 0.5 * exp(-pow((hour - 8) / 2, 2)) + 0.4 * exp(-pow((hour - 19) / 3, 2)))
                + random.gaussian()
            let share = index >= changeIndex ? 1 : 0.6 + 0.02 * random.gaussian()
            var values = ["FM-A": share * demand, "FM-B": (1 - share) * demand]
            values["PL-1"] = 45 + 0.0004 * demand * demand + 0.02 * random.gaussian()
            for k in 2...4 { values["PL-\(k)"] = 48 + 0.02 * random.gaussian() }
            if index >= changeIndex { values["PL-2"]! -= 0.5 }
            for channel in channels {
                history.append(NormalizedReading(loggerID: channel.loggerID, channel: channel.channel,
                                                 timestamp: SyntheticDMA.origin + Int64(index) * SyntheticDMA.window + 1,
                                                 valueSI: values[channel.loggerID]!, dma: dma))
            }
        }
        return history
    }

    static func drops(_ model: PressureModel, _ history: DMAHistory) -> [String: PressureEvidence] {
        let end = 16 * slots - 1
        let series = PressureSeries(model: model, history: history, from: changeIndex - slots, through: end)
        let evidence = series.evidence(start: changeIndex, end: end, baseline: slots)
        return Dictionary(uniqueKeysWithValues: evidence.map { ($0.loggerID, $0) })
    }

    @Test func aDropOnlyTheFlowsRedistributionMadeLosesItsWeightAndARealOneKeepsIt() throws {
        let history = Self.history()
        let training = Array(0..<(14 * Self.slots))
        let channels = try #require(PressureModel.fit(history: history, trainingIndices: training, baselineWindows: Self.slots))
        let netInflow = try #require(PressureModel.fit(history: history, trainingIndices: training,
                                                       baselineWindows: Self.slots, explainedBy: .netInflow))
        let perChannel = Self.drops(channels, history), onNetInflow = Self.drops(netInflow, history)
        let spurious = try #require(perChannel["PL-1"]), real = try #require(perChannel["PL-2"])
        // The per-channel model reads PL-1 off inlets whose split it never saw move.
        #expect(spurious.dropM / spurious.sigmaM > 5)
        #expect(try abs(#require(onNetInflow["PL-1"]).dropM / #require(onNetInflow["PL-1"]).sigmaM) < 3)
        #expect(real.dropM / real.sigmaM > 5)

        let checked = EvidenceCrossCheck.checked(Array(perChannel.values), against: Array(onNetInflow.values))
        let byLogger = Dictionary(uniqueKeysWithValues: checked.map { ($0.loggerID, $0) })
        let widened = try #require(byLogger["PL-1"]), kept = try #require(byLogger["PL-2"])
        #expect(abs(widened.dropM / widened.sigmaM) < 1.5)
        // The real drop keeps its size and nearly all its weight (the two models' common modes
        // differ by millimetres).
        #expect(kept.dropM == real.dropM)
        #expect(kept.dropM / kept.sigmaM > 20)
    }
}
