import Foundation
import Testing
import WaterNetwork

/// The hostile .inp files in Fixtures/hostile: each either reads into the network it describes,
/// or fails with an error naming the file, the line and what is wrong. (The fuzzer,
/// scripts/fuzz network, starts from these files.)
@Suite struct HostileINPTests {
    /// The bytes as the callers hand them over: decoded as UTF-8 text.
    func hostile(_ name: String) throws -> String {
        let base = (name as NSString).deletingPathExtension
        let url = try #require(Bundle.module.url(forResource: base, withExtension: "inp", subdirectory: "Fixtures/hostile"),
                               "missing fixture hostile/\(name)")
        return String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }

    func error(_ name: String) throws -> NetworkParseError {
        try #require(parseError(try hostile(name), fileName: name))
    }

    /// J1 and J2 fed from R1 through P1 and P2, in l/s.
    func expectSmallNetwork(_ model: NetworkModel) {
        #expect(model.nodes.map(\.id) == ["J1", "J2", "R1"])
        #expect(model.links.map(\.id) == ["P1", "P2"])
        #expect(model.flowUnits == .lps)
        #expect(model.node("J2")?.baseDemandLps == 2)
        #expect(model.link("P2")?.diameterM == 0.2)
    }

    @Test func byteOrderMarkDoesNotHideTheFirstSection() throws {
        expectSmallNetwork(try INPReader.parse(try hostile("bom.inp")))
    }

    @Test func crlfAndLoneCarriageReturnLineEndsAreRead() throws {
        expectSmallNetwork(try INPReader.parse(try hostile("crlf.inp")))
        expectSmallNetwork(try INPReader.parse(try hostile("lone-cr.inp")))
    }

    @Test func binaryContentNamesTheLineOfTheFirstControlByte() throws {
        #expect(try error("binary-nul.inp").description == "binary-nul.inp line 3: binary content: NUL byte; an .inp file is text")
        #expect(try error("binary-junk.inp").description == "binary-junk.inp line 1: binary content: control byte 0x03; an .inp file is text")
    }

    @Test func emptyIdIsRefused() throws {
        #expect(try error("empty-id.inp").description == "empty-id.inp line 3: junction with an empty id")
        let link = try #require(parseError("[JUNCTIONS]\nA 0\nB 0\n[PIPES]\n\"\" A B 1 1 1\n"))
        #expect(link.description == "network.inp line 5: pipe with an empty id")
    }

    @Test func valuesOverflowingTheUnitConversionAreRefused() throws {
        #expect(try error("overflow-demand.inp").description
                == #"overflow-demand.inp line 4: junction "J1": a value is too large once converted to metres and litres per second"#)
        #expect(try error("overflow-tank.inp").line == 2)
        let summed = try #require(parseError("[OPTIONS]\nUnits LPS\n[JUNCTIONS]\nJ 0\n[DEMANDS]\nJ 1e308\nJ 1e308\n"))
        #expect(summed.line == 7 && summed.reason.contains(#"demand of junction "J" is too large"#))
    }

    @Test func nonFiniteNumbersAreRefused() throws {
        #expect(try error("nan-values.inp").description == #"nan-values.inp line 2: junction "J1": elevation "nan" is not a number"#)
        #expect(try error("inf-coordinates.inp").description == #"inf-coordinates.inp line 4: coordinates: x "inf" is not a number"#)
        #expect(try error("negative-length.inp").description == #"negative-length.inp line 5: pipe "P": length must be positive, is -5"#)
    }

    @Test func sectionsWithoutEntriesAreAnEmptyNetwork() throws {
        let empty = try error("sections-only.inp")
        #expect(empty.line == nil)
        #expect(empty.description.hasPrefix("sections-only.inp: the network is empty"))
    }

    @Test func unknownSectionsAndCommentsAreSkipped() throws {
        let model = try INPReader.parse(try hostile("unknown-sections.inp"))
        #expect(model.nodes.map(\.id) == ["J1"])
        #expect(model.node("J1")?.elevationM == 10 * 0.3048)  // no Units: EPANET's default GPM, feet
    }

    @Test func unclosedQuoteIsNamedInsteadOfAFieldCount() throws {
        #expect(try error("unterminated-quote.inp").description
                == #"unterminated-quote.inp line 2: field 1 opens a quote (") that is not closed on the line"#)
    }

    @Test func unicodeAndQuotedIdsAreKept() throws {
        let model = try INPReader.parse(try hostile("unicode-ids.inp"))
        #expect(model.nodes.map(\.id) == ["Knoten-Ä", "水-2"])
        #expect(model.link("Rohr 1")?.lengthM == 10 * 0.3048)
    }

    @Test func hugeFilesAndLinesAreReadOrRefusedByLine() throws {
        // 20,000 junctions in a chain: a big network reads whole.
        var text = "[OPTIONS]\nUnits LPS\n[JUNCTIONS]\n"
        for index in 0..<20_000 { text += "J\(index) \(index % 50)\n" }
        text += "[PIPES]\n"
        for index in 1..<20_000 { text += "P\(index) J\(index - 1) J\(index) 10 100 100\n" }
        let model = try INPReader.parse(text)
        #expect(model.junctionCount == 20_000 && model.pipeCount == 19_999)
        #expect(model.totalPipeLengthM == 199_990)
        // One line of a megabyte: its field count is what is wrong, and the line is named.
        let long = "[JUNCTIONS]\nA 0\n" + String(repeating: "B ", count: 500_000) + "\n"
        let error = try #require(parseError(long))
        #expect(error.line == 3 && error.reason.contains("line has 500000 fields, expected 2 to 4"))
    }
}
