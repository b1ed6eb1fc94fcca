/// What the fault suite does to a running pipeline.
public enum FaultKind: String, CaseIterable, Sendable, Comparable {
    case killWatch = "kill -9 watch"
    case killIngestWorker1 = "kill -9 ingest worker 1"
    case killIngestWorker2 = "kill -9 ingest worker 2"
    case killDetect = "kill -9 detect"
    case restartRabbitMQ = "restart RabbitMQ"
    case restartPostgres = "restart PostgreSQL"

    public static func < (a: FaultKind, b: FaultKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One fault at a moment of the run.
public struct ScheduledFault: Sendable, Equatable {
    /// Seconds after the first file was dropped.
    public var at: Double
    public var kind: FaultKind
    /// For a killed role: how long it stays down before it is started again.
    public var downSeconds: Double
}

/// The faults of a run at seeded random moments: the same seed gives the same run, so a
/// failure can be replayed. The run's span is cut into one slot per fault and each fault
/// lands at a random point of its own slot (kinds shuffled over the slots), which keeps
/// faults at least `minimumGap` apart: a restart's reconnections settle before the next
/// fault, yet where a fault lands in the flow (mid-batch, between confirm and delete, …)
/// is random.
public enum FaultSchedule {
    public static func make(seed: UInt64, counts: [FaultKind: Int], span: ClosedRange<Double>,
                            minimumGap: Double, downSeconds: ClosedRange<Double> = 0.2...3) -> [ScheduledFault] {
        var kinds: [FaultKind] = []
        for kind in FaultKind.allCases { kinds += Array(repeating: kind, count: max(0, counts[kind] ?? 0)) }
        guard !kinds.isEmpty else { return [] }
        var rng = SplitMix64(seed: seed)
        kinds.shuffle(using: &rng)
        let slot = (span.upperBound - span.lowerBound) / Double(kinds.count)
        let jitter = max(0, slot - minimumGap)
        return kinds.enumerated().map { index, kind in
            let at = span.lowerBound + Double(index) * slot + Double.random(in: 0...1, using: &rng) * jitter
            let down = Double.random(in: downSeconds, using: &rng)
            return ScheduledFault(at: at, kind: kind, downSeconds: down)
        }
    }
}
