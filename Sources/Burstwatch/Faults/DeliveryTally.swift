/// Counts messages that must each be announced exactly once (a window complete, a burst
/// event's state), telling two kinds of duplicate apart:
///
/// - a *repeated copy*: the same key, the same message_id and the same bytes again. The
///   outbox relay publishes, waits for the broker's confirm, then deletes the row; dying
///   (or losing the database) between the confirm and the delete publishes the row once
///   more. That is at-least-once delivery, and a subscriber drops the copy by message_id.
/// - a *distinct duplicate*: the key announced again under another message_id or with other
///   bytes, i.e. the system decided twice. That is a bug; nothing downstream can undo it.
public struct DeliveryTally: Sendable, Equatable {
    public private(set) var messages = 0
    /// key -> (message_id + bytes) -> copies received.
    private var copies: [String: [String: Int]] = [:]

    public init() {}

    public mutating func record(key: String, messageID: String?, body: [UInt8]) {
        messages += 1
        let fingerprint = (messageID ?? "-") + "\u{0}" + String(decoding: body, as: UTF8.self)
        copies[key, default: [:]][fingerprint, default: 0] += 1
    }

    /// Keys announced at least once.
    public var keys: Set<String> { Set(copies.keys) }
    public var distinct: Int { copies.count }

    public var repeatedCopies: Int {
        copies.values.reduce(0) { total, byFingerprint in total + byFingerprint.values.reduce(0) { $0 + $1 - 1 } }
    }

    public var distinctDuplicates: Int {
        copies.values.reduce(0) { $0 + $1.count - 1 }
    }

    public func summary(expected: Set<String>) -> Summary {
        Summary(expected: expected.count, messages: messages, distinct: distinct,
                missing: expected.subtracting(keys).count, unexpected: keys.subtracting(expected).count,
                repeatedCopies: repeatedCopies, distinctDuplicates: distinctDuplicates)
    }

    public struct Summary: Sendable, Equatable {
        public var expected: Int
        /// Messages received, copies included.
        public var messages: Int
        public var distinct: Int
        public var missing: Int
        /// Keys announced that nothing expected.
        public var unexpected: Int
        public var repeatedCopies: Int
        public var distinctDuplicates: Int
        public var exact: Bool { missing == 0 && unexpected == 0 && distinctDuplicates == 0 }
    }
}
