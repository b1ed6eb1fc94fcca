import Foundation
import Synchronization

/// What each of a process's role loops last said about its connections, for
/// `GET /health`. A role loop (watch, ingest, detect, the outbox relay) is one
/// component; `Shutdown.keepRunning` reports for it: connecting, connected, or
/// reconnecting after a failure. The process is healthy when every component it runs
/// is connected.
public final class RoleHealth: Sendable {
    public static let shared = RoleHealth()

    public enum State: String, Sendable, Codable {
        /// Started, not yet connected to its broker and database.
        case connecting
        /// Its broker and database connections are up.
        case connected
        /// A connection failed; waiting with backoff to try again.
        case reconnecting
    }

    public struct Component: Sendable, Equatable, Codable {
        public var state: State
        /// When the component entered `state`.
        public var since: Date
        /// The last time it finished a unit of work (a committed batch, a confirmed
        /// publish, a detected window).
        public var lastSuccess: Date?
        /// Why it last lost its connection.
        public var lastError: String?
        /// How many times it lost its connection since the process started.
        public var reconnects: Int
    }

    private let components = Mutex<[String: Component]>([:])

    public init() {}

    public func connecting(_ name: String, now: Date = Date()) {
        components.withLock { all in
            if all[name] == nil { all[name] = Component(state: .connecting, since: now, reconnects: 0) }
        }
    }

    public func connected(_ name: String, now: Date = Date()) {
        update(name, now: now) { $0.state = .connected }
    }

    public func failed(_ name: String, error: String, now: Date = Date()) {
        update(name, now: now) { component in
            component.state = .reconnecting
            component.lastError = error
            component.reconnects += 1
        }
    }

    public func succeeded(_ name: String, now: Date = Date()) {
        components.withLock { all in all[name]?.lastSuccess = now }
    }

    private func update(_ name: String, now: Date, _ change: (inout Component) -> Void) {
        components.withLock { all in
            var component = all[name] ?? Component(state: .connecting, since: now, reconnects: 0)
            let before = component.state
            change(&component)
            if component.state != before { component.since = now }
            all[name] = component
        }
    }

    public func snapshot() -> HealthSnapshot {
        HealthSnapshot(components: components.withLock { $0 })
    }
}

/// One reading of `RoleHealth`, rendered as the body of `GET /health`.
public struct HealthSnapshot: Sendable, Equatable {
    public var components: [String: RoleHealth.Component]

    public init(components: [String: RoleHealth.Component]) { self.components = components }

    /// Healthy when at least one component runs and every one is connected. (No
    /// component yet means the process is still starting.)
    public var isHealthy: Bool {
        !components.isEmpty && components.values.allSatisfy { $0.state == .connected }
    }

    /// `{"status":"ok"|"unavailable","role":…,"components":{name:{"state":…,"since":…,
    /// "last_success":…,"last_error":…,"reconnects":n}}}`, times in ISO 8601 UTC.
    public func json(role: String) -> String {
        struct Body: Encodable {
            var status: String
            var role: String
            var components: [String: Entry]
        }
        struct Entry: Encodable {
            var state: String
            var since: String
            var last_success: String?
            var last_error: String?
            var reconnects: Int
        }
        let format = ISO8601DateFormatter()
        let body = Body(status: isHealthy ? "ok" : "unavailable", role: role,
                        components: components.mapValues { component in
                            Entry(state: component.state.rawValue, since: format.string(from: component.since),
                                  last_success: component.lastSuccess.map { format.string(from: $0) },
                                  last_error: component.lastError, reconnects: component.reconnects)
                        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(body)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
