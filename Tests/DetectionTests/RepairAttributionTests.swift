@testable import Detection
import Testing

/// Whose repair a fall is, from its size alone (`RepairAttribution`).
@Suite struct RepairAttributionTests {
    let attribution = RepairAttribution(clearLogLikelihoodRatio: 3)
    let large = RepairAttribution.Suspect(eventID: "large", flowLps: 10, standardError: 0.6)
    let small = RepairAttribution.Suspect(eventID: "small", flowLps: 6, standardError: 0.6)

    @Test func aFallThatMatchesOneFlowClearlyIsItsRepair() {
        #expect(attribution.verdict(fallLps: 6.2, standardError: 0.8, suspects: [large, small], settled: false)
            == .repairOf("small"))
        #expect(attribution.verdict(fallLps: 10.4, standardError: 0.8, suspects: [large, small], settled: false)
            == .repairOf("large"))
    }

    @Test func aFallBetweenTwoFlowsWaits() {
        // 8.2 ± 1.4 is nearer 10 than 6, but only 1.4 times likelier to be the large burst's repair.
        #expect(attribution.verdict(fallLps: 8.2, standardError: 1.4, suspects: [large, small], settled: false) == .unclear)
        // Nearer 10 and measured more precisely, a fall is clear (360 times likelier).
        #expect(attribution.verdict(fallLps: 8.9, standardError: 0.5, suspects: [large, small], settled: false)
            == .repairOf("large"))
    }

    @Test func aSettledFallGoesToTheNearestFlow() {
        #expect(attribution.verdict(fallLps: 8.2, standardError: 1.4, suspects: [large, small], settled: true)
            == .repairOf("large"))
        // Two bursts of one size: waiting would not tell them apart.
        let twin = RepairAttribution.Suspect(eventID: "twin", flowLps: 10, standardError: 0.6)
        #expect(attribution.verdict(fallLps: 9.9, standardError: 0.5, suspects: [large, twin], settled: false) == .unclear)
        #expect(attribution.verdict(fallLps: 9.9, standardError: 0.5, suspects: [large, twin], settled: true) != .unclear)
    }

    @Test func theOnlyOpenBurstNeedsNoMatch() {
        #expect(attribution.verdict(fallLps: 4, standardError: 1, suspects: [large], settled: false) == .repairOf("large"))
    }
}
