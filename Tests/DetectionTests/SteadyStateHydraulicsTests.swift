import Foundation
import Testing
@testable import Detection
import WaterNetwork

@Suite struct SteadyStateHydraulicsTests {
    /// Heads and flows against EPANET's (WNTR 1.5.0, tools/hydraulics_check.py steady):
    /// Net1 (pump with a one-point curve, tank, 12 pipes) and Net3 (two pumps with
    /// three-point curves, one of them closed by [STATUS], three tanks, a closed pipe).
    @Test(arguments: ["net1", "net3"])
    func matchesEPANET(name: String) throws {
        let network = try HydraulicsFixtures.network("\(name).inp")
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        let heads = try HydraulicsFixtures.values(HydraulicsFixtures.url("wntr/\(name)-heads.csv"), key: "node", value: "head_m")
        let flows = try HydraulicsFixtures.values(HydraulicsFixtures.url("wntr/\(name)-flows.csv"), key: "link", value: "flow_lps")
        #expect(heads.count == network.nodes.count && flows.count == network.links.count)
        for (id, head) in heads {
            let index = try #require(network.nodeIndex(id))
            #expect(abs(state.headsM[index] - head) < 0.02, "head of \(id): \(state.headsM[index]) vs EPANET \(head)")
        }
        for (id, flow) in flows {
            let index = try #require(network.linkIndex(id))
            #expect(abs(state.flowsLps[index] - flow) < 0.1 + 0.005 * abs(flow),
                    "flow of \(id): \(state.flowsLps[index]) vs EPANET \(flow)")
        }
    }

    /// A burst as extra demand: the drops match EPANET's for bursts of 5 % of Net3's demand
    /// (tools/hydraulics_check.py drops; the first five of its 30 bursts).
    @Test func extraDemandGivesEPANETsDrops() throws {
        let network = try HydraulicsFixtures.network("net3.inp")
        let rows = try HydraulicsFixtures.csv(at: HydraulicsFixtures.url("wntr/net3-drops.csv"))
        let drops = try HydraulicsFixtures.drops(HydraulicsFixtures.url("wntr/net3-drops.csv"))
        let hydraulics = SteadyStateHydraulics(network: network)
        let base = try #require(hydraulics.solve().state)
        for burst in drops.keys.sorted().prefix(5) {
            let node = try #require(network.nodeIndex(burst))
            let size = try #require(rows.first { $0["burst_node"] == burst }?["extra_lps"].flatMap(Double.init))
            let state = try #require(hydraulics.solve(extraDemandLps: [node: size]).state)
            for (id, drop) in drops[burst]! {
                let index = try #require(network.nodeIndex(id))
                #expect(abs(base.headsM[index] - state.headsM[index] - drop) < 0.005,
                        "burst at \(burst), drop at \(id): \(base.headsM[index] - state.headsM[index]) vs EPANET \(drop)")
            }
        }
    }

    /// Reservoir R (head 100) -> pump -> J1 -> pipe -> J2 (demand 10 l/s); the pump's
    /// curve is the one-point curve through (10 l/s, 30 m): h = 40 − 10·(q/10)².
    private func pumped(curve: String, demand: Double = 10) throws -> NetworkModel {
        try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R 100
            [JUNCTIONS]
            J1 0
            J2 0 \(demand)
            [PIPES]
            P J1 J2 1000 200 100
            [PUMPS]
            PU R J1 HEAD C
            [CURVES]
            \(curve)
            """)
    }

    @Test func pumpFollowsItsOnePointCurve() throws {
        let network = try pumped(curve: "C 10 30")
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        let j1 = network.nodeIndex("J1")!
        #expect(abs(state.flowsLps[network.linkIndex("PU")!] - 10) < 1e-6)
        #expect(abs(state.headsM[j1] - 130) < 1e-3)   // 100 + 30 at the design flow
    }

    @Test func pumpFollowsItsThreePointCurve() throws {
        // h = 50 − B·q^C through (0, 50), (10, 40), (20, 10): C = ln(40/10)/ln 2 = 2, B = 0.1.
        let network = try pumped(curve: "C 0 50\nC 10 40\nC 20 10", demand: 15)
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        #expect(abs(state.headsM[network.nodeIndex("J1")!] - (100 + 50 - 0.1 * 225)) < 1e-3)
    }

    @Test func pumpFollowsAMultiPointCurvePiecewise() throws {
        let network = try pumped(curve: "C 0 50\nC 10 45\nC 20 30\nC 30 0", demand: 25)
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        #expect(abs(state.headsM[network.nodeIndex("J1")!] - 115) < 1e-3)   // halfway between 30 and 0
    }

    @Test func constantPowerPumpGivesPowerOverFlow() throws {
        let network = try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R 100
            [JUNCTIONS]
            J1 0 20
            [PUMPS]
            PU R J1 POWER 5
            """)
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        // 5 kW lifting 0.02 m³/s of water: about 25.5 m (EPANET's 8.814 ft·cfs/hp).
        #expect(abs(state.headsM[network.nodeIndex("J1")!] - 100 - 25.5) < 0.1)
    }

    @Test func pumpNamingAnUndefinedCurveIsReportedNotGuessed() throws {
        let network = try pumped(curve: "OTHER 10 30")
        guard case let .failed(reason) = SteadyStateHydraulics(network: network).solve() else {
            Issue.record("solved a network whose pump has no curve")
            return
        }
        #expect(reason.contains(#"pump"#) == false && reason.contains(#""C""#) && reason.contains(#""PU""#))
    }

    /// R (60 m) -> PRV set to 20 m pressure -> J (elevation 10): active, J's head is 30 m.
    /// With R at 25 m the valve cannot reach its setting and stands fully open.
    @Test(arguments: [(60.0, 30.0, LinkCondition.active), (25.0, nil, LinkCondition.open)])
    func pressureReducingValveHoldsItsSetting(reservoirHead: Double, expectedHead: Double?, condition: LinkCondition) throws {
        let network = try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            R \(reservoirHead)
            [JUNCTIONS]
            A 0
            J 10
            K 10 5
            [PIPES]
            P1 R A 100 200 100
            P2 J K 100 200 100
            [VALVES]
            V A J 200 PRV 20
            """)
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        #expect(state.conditions[network.linkIndex("V")!] == condition)
        let j = state.headsM[network.nodeIndex("J")!]
        if let expectedHead { #expect(abs(j - expectedHead) < 1e-3) } else { #expect(j < reservoirHead && j > 20) }
        #expect(abs(state.flowsLps[network.linkIndex("V")!] - 5) < 1e-4)
    }

    @Test func checkValveClosesAgainstReverseFlow() throws {
        // The CV pipe would carry water from the higher reservoir backwards.
        let network = try INPReader.parse("""
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            LOW 50
            HIGH 80
            [JUNCTIONS]
            J 0 5
            [PIPES]
            P1 LOW J 100 200 100 0 CV
            P2 HIGH J 100 200 100
            """)
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        #expect(state.conditions[network.linkIndex("P1")!] == .closed)
        #expect(abs(state.flowsLps[network.linkIndex("P2")!] - 5) < 1e-3)
    }

    @Test func anUnconnectedJunctionGivesFiniteHeadsNotNaN() throws {
        let network = try INPReader.parse("[OPTIONS]\nUnits LPS\n[RESERVOIRS]\nR 10\n[JUNCTIONS]\nA 0 1\nB 0 3\n[PIPES]\nP R A 100 100 100\n")
        let state = try #require(SteadyStateHydraulics(network: network).solve().state)
        #expect(state.headsM.allSatisfy { $0.isFinite })
    }
}
