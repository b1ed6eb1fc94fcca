import Testing
import WaterNetwork

/// [CURVES], the pump parameters, valve settings, tank geometry and [STATUS].
@Suite struct HydraulicSectionsTests {
    @Test func pumpGetsItsHeadCurveConvertedToMetresAndLitres() throws {
        let text = """
            [OPTIONS]
            Units GPM
            [RESERVOIRS]
            R 100
            [JUNCTIONS]
            A 0
            [PUMPS]
            PU R A HEAD C1 SPEED 0.9 PATTERN p
            [CURVES]
            ;ID X Y
            C1 0 200
            C1 1000 150
            C1 2000 50
            """
        let pump = try #require(INPReader.parse(text).link("PU")?.pump)
        #expect(pump.headCurveID == "C1")
        #expect(pump.speed == 0.9)
        #expect(pump.powerKW == nil)
        #expect(pump.headCurve.count == 3)
        #expect(abs(pump.headCurve[1].flowLps - 1000 * 3.785411784 / 60) < 1e-9)
        #expect(abs(pump.headCurve[2].headM - 50 * 0.3048) < 1e-9)
    }

    @Test func powerPumpInHorsepowerBecomesKilowatts() throws {
        let text = "[RESERVOIRS]\nR 100\n[JUNCTIONS]\nA 0\n[PUMPS]\nPU R A POWER 10\n"
        let pump = try #require(INPReader.parse(text).link("PU")?.pump)
        #expect(abs((pump.powerKW ?? 0) - 7.45699872) < 1e-9)
        #expect(pump.headCurve.isEmpty)
    }

    /// Decided: a pump naming a curve the file lacks is read (the layout is still good
    /// for the map and the linear signature) with an empty curve; the hydraulic solve
    /// reports it (SteadyStateHydraulicsTests).
    @Test func pumpNamingAnUndefinedCurveIsKeptWithoutACurve() throws {
        let text = "[RESERVOIRS]\nR 100\n[JUNCTIONS]\nA 0\n[PUMPS]\nPU R A HEAD missing\n"
        let pump = try #require(INPReader.parse(text).link("PU")?.pump)
        #expect(pump.headCurveID == "missing" && pump.headCurve.isEmpty)
    }

    @Test func badPumpParametersNameTheLine() throws {
        let base = "[RESERVOIRS]\nR 100\n[JUNCTIONS]\nA 0\n[PUMPS]\n"
        let noValue = try #require(parseError(base + "PU R A HEAD\n"))
        #expect(noValue.line == 6 && noValue.reason.contains("HEAD has no value"))
        let unknown = try #require(parseError(base + "PU R A FLOW 3\n"))
        #expect(unknown.line == 6 && unknown.reason.contains(#""FLOW" is not HEAD, POWER, SPEED or PATTERN"#))
        let power = try #require(parseError(base + "PU R A POWER -5\n"))
        #expect(power.reason.contains("power must be positive"))
        let curve = try #require(parseError(base + "PU R A HEAD C\n[CURVES]\nC 1 x\n"))
        #expect(curve.line == 8 && curve.reason.contains(#"curve "C": y "x" is not a number"#))
    }

    @Test func valveSettingsAreConverted() throws {
        let text = """
            [OPTIONS]
            Units GPM
            [JUNCTIONS]
            A 0
            B 0
            C 0
            D 0
            [VALVES]
            V1 A B 6 PRV 50
            V2 B C 6 FCV 100
            V3 C D 6 GPV curve1
            """
        let model = try INPReader.parse(text)
        #expect(abs((model.link("V1")?.valveSetting ?? 0) - 50 * 0.3048 / 0.4333) < 1e-9)
        #expect(abs((model.link("V2")?.valveSetting ?? 0) - 100 * 3.785411784 / 60) < 1e-9)
        #expect(model.link("V3")?.valveSetting == nil)
        let bad = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[VALVES]\nV A B 100 PRV high\n"))
        #expect(bad.line == 5 && bad.reason.contains(#"setting "high" is not a number"#))
    }

    @Test func tankKeepsItsLevelsAndDiameter() throws {
        let text = "[OPTIONS]\nUnits LPS\n[TANKS]\nT 100 5 1 10 20\n"
        let tank = try #require(INPReader.parse(text).node("T")?.tank)
        #expect(tank == TankGeometry(minimumLevelM: 1, maximumLevelM: 10, diameterM: 20))
    }

    @Test func statusClosesPumpsOpensValvesAndSetsSpeeds() throws {
        let text = """
            [RESERVOIRS]
            R 100
            [JUNCTIONS]
            A 0
            B 0
            C 0
            [PUMPS]
            P1 R A HEAD c
            P2 R B HEAD c
            [VALVES]
            V A C 6 PRV 30
            [STATUS]
            P1 Closed
            P2 0.8
            V open
            """
        let model = try INPReader.parse(text)
        #expect(model.link("P1")?.initialStatus == .closed)
        #expect(model.link("P2")?.pump?.speed == 0.8)
        #expect(model.link("P2")?.initialStatus == .open)
        #expect(model.link("V")?.initialStatus == .open && model.link("V")?.valveSetting == nil)
        let unknown = try #require(parseError(text + "\nX closed\n"))
        #expect(unknown.reason.contains(#"status refers to unknown link "X""#))
    }
}
