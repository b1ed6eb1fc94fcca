import AMQP
import Foundation
import Logging

/// How much the watcher may publish right now. It holds back (the files stay in the
/// upload folder, where the FTP server keeps accepting them) while
/// - the broker has blocked the connection (connection.blocked: a memory or disk
///   alarm; publishing more would only pile up in socket buffers), or
/// - the ingest queue holds `limit` messages or more (ingest is down or behind; a
///   broker full of backlog is worse than a folder full of files).
/// The queue depth comes from a passive queue.declare, made at most every
/// `checkInterval` seconds, or at once when the allowance from the last check is used up.
struct FlowControl {
    let queue: String
    let limit: Int?
    var checkInterval: Double = 0.5
    /// Publishes still allowed before the next depth check.
    private var budget = 0
    private var lastCheck = Date.distantPast
    private var holding: String?
    /// Hold messages at most this often: near the limit, holding and resuming alternate.
    private var lastHoldLog = Date.distantPast

    init(queue: String, limit: Int?) {
        self.queue = queue
        self.limit = limit.map { max(1, $0) }
    }

    /// A new connection: check the depth again before the first publish.
    mutating func reset() {
        budget = 0
        lastCheck = .distantPast
    }

    mutating func published() { budget -= 1 }

    /// Files that may be published now; 0 while held back. Logs when holding starts and ends.
    mutating func allowance(broker: AMQPConnection, inFlight: Int, logger: Logger) throws -> Int {
        if let reason = broker.blockedByBroker {
            hold("the broker blocked publishing (\(reason): a memory or disk alarm)", logger: logger)
            return 0
        }
        guard let limit else {
            resume(logger: logger)
            return Int.max
        }
        let sinceCheck = Date().timeIntervalSince(lastCheck)
        if sinceCheck >= checkInterval * 4 || (budget <= 0 && sinceCheck >= checkInterval) {
            let depth = Int(try broker.queueInfo(queue).messageCount)
            lastCheck = Date()
            // Unconfirmed publishes may not be counted in the queue yet.
            budget = limit - depth - inFlight
            if budget <= 0 {
                hold("the ingest queue \(queue) holds \(depth) messages (limit \(limit))", logger: logger)
            }
        }
        guard budget > 0 else { return 0 }
        resume(logger: logger)
        return budget
    }

    private mutating func hold(_ reason: String, logger: Logger) {
        guard holding == nil, Date().timeIntervalSince(lastHoldLog) > 30 else { return }
        holding = reason
        lastHoldLog = Date()
        logger.warning("watch: holding files in the upload folder: \(reason)")
    }

    private mutating func resume(logger: Logger) {
        guard let reason = holding else { return }
        holding = nil
        logger.notice("watch: publishing again (was held: \(reason))")
    }
}
