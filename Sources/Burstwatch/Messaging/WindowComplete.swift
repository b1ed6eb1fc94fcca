import Foundation

/// window-complete/v1 (CONTRACTS.md section 3): a DMA's 15-minute window has all its
/// readings, or its grace period expired with some missing.
public struct WindowComplete: Codable, Sendable, Equatable {
    public static let schemaName = "window-complete/v1"

    public enum Reason: String, Codable, Sendable {
        case allArrived = "all-arrived"
        case graceExpired = "grace-expired"
    }

    public var schema: String = WindowComplete.schemaName
    public var dma: String
    public var windowStart: String
    public var windowEnd: String
    public var expected: Int
    public var received: Int
    /// `logger_id/channel` of every expected channel with no reading in the window.
    public var missing: [String]
    public var reason: Reason

    public init(dma: String, windowStart: String, windowEnd: String, expected: Int, received: Int,
                missing: [String], reason: Reason) {
        self.dma = dma
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.expected = expected
        self.received = received
        self.missing = missing
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case schema, dma, expected, received, missing, reason
        case windowStart = "window_start"
        case windowEnd = "window_end"
    }

    /// The message id: the same window always gets the same id, so a subscriber can
    /// drop a copy the outbox relay published twice after a crash.
    public var messageID: String { "window:\(dma):\(windowStart)" }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
