import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Burstwatch

@Suite("Sweep matrix picture")
struct SweepMatrixTests {
    let matrix = SweepMatrix(processes: [1, 2, 4], prefetch: [1, 100, 1000],
                             seconds: [[40, 4, 2], [20, 2.5, 1.2], [nil, 3, 1.5]],
                             title: "9000 files <end to end>", subtitle: "2 cores & 3 runs")

    @Test("the minimum is the shortest measured cell")
    func minimum() throws {
        let best = try #require(matrix.minimum)
        #expect(best.row == 1 && best.column == 2)
        let empty = SweepMatrix(processes: [1], prefetch: [1], seconds: [[nil]], title: "")
        #expect(empty.minimum == nil)
    }

    @Test("shortest is green, longest red, on a log scale in between")
    func colourScale() {
        #expect(matrix.position(of: 1.2) == 0)
        #expect(matrix.position(of: 40) == 1)
        // The geometric mean of the extremes sits in the middle.
        #expect(abs(matrix.position(of: (1.2 * 40).squareRoot()) - 0.5) < 1e-9)
        let green = SweepMatrix.color(at: 0), red = SweepMatrix.color(at: 1)
        #expect(green.g > green.r && red.r > red.g)
        // Hotter means redder all along the scale.
        let reds = stride(from: 0.0, through: 1.0, by: 0.1).map { SweepMatrix.color(at: $0) }.map { Double($0.r) - Double($0.g) }
        #expect(zip(reds, reds.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("the SVG is well-formed XML with one cell per setting, the minimum marked once, text escaped")
    func svg() throws {
        let svg = matrix.svg()
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        // 9 cells + the background + the legend bar + the minimum's frame.
        #expect(counter.counts["rect"] == 12)
        #expect(counter.texts.filter { $0 == "minimum" }.count == 1)
        #expect(counter.texts.contains("9000 files <end to end>"))
        #expect(counter.texts.contains("1.20 s"))
        #expect(counter.texts.contains("40.0 s"))
        #expect(counter.texts.contains("+108 %"))  // 2.5 s against the minimum's 1.2 s
    }
}

private final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var texts: [String] = []
    private var current = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        current = ""
    }
}
