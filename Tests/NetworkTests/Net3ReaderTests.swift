import Testing
import WaterNetwork

/// EPANET's Net3 as shipped with the development scenarios (GPM, so feet and inches).
@Suite struct Net3ReaderTests {
    let model: NetworkModel

    init() throws {
        model = try INPReader.parse(fixtureText("net3.inp"), fileName: "net3.inp")
    }

    @Test func countsEveryElementTheFileDefines() {
        #expect(model.junctionCount == 92)
        #expect(model.reservoirCount == 2)
        #expect(model.tankCount == 3)
        #expect(model.nodes.count == 97)
        #expect(model.pipeCount == 117)
        #expect(model.pumpCount == 2)
        #expect(model.valveCount == 0)
        #expect(model.links.count == 119)
    }

    @Test func readsGPMAsUSCustomaryUnits() {
        #expect(model.flowUnits == .gpm)
        #expect(model.flowUnits.isUSCustomary)
        #expect(model.headlossFormula == .hazenWilliams)
    }

    @Test func convertsPipeLengthFromFeetAndDiameterFromInches() throws {
        // " 101  10  101  14200  18  110  0  Open"
        let pipe = try #require(model.link("101"))
        #expect(abs(pipe.lengthM - 14_200 * 0.3048) < 1e-9)
        #expect(abs(pipe.diameterM - 18 * 0.0254) < 1e-12)
        #expect(pipe.roughness == 110)
        #expect(model.nodes[pipe.from].id == "10")
        #expect(model.nodes[pipe.to].id == "101")
        #expect(pipe.kind == .pipe)
    }

    @Test func totalPipeLengthIsTheSumOfTheFilesLengthsInMetres() {
        // Sum of the Length column of [PIPES] in net3.inp: 215,711.8 ft.
        #expect(abs(model.totalPipeLengthM - 215_711.8 * 0.3048) < 1e-6)
    }

    @Test func keepsTheStatusAndNodeKinds() throws {
        #expect(try #require(model.link("330")).initialStatus == .closed)
        #expect(try #require(model.link("333")).initialStatus == .open)
        #expect(try #require(model.node("River")).kind == .reservoir)
        #expect(try #require(model.node("1")).kind == .tank)
        #expect(try #require(model.link("335")).kind == .pump)
    }

    @Test func nodeAndLinkIdsLiveInSeparateNamespaces() throws {
        // "10" is both a junction and a pump in Net3.
        #expect(try #require(model.node("10")).kind == .junction)
        #expect(try #require(model.link("10")).kind == .pump)
    }

    @Test func convertsElevationsHeadsAndDemands() throws {
        let junction = try #require(model.node("101"))     // elevation 42 ft, demand 189.95 gpm
        #expect(abs(junction.elevationM - 42 * 0.3048) < 1e-9)
        #expect(abs(junction.baseDemandLps - 189.95 * 0.0630901964) < 1e-6)
        let river = try #require(model.node("River"))      // head 220 ft
        #expect(abs(try #require(river.fixedHeadM) - 220 * 0.3048) < 1e-9)
        let tank = try #require(model.node("1"))           // elevation 131.9 ft, initial level 13.1 ft
        #expect(abs(try #require(tank.fixedHeadM) - 145 * 0.3048) < 1e-9)
    }

    @Test func readsCoordinates() throws {
        #expect(try #require(model.node("10")).position == Point(x: 9.0, y: 27.85))
        #expect(try #require(model.node("Lake")).position == Point(x: 8.0, y: 27.53))
        #expect(model.nodes.allSatisfy { $0.position != nil })
    }

    @Test func isOneConnectedNetwork() {
        let graph = NetworkGraph(model: model)
        #expect(graph.connectedComponents.count == 1)
        #expect(graph.connectedComponents.first?.count == 97)
    }

    @Test func shortestPathFollowsTheLinksOfTheFile() throws {
        // 10 -101- 101 -103- 103 -109- 109: the only route from 10 to 109.
        let graph = NetworkGraph(model: model)
        let from = try #require(model.nodeIndex("10")), to = try #require(model.nodeIndex("109"))
        let path = try #require(graph.shortestPath(from, to))
        #expect(path.map { model.links[$0].id } == ["101", "103", "109"])
        #expect(abs(graph.distance(from, to) - (14_200 + 1_350 + 3_940) * 0.3048) < 1e-6)
    }
}
