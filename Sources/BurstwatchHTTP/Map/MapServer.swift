import Burstwatch
import Dispatch
import Foundation
import Hummingbird
import Logging

/// `burstwatch map`: serves the map page and its JSON endpoints.
///
///     GET /             the page (MapPage)
///     GET /api/network  every registered network's nodes and links with coordinates
///     GET /api/loggers  every logger channel and where it sits
///     GET /api/events   open burst events with their ranked areas of interest
///
/// An endpoint that cannot reach the database answers 503 with `{"error": ...}`; the
/// page shows it and keeps polling.
public struct MapServer: Sendable {
    public var host: String
    public var port: Int
    public let service: MapService

    public init(host: String, port: Int, service: MapService) {
        self.host = host
        self.port = port
        self.service = service
    }

    /// Serves until SIGINT or SIGTERM. `onListening` receives the port actually bound
    /// (the one asked for, or a free one for port 0).
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let router = Router()
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(string: MapPage.html)))
        }
        let service = self.service
        router.get("/api/network") { _, _ in await Self.json { try await service.networkDocument() } }
        router.get("/api/loggers") { _, _ in await Self.json { try await service.loggersDocument() } }
        router.get("/api/events") { _, _ in await Self.json { try await service.eventsDocument() } }
        let logger = Logs.logger("map")
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "burstwatch-map"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? -1) },
            logger: logger)
        try await app.runService()
    }

    /// The document as JSON with snake_case keys, or 503 with the reason.
    static func json<T: Encodable & Sendable>(_ make: () async throws -> T) async -> Response {
        let headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        do {
            let data = try MapJSONEncoding.encode(try await make())
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        } catch {
            Logs.logger("map").warning("map: request failed: \(error)")
            let data = (try? MapJSONEncoding.encode(["error": "database unavailable: \(error)"])) ?? Data()
            return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// Runs the server from synchronous code (the CLI's commands are synchronous) and
    /// returns when it stops.
    public func runBlocking(onListening: @escaping @Sendable (Int) -> Void = { _ in }) throws {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await run(onListening: onListening) } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// The error a server task ended with, handed back to the waiting thread.
/// `@unchecked Sendable`: written once by the task before it signals, read by the
/// waiter only after the signal, so the semaphore orders the two accesses.
private final class Outcome: @unchecked Sendable {
    private(set) var error: (any Error)?
    func set(_ error: any Error) { self.error = error }
}

/// The map's JSON: snake_case keys (as in the burst-event contract), sorted for stable output.
public enum MapJSONEncoding {
    public static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
