/// One measured run, one line of the results CSV.
public struct BenchRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// Files dropped into the watched folder until their rows committed.
        case pipeline
        /// Publish and consume the same number of persistent messages with confirms.
        case brokerCeiling = "broker-ceiling"
        /// The method burstwatch replaces: a Python multiprocessing pool and one INSERT per file.
        case python
    }

    public var kind: Kind
    public var repetition: Int
    public var files: Int
    /// Ingest processes (pipeline) or pool processes (python); 0 when not applicable.
    public var processes: Int
    /// Prefetch (pipeline) or chunk size (python); 0 when not applicable.
    public var prefetch: Int
    public var seconds: Double
    /// File close to committed row (pipeline only).
    public var latency: LatencySummary?
    /// CPU time of the ingest workers (user + system, from /proc) per file, µs.
    public var ingestCPUMicrosPerFile: Double?
    /// The same for the watcher.
    public var watchCPUMicrosPerFile: Double?
    /// PostgreSQL backends of the run's database (the roles' connections).
    public var databaseCPUMicrosPerFile: Double?
    /// The whole RabbitMQ node (beam.smp): shared with anyone else using the broker.
    public var brokerCPUMicrosPerFile: Double?

    public init(kind: Kind, repetition: Int, files: Int, processes: Int, prefetch: Int, seconds: Double,
                latency: LatencySummary? = nil, ingestCPUMicrosPerFile: Double? = nil, watchCPUMicrosPerFile: Double? = nil,
                databaseCPUMicrosPerFile: Double? = nil, brokerCPUMicrosPerFile: Double? = nil) {
        self.kind = kind
        self.repetition = repetition
        self.files = files
        self.processes = processes
        self.prefetch = prefetch
        self.seconds = seconds
        self.latency = latency
        self.ingestCPUMicrosPerFile = ingestCPUMicrosPerFile
        self.watchCPUMicrosPerFile = watchCPUMicrosPerFile
        self.databaseCPUMicrosPerFile = databaseCPUMicrosPerFile
        self.brokerCPUMicrosPerFile = brokerCPUMicrosPerFile
    }

    public var filesPerSecond: Double { seconds > 0 ? Double(files) / seconds : 0 }

    public static let csvHeader =
        "kind,repetition,files,processes,prefetch,seconds,files_per_s,latency_median_ms,latency_p99_ms,latency_max_ms,ingest_cpu_us_per_file,watch_cpu_us_per_file,database_cpu_us_per_file,broker_cpu_us_per_file"

    public var csvLine: String {
        func optional(_ value: Double?, _ digits: Int) -> String { value.map { formatDecimal($0, digits) } ?? "" }
        return [
            kind.rawValue, String(repetition), String(files), String(processes), String(prefetch),
            formatDecimal(seconds, 4), formatDecimal(filesPerSecond, 1),
            optional(latency.map { $0.median * 1000 }, 2), optional(latency.map { $0.p99 * 1000 }, 2),
            optional(latency.map { $0.max * 1000 }, 2),
            optional(ingestCPUMicrosPerFile, 2), optional(watchCPUMicrosPerFile, 2),
            optional(databaseCPUMicrosPerFile, 2), optional(brokerCPUMicrosPerFile, 2),
        ].joined(separator: ",")
    }

    public static func csv(_ records: [BenchRecord]) -> String {
        ([csvHeader] + records.map(\.csvLine)).joined(separator: "\n") + "\n"
    }
}

/// Medians per setting over repetitions, and the sweep's matrix.
public enum BenchSummary {
    /// Median seconds of the pipeline runs for each (processes, prefetch).
    public static func matrix(_ records: [BenchRecord], processes: [Int], prefetch: [Int], title: String,
                              subtitle: String) -> SweepMatrix {
        let seconds = processes.map { p in
            prefetch.map { f in
                BenchStatistics.median(records.filter { $0.kind == .pipeline && $0.processes == p && $0.prefetch == f }.map(\.seconds))
            }
        }
        return SweepMatrix(processes: processes, prefetch: prefetch, seconds: seconds, title: title, subtitle: subtitle)
    }

    /// Median seconds of one kind of run.
    public static func medianSeconds(_ records: [BenchRecord], _ kind: BenchRecord.Kind) -> Double? {
        BenchStatistics.median(records.filter { $0.kind == kind }.map(\.seconds))
    }

    /// Medians of per-repetition ratios a/b: side by side, so slow moments of the shared
    /// machine hit both terms of a ratio alike.
    public static func medianRatio(_ records: [BenchRecord], _ numerator: (BenchRecord) -> Bool,
                                   _ denominator: (BenchRecord) -> Bool) -> Double? {
        let repetitions = Set(records.map(\.repetition)).sorted()
        var ratios: [Double] = []
        for repetition in repetitions {
            let ofRepetition = records.filter { $0.repetition == repetition }
            guard let a = BenchStatistics.median(ofRepetition.filter(numerator).map(\.seconds)),
                  let b = BenchStatistics.median(ofRepetition.filter(denominator).map(\.seconds)), b > 0 else { continue }
            ratios.append(a / b)
        }
        return BenchStatistics.median(ratios)
    }
}
