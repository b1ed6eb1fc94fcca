import ArgumentParser
import Burstwatch
import BurstwatchHTTP
import Foundation

/// `--http-port` / `--http-host` of every role command: where `/metrics` and `/health`
/// are served. The options win over BURSTWATCH_HTTP_PORT / BURSTWATCH_HTTP_HOST; port
/// 0 or unset leaves HTTP (and metrics collection) off.
struct HTTPOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Serve /metrics and /health on this port (0: off; default $BURSTWATCH_HTTP_PORT or off).",
                               valueName: "port"))
    var httpPort: Int?

    @Option(help: ArgumentHelp("The address to serve HTTP on (default $BURSTWATCH_HTTP_HOST or 127.0.0.1; 0.0.0.0 for all).",
                               valueName: "host"))
    var httpHost: String?

    func validate() throws {
        if let httpPort, !(0...65_535).contains(httpPort) {
            throw ValidationError("--http-port must be between 0 and 65535")
        }
    }

    /// The port to serve on, or nil when HTTP is off.
    func resolvedPort(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Int? {
        if let httpPort { return httpPort == 0 ? nil : httpPort }
        guard let text = environment["BURSTWATCH_HTTP_PORT"], !text.isEmpty else { return nil }
        guard let port = Int(text), (0...65_535).contains(port) else {
            throw ConfigurationError("BURSTWATCH_HTTP_PORT must be a port number, not \(text)")
        }
        return port == 0 ? nil : port
    }

    func resolvedHost(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        httpHost ?? environment["BURSTWATCH_HTTP_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
    }

    /// Bootstraps Prometheus and starts the server, when a port is set. Call after
    /// `loadSettings()` (logging) and before the role starts (its metric handles bind
    /// to the backend of the moment).
    @discardableResult
    func startServer(role: String) throws -> ObserveServer? {
        guard let port = try resolvedPort() else { return nil }
        PrometheusMetrics.bootstrap()
        do {
            return try ObserveServer.start(host: resolvedHost(), port: port, role: role)
        } catch {
            throw ConfigurationError("\(error)")
        }
    }
}
