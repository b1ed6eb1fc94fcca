import ArgumentParser
import Burstwatch
import Foundation

struct FaultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faults",
        abstract: "Injects faults into a running pipeline and proves nothing is lost or duplicated.",
        discussion: """
            Runs watch, ingest (2 processes) and detect in a world of its own (database, queue prefix, \
            folders), drops 27,000 logger files (the 15-day demo scenario with a burst, plus a synthetic \
            utility) and a few broken ones at a steady rate, and meanwhile kills roles with SIGKILL, \
            restarts RabbitMQ and restarts PostgreSQL at seeded random moments. Once the pipeline drained \
            it checks every reading, file, window announcement and burst event, compares the events with \
            `burstwatch eval`, prints a table and exits 1 if anything was lost or duplicated.

            Restarting the services needs --restart-command: scripts/faults runs the suite against a \
            service instance of its own and passes `bash scripts/services restart`. Never point it at \
            services other people use.
            """)

    @Option(help: "Seed of the fault schedule and the broken files (default: random, printed).")
    var seed: UInt64?

    @Option(help: "Shell command line that restarts one service, given `rabbitmq` or `postgres` as its last argument (run by /bin/sh as written: quote paths with spaces).")
    var restartCommand: String

    @Option(help: "Seconds over which the files are dropped (faults happen meanwhile).")
    var dropSeconds = 90.0

    @Option(help: "SIGKILLs of each role (watch, each ingest worker, detect).")
    var kills = 3

    @Option(help: "Restarts of RabbitMQ, and of PostgreSQL.")
    var restarts = 2

    func validate() throws {
        guard dropSeconds >= 10 else { throw ValidationError("--drop-seconds must be at least 10") }
        guard kills >= 0, restarts >= 0 else { throw ValidationError("--kills and --restarts must not be negative") }
    }

    func run() throws {
        let settings = try loadSettings()
        var options = FaultSuite.Options(seed: seed ?? UInt64.random(in: 1..<1_000_000),
                                         restartCommand: restartCommand)
        options.dropSeconds = dropSeconds
        options.counts = [
            .killWatch: kills, .killIngestWorker1: kills, .killIngestWorker2: kills, .killDetect: kills,
            .restartRabbitMQ: restarts, .restartPostgres: restarts,
        ]
        let report = try FaultSuite(options: options).run(settings: settings)
        print(report.render(), terminator: "")
        if !report.passed { throw ExitCode(1) }
    }
}
