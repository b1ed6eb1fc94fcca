import AMQP
import Foundation
import Metrics
import Postgres

/// Every metric the roles record, through the swift-metrics API. The process picks the
/// backend: `burstwatch` bootstraps Prometheus when it serves HTTP (BurstwatchHTTP);
/// otherwise (tests, tools, HTTP off) the records go nowhere and cost next to nothing.
///
/// The handles are created on first use, so the backend must be bootstrapped before a
/// role starts; a metric shows up in `/metrics` once first recorded.
public enum Meters {
    public enum Name {
        public static let watchFilesPublished = "burstwatch_watch_files_published_total"
        public static let watchBytesPublished = "burstwatch_watch_bytes_published_total"
        public static let watchFilesConfirmed = "burstwatch_watch_files_confirmed_total"
        public static let watchConfirmsOutstanding = "burstwatch_watch_confirms_outstanding"
        public static let watchFilesQuarantined = "burstwatch_watch_files_quarantined_total"

        public static let ingestBatches = "burstwatch_ingest_batches_total"
        public static let ingestBatchFiles = "burstwatch_ingest_batch_files"
        public static let ingestFiles = "burstwatch_ingest_files_total"
        public static let ingestFilesDuplicate = "burstwatch_ingest_files_duplicate_total"
        public static let ingestFilesDeadLettered = "burstwatch_ingest_files_dead_lettered_total"
        public static let ingestRowsInserted = "burstwatch_ingest_rows_inserted_total"
        public static let ingestRowsDuplicate = "burstwatch_ingest_rows_duplicate_total"
        public static let ingestRowsBad = "burstwatch_ingest_rows_bad_total"
        public static let ingestWindowsAnnounced = "burstwatch_ingest_windows_announced_total"
        public static let ingestQueueLag = "burstwatch_ingest_queue_lag_seconds"
        public static let ingestCommit = "burstwatch_ingest_commit_seconds"

        public static let outboxPublished = "burstwatch_outbox_published_total"
        public static let outboxBacklog = "burstwatch_outbox_backlog"

        public static let detectWindows = "burstwatch_detect_windows_total"
        public static let detectWindowLatency = "burstwatch_detect_window_latency_seconds"
        public static let detectWindowDuration = "burstwatch_detect_window_seconds"
        public static let detectEvents = "burstwatch_detect_events_total"
        public static let detectDeadLettered = "burstwatch_detect_messages_dead_lettered_total"

        public static let reconnects = "burstwatch_reconnects_total"
    }

    // MARK: watch

    static let filesPublished = Counter(label: Name.watchFilesPublished)
    static let bytesPublished = Counter(label: Name.watchBytesPublished)
    static let filesConfirmed = Counter(label: Name.watchFilesConfirmed)
    static let confirmsOutstanding = Gauge(label: Name.watchConfirmsOutstanding)
    static let filesQuarantined = Counter(label: Name.watchFilesQuarantined)

    /// A file message went to the broker (a republish after a reconnect counts again).
    static func watchPublished(bytes: Int) {
        filesPublished.increment()
        bytesPublished.increment(by: bytes)
    }

    /// The broker confirmed `count` files; `outstanding` still await their confirm.
    static func watchConfirmed(_ count: Int, outstanding: Int) {
        if count > 0 {
            filesConfirmed.increment(by: count)
            RoleHealth.shared.succeeded("watch")
        }
        confirmsOutstanding.record(outstanding)
    }

    static func watchQuarantined() { filesQuarantined.increment() }

    // MARK: ingest

    static let batches = Counter(label: Name.ingestBatches)
    static let batchFiles = Recorder(label: Name.ingestBatchFiles, aggregate: true)
    static let filesDuplicate = Counter(label: Name.ingestFilesDuplicate)
    static let rowsInserted = Counter(label: Name.ingestRowsInserted)
    static let rowsDuplicate = Counter(label: Name.ingestRowsDuplicate)
    static let rowsBad = Counter(label: Name.ingestRowsBad)
    static let windowsAnnounced = Counter(label: Name.ingestWindowsAnnounced)
    static let queueLag = Metrics.Timer(label: Name.ingestQueueLag)
    static let commit = Metrics.Timer(label: Name.ingestCommit)

    /// One committed batch: its size, what it wrote, how long the transaction took and,
    /// per file, how long its message waited between the watcher's publish (the
    /// message's timestamp, whole seconds) and this commit.
    static func ingestBatch(files: [IncomingFile], outcome: BatchOutcome, deadLetterClasses: [String],
                            commitSeconds: Double, now: Date = Date()) {
        batches.increment()
        batchFiles.record(files.count)
        for (status, count) in [("ingested", outcome.filesIngested), ("partial", outcome.filesPartial),
                                ("rejected", outcome.filesRejected)] where count > 0 {
            Counter(label: Name.ingestFiles, dimensions: [("status", status)]).increment(by: count)
        }
        if outcome.filesDuplicate > 0 { filesDuplicate.increment(by: outcome.filesDuplicate) }
        if outcome.rowsInserted > 0 { rowsInserted.increment(by: outcome.rowsInserted) }
        if outcome.rowsDuplicate > 0 { rowsDuplicate.increment(by: outcome.rowsDuplicate) }
        if outcome.rowsBad > 0 { rowsBad.increment(by: outcome.rowsBad) }
        if !outcome.windowsAnnounced.isEmpty { windowsAnnounced.increment(by: outcome.windowsAnnounced.count) }
        for reasonClass in deadLetterClasses {
            Counter(label: Name.ingestFilesDeadLettered, dimensions: [("reason", reasonClass)]).increment()
        }
        commit.recordSeconds(commitSeconds)
        let nowSeconds = now.timeIntervalSince1970
        for file in files {
            if let published = file.publishedAt { queueLag.recordSeconds(max(0, nowSeconds - Double(published))) }
        }
        RoleHealth.shared.succeeded("ingest")
    }

    // MARK: outbox relay

    static let outboxPublished = Counter(label: Name.outboxPublished)
    static let outboxBacklog = Gauge(label: Name.outboxBacklog)

    static func relayPublished(_ count: Int) {
        guard count > 0 else { return }
        outboxPublished.increment(by: count)
        RoleHealth.shared.succeeded("outbox_relay")
    }

    static func relayBacklog(_ rows: Int) { outboxBacklog.record(rows) }

    // MARK: detect

    static let windows = Counter(label: Name.detectWindows)
    static let windowLatency = Metrics.Timer(label: Name.detectWindowLatency)
    static let windowDuration = Metrics.Timer(label: Name.detectWindowDuration)

    /// One window message handled: `seconds` spent detecting it, and the time from its
    /// publish by the outbox relay (the message's timestamp, whole seconds) to now.
    static func detectWindow(publishedAt: Int64?, seconds: Double, events: [String], now: Date = Date()) {
        windows.increment()
        windowDuration.recordSeconds(seconds)
        if let publishedAt { windowLatency.recordSeconds(max(0, now.timeIntervalSince1970 - Double(publishedAt))) }
        for state in events { Counter(label: Name.detectEvents, dimensions: [("state", state)]).increment() }
        RoleHealth.shared.succeeded("detect")
    }

    static func detectDeadLettered(reason: String) {
        Counter(label: Name.detectDeadLettered, dimensions: [("reason", reason)]).increment()
    }

    // MARK: every role

    /// A role loop lost a connection and will reconnect; `peer` says which.
    static func reconnect(role: String, error: any Error) {
        Counter(label: Name.reconnects, dimensions: [("role", role), ("peer", peer(of: error))]).increment()
    }

    /// Which connection an error came from: `broker`, `database` or `other`.
    public static func peer(of error: any Error) -> String {
        switch error {
        case is AMQPError: "broker"
        case is PGError: "database"
        default: "other"
        }
    }
}

/// Short, fixed reason classes for the dead-letter counter's label (the full reason,
/// which names the file and line, goes to the logs and the message headers).
public enum DeadLetterClass {
    /// The file rejection's kind (`too-large`, `empty`, `invalid-utf8`, `binary`,
    /// `bad-header`, `no-valid-rows`), or `other` when the plan carries none.
    public static func of(_ plan: FilePlan?) -> String {
        plan?.rejectionKind?.rawValue ?? "other"
    }
}
