import ArgumentParser
import Burstwatch
import Foundation

struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect", abstract: "Consumes window-complete messages and publishes burst events.")

    @OptionGroup var http: HTTPOptions

    func run() throws {
        let settings = try loadSettings()
        Shutdown.shared.installSignalHandlers()
        let server = try http.startServer(role: "detect", settings: settings)
        defer { server?.stop() }
        let connections = Connections(settings: settings)
        let relay = Thread { OutboxRelay(connections: connections).run() }
        relay.start()
        DetectService(connections: connections).run()
        while !relay.isFinished { usleep(20_000) }
    }
}

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Runs the detector offline over a scenario (or a folder of scenarios) and scores it.",
        discussion: """
            SCENARIO is a scenario folder (CONTRACTS.md section 2). With --suite, it is a folder \
            of scenario folders, and one summary table is printed.
            """)

    @Argument(help: "The scenario folder.")
    var scenario: String

    @Option(help: "Write every burst event, one JSON object a line.")
    var alertsOut: String?

    @Flag(help: "SCENARIO is a folder of scenarios: print one summary table.")
    var suite = false

    func run() throws {
        Logs.bootstrap()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: scenario, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigurationError("\(scenario) is not a scenario folder")
        }
        if suite {
            print(try runEvalSuite(folder: scenario).render(), terminator: "")
        } else {
            print(try runEval(scenarioPath: scenario, alertsOut: alertsOut).render(), terminator: "")
        }
    }
}
