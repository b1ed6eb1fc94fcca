import Readings

/// One file-arrived message as the ingest worker sees it.
public struct IncomingFile: Sendable {
    public var deliveryTag: UInt64
    public var body: [UInt8]
    public var fileName: String
    public var source: String?
    /// ISO 8601 from the x-received-at header, when present.
    public var receivedAt: String?
    /// When the watcher published it (the message's timestamp, epoch seconds), for the
    /// queue-lag metric.
    public var publishedAt: Int64?

    public init(deliveryTag: UInt64, body: [UInt8], fileName: String, source: String?, receivedAt: String?) {
        self.deliveryTag = deliveryTag
        self.body = body
        self.fileName = fileName
        self.source = source
        self.receivedAt = receivedAt
    }
}

/// What a batch will do with one file, decided before any I/O.
public struct FilePlan: Sendable {
    public var file: IncomingFile
    /// Computed from the bytes; the message id is not trusted.
    public var sha256: String
    public var readings: [NormalizedReading]
    public var rowErrors: [RowError]
    /// Set when the whole file goes to the dead-letter queue.
    public var rejection: String?
    /// Another message of the same batch carried the same bytes.
    public var duplicateInBatch: Bool
    /// The rejection's kind, a short fixed class for metrics.
    public var rejectionKind: FileRejection.Kind? = nil

    public var status: String {
        if rejection != nil { return "rejected" }
        return rowErrors.isEmpty ? "ingested" : "partial"
    }
}

/// Parses and validates a batch against the registry. Pure: the same batch and
/// registry always give the same plan.
public struct IngestPlanner: Sendable {
    public var registry: LoggerRegistry
    public var naiveOffsetSeconds: Int
    /// Readings stamped later than this (epoch µs) are refused: a logger clock in the
    /// far future would otherwise expire every window's grace period at once.
    public var latestAcceptedTimestamp: Int64

    public init(registry: LoggerRegistry, naiveOffsetSeconds: Int, latestAcceptedTimestamp: Int64) {
        self.registry = registry
        self.naiveOffsetSeconds = naiveOffsetSeconds
        self.latestAcceptedTimestamp = latestAcceptedTimestamp
    }

    public func plan(_ files: [IncomingFile]) -> [FilePlan] {
        var seen = Set<String>()
        return files.map { file in
            let sha = SHA256.hexDigest(file.body)
            let duplicate = !seen.insert(sha).inserted
            var plan = FilePlan(file: file, sha256: sha, readings: [], rowErrors: [], rejection: nil,
                                duplicateInBatch: duplicate)
            guard !duplicate else { return plan }
            check(file, into: &plan)
            return plan
        }
    }

    /// Whether a plan's rejection came only from loggers the registry does not know:
    /// worth re-checking after reloading the registry.
    public static func mentionsUnknownLogger(_ plan: FilePlan) -> Bool {
        plan.rowErrors.contains { $0.reason.contains("unknown logger") } || plan.rejection?.contains("unknown logger") == true
    }

    private func check(_ file: IncomingFile, into plan: inout FilePlan) {
        do {
            var parsed = try ReadingFileParser(naiveOffsetSeconds: naiveOffsetSeconds).parse(file.body)
            parsed.readings.removeAll { reading in
                guard reading.timestamp > latestAcceptedTimestamp else { return false }
                parsed.rowErrors.append(RowError(
                    line: reading.line,
                    reason: "timestamp \(ISOTimestamp.format(reading.timestamp)) is more than a day in the future"))
                return true
            }
            let validated = try registry.validate(parsed)
            plan.readings = validated.readings
            plan.rowErrors = validated.rowErrors.sorted { $0.line < $1.line }
        } catch {
            // Both steps throw only FileRejection (typed throws).
            plan.rejection = "\(file.fileName): \(error.reason)"
            plan.rejectionKind = error.kind
        }
    }
}
