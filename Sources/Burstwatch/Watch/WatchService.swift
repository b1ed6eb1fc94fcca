import AMQP
import Foundation
import Logging
import Readings
#if canImport(Glibc)
import Glibc
#endif

/// `burstwatch watch`: publishes every finished file in the upload folder as a
/// file-arrived message (persistent, with publisher confirms) and moves it to the
/// archive only after the broker confirmed it. A file whose move fails stays in the
/// upload folder and is retried; it is never republished meanwhile.
public final class WatchService {
    public struct Options: Sendable {
        public var uploadDirectory: String
        public var archiveDirectory: String
        public var source: String
        /// Larger files are not published: they go to the quarantine folder.
        public var maxFileBytes: Int
        public var quarantineDirectory: String
        /// Seconds between full rescans of the upload folder.
        public var rescanInterval: Double
        /// Flow control: no more is published while the ingest queue holds this many
        /// messages (checked with a passive queue.declare now and then); nil: no limit.
        public var queueLimit: Int? = nil

        public init(uploadDirectory: String, archiveDirectory: String? = nil, source: String = "ftp",
                    maxFileBytes: Int = 16 << 20, quarantineDirectory: String? = nil, rescanInterval: Double = 10) {
            let upload = URL(fileURLWithPath: uploadDirectory).standardizedFileURL.path
            self.uploadDirectory = upload
            self.archiveDirectory = archiveDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? upload + ".archive"
            self.source = source
            self.maxFileBytes = maxFileBytes
            self.quarantineDirectory = quarantineDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path } ?? upload + ".quarantine"
            self.rescanInterval = rescanInterval
        }
    }

    let connections: Connections
    let options: Options
    let topology: Topology
    let shutdown: Shutdown
    let logger = Logs.logger("watch")
    let archive: Archive
    /// Confirmed by the broker but not yet moved (the archive failed): path -> sha256.
    var confirmedNotArchived: [String: String] = [:]
    /// Failed archive moves are retried with backoff (a full disk does not empty itself).
    var archiveRetry = RetrySchedule()
    var flow: FlowControl
    public private(set) var published = 0

    public init(connections: Connections, options: Options, shutdown: Shutdown = .shared) {
        self.connections = connections
        self.options = options
        self.topology = Topology(prefix: connections.settings.prefix)
        self.shutdown = shutdown
        self.archive = Archive(uploadRoot: options.uploadDirectory, archiveRoot: options.archiveDirectory)
        self.flow = FlowControl(queue: topology.ingestQueue, limit: options.queueLimit)
    }

    public func run() throws {
        let watcher = try DirectoryWatcher(root: URL(fileURLWithPath: options.uploadDirectory))
        try FileManager.default.createDirectory(atPath: options.archiveDirectory, withIntermediateDirectories: true)
        logger.info("watch: \(options.uploadDirectory) -> \(topology.filesExchange), archive \(options.archiveDirectory)")
        shutdown.keepRunning("watch", logger: logger) { connected in
            let broker = try connections.broker("watch")
            defer { broker.close() }
            try topology.declare(on: broker)
            try broker.enableConfirms()
            flow.reset()
            connected()
            try loop(watcher: watcher, broker: broker)
        }
    }

    /// Publishes without waiting: files keep going out while earlier ones await their
    /// confirms, and each file is archived as soon as its own confirm arrives. (Waiting
    /// for every batch's confirms before reading the folder again made the broker's
    /// fsync latency the pipeline's pace.)
    private func loop(watcher: DirectoryWatcher, broker: AMQPConnection) throws {
        var lastRescan = Date.distantPast
        // A restart rescans: anything published but unconfirmed before is published again.
        var rescan = true
        var inFlight: [UInt64: (path: String, sha: String)] = [:]
        var inFlightPaths = Set<String>()
        var lastConfirm = Date()
        // Finished files not yet published, in the order they arrived (loggers deliver in
        // data-time order, and windows complete in that order downstream).
        var pending = PendingPaths()
        defer {
            if shutdown.isRequested, !inFlight.isEmpty {
                finishConfirms(broker: broker, inFlight: &inFlight, inFlightPaths: &inFlightPaths, lastConfirm: &lastConfirm)
            }
        }
        while !shutdown.isRequested {
            // Heartbeats, and connection.blocked/unblocked, are only read while we call in.
            try broker.serviceConnection()
            let allowance = try flow.allowance(broker: broker, inFlight: inFlight.count, logger: logger)
            // With work in hand, only glance at the folder.
            let idle = inFlight.isEmpty && (pending.isEmpty || allowance == 0)
            let paths = try watcher.poll(timeout: idle ? 0.5 : 0, rescan: rescan)
            if rescan { lastRescan = Date() }
            rescan = Date().timeIntervalSince(lastRescan) >= options.rescanInterval
            retryArchive()
            for path in paths where confirmedNotArchived[path] == nil && !inFlightPaths.contains(path) { pending.append(path) }
            // A slice at a time, reading the folder's events in between: a burst of files
            // published in one go let the kernel's event queue (16,384 events) overflow
            // meanwhile, and files whose events were lost waited for a rescan.
            for path in pending.take(min(Self.publishSlice, allowance)) where !inFlightPaths.contains(path) {
                // Bounded memory: past this many unconfirmed, wait for confirms first.
                while inFlight.count >= Self.maxInFlight {
                    try takeConfirms(from: broker, timeout: 1, inFlight: &inFlight, inFlightPaths: &inFlightPaths, lastConfirm: &lastConfirm)
                }
                guard let message = try prepare(path) else { continue }
                let sequence = try broker.publish(exchange: topology.filesExchange, routingKey: topology.fileRoutingKey,
                                                  body: message.body, properties: message.properties)
                inFlight[sequence] = (path, message.sha)
                inFlightPaths.insert(path)
                Meters.watchPublished(bytes: message.body.count)
                flow.published()
            }
            guard !inFlight.isEmpty else {
                lastConfirm = Date()
                continue
            }
            // Nothing new in the folder: wait a little for confirms; otherwise take those already here.
            try takeConfirms(from: broker, timeout: paths.isEmpty && pending.isEmpty ? 0.01 : 0, inFlight: &inFlight,
                             inFlightPaths: &inFlightPaths, lastConfirm: &lastConfirm)
        }
    }

    /// Files published per turn of the loop before the folder's events are read again.
    static let publishSlice = 500
    static let maxInFlight = 10_000

    private func takeConfirms(from broker: AMQPConnection, timeout: Double, inFlight: inout [UInt64: (path: String, sha: String)],
                              inFlightPaths: inout Set<String>, lastConfirm: inout Date) throws {
        let confirms = try broker.waitForConfirms(timeout: timeout)
        // A blocked connection (broker alarm) confirms nothing until unblocked: not a fault.
        if !confirms.acked.isEmpty || !confirms.nacked.isEmpty || broker.blockedByBroker != nil { lastConfirm = Date() }
        for sequence in confirms.acked {
            guard let (path, sha) = inFlight.removeValue(forKey: sequence) else { continue }
            inFlightPaths.remove(path)
            published += 1
            moveToArchive(path, sha: sha)
        }
        for sequence in confirms.nacked {
            if let (path, sha) = inFlight.removeValue(forKey: sequence) {
                inFlightPaths.remove(path)
                logger.warning("broker refused a file; it stays and is retried at the next rescan",
                               metadata: ["file": "\(path)", "sha256": "\(sha)"])
            }
        }
        Meters.watchConfirmed(confirms.acked.count, outstanding: inFlight.count)
        if !inFlight.isEmpty, Date().timeIntervalSince(lastConfirm) > 30 {
            // No answer in time: the connection is suspect. Reconnecting makes the
            // next rescan publish these again; ingest drops the duplicates.
            throw WatchError("\(inFlight.count) publishes were not confirmed within 30 s")
        }
    }

    /// At shutdown: a few seconds for the outstanding confirms, so that what the broker
    /// has is archived now instead of published again at the next start.
    private func finishConfirms(broker: AMQPConnection, inFlight: inout [UInt64: (path: String, sha: String)],
                                inFlightPaths: inout Set<String>, lastConfirm: inout Date) {
        let deadline = Date().addingTimeInterval(5)
        while !inFlight.isEmpty, Date() < deadline, broker.isOpen, broker.blockedByBroker == nil {
            do {
                try takeConfirms(from: broker, timeout: 0.2, inFlight: &inFlight, inFlightPaths: &inFlightPaths, lastConfirm: &lastConfirm)
            } catch { break }
        }
        if !inFlight.isEmpty {
            logger.info("watch: \(inFlight.count) files were not confirmed before exit; they stay and are published again at the next start")
        }
    }

    /// A first-in first-out list of paths in which a path waits only once.
    struct PendingPaths {
        private var paths: [String] = []
        private var head = 0
        private var queued = Set<String>()

        var isEmpty: Bool { head == paths.count }

        mutating func append(_ path: String) {
            if queued.insert(path).inserted { paths.append(path) }
        }

        mutating func take(_ count: Int) -> [String] {
            let end = min(paths.count, head + count)
            let taken = Array(paths[head..<end])
            head = end
            for path in taken { queued.remove(path) }
            if head == paths.count {
                paths.removeAll(keepingCapacity: true)
                head = 0
            }
            return taken
        }
    }

    struct PreparedMessage {
        var body: [UInt8]
        var sha: String
        var properties: AMQPProperties
    }

    private func prepare(_ path: String) throws -> PreparedMessage? {
        let relative = archive.relativePath(of: path)
        // Plain system calls: this runs for every file, and Foundation's attributesOfItem
        // (owner names, a dictionary of attributes) cost more than the rest of the pipeline.
        let body: [UInt8]
        switch Self.read(path, limit: options.maxFileBytes) {
        case .gone: return nil  // gone meanwhile (an earlier event for the same file archived it)
        case .tooLarge(let size):
            quarantine(path, reason: "file is \(size) bytes; the limit is \(options.maxFileBytes)")
            return nil
        case .notRegularFile(let what):
            quarantine(path, reason: "\(what), not a regular file: not read")
            return nil
        case .bytes(let bytes): body = bytes
        }
        let sha = SHA256.hexDigest(body)
        let now = Int64(Date().timeIntervalSince1970)
        let properties = AMQPProperties(
            contentType: "text/csv", persistent: true, messageID: sha,
            timestamp: now, correlationID: nil,
            headers: [
                "x-file-name": .string(relative),
                "x-file-size": .int(Int64(body.count)),
                "x-source": .string(options.source),
                "x-received-at": .string(ISOTimestamp.format(now * 1_000_000)),
            ])
        return PreparedMessage(body: body, sha: sha, properties: properties)
    }

    enum ReadResult: Equatable {
        case bytes([UInt8])
        case gone
        case tooLarge(Int)
        /// A symbolic link, named pipe, device or socket, described for the log.
        case notRegularFile(String)
    }

    /// Reads a whole file, unless it is gone, larger than `limit` bytes or not a regular file.
    /// O_NOFOLLOW: a symbolic link moved into the folder must not publish whatever it points
    /// to outside it. O_NONBLOCK: opening a named pipe would otherwise wait for a writer
    /// forever and stall the whole watcher (reads of a regular file never block on it).
    static func read(_ path: String, limit: Int) -> ReadResult {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return errno == ELOOP ? .notRegularFile("a symbolic link") : .gone }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .gone }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFIFO: return .notRegularFile("a named pipe")
        case S_IFSOCK: return .notRegularFile("a socket")
        case S_IFCHR, S_IFBLK: return .notRegularFile("a device")
        default: return .notRegularFile("an unknown kind of file")
        }
        let size = Int(info.st_size)
        if size > limit { return .tooLarge(size) }
        // One byte more than its size: a file still growing is read to its end all the same.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while true {
            if filled == bytes.count {
                if bytes.count > limit { return .tooLarge(bytes.count) }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, bytes.count)))
            }
            let count = bytes.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .gone
            }
            if count == 0 { break }
            filled += count
        }
        if filled > limit { return .tooLarge(filled) }
        bytes.removeLast(bytes.count - filled)
        return .bytes(bytes)
    }

    @discardableResult
    private func moveToArchive(_ path: String, sha: String) -> Bool {
        do {
            try archive.move(path, sha256: sha)
            confirmedNotArchived[path] = nil
            return true
        } catch {
            guard Archive.exists(path) else {  // removed by someone else meanwhile: nothing left to do
                confirmedNotArchived[path] = nil
                return true
            }
            if confirmedNotArchived[path] == nil {
                let message = "cannot move \(path) into the archive folder \(options.archiveDirectory): \(error); "
                    + "it was published, stays in the upload folder and the move is retried (not republished)"
                logger.error("\(message)",
                             metadata: ["file": "\(path)", "sha256": "\(sha)", "folder": "\(options.archiveDirectory)"])
                if archiveRetry.isDue { archiveRetry.failed() }
            }
            confirmedNotArchived[path] = sha
            return false
        }
    }

    private func retryArchive() {
        guard !confirmedNotArchived.isEmpty, archiveRetry.isDue else { return }
        let waiting = confirmedNotArchived.count
        var moved = 0
        for (path, sha) in confirmedNotArchived {
            // Every file, not just until the first failure: one subfolder may fail while others work.
            if moveToArchive(path, sha: sha) { moved += 1 }
        }
        if confirmedNotArchived.isEmpty {
            archiveRetry.succeeded()
            logger.notice("archive folder \(options.archiveDirectory) writable again: moved \(moved) waiting files")
        } else {
            let delay = archiveRetry.failed()
            let message = "archive folder \(options.archiveDirectory) still failing: \(waiting - moved) published files wait "
                + "in the upload folder; next try in \(String(format: "%.1f", delay)) s"
            logger.warning("\(message)")
        }
    }

    private func quarantine(_ path: String, reason: String) {
        let target = Archive(uploadRoot: options.uploadDirectory, archiveRoot: options.quarantineDirectory)
        do {
            try target.move(path, sha256: String(UInt64(Date().timeIntervalSince1970 * 1e6), radix: 16))
            logger.error("quarantined: \(reason)", metadata: ["file": "\(path)"])
            Meters.watchQuarantined()
        } catch {
            let message = "cannot move \(path) into the quarantine folder \(options.quarantineDirectory) (\(reason)): \(error); "
                + "it stays in the upload folder and is tried again at the next rescan"
            logger.error("\(message)",
                         metadata: ["file": "\(path)", "folder": "\(options.quarantineDirectory)"])
        }
    }
}
