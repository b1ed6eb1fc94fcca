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
    func resolvedPort(_ settings: Settings) -> Int? {
        guard let httpPort else { return settings.httpPort }
        return httpPort == 0 ? nil : httpPort
    }

    func resolvedHost(_ settings: Settings) -> String { httpHost ?? settings.httpHost }

    /// Bootstraps Prometheus and starts the server, when a port is set. Call after
    /// `loadSettings()` (logging) and before the role starts (its metric handles bind
    /// to the backend of the moment).
    @discardableResult
    func startServer(role: String, settings: Settings) throws -> ObserveServer? {
        guard let port = resolvedPort(settings) else { return nil }
        PrometheusMetrics.bootstrap()
        do {
            return try ObserveServer.start(host: resolvedHost(settings), port: port, role: role)
        } catch {
            throw ConfigurationError("\(error)")
        }
    }
}
