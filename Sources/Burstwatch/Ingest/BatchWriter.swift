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
    public var deadLetters: [(file: IncomingFile, reason: String)] = []
}

/// Writes one batch in one transaction: readings (COPY into staging, then insert with
/// ON CONFLICT DO NOTHING), the file ledger, window progress, and window-complete
/// messages into the outbox.
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

    /// Creates the per-session staging table; call once per connection.
    public func prepare() throws {
        _ = try connection.execute("""
            CREATE TEMP TABLE IF NOT EXISTS staging_readings (
                logger_id text, channel text, ts timestamptz, value double precision
            ) ON COMMIT DELETE ROWS
            """)
    }

    public func write(_ plans: [FilePlan], registry: LoggerRegistry) throws -> BatchOutcome {
        let t0 = DispatchTime.now().uptimeNanoseconds
        var t1: UInt64 = 0
        defer { FileHandle.standardError.write(Data("TIMING commit=\((DispatchTime.now().uptimeNanoseconds - t1) / 1000)us total=\((DispatchTime.now().uptimeNanoseconds - t0)/1000)us\n".utf8)) }
        return try connection.transaction {
            defer { t1 = DispatchTime.now().uptimeNanoseconds }
            return try writeInTransaction(plans, registry: registry)
        }
    }

    private func writeInTransaction(_ plans: [FilePlan], registry: LoggerRegistry) throws -> BatchOutcome {
        var outcome = BatchOutcome()
        var marks: [(String, UInt64)] = [("start", DispatchTime.now().uptimeNanoseconds)]
        func mark(_ n: String) { marks.append((n, DispatchTime.now().uptimeNanoseconds)) }
        defer {
            var t = "TIMING files=\(plans.count)"
            for i in 1..<marks.count { t += " \(marks[i].0)=\((marks[i].1 - marks[i-1].1) / 1000)us" }
            FileHandle.standardError.write(Data((t + "\n").utf8))
        }
        let known = try knownFiles(plans.filter { !$0.duplicateInBatch }.map(\.sha256))
        mark("known")

        // Files this batch writes: new, and not a second copy within the batch.
        var fresh: [FilePlan] = []
        for plan in plans {
            if plan.duplicateInBatch {
                outcome.filesDuplicate += 1
            } else if let status = known[plan.sha256] {
                outcome.filesDuplicate += 1
                if status == "rejected", let reason = plan.rejection { outcome.deadLetters.append((plan.file, reason)) }
            } else {
                fresh.append(plan)
            }
        }
        let duplicateShas = plans.filter { $0.duplicateInBatch || known[$0.sha256] != nil }.map(\.sha256)

        let inserted = try insertReadings(fresh)
        mark("readings")
        var insertedPerFile = [Int](repeating: 0, count: fresh.count)
        var perWindow: [WindowKey: Int] = [:]
        for key in inserted {
            guard let owner = key.owner else { continue }
            insertedPerFile[owner] += 1
            perWindow[WindowKey(dma: key.dma, windowStart: Windowing.windowStart(of: key.timestamp, lengthSeconds: windowSeconds)), default: 0] += 1
        }

        for (index, plan) in fresh.enumerated() {
            switch plan.status {
            case "rejected":
                outcome.filesRejected += 1
                outcome.deadLetters.append((plan.file, plan.rejection ?? "rejected"))
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
        mark("windows")
        // The ledger last: its ingested_at (clock_timestamp()) is then the moment just
        // before COMMIT, which is what latency from file to committed row is measured by.
        try countRedeliveries(duplicateShas)
        try recordFiles(fresh, insertedPerFile: insertedPerFile)
        mark("files")
        return outcome
    }

    private func knownFiles(_ shas: [String]) throws -> [String: String] {
        guard !shas.isEmpty else { return [:] }
        let result = try connection.execute("SELECT sha256, status FROM files WHERE sha256 = ANY($1::text[])",
                                            [SQLArray.text(shas)])
        var known: [String: String] = [:]
        for row in result.rows { if let sha = row[0], let status = row[1] { known[sha] = status } }
        return known
    }

    /// The key of an inserted reading and the batch file it came from.
    struct InsertedKey {
        var dma: String
        var timestamp: Int64
        var owner: Int?
    }

    private func insertReadings(_ fresh: [FilePlan]) throws -> [InsertedKey] {
        var rows: [[String?]] = []
        // The first file of the batch that carries a key owns it, for per-file counts.
        var owners: [ReadingKey: (file: Int, dma: String)] = [:]
        for (index, plan) in fresh.enumerated() {
            for reading in plan.readings {
                let key = ReadingKey(loggerID: reading.loggerID, channel: reading.channel, timestamp: reading.timestamp)
                if owners[key] == nil { owners[key] = (index, reading.dma) }
                rows.append([reading.loggerID, reading.channel, ISOTimestamp.format(reading.timestamp), String(reading.valueSI)])
            }
        }
        guard !rows.isEmpty else { return [] }
        try connection.copyIn("COPY staging_readings (logger_id, channel, ts, value) FROM STDIN", rows: rows)
        let result = try connection.execute("""
            INSERT INTO readings (logger_id, channel, ts, value)
            SELECT logger_id, channel, ts, value FROM staging_readings
            ON CONFLICT DO NOTHING
            RETURNING logger_id, channel, (extract(epoch FROM ts) * 1000000)::bigint
            """)
        return result.rows.compactMap { row in
            guard let logger = row[0], let channel = row[1], let micros = row[2].flatMap({ Int64($0) }) else { return nil }
            let owner = owners[ReadingKey(loggerID: logger, channel: channel, timestamp: micros)]
            return InsertedKey(dma: owner?.dma ?? "", timestamp: micros, owner: owner?.file)
        }
    }

    private func recordFiles(_ fresh: [FilePlan], insertedPerFile: [Int]) throws {
        guard !fresh.isEmpty else { return }
        let encoder = JSONEncoder()
        let errors: [String] = fresh.map { plan in
            // The first 100 bad rows are enough to act on; the count says how many.
            let listed = plan.rowErrors.prefix(100).map { ["line": "\($0.line)", "reason": $0.reason] }
            return String(decoding: (try? encoder.encode(listed)) ?? Data("[]".utf8), as: UTF8.self)
        }
        _ = try connection.execute("""
            INSERT INTO files (sha256, file_name, source, size_bytes, received_at, status,
                               rows_good, rows_inserted, rows_bad, reason, errors, ingested_at)
            SELECT sha, name, source, size, received, status, good, inserted, bad, reason, errors::jsonb, clock_timestamp()
            FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::timestamptz[], $6::text[],
                        $7::int[], $8::int[], $9::int[], $10::text[], $11::text[])
                 AS t(sha, name, source, size, received, status, good, inserted, bad, reason, errors)
            ON CONFLICT (sha256) DO UPDATE SET deliveries = files.deliveries + 1
            """, [
                SQLArray.text(fresh.map(\.sha256)),
                SQLArray.text(fresh.map(\.file.fileName)),
                SQLArray.text(fresh.map(\.file.source)),
                SQLArray.int(fresh.map(\.file.body.count)),
                SQLArray.text(fresh.map(\.file.receivedAt)),
                SQLArray.text(fresh.map(\.status)),
                SQLArray.int(fresh.map(\.readings.count)),
                SQLArray.int(insertedPerFile),
                SQLArray.int(fresh.map(\.rowErrors.count)),
                SQLArray.text(fresh.map(\.rejection)),
                SQLArray.text(errors),
            ])
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
