import Foundation
import Postgres
import Readings

/// What one committed batch did.
public struct BatchOutcome: Sendable {
    public var filesIngested = 0
    public var filesPartial = 0
    public var filesRejected = 0
    /// Files whose bytes had already been ingested (redelivery or a second upload).
    public var filesDuplicate = 0
    public var rowsInserted = 0
    /// Good rows that were already in the table.
    public var rowsDuplicate = 0
    public var rowsBad = 0
    public var windowsAnnounced: [WindowComplete] = []
    /// Files to send to the dead-letter queue after the commit, with their reason.
    /// Includes redelivered files the ledger already recorded as rejected, since the
    /// earlier attempt may have crashed before it dead-lettered them.
    public var deadLetters: [DeadLetteredFile] = []
}

/// A file the batch rejected as a whole, for the dead-letter queue, the log and the metrics.
public struct DeadLetteredFile: Sendable {
    public var file: IncomingFile
    public var sha256: String
    public var reason: String
    /// The rejection's kind (`too-large`, `bad-header`, …; `DeadLetterClass`).
    public var reasonClass: String

    init(_ plan: FilePlan, reason: String) {
        file = plan.file
        sha256 = plan.sha256
        self.reason = reason
        reasonClass = DeadLetterClass.of(plan)
    }
}

/// Writes one batch in one transaction: the batch's files and readings go to staging
/// tables by COPY; then the readings are inserted with ON CONFLICT DO NOTHING, window
/// progress is tracked (window-complete messages into the outbox), and the file ledger
/// is written last.
///
/// Cost per file matters here (a batch is up to `prefetch` one-reading files): the
/// staging rows are encoded straight into COPY bytes, and the insert reports back only
/// the position in the batch of each reading it inserted, not its key.
public struct BatchWriter {
    public let connection: PGConnection
    public let windowSeconds: Int64
    public let graceSeconds: Int64
    public let windowsExchange: String

    public init(connection: PGConnection, windowSeconds: Int64, graceSeconds: Int64, windowsExchange: String) {
        self.connection = connection
        self.windowSeconds = windowSeconds
        self.graceSeconds = graceSeconds
        self.windowsExchange = windowsExchange
    }

    /// Creates the per-session staging tables; call once per connection.
    public func prepare() throws {
        _ = try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS staging_batch_readings (
                ord integer, logger_id text, channel text, ts timestamptz, value double precision
            ) ON COMMIT DELETE ROWS
            """)
        _ = try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS staging_batch_files (
                ord integer, sha256 text, file_name text, source text, size_bytes bigint, received_at timestamptz,
                status text, rows_good integer, rows_bad integer, reason text, errors jsonb
            ) ON COMMIT DELETE ROWS
            """)
    }

    public func write(_ plans: [FilePlan], registry: LoggerRegistry) throws -> BatchOutcome {
        try connection.transaction {
            try writeInTransaction(plans)
        }
    }

    private func writeInTransaction(_ plans: [FilePlan]) throws -> BatchOutcome {
        var outcome = BatchOutcome()
        // A second copy of the same bytes within the batch is only counted.
        let candidates = plans.indices.filter { !plans[$0].duplicateInBatch }
        try stageFiles(plans, candidates)
        let known = try knownFiles(plans, candidates)

        var fresh: [Int] = []
        for index in plans.indices {
            let plan = plans[index]
            if plan.duplicateInBatch {
                outcome.filesDuplicate += 1
            } else if let status = known[index] {
                outcome.filesDuplicate += 1
                if status == "rejected", let reason = plan.rejection { outcome.deadLetters.append(DeadLetteredFile(plan, reason: reason)) }
            } else {
                fresh.append(index)
            }
        }
        let duplicateShas = plans.indices.filter { plans[$0].duplicateInBatch || known[$0] != nil }.map { plans[$0].sha256 }

        var insertedPerFile = [Int](repeating: 0, count: plans.count)
        var perWindow: [WindowKey: Int] = [:]
        for (file, reading) in try insertReadings(plans, fresh) {
            insertedPerFile[file] += 1
            let key = WindowKey(dma: reading.dma, windowStart: Windowing.windowStart(of: reading.timestamp, lengthSeconds: windowSeconds))
            perWindow[key, default: 0] += 1
        }

        for index in fresh {
            let plan = plans[index]
            switch plan.status {
            case "rejected":
                outcome.filesRejected += 1
                outcome.deadLetters.append(DeadLetteredFile(plan, reason: plan.rejection ?? "rejected"))
            case "partial": outcome.filesPartial += 1
            default: outcome.filesIngested += 1
            }
            outcome.rowsInserted += insertedPerFile[index]
            outcome.rowsDuplicate += plan.readings.count - insertedPerFile[index]
            outcome.rowsBad += plan.rowErrors.count
        }
        outcome.windowsAnnounced = try WindowTracker(connection: connection, windowSeconds: windowSeconds,
                                                     graceSeconds: graceSeconds, windowsExchange: windowsExchange)
            .track(insertedPerWindow: perWindow)
        // The ledger last: its ingested_at (clock_timestamp()) is then the moment just
        // before COMMIT, which is what latency from file to committed row is measured by.
        try countRedeliveries(duplicateShas)
        try recordFiles(fresh, insertedPerFile: insertedPerFile)
        return outcome
    }

    /// One staging row per file of the batch (not yet knowing whether the ledger has it),
    /// `ord` its position in the batch.
    private func stageFiles(_ plans: [FilePlan], _ candidates: [Int]) throws {
        guard !candidates.isEmpty else { return }
        var encoder = PGCopyEncoder(reservingCapacity: candidates.count * 200)
        let jsonEncoder = JSONEncoder()
        for index in candidates {
            let plan = plans[index]
            encoder.appendInt(Int64(index))
            encoder.appendText(plan.sha256)
            encoder.appendText(plan.file.fileName)
            optional(plan.file.source, &encoder)
            encoder.appendInt(Int64(plan.file.body.count))
            optional(plan.file.receivedAt, &encoder)
            encoder.appendText(plan.status)
            encoder.appendInt(Int64(plan.readings.count))
            encoder.appendInt(Int64(plan.rowErrors.count))
            optional(plan.rejection, &encoder)
            // The first 100 bad rows are enough to act on; the count says how many.
            if plan.rowErrors.isEmpty {
                encoder.appendText("[]")
            } else {
                let listed = plan.rowErrors.prefix(100).map { ["line": "\($0.line)", "reason": $0.reason] }
                encoder.appendText(String(decoding: (try? jsonEncoder.encode(listed)) ?? Data("[]".utf8), as: UTF8.self))
            }
            encoder.endRow()
        }
        try connection.copyIn("""
            COPY staging_batch_files (ord, sha256, file_name, source, size_bytes, received_at, status,
                                      rows_good, rows_bad, reason, errors) FROM STDIN
            """, data: encoder.bytes)
    }

    private func optional(_ text: String?, _ encoder: inout PGCopyEncoder) {
        if let text { encoder.appendText(text) } else { encoder.appendNull() }
    }

    /// Batch positions of the staged files the ledger already has, with their status.
    /// (An index lookup per file: a join would let the planner, knowing nothing of the
    /// temporary table's size, hash the whole ledger for every batch.)
    private func knownFiles(_ plans: [FilePlan], _ candidates: [Int]) throws -> [Int: String] {
        guard !candidates.isEmpty else { return [:] }
        let result = try connection.execute("""
            SELECT sha256, status FROM files WHERE sha256 = ANY (ARRAY(SELECT sha256 FROM staging_batch_files))
            """)
        guard !result.rows.isEmpty else { return [:] }
        var positions: [String: Int] = [:]
        for index in candidates { positions[plans[index].sha256] = index }
        var known: [Int: String] = [:]
        for row in result.rows {
            if let sha = row[0], let index = positions[sha], let status = row[1] { known[index] = status }
        }
        return known
    }

    /// Inserts the fresh files' readings; returns each inserted reading with the batch
    /// position of the file that owns it: the first file of the batch that carries its
    /// key (for per-file counts).
    private func insertReadings(_ plans: [FilePlan], _ fresh: [Int]) throws -> [(file: Int, reading: NormalizedReading)] {
        var staged: [(file: Int, reading: NormalizedReading)] = []
        var encoder = PGCopyEncoder(reservingCapacity: fresh.count * 64)
        for index in fresh {
            for reading in plans[index].readings {
                encoder.appendInt(Int64(staged.count))
                encoder.appendText(reading.loggerID)
                encoder.appendText(reading.channel)
                encoder.appendTimestamp(micros: reading.timestamp)
                encoder.appendDouble(reading.valueSI)
                encoder.endRow()
                staged.append((index, reading))
            }
        }
        guard !staged.isEmpty else { return [] }
        try connection.copyIn("COPY staging_batch_readings (ord, logger_id, channel, ts, value) FROM STDIN", data: encoder.bytes)
        let inserted = try connection.execute("""
            INSERT INTO readings (logger_id, channel, ts, value)
            SELECT logger_id, channel, ts, value FROM staging_batch_readings
            -- Key order, so two workers holding the same keys (a redelivery) lock them alike.
            ORDER BY logger_id, channel, ts, ord
            ON CONFLICT DO NOTHING
            """).affectedRows
        // The usual case: every reading was new, each belongs to its own file.
        if inserted == staged.count { return staged }
        // Some were there already (or twice in the batch): the rows this transaction
        // wrote carry its transaction id (write() is never a savepoint). One index
        // probe per staged reading; the first file carrying a key owns it.
        let result = try connection.execute("""
            SELECT min(s.ord) FROM staging_batch_readings s
            CROSS JOIN LATERAL (SELECT r.xmin FROM readings r
                                WHERE r.logger_id = s.logger_id AND r.channel = s.channel AND r.ts = s.ts OFFSET 0) r
            WHERE r.xmin = (txid_current() % 4294967296)::text::xid
            GROUP BY s.logger_id, s.channel, s.ts
            """)
        return result.rows.compactMap { row in
            guard let ord = row[0].flatMap({ Int($0) }), staged.indices.contains(ord) else { return nil }
            return staged[ord]
        }
    }

    /// The fresh files into the ledger, from staging, with their inserted row counts.
    private func recordFiles(_ fresh: [Int], insertedPerFile: [Int]) throws {
        guard !fresh.isEmpty else { return }
        _ = try connection.execute("""
            INSERT INTO files (sha256, file_name, source, size_bytes, received_at, status,
                               rows_good, rows_inserted, rows_bad, reason, errors, ingested_at)
            SELECT s.sha256, s.file_name, s.source, s.size_bytes, s.received_at, s.status,
                   s.rows_good, c.n, s.rows_bad, s.reason, s.errors, clock_timestamp()
            FROM staging_batch_files s JOIN unnest($1::int[], $2::int[]) AS c(ord, n) ON c.ord = s.ord
            ORDER BY s.sha256
            ON CONFLICT (sha256) DO UPDATE SET deliveries = files.deliveries + 1
            """, [SQLArray.int(fresh), SQLArray.int(fresh.map { insertedPerFile[$0] })])
    }

    private func countRedeliveries(_ shas: [String]) throws {
        guard !shas.isEmpty else { return }
        _ = try connection.execute("""
            UPDATE files SET deliveries = files.deliveries + t.n
            FROM (SELECT sha, count(*) AS n FROM unnest($1::text[]) AS sha GROUP BY sha) AS t
            WHERE files.sha256 = t.sha
            """, [SQLArray.text(shas)])
    }
}

struct ReadingKey: Hashable {
    var loggerID: String
    var channel: String
    var timestamp: Int64
}

struct WindowKey: Hashable, Comparable {
    var dma: String
    var windowStart: Int64
    static func < (a: WindowKey, b: WindowKey) -> Bool { (a.dma, a.windowStart) < (b.dma, b.windowStart) }
}
