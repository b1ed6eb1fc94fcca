import ArgumentParser
import Burstwatch
import BurstwatchHTTP
import Foundation

struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Serves a live web map: the network, its loggers, and each open burst's area of interest.",
        discussion: "Open http://HOST:PORT/ in a browser. Reads PostgreSQL only (BURSTWATCH_DATABASE_URL).")

    @Option(help: "The port to listen on (0: any free port, printed on start).")
    var port = 8090

    @Option(help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() throws {
        let settings = try loadSettings()
        let connections = Connections(settings: settings)
        let service = MapService(openConnection: { try connections.database("map") })
        let host = self.host
        try MapServer(host: host, port: port, service: service).runBlocking { port in
            // Written straight to stdout (unbuffered) so that scripts and tests can find a
            // port chosen with --port 0 while the server runs.
            FileHandle.standardOutput.write(Data("map: serving http://\(host):\(port)/\n".utf8))
        }
    }
}
