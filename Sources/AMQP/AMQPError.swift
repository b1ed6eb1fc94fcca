/// Everything that can go wrong in the AMQP layer.
///
/// `operation` names what was being done ("declare queue 'x'", "connect to
/// amqp://guest@host:5672/%2f"), `message` says why: the broker's reply code and
/// text, or librabbitmq's status string. Neither ever contains a password.
public struct AMQPError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The URL or an argument was unusable; nothing was sent.
        case invalidArgument
        /// TCP/TLS connect or login failed.
        case connectFailed
        /// The connection is closed (by `close()`, or by an earlier error).
        /// Reconnect with a new `AMQPConnection`.
        case connectionClosed
        /// The broker closed the channel, e.g. 404 NOT_FOUND, 406 PRECONDITION_FAILED.
        /// This closes the whole `AMQPConnection` (it has a single channel).
        case channelClosedByBroker(replyCode: UInt16)
        /// The broker closed the connection, e.g. 320 CONNECTION_FORCED.
        case connectionClosedByBroker(replyCode: UInt16)
        /// The broker cancelled our consumer (queue deleted, node down).
        /// The connection stays open; consume again or reconnect.
        case consumerCancelled
        /// librabbitmq reported a failure (socket error, missed heartbeats, timeout...).
        /// The connection has been torn down.
        case library(status: Int32)
        /// The caller used the API in an order it does not support.
        case misuse
    }

    public let kind: Kind
    public let operation: String
    public let message: String

    public init(_ kind: Kind, operation: String, message: String) {
        self.kind = kind
        self.operation = operation
        self.message = message
    }

    /// The AMQP reply code when the broker sent one (404, 406, 320...).
    public var replyCode: UInt16? {
        switch kind {
        case .channelClosedByBroker(let code), .connectionClosedByBroker(let code): return code
        default: return nil
        }
    }

    /// True when this error left the connection unusable: make a new `AMQPConnection`.
    public var closesConnection: Bool {
        switch kind {
        case .invalidArgument, .consumerCancelled, .misuse: return false
        default: return true
        }
    }

    public var description: String { "AMQP \(operation) failed: \(message)" }
}
