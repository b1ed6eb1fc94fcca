import Foundation
import Testing
@testable import Burstwatch
#if canImport(Glibc)
import Glibc
#endif

@Suite("Fault suite: schedule, tally, workload, report")
struct FaultSuiteTests {
    let counts: [FaultKind: Int] = [.killWatch: 3, .killIngestWorker1: 3, .killIngestWorker2: 3, .killDetect: 3,
                                    .restartRabbitMQ: 2, .restartPostgres: 2]

    @Test("a seed gives one schedule: every fault asked for, in order, inside the span, apart by the gap")
    func schedule() {
        let faults = FaultSchedule.make(seed: 42, counts: counts, span: 5...80, minimumGap: 3)
        #expect(faults == FaultSchedule.make(seed: 42, counts: counts, span: 5...80, minimumGap: 3))
        #expect(faults != FaultSchedule.make(seed: 43, counts: counts, span: 5...80, minimumGap: 3))
        for kind in FaultKind.allCases { #expect(faults.filter { $0.kind == kind }.count == counts[kind]) }
        #expect(faults.allSatisfy { (5...80).contains($0.at) && (0.2...3).contains($0.downSeconds) })
        #expect(zip(faults, faults.dropFirst()).allSatisfy { $1.at - $0.at >= 3 - 1e-9 })
        #expect(FaultSchedule.make(seed: 1, counts: [:], span: 0...10, minimumGap: 1).isEmpty)
    }

    @Test("a copy with the same message_id and bytes is a repeat; another id or other bytes is a duplicate")
    func tally() {
        var tally = DeliveryTally()
        tally.record(key: "w1", messageID: "window:w1", body: Array("a".utf8))
        tally.record(key: "w1", messageID: "window:w1", body: Array("a".utf8))  // the relay's re-publish
        tally.record(key: "w2", messageID: "window:w2", body: Array("b".utf8))
        #expect(tally.repeatedCopies == 1 && tally.distinctDuplicates == 0)
        var summary = tally.summary(expected: ["w1", "w2", "w3"])
        #expect(summary.messages == 3 && summary.distinct == 2 && summary.missing == 1 && summary.unexpected == 0)
        #expect(!summary.exact)

        tally.record(key: "w2", messageID: "window:w2", body: Array("b, decided again".utf8))
        tally.record(key: "w4", messageID: "x", body: [])
        summary = tally.summary(expected: ["w1", "w2"])
        #expect(summary.distinctDuplicates == 1 && summary.repeatedCopies == 1 && summary.unexpected == 1)
    }

    @Test("the workload: 27,000 one-reading files in data-time order per stream, broken files among them")
    func workload() {
        let workload = FaultWorkload(demoDays: 15, burstLps: 4, benchDMAs: 34, benchSteps: 90, brokenFiles: 9, seed: 5)
        #expect(workload.goodFiles == 27_000)
        #expect(workload.files.count == 27_009 && workload.brokenNames.count == 9)
        #expect(Set(workload.files.map(\.name)).count == workload.files.count)
        #expect(workload.expectedReadings.count == 27_000)
        #expect(workload.expectedWindows.count == 15 * 96 + 34 * 90)
        let demo = workload.files.filter { $0.dma == "DEMO-1" }.map(\.timestamp)
        #expect(demo.count == 15 * 96 * 6 && demo == demo.sorted())
        let bench = workload.files.filter { $0.dma.hasPrefix("DMA-") }.map(\.timestamp)
        #expect(bench == bench.sorted())
        // Both streams run through the whole drop: each has files in the last tenth.
        let tail = workload.files.suffix(2_700)
        #expect(tail.contains { $0.dma == "DEMO-1" } && tail.contains { $0.dma.hasPrefix("DMA-") })
    }

    @Test("repeats by message_id pass the run; anything lost or decided twice fails it")
    func report() {
        var report = FaultReport(seed: 7)
        (report.goodFiles, report.brokenFiles, report.filesArchived, report.ledgerIngested) = (10, 2, 12, 10)
        (report.ledgerRejected, report.deadLettered, report.rowsExpected, report.rowsFound) = (2, 2, 10, 10)
        report.windowRowsCounted = 10
        report.windows = .init(expected: 4, messages: 6, distinct: 4, missing: 0, unexpected: 0, repeatedCopies: 2, distinctDuplicates: 0)
        report.events = .init(expected: 2, messages: 2, distinct: 2, missing: 0, unexpected: 0, repeatedCopies: 0, distinctDuplicates: 0)
        report.injected = [.killWatch: 3]
        #expect(report.passed)
        #expect(report.render().contains("result: PASS"))
        #expect(report.render().contains("kill -9 watch"))

        var lost = report
        lost.rowsLost = 1
        #expect(!lost.passed)
        var twice = report
        twice.events.distinctDuplicates = 1
        #expect(!twice.passed)
        #expect(twice.render().contains("result: FAIL"))
        var counted = report
        counted.windowRowsCounted = 11
        #expect(!counted.passed)
    }

    @Test("a service restart runs with only stdin, stdout and stderr, and reports its exit status")
    func restartCommand() throws {
        #expect(try runShell("exit 0") == 0)
        #expect(try runShell("exit 3") == 3)
        // A descriptor this process holds without close-on-exec (as Foundation's child
        // monitor sockets are) must not reach a service the command leaves running.
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        #expect(try runShell("[ ! -e /proc/$$/fd/\(fds[1]) ]") == 0)
        #expect(try runShell("echo 'it'\\''s quoted' | grep -q \(shellQuoted("it's quoted"))") == 0)
    }

    @Test("--restart-command is a shell command line: a quoted script path with spaces works, the service comes last")
    func restartCommandWithSpaces() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bw restart \(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/restart service.sh"
        try "echo \"restarted $1\" > \"$(dirname \"$0\")/out\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        let log = folder + "/restart.log"
        let command = FaultSuite.restartCommandLine("bash \(shellQuoted(script))", service: "postgres", log: log)
        #expect(try runShell(command) == 0)
        #expect(try String(contentsOfFile: folder + "/out", encoding: .utf8) == "restarted postgres\n")
        #expect(try runShell(FaultSuite.restartCommandLine("bash \(shellQuoted(folder + "/missing.sh"))", service: "rabbitmq", log: log)) != 0)
    }
}
