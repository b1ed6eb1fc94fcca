import CAMQP

/// Exchanges, queues and bindings. Each call is one broker round trip.
/// A broker refusal (404 NOT_FOUND, 406 PRECONDITION_FAILED for a declare
/// whose arguments differ from the existing queue's...) closes the connection.
extension AMQPConnection {
    public func declareExchange(
        _ name: String, type: String, durable: Bool = true, autoDelete: Bool = false,
        arguments: [String: AMQPValue] = [:]
    ) throws {
        try rpc("declare exchange '\(name)'") { state in
            amqp_exchange_declare(
                state, channel, try shortString(name, "exchange"), try shortString(type, "exchange type"),
                0, durable ? 1 : 0, autoDelete ? 1 : 0, 0, FieldTableCodec.encode(arguments, in: arena))
        }
    }

    public func deleteExchange(_ name: String, ifUnused: Bool = false) throws {
        try rpc("delete exchange '\(name)'") { state in
            amqp_exchange_delete(state, channel, try shortString(name, "exchange"), ifUnused ? 1 : 0)
        }
    }

    /// Declares a queue, e.g. a quorum queue with
    /// `["x-queue-type": "quorum", "x-dead-letter-exchange": "dead", "x-delivery-limit": 5]`.
    /// Pass "" as name for a broker-named queue (its name is in the result).
    @discardableResult
    public func declareQueue(
        _ name: String, durable: Bool = true, exclusive: Bool = false, autoDelete: Bool = false,
        arguments: [String: AMQPValue] = [:]
    ) throws -> QueueInfo {
        try rpc("declare queue '\(name)'") { state in
            amqp_queue_declare(
                state, channel, try shortString(name, "queue"), 0, durable ? 1 : 0, exclusive ? 1 : 0,
                autoDelete ? 1 : 0, FieldTableCodec.encode(arguments, in: arena))
        } extract: {
            QueueInfo($0)
        }
    }

    /// Message and consumer counts of an existing queue (a passive declare).
    /// A missing queue throws with reply code 404 and, as with every broker
    /// refusal, closes the connection.
    public func queueInfo(_ name: String) throws -> QueueInfo {
        try rpc("look up queue '\(name)'") { state in
            amqp_queue_declare(state, channel, try shortString(name, "queue"), 1, 0, 0, 0, amqp_empty_table)
        } extract: {
            QueueInfo($0)
        }
    }

    public func bindQueue(
        _ queue: String, exchange: String, routingKey: String, arguments: [String: AMQPValue] = [:]
    ) throws {
        try rpc("bind queue '\(queue)' to exchange '\(exchange)' with key '\(routingKey)'") { state in
            amqp_queue_bind(
                state, channel, try shortString(queue, "queue"), try shortString(exchange, "exchange"),
                try shortString(routingKey, "routing key"), FieldTableCodec.encode(arguments, in: arena))
        }
    }

    /// Removes the queue's ready messages; returns how many.
    @discardableResult
    public func purgeQueue(_ name: String) throws -> UInt32 {
        try rpc("purge queue '\(name)'") { state in
            amqp_queue_purge(state, channel, try shortString(name, "queue"))
        } extract: {
            $0.message_count
        }
    }

    /// Deletes the queue; returns how many messages it held.
    @discardableResult
    public func deleteQueue(_ name: String, ifUnused: Bool = false, ifEmpty: Bool = false) throws -> UInt32 {
        try rpc("delete queue '\(name)'") { state in
            amqp_queue_delete(state, channel, try shortString(name, "queue"), ifUnused ? 1 : 0, ifEmpty ? 1 : 0)
        } extract: {
            $0.message_count
        }
    }

    // MARK: plumbing

    /// Runs one synchronous method; `extract` (run under the lock) copies what
    /// is needed out of the `-ok` reply before its library memory is released. Frames that arrive
    /// meanwhile (deliveries, confirms) are queued by the library and handled
    /// by the next read.
    func rpc<Reply, Result>(
        _ operation: String, _ call: (amqp_connection_state_t) throws -> UnsafeMutablePointer<Reply>?,
        extract: (Reply) -> Result
    ) throws -> Result {
        try withOpenConnection(operation) { state in
            defer { arena.reset() }
            let result = try call(state)
            let reply = amqp_get_rpc_reply(state)
            guard reply.reply_type == AMQP_RESPONSE_NORMAL, let result else {
                throw failure(reply, operation: operation)
            }
            let extracted = extract(result.pointee)
            amqp_maybe_release_buffers(state)
            return extracted
        }
    }

    func rpc<Reply>(
        _ operation: String, _ call: (amqp_connection_state_t) throws -> UnsafeMutablePointer<Reply>?
    ) throws {
        try rpc(operation, call, extract: { _ in () })
    }

    /// Exchange names, queue names and routing keys are AMQP short strings (≤ 255 bytes).
    /// Checked here so an over-long name is a clear argument error, not a broken connection.
    func shortString(_ value: String, _ what: String) throws -> amqp_bytes_t {
        guard value.utf8.count <= 255 else {
            throw AMQPError(.invalidArgument, operation: "use \(what)", message: "\(what) is longer than 255 bytes")
        }
        return arena.bytes(value)
    }
}

extension QueueInfo {
    init(_ ok: amqp_queue_declare_ok_t) {
        self.init(name: ok.queue.string, messageCount: ok.message_count, consumerCount: ok.consumer_count)
    }
}
