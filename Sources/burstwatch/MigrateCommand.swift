import ArgumentParser
import Burstwatch

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Creates or upgrades the database schema; safe to run twice.")

    func run() throws {
        let settings = try loadSettings()
        let connection = try Connections(settings: settings).database("migrate")
        defer { connection.close() }
        let applied = try Migrator(connection: connection).migrate()
        print(applied.isEmpty ? "schema is up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Loads a network model and the logger registry; re-running replaces them.")

    @Option(help: "EPANET 2 input file of the network the loggers sit on.")
    var network: String?

    @Option(help: "The logger registry: logger_id,channel,quantity,element,dma,sign,unit.")
    var loggers: String

    @Option(help: "Name under which the network is stored.")
    var name = "default"

    func run() throws {
        let settings = try loadSettings()
        let csv = try readText(loggers)
        let inp = try network.map(readText)
        let connection = try Connections(settings: settings).database("register")
        defer { connection.close() }
        let result = try RegistryStore(connection: connection).register(loggersCSV: csv, networkName: name, networkINP: inp)
        print("registered \(result.channels) logger channels in \(result.dmas) DMA(s)\(inp == nil ? "" : " on network \"\(name)\"")")
    }
}

func readText(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ConfigurationError("cannot read \(path)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw ConfigurationError("\(path) is not UTF-8 text")
    }
    return text
}

import Foundation
