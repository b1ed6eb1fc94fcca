@testable import Detection
import Foundation
import Readings
import Testing

/// A DMA fed through one metered inlet, with a second meter on a closed boundary pipe that
/// reads 0 l/s throughout, and three pressure loggers that fall with the inlet's flow.
@Suite struct PressureModelSteadyFlowTests {
    static let dma = "DMA-P"
    static let slots = 96
    static let channels = [
        ChannelSpec(loggerID: "FM-A", channel: "flow", element: "P-A", dma: dma, sign: 1, unit: .flow(.litresPerSecond)),
        ChannelSpec(loggerID: "FM-C", channel: "flow", element: "P-C", dma: dma, sign: 1, unit: .flow(.litresPerSecond)),
    ] + (1...3).map {
        ChannelSpec(loggerID: "PL-\($0)", channel: "pressure", element: "N-\($0)", dma: dma, sign: nil,
                    unit: .pressure(.metres))
    }

    /// 16 days; from day 15 on, the meters in `silent` send nothing.
    static func history(silent: Set<String>) -> DMAHistory {
        var random = SeededRandom(seed: 9)
        var history = DMAHistory(dma: dma, channels: channels)
        for index in 0..<(16 * slots) {
            let hour = Double(index % slots) / 4
            let flow = 60 * (0.6 + 0.5 * exp(-pow((hour - 8) / 2, 2)) + 0.4 * exp(-pow((hour - 19) / 3, 2)))
                + random.gaussian()
            var values = ["FM-A": flow, "FM-C": 0.0]
            for k in 1...3 { values["PL-\(k)"] = 55 - 0.0004 * Double(k) * flow * flow + 0.02 * random.gaussian() }
            for channel in channels where !(index >= 15 * slots && silent.contains(channel.loggerID)) {
                history.append(NormalizedReading(loggerID: channel.loggerID, channel: channel.channel,
                                                 timestamp: SyntheticDMA.origin + Int64(index) * SyntheticDMA.window + 1,
                                                 valueSI: values[channel.loggerID]!, dma: dma))
            }
        }
        return history
    }

    static func model(_ history: DMAHistory) throws -> PressureModel {
        try #require(PressureModel.fit(history: history, trainingIndices: Array(0..<(14 * slots)), baselineWindows: slots))
    }

    @Test func aClosedMeterThatFellSilentStillLetsPressureBeExplained() throws {
        let reported = Self.history(silent: [])
        let silent = Self.history(silent: ["FM-C"])
        let model = try Self.model(silent)
        #expect(model.steadyFlows == [nil, 0])
        for index in (15 * Self.slots)..<(16 * Self.slots) {
            let residuals = model.residuals(silent, at: index)
            #expect(residuals.allSatisfy { $0 != nil })
            for (a, b) in zip(residuals, model.residuals(reported, at: index)) { #expect(abs(a! - b!) < 1e-9) }
        }
    }

    @Test func aMeterThatCarriesFlowIsNotStoodInFor() throws {
        let silent = Self.history(silent: ["FM-A"])
        let model = try Self.model(silent)
        #expect(model.residuals(silent, at: 15 * Self.slots).allSatisfy { $0 == nil })
    }
}
