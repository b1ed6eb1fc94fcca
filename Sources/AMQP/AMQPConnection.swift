import CAMQP
import Foundation

/// One AMQP 0-9-1 connection to RabbitMQ with a single channel (1), over librabbitmq.
///
/// Threads: librabbitmq connection state must never be used by two threads at
/// once. Every method takes an internal lock, so sharing an instance is
/// memory-safe, but calls are serialized and a blocking wait (`nextDelivery`,
/// `waitForConfirms`) holds the connection for its whole timeout. Use one
/// connection per thread; that is also how throughput scales.
///
/// Heartbeats: librabbitmq answers and checks heartbeats only while one of its
/// functions runs. Every waiting method therefore takes a timeout and keeps
/// calling into the library; a caller busy elsewhere for longer than about two
/// heartbeat intervals should call `serviceConnection()` now and then.
///
/// Failures: there is no automatic reconnection. Any socket error, missed
/// heartbeat, or channel/connection exception from the broker closes this
/// object (`isOpen` becomes false, `closeReason` says why) and throws an
/// `AMQPError` naming the operation and the broker's reply. Make a new
/// connection, redeclare what you need, and republish whatever was not in an
/// acked `ConfirmBatch`; unacked deliveries are redelivered by the broker.
public final class AMQPConnection: @unchecked Sendable {  // @unchecked: all state is guarded by `lock`
    public let endpoint: AMQPEndpoint
    public let connectionName: String

    let lock = NSLock()
    /// nil once closed.
    var state: amqp_connection_state_t?
    var closeReasonStorage: String?
    let channel: amqp_channel_t = 1
    let rpcTimeout: Double
    /// Scratch memory for the C structures of the call in progress.
    let arena = EncodingArena()
    var confirms = ConfirmTracker()
    var confirmsEnabled = false
    var publishesSinceDrain = 0
    var deliveries = DeliveryQueue()
    var consumerTags: Set<String> = []
    /// Consumers the broker cancelled that the caller has not been told about yet.
    var cancelledConsumerTags: [String] = []
    var blockedReason: String?

    /// Connects, logs in and opens channel 1.
    ///
    /// - Parameters:
    ///   - heartbeatSeconds: heartbeat interval asked of the broker; 0 disables heartbeats.
    ///   - connectionName: shown in the RabbitMQ management UI (client property `connection_name`).
    ///   - connectTimeout: seconds for the TCP (and TLS) connect.
    ///   - rpcTimeout: seconds any broker round trip (declare, bind, consume...) may take
    ///     before the connection is given up as dead.
    public init(
        endpoint: AMQPEndpoint, heartbeatSeconds: Int = 30, connectionName: String,
        connectTimeout: Double = 10, rpcTimeout: Double = 60
    ) throws {
        self.endpoint = endpoint
        self.connectionName = connectionName
        self.rpcTimeout = rpcTimeout
        let operation = "connect to \(endpoint.redactedURL)"
        guard let state = amqp_new_connection() else {
            throw AMQPError(.connectFailed, operation: operation, message: "out of memory")
        }
        do {
            try Self.openSocket(state, endpoint: endpoint, timeout: connectTimeout, operation: operation)
            var handshakeTimeout = timeval(seconds: connectTimeout)
            amqp_set_handshake_timeout(state, &handshakeTimeout)
            var rpcTimeval = timeval(seconds: rpcTimeout)
            amqp_set_rpc_timeout(state, &rpcTimeval)
            try login(state, heartbeatSeconds: heartbeatSeconds, operation: operation)
            amqp_channel_open(state, channel)
            let reply = amqp_get_rpc_reply(state)
            if reply.reply_type != AMQP_RESPONSE_NORMAL {
                let (kind, message) = Self.describe(reply)
                throw AMQPError(
                    .connectFailed, operation: operation, message: "opening channel 1: \(message) (\(kind))")
            }
        } catch {
            amqp_destroy_connection(state)
            throw error
        }
        self.state = state
    }

    deinit {
        if let state {
            amqp_connection_close(state, CAMQP_REPLY_SUCCESS)
            amqp_destroy_connection(state)
        }
    }

    /// Closes the connection politely (unacked deliveries go back to their queues).
    /// Safe to call more than once.
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        guard let state else { return }
        amqp_connection_close(state, CAMQP_REPLY_SUCCESS)
        tearDown(reason: "closed by this client")
    }

    /// False after `close()` or after an error closed the connection.
    public var isOpen: Bool {
        lock.lock()
        defer { lock.unlock() }
        return state != nil
    }

    /// Why the connection is closed; nil while open.
    public var closeReason: String? {
        lock.lock()
        defer { lock.unlock() }
        return closeReasonStorage
    }

    /// The broker's connection.blocked reason (e.g. low disk or memory alarm) while
    /// it refuses to read our publishes; nil when not blocked.
    public var blockedByBroker: String? {
        lock.lock()
        defer { lock.unlock() }
        return blockedReason
    }

    // MARK: connecting

    private static func openSocket(
        _ state: amqp_connection_state_t, endpoint: AMQPEndpoint, timeout: Double, operation: String
    ) throws {
        guard let socket = endpoint.tls ? amqp_ssl_socket_new(state) : amqp_tcp_socket_new(state) else {
            throw AMQPError(.connectFailed, operation: operation, message: "could not create the socket")
        }
        if endpoint.tls {
            if let caCertPath = endpoint.caCertPath {
                let status = amqp_ssl_socket_set_cacert(socket, caCertPath)
                guard status == AMQP_STATUS_OK.rawValue else {
                    throw AMQPError(
                        .connectFailed, operation: operation,
                        message: "cannot use CA file \(caCertPath): \(statusText(status))")
                }
            }
            if let certPath = endpoint.certPath, let keyPath = endpoint.keyPath {
                let status = amqp_ssl_socket_set_key(socket, certPath, keyPath)
                guard status == AMQP_STATUS_OK.rawValue else {
                    throw AMQPError(
                        .connectFailed, operation: operation,
                        message: "cannot use client certificate \(certPath) with key \(keyPath): \(statusText(status))")
                }
            }
            amqp_ssl_socket_set_verify_peer(socket, endpoint.verifyPeer ? 1 : 0)
            amqp_ssl_socket_set_verify_hostname(socket, endpoint.verifyPeer ? 1 : 0)
        }
        var connectTimeout = timeval(seconds: timeout)
        let status = amqp_socket_open_noblock(socket, endpoint.host, Int32(endpoint.port), &connectTimeout)
        guard status == AMQP_STATUS_OK.rawValue else {
            // librabbitmq reports a refused or failed TCP connect only as "a socket error occurred".
            let cause =
                status == AMQP_STATUS_SOCKET_ERROR.rawValue
                ? " (is a broker listening there? connection refused or host unreachable)" : ""
            throw AMQPError(
                .connectFailed, operation: operation,
                message: "cannot connect to \(endpoint.host):\(endpoint.port): \(statusText(status))\(cause)")
        }
    }

    private func login(_ state: amqp_connection_state_t, heartbeatSeconds: Int, operation: String) throws {
        defer { arena.reset() }
        // librabbitmq advertises only authentication_failure_close; without
        // consumer_cancel_notify the broker would silently drop our consumer
        // when its queue is deleted.
        let clientProperties: [String: AMQPValue] = [
            "connection_name": .string(connectionName),
            "capabilities": .table([
                "consumer_cancel_notify": true, "publisher_confirms": true, "basic.nack": true,
                "connection.blocked": true, "authentication_failure_close": true,
            ]),
        ]
        var properties = FieldTableCodec.encode(clientProperties, in: arena)
        let reply = camqp_login_plain(
            state, endpoint.vhost, 0, 131_072, Int32(clamping: heartbeatSeconds), &properties,
            endpoint.user, endpoint.password)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else {
            let (_, message) = Self.describe(reply)
            let hint =
                reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                ? " (the broker dropped the login: wrong vhost or credentials?)" : ""
            throw AMQPError(
                .connectFailed, operation: operation,
                message: "login as \(endpoint.user) to vhost \(endpoint.vhost): \(message)\(hint)")
        }
    }

    // MARK: shared plumbing for the operations

    /// Runs `body` under the lock with the live connection, or throws if closed.
    /// `operation` is only evaluated for the error, keeping hot paths free of string building.
    func withOpenConnection<R>(
        _ operation: @autoclosure () -> String, _ body: (amqp_connection_state_t) throws -> R
    ) throws -> R {
        lock.lock()
        defer { lock.unlock() }
        guard let state else {
            throw AMQPError(
                .connectionClosed, operation: operation(),
                message: "the connection is closed (\(closeReasonStorage ?? "unknown reason")); open a new one")
        }
        return try body(state)
    }

    /// Forgets the connection state; every later call throws `.connectionClosed`.
    func tearDown(reason: String) {
        if let state { amqp_destroy_connection(state) }
        state = nil
        closeReasonStorage = reason
        consumerTags.removeAll()
        confirmsEnabled = false
    }

    /// Turns a failed RPC reply into an error, closing the connection
    /// (politely answering the broker's close first, as the protocol asks).
    func failure(_ reply: amqp_rpc_reply_t, operation: String) -> AMQPError {
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            return failure(status: reply.library_error, operation: operation)
        }
        let (kind, message) = Self.describe(reply)
        closeAfterFailure(kind, message: message)
        return AMQPError(kind, operation: operation, message: message)
    }

    /// Turns a failed library status into an error, closing the connection.
    func failure(status: Int32, operation: String) -> AMQPError {
        var message = Self.statusText(status)
        if Self.lostConnectionStatuses.contains(status) {
            message +=
                " (connection to the broker lost: broker stopped, network failure, or heartbeats"
                + " missed because the library was not called for too long; reconnect)"
        }
        closeAfterFailure(.library(status: status), message: message)
        return AMQPError(.library(status: status), operation: operation, message: message)
    }

    private func closeAfterFailure(_ kind: AMQPError.Kind, message: String) {
        guard let state else { return }
        switch kind {
        case .channelClosedByBroker:
            camqp_send_channel_close_ok(state, channel)
            amqp_connection_close(state, CAMQP_REPLY_SUCCESS)
            tearDown(reason: "the broker closed the channel: \(message)")
        case .connectionClosedByBroker:
            camqp_send_connection_close_ok(state)
            tearDown(reason: "the broker closed the connection: \(message)")
        default:
            tearDown(reason: message)
        }
    }

    static func describe(_ reply: amqp_rpc_reply_t) -> (AMQPError.Kind, String) {
        switch reply.reply_type {
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return (.library(status: reply.library_error), statusText(reply.library_error))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if reply.reply.id == CAMQP_CHANNEL_CLOSE, let decoded = reply.reply.decoded {
                let close = decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return (
                    .channelClosedByBroker(replyCode: close.reply_code),
                    "\(close.reply_code) \(close.reply_text.string)"
                )
            }
            if reply.reply.id == CAMQP_CONNECTION_CLOSE, let decoded = reply.reply.decoded {
                let close = decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                return (
                    .connectionClosedByBroker(replyCode: close.reply_code),
                    "\(close.reply_code) \(close.reply_text.string)"
                )
            }
            return (
                .library(status: AMQP_STATUS_UNEXPECTED_STATE.rawValue), "unexpected broker method \(reply.reply.id)"
            )
        default:
            return (.misuse, "no reply from librabbitmq")
        }
    }

    private static let lostConnectionStatuses: Set<Int32> = [
        AMQP_STATUS_SOCKET_ERROR.rawValue, AMQP_STATUS_CONNECTION_CLOSED.rawValue, AMQP_STATUS_SOCKET_CLOSED.rawValue,
        AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue, AMQP_STATUS_TCP_ERROR.rawValue, AMQP_STATUS_SSL_ERROR.rawValue,
    ]

    static func statusText(_ status: Int32) -> String {
        String(cString: amqp_error_string2(status))
    }
}

extension timeval {
    init(seconds: Double) {
        // Clamped to about 30 years so that .infinity or huge values do not trap.
        let clamped = min(max(0, seconds), 1e9)
        let whole = clamped.rounded(.down)
        self.init(tv_sec: .init(whole), tv_usec: .init(((clamped - whole) * 1_000_000).rounded(.down)))
    }
}
