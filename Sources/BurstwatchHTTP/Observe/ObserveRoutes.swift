import Burstwatch
import Hummingbird
import Prometheus

/// `GET /metrics` (Prometheus text format) and `GET /health` (JSON; 200 when every
/// role loop of the process is connected, 503 otherwise). Added to any Hummingbird
/// router, so other routes (the map) can share one server.
public enum ObserveRoutes {
    public static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func add<Context: RequestContext>(
        to router: Router<Context>, role: String,
        registry: PrometheusCollectorRegistry = PrometheusMetrics.registry, health: RoleHealth = .shared
    ) {
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = metricsContentType
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("/health") { _, _ -> Response in
            let snapshot = health.snapshot()
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            return Response(status: snapshot.isHealthy ? .ok : .serviceUnavailable, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(string: snapshot.json(role: role) + "\n")))
        }
    }
}
