import ArgumentParser
import Burstwatch
import Foundation

struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Follows burst events as they are published, or exports their areas.",
        subcommands: [AlertsTailCommand.self, AlertsExportCommand.self])
}

/// A DMA name goes into a topic routing key, where '.', '*' and '#' mean something.
func validateDMAForRoutingKey(_ dma: String?) throws {
    guard let dma else { return }
    guard !dma.isEmpty, !dma.contains(where: { ".*#".contains($0) }) else {
        throw ValidationError("--dma \"\(dma)\" cannot be bound: a DMA name in a routing key may not be empty or hold '.', '*' or '#'")
    }
}

struct AlertsTailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Prints burst events as they are published: one line each (human or JSON), acked after printing.",
        discussion: """
            Without --queue the subscription lives as long as this process (an exclusive, auto-deleted \
            queue): alerts published while it is not running are not seen. With --queue NAME it uses a \
            durable queue of that name that keeps collecting alerts while the subscriber is down. \
            Reconnects with backoff when the broker goes away; stops on SIGINT/SIGTERM.
            """)

    @Option(help: "Only this DMA.")
    var dma: String?

    @Option(help: "Only this state: opened, updated or closed.")
    var state: String?

    @Option(help: "A named durable queue, so alerts are not missed while the subscriber is down.")
    var queue: String?

    @Flag(help: "Print each event as the message's JSON, one object a line.")
    var json = false

    func validate() throws {
        try validateDMAForRoutingKey(dma)
        if let state, AlertsTail.Options.state(named: state) == nil {
            throw ValidationError("--state must be opened, updated or closed, not \"\(state)\"")
        }
        if let queue, queue.isEmpty || queue.hasPrefix("amq.") {
            throw ValidationError("--queue must be a name not starting with \"amq.\"")
        }
    }

    func run() throws {
        let settings = try loadSettings()
        Shutdown.shared.installSignalHandlers()
        let tail = AlertsTail(connections: Connections(settings: settings),
                              options: .init(dma: dma, state: state.flatMap(AlertsTail.Options.state(named:)), queue: queue, json: json))
        // Unbuffered: a line must be out before its message is acked.
        tail.run { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }
}

struct AlertsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Writes burst events' areas of interest as a GeoJSON FeatureCollection to stdout.",
        discussion: """
            Each area pipe is a LineString and the estimated burst node a Point, in the network \
            model's own coordinates (not reprojected). Pass --epsg when you know the model's \
            coordinate system to have it named in the file's "crs" member.
            """)

    @Flag(help: "GeoJSON output (the only format; required so that a future format is an explicit choice).")
    var geojson = false

    @Option(help: "Only this DMA.")
    var dma: String?

    @Option(help: "Only events whose latest state is at or after this data time (ISO 8601).")
    var since: String?

    @Flag(help: "Only events that are not closed.")
    var openOnly = false

    @Option(help: "EPSG code of the network's coordinates, passed through as the \"crs\" member.")
    var epsg: Int?

    func validate() throws {
        guard geojson else { throw ValidationError("say --geojson (the only export format)") }
        if let since, AlertsExport.Filter.time(since) == nil {
            throw ValidationError("--since \"\(since)\" is not an ISO 8601 time like 2026-03-24T00:00:00Z")
        }
        if let epsg, !(1...999_999).contains(epsg) { throw ValidationError("--epsg must be a positive EPSG code") }
    }

    func run() throws {
        let settings = try loadSettings()
        let connection = try Connections(settings: settings).database("alerts-export")
        defer { connection.close() }
        let export = AlertsExport(connection: connection)
        let events = try export.events(.init(dma: dma, since: since.flatMap(AlertsExport.Filter.time), openOnly: openOnly))
        let networks = try export.networks(forDMAs: Set(events.map(\.dma)))
        print(GeoJSONExport(epsg: epsg).featureCollection(events: events, networks: networks).serialized())
    }
}
