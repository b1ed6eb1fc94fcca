import Readings
import Testing
@testable import Burstwatch

@Suite("Ingest planner")
struct IngestPlannerTests {
    static let registry = try! LoggerRegistry.parse(csv: """
        logger_id,channel,quantity,element,dma,sign,unit
        FM01,flow,flow,P1,DMA-1,1,m3/h
        PL01,pressure,pressure,J1,DMA-1,,bar
        """)
    static let now: Int64 = 1_772_409_600_000_000  // 2026-03-02T00:00:00Z

    func file(_ text: String, name: String = "f.csv", tag: UInt64 = 1) -> IncomingFile {
        IncomingFile(deliveryTag: tag, body: Array(text.utf8), fileName: name, source: "test", receivedAt: nil)
    }

    func plan(_ files: [IncomingFile]) -> [FilePlan] {
        IngestPlanner(registry: Self.registry, naiveOffsetSeconds: 0, latestAcceptedTimestamp: Self.now + 86_400_000_000).plan(files)
    }

    @Test("good rows are converted to SI units and attributed to their DMA")
    func goodFile() throws {
        let plans = plan([file("FM01,flow,2026-03-01T23:45:00Z,36\nPL01,pressure,2026-03-01T23:45:00Z,2\n")])
        let readings = try #require(plans.first?.readings)
        #expect(plans[0].status == "ingested")
        #expect(readings.map(\.valueSI)[0] == 10)
        #expect(abs(readings[1].valueSI - 20.394_324) < 1e-5)
        #expect(readings.allSatisfy { $0.dma == "DMA-1" })
        #expect(plans[0].sha256 == SHA256.hexDigest(Array("FM01,flow,2026-03-01T23:45:00Z,36\nPL01,pressure,2026-03-01T23:45:00Z,2\n".utf8)))
    }

    @Test("a file with some bad rows keeps the good ones and names the bad lines")
    func partialFile() {
        let plans = plan([file("FM01,flow,2026-03-01T23:45:00Z,36\nFM01,flow,not-a-time,1\nXX01,flow,2026-03-01T23:45:00Z,1\n")])
        #expect(plans[0].status == "partial")
        #expect(plans[0].readings.count == 1)
        #expect(plans[0].rowErrors.map(\.line) == [2, 3])
        #expect(plans[0].rowErrors[1].reason.contains("unknown logger"))
        #expect(IngestPlanner.mentionsUnknownLogger(plans[0]))
    }

    @Test("a file with no valid reading is rejected with a reason naming the file and the line")
    func rejectedFiles() {
        let plans = plan([
            file("", name: "empty.csv"),
            file("XX01,flow,2026-03-01T23:45:00Z,1\n", name: "unknown.csv"),
            file("FM01,flow,2026-03-01T23:45:00Z\n", name: "columns.csv"),
        ])
        #expect(plans.allSatisfy { $0.status == "rejected" })
        #expect(plans[0].rejection?.hasPrefix("empty.csv: ") == true)
        #expect(plans[1].rejection?.contains("line 1") == true)
        #expect(plans[1].rejection?.contains("unknown logger") == true)
        #expect(plans[2].rejection?.contains("column") == true)
    }

    @Test("a timestamp more than a day ahead is a bad row, so it cannot expire every window's grace")
    func futureTimestamp() {
        let plans = plan([file("FM01,flow,2026-03-01T23:45:00Z,1\nFM01,flow,2099-01-01T00:00:00Z,1\n")])
        #expect(plans[0].readings.count == 1)
        #expect(plans[0].rowErrors.first?.line == 2)
        #expect(plans[0].rowErrors.first?.reason.contains("future") == true)
    }

    @Test("the second copy of the same bytes in one batch is marked duplicate and not parsed again")
    func duplicateInBatch() {
        let text = "FM01,flow,2026-03-01T23:45:00Z,1\n"
        let plans = plan([file(text, name: "a.csv", tag: 1), file(text, name: "b.csv", tag: 2)])
        #expect(!plans[0].duplicateInBatch)
        #expect(plans[1].duplicateInBatch)
        #expect(plans[1].readings.isEmpty)
        #expect(plans[0].sha256 == plans[1].sha256)
    }
}
