import Foundation
import Testing
@testable import Detection
import WaterNetwork

/// The hour a burst met, as the meters measured it, and the steady state solved for it.
@Suite struct MeasuredOperationTests {
    /// Reservoir R (head 100) -> pump PU -> J1 -> pipe -> J2 (demand 10 l/s) <- pipe PT <- tank
    /// T (its initial level near empty, as network files often leave them).
    private func network(pumpStatus: String = "") throws -> NetworkModel {
        try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R 100
            [TANKS]
            T 120 0.5 0 10 20 0
            [JUNCTIONS]
            J1 90
            J2 90 10
            [PIPES]
            P J1 J2 1000 200 100
            PT T J2 500 200 100
            [PUMPS]
            PU R J1 HEAD C
            [CURVES]
            C 10 30
            [STATUS]
            \(pumpStatus)
            """)
    }

    @Test func aTankWhoseLinksAreAllMeteredSuppliesWhatTheyMeasured() throws {
        let network = try network()
        let measured = MeasuredOperation(flowsIntoDMALps: ["PT": 4, "PU": 16], netInflowLps: 20)
        let conditions = measured.conditions(on: NetworkGraph(model: network), demandNodes: nil)
        #expect(conditions.demandFactor == 2)   // 20 l/s drawn where the file has 10
        #expect(conditions.tankOutflowsLps == [network.nodeIndex("T")!: 4])
        #expect(conditions.pumpsRunning == [network.linkIndex("PU")!: true])

        let state = try #require(SteadyStateHydraulics(network: network, conditions: conditions).solve().state)
        #expect(abs(state.flowsLps[network.linkIndex("PT")!] - 4) < 1e-6)
        #expect(abs(state.flowsLps[network.linkIndex("PU")!] - 16) < 1e-6)
        // At the file's snapshot the near-empty tank is filled from the pump instead.
        let filed = try #require(SteadyStateHydraulics(network: network).solve().state)
        #expect(filed.flowsLps[network.linkIndex("PT")!] < 0)
    }

    @Test func aTankWithAnUnmeteredLinkKeepsItsLevelAndAnIdlePumpIsClosed() throws {
        let network = try network()
        let measured = MeasuredOperation(flowsIntoDMALps: ["PU": 0.01], netInflowLps: 10)
        let conditions = measured.conditions(on: NetworkGraph(model: network), demandNodes: nil)
        #expect(conditions.tankOutflowsLps.isEmpty)
        #expect(conditions.pumpsRunning == [network.linkIndex("PU")!: false])
        let state = try #require(SteadyStateHydraulics(network: network, conditions: conditions).solve().state)
        #expect(state.conditions[network.linkIndex("PU")!] == .closed)
        #expect(abs(state.flowsLps[network.linkIndex("PT")!] - 10) < 1e-3, "the tank supplies everything")
    }

    @Test func aPumpTheFileClosesRunsWhenItsMeterSaysSo() throws {
        let network = try network(pumpStatus: "PU Closed")
        let conditions = MeasuredOperation(flowsIntoDMALps: ["PU": 8, "PT": 2], netInflowLps: 10)
            .conditions(on: NetworkGraph(model: network), demandNodes: nil)
        let state = try #require(SteadyStateHydraulics(network: network, conditions: conditions).solve().state)
        #expect(abs(state.flowsLps[network.linkIndex("PU")!] - 8) < 1e-6)
    }

    /// With every fixed head freed the system has no reference head: one tank keeps its level.
    @Test func oneTankKeepsItsLevelWhenNothingElseHoldsAHead() throws {
        let network = try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [TANKS]
            T1 120 5 0 10 20 0
            T2 120 5 0 10 20 0
            [JUNCTIONS]
            J 90 10
            [PIPES]
            A T1 J 500 200 100
            B T2 J 500 200 100
            """)
        let conditions = MeasuredOperation(flowsIntoDMALps: ["A": 6, "B": 4], netInflowLps: 10)
            .conditions(on: NetworkGraph(model: network), demandNodes: nil)
        #expect(conditions.tankOutflowsLps.count == 1)
        #expect(SteadyStateHydraulics(network: network, conditions: conditions).solve().state != nil)
    }

    /// A meter fault must not stretch the demand without bound.
    @Test func theDemandFactorIsBounded() throws {
        let network = try network()
        #expect(MeasuredOperation(flowsIntoDMALps: [:], netInflowLps: 1e6).conditions(on: NetworkGraph(model: network), demandNodes: nil)
            .demandFactor == MeasuredOperation.demandFactorRange.upperBound)
        #expect(MeasuredOperation(flowsIntoDMALps: [:], netInflowLps: -5).conditions(on: NetworkGraph(model: network), demandNodes: nil)
            .demandFactor == 1)
    }
}

/// The localiser linearised at the hour its meters measured, on Net3.
@Suite struct MeasuredHourLocalisationTests {
    struct Hour: Decodable {
        let burst_node: String
        let burst_lps: Double
        let drops_m: [String: Double]
        let sigmas_m: [String: Double]
        let flows_into_dma_lps: [String: Double]
        let net_inflow_lps: Double
    }

    /// A 30 l/s burst at node 167 of Net3 from 07:15, in a scenario of the development
    /// scenarios' kind (p-net3-b05 of tools/scenarios/suite-pattern.json): the evidence the
    /// detector handed the localiser 16 h after the start, and what the meters measured over
    /// the hour before it (`LocalisationTrace/record`): the tanks full and idle, the lake pump
    /// running. The file's snapshot has the tanks near empty and filling at hundreds of l/s,
    /// and pipes linearised at those flows point elsewhere.
    @Test func theBurstIsFoundAtTheHourTheMetersMeasuredAndNotAtTheFilesSnapshot() throws {
        let network = try HydraulicsFixtures.network("net3.inp")
        let hour = try JSONDecoder().decode(Hour.self,
                                            from: Data(contentsOf: HydraulicsFixtures.url("wntr/net3-pattern-burst-167.json")))
        let evidence = hour.drops_m.keys.sorted().map {
            PressureEvidence(loggerID: "PL-\($0)", nodeID: $0, dropM: hour.drops_m[$0]!, sigmaM: hour.sigmas_m[$0]!)
        }
        let operation = MeasuredOperation(flowsIntoDMALps: hour.flows_into_dma_lps, netInflowLps: hour.net_inflow_lps)
        let localiser = Localiser(network: network, graph: NetworkGraph(model: network))
        let burst = network.nodeIndex(hour.burst_node)!
        func rank(_ operation: MeasuredOperation?) -> Double {
            let p = localiser.burstProbabilities(evidence: evidence, flowIncreaseLps: hour.burst_lps, operation: operation)
            return p.reduce(0) { $1 > p[burst] ? $0 + $1 : $0 }
        }
        let measured = localiser.localise(evidence: evidence, flowIncreaseLps: hour.burst_lps, operation: operation)
        let filed = localiser.localise(evidence: evidence, flowIncreaseLps: hour.burst_lps)
        #expect(measured.nodes.contains(hour.burst_node), "rank \(rank(operation))")
        #expect(!filed.nodes.contains(hour.burst_node), "rank \(rank(nil))")
        #expect(rank(operation) < rank(nil))
    }
}

/// The hour before an event's start, read from the DMA's history.
@Suite struct MeasuredOperationFromHistoryTests {
    private func history() -> DMAHistory {
        var history = DMAHistory(dma: SyntheticDMA.dma, channels: SyntheticDMA.channels)
        history.append(contentsOf: SyntheticDMA(days: 2, seed: 7).readings())
        return history
    }

    @Test func theWindowsBeforeTheStartGiveEachLinksMeanAndTheNetInflow() throws {
        let history = history()
        let operation = try #require(history.measuredOperation(before: 40, windows: 4))
        let net = (36..<40).map { history.inflow(atIndex: $0)! }.reduce(0, +) / 4
        #expect(abs(operation.netInflowLps - net) < 1e-9)
        // The outlet's meter counts out of the DMA: its flow enters with its sign.
        let inlet = operation.flowsIntoDMALps["P-in"] ?? .nan, outlet = operation.flowsIntoDMALps["P-out"] ?? .nan
        #expect(inlet > 0 && outlet < 0 && abs(inlet + outlet - net) < 1e-9)
    }

    /// An event's start can lie before the history's first window once the history has been
    /// trimmed past it (`DMAHistory.gridIndex` is then 0 or less): there is no hour before it
    /// to measure, and the range of windows before it must not run backwards (a trap in detect).
    @Test(arguments: [-416, -1, 0])
    func aStartAtOrBeforeTheHistorysFirstWindowHasNoMeasuredHour(startIndex: Int) {
        #expect(history().measuredOperation(before: startIndex, windows: 4) == nil)
    }
}
