import ArgumentParser
import Burstwatch

struct BurstwatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "burstwatch",
        abstract: "Detects and localises pipe bursts in water networks from logger files.",
        discussion: """
            Connections come from the environment: BURSTWATCH_AMQP_URL, BURSTWATCH_DATABASE_URL, \
            and optionally BURSTWATCH_AMQP_PASSWORD_FILE / BURSTWATCH_DATABASE_PASSWORD_FILE.
            """,
        subcommands: [
            MigrateCommand.self, RegisterCommand.self, WatchCommand.self, IngestCommand.self,
            DetectCommand.self, ReplayCommand.self, EvalCommand.self, SimulateCommand.self, StatusCommand.self, BenchCommand.self, FaultsCommand.self,
        ])
}

/// Every role reads the same environment.
func loadSettings() throws -> Settings {
    Logs.bootstrap()
    return try Settings.fromEnvironment()
}
