import ArgumentParser
import Burstwatch
import Foundation

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Prints queue depths and consumers, the newest data per DMA, silent loggers and open burst events.")

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Option(help: "A logger channel is silent when its newest reading is more than this many windows behind its DMA's newest.")
    var silentWindows = 4

    @Option(name: .customLong("queue"), help: "Also report this queue (e.g. an `alerts tail --queue` subscriber's); repeatable.")
    var extraQueues: [String] = []

    func validate() throws {
        guard silentWindows >= 1 else { throw ValidationError("--silent-windows must be at least 1") }
    }

    func run() throws {
        let settings = try loadSettings()
        let report = try StatusReport.collect(connections: Connections(settings: settings), silentAfterWindows: silentWindows,
                                            extraQueues: extraQueues)
        print(json ? try report.json() : report.render(), terminator: "")
    }
}
