import Testing
import WaterNetwork

/// Every error names the file and the line at fault, and says what is wrong.
@Suite struct MalformedINPTests {
    @Test func unknownNodeNamesThePipeTheNodeAndTheLine() throws {
        let error = try #require(parseError(try fixtureText("unknown-node.inp")))
        #expect(error.description == #"network.inp line 9: pipe "P2" refers to unknown node "J99""#)
    }

    @Test func tooFewFieldsNamesTheLineAndTheExpectedLayout() throws {
        let error = try #require(parseError(try fixtureText("too-few-fields.inp"), fileName: "too-few-fields.inp"))
        #expect(error.fileName == "too-few-fields.inp")
        #expect(error.line == 4)
        #expect(error.reason.contains("[JUNCTIONS] line has 1 field, expected 2 to 4"))
    }

    @Test func tooManyFieldsIsAnErrorToo() throws {
        let error = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[COORDINATES]\nA 1 2 3\n"))
        #expect(error.line == 5)
        #expect(error.reason.contains("expected 3"))
    }

    @Test func nonNumericLengthNamesThePipeAndTheValue() throws {
        let error = try #require(parseError(try fixtureText("non-numeric-length.inp")))
        #expect(error.description == #"network.inp line 10: pipe "P2": length "long" is not a number"#)
    }

    @Test func duplicateIdNamesBothLines() throws {
        let error = try #require(parseError(try fixtureText("duplicate-id.inp")))
        #expect(error.description == #"network.inp line 7: duplicate node id "J1" (first defined on line 2)"#)
    }

    @Test func duplicateLinkId() throws {
        let error = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[PIPES]\nP A B 1 1 1\nP B A 1 1 1\n"))
        #expect(error.line == 6)
        #expect(error.reason.contains(#"duplicate link id "P""#))
    }

    @Test func emptyNetworkIsAnErrorWithoutALine() throws {
        let error = try #require(parseError(try fixtureText("empty.inp")))
        #expect(error.line == nil)
        #expect(error.description.hasPrefix("network.inp: the network is empty"))
        #expect(parseError("").map { $0.line == nil } == true)
    }

    @Test func nonPositiveLengthAndUnknownUnitsAndSelfLoops() throws {
        let zero = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[PIPES]\nP A B 0 100 100\n"))
        #expect(zero.line == 5 && zero.reason.contains("length must be positive"))
        let units = try #require(parseError("[OPTIONS]\nUnits furlongs\n[JUNCTIONS]\nA 0\n"))
        #expect(units.line == 2 && units.reason.contains(#"unknown flow units "furlongs""#))
        let loop = try #require(parseError("[JUNCTIONS]\nA 0\n[PIPES]\nP A A 10 100 100\n"))
        #expect(loop.line == 4 && loop.reason.contains("starts and ends at the same node"))
    }

    @Test func referencesFromAttributeSectionsAreChecked() throws {
        let vertex = try #require(parseError("[JUNCTIONS]\nA 0\n[VERTICES]\nNOPE 1 2\n"))
        #expect(vertex.description == #"network.inp line 4: vertex refers to unknown link "NOPE""#)
        let demand = try #require(parseError("[RESERVOIRS]\nR 10\n[DEMANDS]\nR 5\n"))
        #expect(demand.line == 4 && demand.reason.contains(#"refers to reservoir "R", expected a junction"#))
        let coordinates = try #require(parseError("[JUNCTIONS]\nA 0\n[COORDINATES]\nA x 2\n"))
        #expect(coordinates.line == 4 && coordinates.reason.contains(#"x "x" is not a number"#))
    }

    @Test func badPipeStatusAndValveType() throws {
        let status = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[PIPES]\nP A B 1 1 1 0 shut\n"))
        #expect(status.line == 5 && status.reason.contains(#"status "shut""#))
        let valve = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[VALVES]\nV A B 100 XYZ 1\n"))
        #expect(valve.line == 5 && valve.reason.contains(#"type "XYZ""#))
    }
}
