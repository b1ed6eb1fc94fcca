import Burstwatch
import Metrics
import Prometheus
import Synchronization

/// The process's one Prometheus registry, behind the swift-metrics API the roles record
/// through (`Meters`). Bootstrap before a role starts: metric handles made earlier stay
/// bound to the no-op backend.
public enum PrometheusMetrics {
    public static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    /// Safe to call more than once; only the first call bootstraps (swift-metrics
    /// allows one bootstrap per process).
    public static func bootstrap() {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            MetricsSystem.bootstrap(factory())
        }
    }

    /// The factory with buckets that suit each histogram's range (the defaults, 5 ms to
    /// 10 s, fit none of them well).
    static func factory() -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            Meters.Name.ingestCommit: milliseconds([1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000]),
            // The message timestamp has whole seconds: finer buckets would mean nothing.
            Meters.Name.ingestQueueLag: seconds([1, 2, 5, 10, 30, 60, 120, 300, 900, 3600]),
            Meters.Name.detectWindowDuration: milliseconds([1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000]),
            Meters.Name.detectWindowLatency: seconds([1, 2, 5, 10, 30, 60, 120, 300, 900, 3600]),
        ]
        factory.valueHistogramBuckets = [
            Meters.Name.ingestBatchFiles: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 65_535],
        ]
        return factory
    }

    private static func milliseconds(_ values: [Double]) -> [Duration] {
        values.map { .nanoseconds(Int64($0 * 1_000_000)) }
    }

    private static func seconds(_ values: [Double]) -> [Duration] {
        values.map { .nanoseconds(Int64($0 * 1_000_000_000)) }
    }
}
