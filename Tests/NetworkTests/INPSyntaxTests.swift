import Testing
import WaterNetwork

/// How the reader treats the free-form parts of the format: comments, case, order,
/// optional fields, units.
@Suite struct INPSyntaxTests {
    @Test func toleratesCommentsTabsCaseAndCRLF() throws {
        let text = "; header comment\r\n[junctions]\r\n\tA\t1.5\t2 ; first\r\n  ;whole-line comment\r\n\r\n B 2\r\n"
            + "[Reservoirs]\r\nR 50\r\n[pipes]\r\nP1 R A 10 100 100\r\nP2 A B 20 100 100 0 closed\r\n"
            + "[options]\r\nUNITS lps\r\nheadloss d-w\r\n"
        let model = try INPReader.parse(text)
        #expect(model.nodes.map(\.id) == ["A", "B", "R"])
        #expect(model.links.map(\.id) == ["P1", "P2"])
        #expect(model.flowUnits == .lps)
        #expect(model.headlossFormula == .darcyWeisbach)
        #expect(model.node("A")?.baseDemandLps == 2)
        #expect(model.link("P2")?.initialStatus == .closed)
    }

    @Test func defaultsToGPMWhenNoUnitsAreGiven() throws {
        let model = try INPReader.parse("[JUNCTIONS]\nA 100\nB 100\n[PIPES]\nP A B 1000 12 100\n")
        #expect(model.flowUnits == .gpm)
        #expect(abs((model.link("P")?.lengthM ?? 0) - 304.8) < 1e-9)
    }

    @Test func siUnitsKeepMetresAndReadDiametersAsMillimetres() throws {
        let model = try INPReader.parse("[OPTIONS]\nUnits CMH\n[JUNCTIONS]\nA 100 36\nB 100\n[PIPES]\nP A B 1000 300 100\n")
        let pipe = try #require(model.link("P"))
        #expect(pipe.lengthM == 1000)
        #expect(abs(pipe.diameterM - 0.3) < 1e-12)
        #expect(model.node("A")?.elevationM == 100)
        #expect(abs((model.node("A")?.baseDemandLps ?? 0) - 10) < 1e-9)   // 36 m³/h = 10 l/s
    }

    @Test func usUnitsConvertFeetAndInchesForEveryUSFlowUnit() throws {
        for units in FlowUnits.allCases where units.isUSCustomary {
            let model = try INPReader.parse("[OPTIONS]\nUnits \(units.rawValue)\n[JUNCTIONS]\nA 10\nB 20\n[PIPES]\nP A B 100 6 100\n")
            let pipe = try #require(model.link("P"))
            #expect(abs(pipe.lengthM - 30.48) < 1e-9, "\(units)")
            #expect(abs(pipe.diameterM - 0.1524) < 1e-12, "\(units)")
            #expect(abs((model.node("B")?.elevationM ?? 0) - 6.096) < 1e-9, "\(units)")
        }
    }

    @Test func sectionsMayComeInAnyOrder() throws {
        let text = "[VERTICES]\nP 5 5\nP 6 6\n[COORDINATES]\nA 0 0\nB 10 0\n[PIPES]\nP A B 10 100 100\n[JUNCTIONS]\nA 0\nB 0\n[OPTIONS]\nUnits LPS\n"
        let model = try INPReader.parse(text)
        let pipeIndex = try #require(model.linkIndex("P"))
        #expect(model.links[pipeIndex].vertices == [Point(x: 5, y: 5), Point(x: 6, y: 6)])
        #expect(model.polyline(ofLink: pipeIndex) == [Point(x: 0, y: 0), Point(x: 5, y: 5), Point(x: 6, y: 6), Point(x: 10, y: 0)])
    }

    @Test func polylineIsNilWithoutCoordinatesForBothEnds() throws {
        let model = try INPReader.parse("[JUNCTIONS]\nA 0\nB 0\n[PIPES]\nP A B 10 100 100\n[COORDINATES]\nA 1 1\n")
        #expect(model.polyline(ofLink: 0) == nil)
        #expect(model.node("B")?.position == nil)
    }

    @Test func demandsSectionReplacesThenAddsToTheJunctionDemand() throws {
        let text = "[OPTIONS]\nUnits LPS\n[JUNCTIONS]\nA 0 5\nB 0 7\n[DEMANDS]\nA 1 pat ;domestic\nA 2\n[PIPES]\nP A B 10 100 100\n"
        let model = try INPReader.parse(text)
        #expect(model.node("A")?.baseDemandLps == 3)
        #expect(model.node("B")?.baseDemandLps == 7)
    }

    @Test func readsPumpsValvesEmittersAndQuotedIds() throws {
        let text = """
            [OPTIONS]
            Units LPS
            [RESERVOIRS]
            "Main Source" 100
            [JUNCTIONS]
            A 0
            B 0
            C 0
            [PUMPS]
            PU1 "Main Source" A HEAD curve1
            [VALVES]
            V1 A B 150 PRV 30
            [PIPES]
            P1 B C 100 150 100
            [EMITTERS]
            C 0.5
            """
        let model = try INPReader.parse(text)
        #expect(model.node("Main Source")?.kind == .reservoir)
        #expect(model.link("PU1")?.kind == .pump)
        #expect(model.link("V1")?.valveType == "PRV")
        #expect(abs((model.link("V1")?.diameterM ?? 0) - 0.15) < 1e-12)
        #expect(model.node("C")?.emitterCoefficient == 0.5)
    }

    @Test func unknownSectionsAreSkipped() throws {
        let text = "[JUNCTIONS]\nA 0\nB 0\n[MYVENDOR EXTRAS]\nthis is not epanet 1 2 3\n[PIPES]\nP A B 10 100 100\n[PATTERNS]\n1 1.0 1.2\n"
        let model = try INPReader.parse(text)
        #expect(model.nodes.count == 2)
        #expect(model.links.count == 1)
    }
}
