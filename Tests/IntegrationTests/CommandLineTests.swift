import Burstwatch
import Foundation
import Testing

@Suite("Command line")
struct CommandLineTests {
    @Test("migrate is safe to run twice")
    func migrateTwice() throws {
        let env = try TestEnvironment("migrate")  // migrates once
        let second = try env.start(["migrate"])
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 0)
        #expect(second.log.contains("up to date"))
    }

    @Test("bad usage exits 2 with a one-line reason")
    func badUsage() throws {
        let env = try TestEnvironment("usage")
        let run = try env.start(["ingest", "--prefetch", "0"])
        run.process.waitUntilExit()
        #expect(run.process.terminationStatus == 2)
        #expect(run.log.contains("prefetch"))
    }

    @Test("register loads the registry and re-running replaces it")
    func registerReplaces() throws {
        let env = try TestEnvironment("register")
        let folder = NSTemporaryDirectory() + "bwtest-register-" + env.name
        try DemoScenario(start: 1_772_409_600_000_000, days: 1).write(to: URL(fileURLWithPath: folder))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try env.start(["register", "--network", folder + "/network.inp", "--loggers", folder + "/loggers.csv"])
        first.process.waitUntilExit()
        #expect(first.process.terminationStatus == 0, "\(first.log)")
        #expect(try env.count("SELECT count(*) FROM loggers") == 6)

        try "logger_id,channel,quantity,element,dma,sign,unit\nFM01,flow,flow,P-IN,DEMO-1,1,l/s\n"
            .write(toFile: folder + "/one.csv", atomically: true, encoding: .utf8)
        let second = try env.start(["register", "--loggers", folder + "/one.csv"])
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 0)
        #expect(try env.count("SELECT count(*) FROM loggers") == 1)

        try "logger_id,channel,quantity,element,dma,sign,unit\nFM01,flow,flow,NO-SUCH-PIPE,DEMO-1,1,l/s\n"
            .write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try env.start(["register", "--network", folder + "/network.inp", "--loggers", folder + "/bad.csv"])
        bad.process.waitUntilExit()
        #expect(bad.process.terminationStatus == 2)
        #expect(bad.log.contains("NO-SUCH-PIPE"))
    }
}
