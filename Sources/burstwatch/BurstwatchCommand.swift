import ArgumentParser
import Burstwatch

struct BurstwatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "burstwatch",
        abstract: "Detects and localises pipe bursts in water networks from logger files.",
        discussion: """
            Connections come from the environment: BURSTWATCH_AMQP_URL, BURSTWATCH_DATABASE_URL, \
            and optionally BURSTWATCH_AMQP_PASSWORD_FILE / BURSTWATCH_DATABASE_PASSWORD_FILE. \
            Any of them may also come from a config file of KEY=value lines: --config FILE (on any \
            subcommand) or BURSTWATCH_CONFIG=FILE. Precedence: command line, environment, file, defaults.
            """,
        subcommands: [
            MigrateCommand.self, RegisterCommand.self, WatchCommand.self, IngestCommand.self,
            DetectCommand.self, ReplayCommand.self, EvalCommand.self, SimulateCommand.self, StatusCommand.self, BenchCommand.self,
            FaultsCommand.self, MapCommand.self, AlertsCommand.self, ConfigCommand.self,
        ])
}

/// Every role reads the same environment.
func loadSettings() throws -> Settings {
    let effective = try SettingsSources.load(commandLineConfigPath: ConfigPath.fromCommandLine)
    // Before logging starts: BURSTWATCH_LOG_FORMAT may come from the file.
    SettingsSources.exportFileValues(of: effective)
    Logs.bootstrap()
    return effective.settings
}
