import CAMQP

/// Publishing with publisher confirms.
///
/// Pipeline: call `publish` many times, then `waitForConfirms` once. Confirms
/// are read from basic.ack/basic.nack frames (librabbitmq 0.11 has no helper
/// for them); they are also taken in during other calls, so nothing is lost
/// when publishing and consuming share a connection.
extension AMQPConnection {
    /// Puts the channel in confirm mode; `publish` then returns sequence numbers 1, 2, 3...
    public func enableConfirms() throws {
        try rpc("enable publisher confirms") { state in
            amqp_confirm_select(state, channel)
        } extract: { _ in
            confirmsEnabled = true
        }
    }

    /// Sends one message. Returns its publish sequence number when confirms are
    /// enabled (0 otherwise). Does not wait for the broker: errors the broker
    /// finds later (e.g. a missing exchange closes the channel with 404) surface
    /// in the next waiting call.
    ///
    /// `mandatory`: an unroutable message comes back in `ConfirmBatch.returned`
    /// instead of being dropped.
    @discardableResult
    public func publish(
        exchange: String, routingKey: String, body: [UInt8], properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false
    ) throws -> UInt64 {
        // Built only when something fails: publish is the hot path.
        func operation() -> String { "publish to exchange '\(exchange)' with key '\(routingKey)'" }
        return try withOpenConnection(operation()) { state in
            defer { arena.reset() }
            let exchangeBytes = try shortString(exchange, "exchange")
            let routingKeyBytes = try shortString(routingKey, "routing key")
            var encodedProperties = properties.encoded(in: arena)
            let status = body.withUnsafeBytes { bodyBytes in
                amqp_basic_publish(
                    state, channel, exchangeBytes, routingKeyBytes, mandatory ? 1 : 0, 0, &encodedProperties,
                    amqp_bytes_t(len: bodyBytes.count, bytes: UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress)))
            }
            if status == AMQP_STATUS_TABLE_TOO_BIG.rawValue {
                // Nothing was sent and the connection is fine.
                throw AMQPError(
                    .invalidArgument, operation: operation(), message: "the headers do not fit in one frame")
            }
            guard status == AMQP_STATUS_OK.rawValue else { throw failure(status: status, operation: operation()) }
            let sequenceNumber = confirmsEnabled ? confirms.recordPublish() : 0
            publishesSinceDrain += 1
            if publishesSinceDrain >= 256 {
                publishesSinceDrain = 0
                try drainAvailableFrames(state, operation: operation())
            }
            return sequenceNumber
        }
    }

    /// Waits until every publish so far is acked or nacked, or `timeout`
    /// seconds pass, and returns the confirms that arrived since the previous
    /// call (`unconfirmedCount` > 0 after a timeout; call again to get the rest).
    ///
    /// If the connection fails, this throws and confirms not yet returned are
    /// lost: treat every publish not acked in an earlier batch as unconfirmed.
    public func waitForConfirms(timeout: Double) throws -> ConfirmBatch {
        let operation = "wait for publisher confirms"
        return try withOpenConnection(operation) { state in
            guard confirmsEnabled else {
                throw AMQPError(.misuse, operation: operation, message: "call enableConfirms() before publishing")
            }
            try readFrames(state, until: Deadline(secondsFromNow: timeout), operation: operation) {
                confirms.unconfirmedCount == 0
            }
            return confirms.takeBatch()
        }
    }

    /// Publishes still waiting for their ack/nack.
    public var unconfirmedCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return confirms.unconfirmedCount
    }
}
