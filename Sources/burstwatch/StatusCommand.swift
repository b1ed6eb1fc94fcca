import ArgumentParser
import Burstwatch
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Prints queue depths, what was ingested, and open burst events.")

    func run() throws {
        let settings = try loadSettings()
        let connections = Connections(settings: settings)
        let report = try StatusReport.collect(connections: connections)
        print(report.render(), terminator: "")
    }
}
