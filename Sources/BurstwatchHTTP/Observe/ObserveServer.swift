import Burstwatch
import Dispatch
import Foundation
import Hummingbird
import Logging
import Synchronization

/// The HTTP server of a role process: Hummingbird on its own task (and NIO's threads),
/// beside the role's synchronous threads. `start` returns once the server listens, or
/// throws when it cannot (say, the port is taken), so a misconfigured role fails at
/// once instead of running unobserved.
public final class ObserveServer: Sendable {
    /// The port it listens on (useful when asked for port 0 in tests).
    public let port: Int
    private let task: Task<Void, Never>

    private init(port: Int, task: Task<Void, Never>) {
        self.port = port
        self.task = task
    }

    /// Serves `/metrics` and `/health` for `role`.
    public static func start(host: String, port: Int, role: String, logger: Logger = Logs.logger("http")) throws -> ObserveServer {
        let router = Router()
        ObserveRoutes.add(to: router, role: role)
        let outcome = StartOutcome()
        let started = DispatchSemaphore(value: 0)
        // Hummingbird's own start line would repeat ours; its warnings and errors still show.
        var serverLogger = logger
        serverLogger.logLevel = .warning
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "burstwatch-\(role)", reuseAddress: false),
            onServerRunning: { channel in
                outcome.result.withLock { $0 = .success(channel.localAddress?.port ?? port) }
                started.signal()
            },
            logger: serverLogger)
        // The one unstructured task: the roles are synchronous threads, not services in a
        // ServiceGroup, so the server's async run() needs an entry point of its own.
        let task = Task.detached {
            do {
                try await app.run()
            } catch {
                let first = outcome.result.withLock { result -> Bool in
                    guard result == nil else { return false }
                    result = .failure(error)
                    return true
                }
                if first { started.signal() } else { logger.error("HTTP server stopped: \(error)") }
            }
        }
        guard started.wait(timeout: .now() + 30) == .success, let result = outcome.result.withLock({ $0 }) else {
            task.cancel()
            throw ObserveServerError(description: "HTTP server on \(host):\(port) did not start within 30 s")
        }
        switch result {
        case .success(let bound):
            logger.info("serving /metrics and /health on http://\(host):\(bound)/", metadata: ["role": "\(role)"])
            return ObserveServer(port: bound, task: task)
        case .failure(let error):
            throw ObserveServerError(description: "cannot serve HTTP on \(host):\(port): \(error)")
        }
    }

    /// Stops listening (the process's exit would too).
    public func stop() { task.cancel() }
}

public struct ObserveServerError: Error, CustomStringConvertible {
    public let description: String
}

/// How starting ended: the bound port or the error. A class, since the closures that
/// fill it in escape (a Mutex alone cannot be captured by them).
private final class StartOutcome: Sendable {
    let result = Mutex<Result<Int, any Error>?>(nil)
}
