import Dispatch
import Postgres

/// Answers the map's JSON endpoints from PostgreSQL. Blocking libpq calls run on one
/// serial queue, away from the server's event loops; parsed networks are cached until
/// `burstwatch register` changes them.
///
/// `@unchecked Sendable`: `connection` and `cache` are touched only on `queue`, which is
/// serial, so no two threads ever use them at once.
public final class MapService: @unchecked Sendable {
    private let queue = DispatchQueue(label: "burstwatch.map.database")
    private let openConnection: @Sendable () throws -> PGConnection
    private var connection: PGConnection?
    private var cache: [String: ParsedNetwork] = [:]

    public init(openConnection: @escaping @Sendable () throws -> PGConnection) {
        self.openConnection = openConnection
    }

    deinit { connection?.close() }

    public func networkDocument() async throws -> MapNetworkDocument {
        try await onQueue { store in
            MapNetworkJSON.document(networks: try self.parsedNetworks(store), loggers: try store.loggers())
        }
    }

    public func loggersDocument() async throws -> MapLoggersDocument {
        try await onQueue { store in
            MapLoggersJSON.document(loggers: try store.loggers(), networks: try self.parsedNetworks(store))
        }
    }

    public func eventsDocument() async throws -> MapEventsDocument {
        try await onQueue { store in
            MapEventsJSON.document(events: try store.openEvents(), networks: try self.parsedNetworks(store),
                                   networkVersion: try store.networkVersion())
        }
    }

    /// Every stored network, parsed; only new or re-registered ones are read and parsed again.
    private func parsedNetworks(_ store: MapStore) throws -> [ParsedNetwork] {
        let stamps = try store.networkStamps()
        var fresh: [String: ParsedNetwork] = [:]
        for stamp in stamps {
            if let cached = cache[stamp.name], cached.updatedAt == stamp.updatedAt {
                fresh[stamp.name] = cached
            } else if let row = try store.network(named: stamp.name) {
                fresh[stamp.name] = ParsedNetwork(row)
            }
        }
        cache = fresh
        return stamps.compactMap { fresh[$0.name] }
    }

    /// Runs `body` on the queue with a live connection. After a failure the connection
    /// is dropped, so the next request reconnects (the database may have restarted).
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (MapStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result {
                    do {
                        if self.connection?.isOK != true {
                            self.connection?.close()
                            self.connection = try self.openConnection()
                        }
                        return try body(MapStore(connection: self.connection!))
                    } catch {
                        self.connection?.close()
                        self.connection = nil
                        throw error
                    }
                })
            }
        }
    }
}
