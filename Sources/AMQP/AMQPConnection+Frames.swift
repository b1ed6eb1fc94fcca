import CAMQP
import Foundation  // timeval

/// Reading what the broker sends on its own: deliveries, confirms, returns,
/// cancellations, blocks and closes. All callers hold the lock.
extension AMQPConnection {
    /// Waits up to `timeout` seconds for one frame (0 = only what is already
    /// there); nil on timeout. Heartbeats are sent and checked inside.
    func readFrame(_ state: amqp_connection_state_t, timeout: Double, operation: String) throws -> amqp_frame_t? {
        var frame = amqp_frame_t()
        var wait = timeval(seconds: timeout)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &wait)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else { throw failure(status: status, operation: operation) }
        return frame
    }

    /// Acts on one frame and frees the library memory it used.
    /// Deliveries go to `deliveries`, confirms and returns to `confirms`.
    func handle(_ frame: amqp_frame_t, state: amqp_connection_state_t, operation: String) throws {
        guard frame.frame_type == CAMQP_FRAME_METHOD, let decoded = frame.payload.method.decoded else {
            amqp_maybe_release_buffers(state)  // a stray header/body frame: nothing to do
            return
        }
        switch frame.payload.method.id {
        case CAMQP_BASIC_ACK:
            let ack = decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            confirms.recordConfirm(deliveryTag: ack.delivery_tag, multiple: ack.multiple != 0, ack: true)
        case CAMQP_BASIC_NACK:
            let nack = decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            confirms.recordConfirm(deliveryTag: nack.delivery_tag, multiple: nack.multiple != 0, ack: false)
        case CAMQP_BASIC_DELIVER:
            // Copy the method's fields before reading more frames into library memory.
            let method = decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            var delivery = AMQPDelivery(
                deliveryTag: method.delivery_tag, redelivered: method.redelivered != 0,
                exchange: method.exchange.string, routingKey: method.routing_key.string,
                body: [], properties: AMQPProperties())
            (delivery.properties, delivery.body) = try readContent(state, channel: frame.channel, operation: operation)
            deliveries.append(delivery)
        case CAMQP_BASIC_RETURN:
            let method = decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            var returned = AMQPReturnedMessage(
                sequenceNumber: nil, replyCode: method.reply_code, replyText: method.reply_text.string,
                exchange: method.exchange.string, routingKey: method.routing_key.string,
                properties: AMQPProperties(), body: [])
            (returned.properties, returned.body) = try readContent(state, channel: frame.channel, operation: operation)
            confirms.recordReturn(returned, confirmsEnabled: confirmsEnabled)
        case CAMQP_BASIC_CANCEL:
            let tag = decoded.assumingMemoryBound(to: amqp_basic_cancel_t.self).pointee.consumer_tag.string
            consumerTags.remove(tag)
            cancelledConsumerTags.append(tag)
        case CAMQP_CONNECTION_BLOCKED:
            let reason = decoded.assumingMemoryBound(to: amqp_connection_blocked_t.self).pointee.reason.string
            blockedReason = reason.isEmpty ? "blocked" : reason
        case CAMQP_CONNECTION_UNBLOCKED:
            blockedReason = nil
        case CAMQP_CHANNEL_CLOSE, CAMQP_CONNECTION_CLOSE:
            var reply = amqp_rpc_reply_t()
            reply.reply_type = AMQP_RESPONSE_SERVER_EXCEPTION
            reply.reply = frame.payload.method
            throw failure(reply, operation: operation)
        default:
            break  // e.g. channel.flow: nothing we need to act on
        }
        amqp_maybe_release_buffers(state)
    }

    /// Reads the header and body frames that follow basic.deliver/return/get-ok
    /// and copies them out. The broker sends them right after the method, so
    /// this blocks briefly at most.
    func readContent(
        _ state: amqp_connection_state_t, channel: amqp_channel_t, operation: String
    ) throws -> (AMQPProperties, [UInt8]) {
        var message = amqp_message_t()
        let reply = amqp_read_message(state, channel, &message, 0)
        guard reply.reply_type == AMQP_RESPONSE_NORMAL else { throw failure(reply, operation: operation) }
        defer { amqp_destroy_message(&message) }
        return (AMQPProperties(decoding: message.properties), message.body.array)
    }

    /// Handles every frame that is already available, without waiting, so
    /// confirms do not pile up in socket buffers during long publish runs.
    func drainAvailableFrames(_ state: amqp_connection_state_t, operation: String) throws {
        while let frame = try readFrame(state, timeout: 0, operation: operation) {
            try handle(frame, state: state, operation: operation)
        }
    }

    /// Reads frames until `done()` or the deadline.
    func readFrames(
        _ state: amqp_connection_state_t, until deadline: Deadline, operation: String, done: () -> Bool
    ) throws {
        // After the deadline the remaining time is 0, so the loop still takes
        // in frames that are already there and stops at the first empty read.
        while !done() {
            guard let frame = try readFrame(state, timeout: deadline.remainingSeconds, operation: operation) else {
                return
            }
            try handle(frame, state: state, operation: operation)
        }
    }

    /// Sends a due heartbeat and takes in whatever the broker sent (confirms,
    /// deliveries are buffered for `nextDelivery`), without blocking. Call it
    /// during long work between other calls so the broker does not drop us.
    public func serviceConnection() throws {
        try withOpenConnection("service connection") { state in
            try drainAvailableFrames(state, operation: "service connection")
        }
    }
}
