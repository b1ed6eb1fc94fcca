import AMQP
import Foundation
import Logging
import Readings

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
    public private(set) var published = 0

    public init(connections: Connections, options: Options, shutdown: Shutdown = .shared) {
        self.connections = connections
        self.options = options
        self.topology = Topology(prefix: connections.settings.prefix)
        self.shutdown = shutdown
        self.archive = Archive(uploadRoot: options.uploadDirectory, archiveRoot: options.archiveDirectory)
    }

    public func run() throws {
        let watcher = try DirectoryWatcher(root: URL(fileURLWithPath: options.uploadDirectory))
        try FileManager.default.createDirectory(atPath: options.archiveDirectory, withIntermediateDirectories: true)
        logger.info("watch: \(options.uploadDirectory) -> \(topology.filesExchange), archive \(options.archiveDirectory)")
        var backoff = Backoff()
        while !shutdown.isRequested {
            do {
                let broker = try connections.broker("watch")
                defer { broker.close() }
                try topology.declare(on: broker)
                try broker.enableConfirms()
                backoff.reset()
                try loop(watcher: watcher, broker: broker)
            } catch {
                logger.error("watch: \(error); reconnecting")
                shutdown.sleep(backoff.next())
            }
        }
    }

    private func loop(watcher: DirectoryWatcher, broker: AMQPConnection) throws {
        var lastRescan = Date.distantPast
        // A restart rescans: anything published but unconfirmed before is published again.
        var rescan = true
        while !shutdown.isRequested {
            let paths = try watcher.poll(timeout: 0.5, rescan: rescan)
            if rescan { lastRescan = Date() }
            rescan = Date().timeIntervalSince(lastRescan) >= options.rescanInterval
            retryArchive()
            var inFlight: [UInt64: (path: String, sha: String)] = [:]
            for path in Set(paths).sorted() where confirmedNotArchived[path] == nil {
                guard let message = try prepare(path) else { continue }
                let sequence = try broker.publish(exchange: topology.filesExchange, routingKey: topology.fileRoutingKey,
                                                  body: message.body, properties: message.properties)
                inFlight[sequence] = (path, message.sha)
            }
            guard !inFlight.isEmpty else { continue }
            let confirms = try broker.waitForConfirms(timeout: 30)
            for sequence in confirms.acked {
                guard let (path, sha) = inFlight.removeValue(forKey: sequence) else { continue }
                published += 1
                moveToArchive(path, sha: sha)
            }
            for sequence in confirms.nacked {
                if let (path, _) = inFlight.removeValue(forKey: sequence) {
                    logger.warning("broker refused a file; it stays and is retried at the next rescan", metadata: ["file": "\(path)"])
                }
            }
            if !inFlight.isEmpty {
                // No answer in time: the connection is suspect. Reconnecting makes the
                // next rescan publish these again; ingest drops the duplicates.
                throw WatchError("\(inFlight.count) publishes were not confirmed within 30 s")
            }
        }
    }

    struct PreparedMessage {
        var body: [UInt8]
        var sha: String
        var properties: AMQPProperties
    }

    private func prepare(_ path: String) throws -> PreparedMessage? {
        let relative = archive.relativePath(of: path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue else {
            return nil  // gone meanwhile (an earlier event for the same file archived it)
        }
        if size > options.maxFileBytes {
            quarantine(path, reason: "file is \(size) bytes; the limit is \(options.maxFileBytes)")
            return nil
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let body = [UInt8](data)
        let sha = SHA256.hexDigest(body)
        let now = Date()
        let properties = AMQPProperties(
            contentType: "text/csv", persistent: true, messageID: sha,
            timestamp: Int64(now.timeIntervalSince1970), correlationID: nil,
            headers: [
                "x-file-name": .string(relative),
                "x-file-size": .int(Int64(body.count)),
                "x-source": .string(options.source),
                "x-received-at": .string(ISO8601DateFormatter().string(from: now)),
            ])
        return PreparedMessage(body: body, sha: sha, properties: properties)
    }

    private func moveToArchive(_ path: String, sha: String) {
        do {
            try archive.move(path, sha256: sha)
            confirmedNotArchived[path] = nil
        } catch {
            if confirmedNotArchived[path] == nil {
                logger.error("archive failed, will retry: \(error)", metadata: ["file": "\(path)"])
            }
            confirmedNotArchived[path] = sha
        }
    }

    private func retryArchive() {
        for (path, sha) in confirmedNotArchived { moveToArchive(path, sha: sha) }
    }

    private func quarantine(_ path: String, reason: String) {
        let target = Archive(uploadRoot: options.uploadDirectory, archiveRoot: options.quarantineDirectory)
        do {
            try target.move(path, sha256: String(UInt64(Date().timeIntervalSince1970 * 1e6), radix: 16))
            logger.error("quarantined: \(reason)", metadata: ["file": "\(path)"])
        } catch {
            logger.error("cannot quarantine (\(reason)): \(error)", metadata: ["file": "\(path)"])
        }
    }
}
