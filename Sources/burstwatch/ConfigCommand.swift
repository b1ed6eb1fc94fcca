import ArgumentParser
import Burstwatch
import Foundation

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Checks the configuration.", subcommands: [ConfigCheckCommand.self])
}

struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validates the settings, connects to the broker and the database, and prints the effective settings.",
        discussion: """
            Each check prints ✔ or ✘ with a reason; the exit status is 1 when any check fails, 2 when \
            the settings themselves are invalid. Passwords are never printed. --config FILE (or \
            BURSTWATCH_CONFIG) names a file of KEY=value lines using the environment variables' names.
            """)

    func run() throws {
        let effective: SettingsSources.Effective
        do {
            effective = try SettingsSources.load(commandLineConfigPath: ConfigPath.fromCommandLine)
        } catch let error as ConfigurationError {
            print("✘ settings: \(error.description)")
            throw ExitCode(2)
        }
        SettingsSources.exportFileValues(of: effective)
        Logs.bootstrap()
        let check = ConfigCheck(effective: effective)
        let results = check.run()
        for result in results { print(result.line) }
        print("effective settings (highest precedence: command line, environment, config file, default):")
        print(check.renderSettings(), terminator: "")
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
