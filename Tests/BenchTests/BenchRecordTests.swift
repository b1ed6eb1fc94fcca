import Testing
@testable import Burstwatch

@Suite("Bench records")
struct BenchRecordTests {
    func record(_ kind: BenchRecord.Kind, repetition: Int, seconds: Double, processes: Int = 2, prefetch: Int = 100) -> BenchRecord {
        BenchRecord(kind: kind, repetition: repetition, files: 1000, processes: processes, prefetch: prefetch, seconds: seconds)
    }

    @Test("every CSV line has as many fields as the header, empty where nothing was measured")
    func csvShape() throws {
        let full = BenchRecord(kind: .pipeline, repetition: 1, files: 9000, processes: 2, prefetch: 500, seconds: 1.5,
                               latency: LatencySummary([0.1, 0.2, 0.3]), ingestCPUMicrosPerFile: 13.25,
                               watchCPUMicrosPerFile: 28, databaseCPUMicrosPerFile: 30, brokerCPUMicrosPerFile: 70)
        let bare = record(.brokerCeiling, repetition: 1, seconds: 0.5)
        let lines = BenchRecord.csv([full, bare]).split(separator: "\n", omittingEmptySubsequences: false)
        let columns = BenchRecord.csvHeader.split(separator: ",").count
        #expect(lines.count == 4)  // header, two records, final newline
        #expect(lines[1].split(separator: ",", omittingEmptySubsequences: false).count == columns)
        #expect(lines[2].split(separator: ",", omittingEmptySubsequences: false).count == columns)
        #expect(lines[1].hasPrefix("pipeline,1,9000,2,500,1.5000,6000.0,200.00,"))
        #expect(lines[2].hasPrefix("broker-ceiling,1,1000,"))
        #expect(lines[2].hasSuffix(",,,,,,,"))
    }

    @Test("ratios are taken within each repetition, then the median of them")
    func sideBySideRatios() throws {
        // Repetition 2 ran on a slow moment of the machine: both terms are slow, the ratio holds.
        let records = [
            record(.pipeline, repetition: 1, seconds: 2), record(.brokerCeiling, repetition: 1, seconds: 1),
            record(.pipeline, repetition: 2, seconds: 8), record(.brokerCeiling, repetition: 2, seconds: 4),
            record(.pipeline, repetition: 3, seconds: 3), record(.brokerCeiling, repetition: 3, seconds: 1),
        ]
        let ratio = BenchSummary.medianRatio(records, { $0.kind == .pipeline }, { $0.kind == .brokerCeiling })
        #expect(ratio == 2)
        #expect(BenchSummary.medianSeconds(records, .pipeline) == 3)
        #expect(BenchSummary.medianRatio(records, { $0.kind == .python }, { $0.kind == .pipeline }) == nil)
    }

    @Test("the sweep matrix holds each cell's median, rows by processes and columns by prefetch")
    func matrixFromRecords() {
        let records = [
            record(.pipeline, repetition: 1, seconds: 5, processes: 1, prefetch: 10),
            record(.pipeline, repetition: 2, seconds: 3, processes: 1, prefetch: 10),
            record(.pipeline, repetition: 3, seconds: 4, processes: 1, prefetch: 10),
            record(.pipeline, repetition: 1, seconds: 1, processes: 2, prefetch: 100),
            record(.brokerCeiling, repetition: 1, seconds: 0.1, processes: 2, prefetch: 10),
        ]
        let matrix = BenchSummary.matrix(records, processes: [1, 2], prefetch: [10, 100], title: "t", subtitle: "s")
        #expect(matrix.seconds == [[4, nil], [nil, 1]])
        #expect(matrix.minimum?.row == 1 && matrix.minimum?.column == 1)
    }
}
