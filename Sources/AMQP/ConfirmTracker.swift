/// Bookkeeping for publisher confirms on one channel.
///
/// The broker numbers publishes 1, 2, 3... from confirm.select on, and answers
/// with basic.ack/basic.nack frames whose delivery tag is a sequence number;
/// with `multiple` set the frame covers every earlier unconfirmed one too.
/// Acks may arrive out of order (quorum queues confirm asynchronously).
///
/// Memory stays small: everything below `lowestUnconfirmed` is confirmed, and
/// only confirms above it that arrived out of order are remembered.
struct ConfirmTracker {
    private(set) var nextSequenceNumber: UInt64 = 1
    private var lowestUnconfirmed: UInt64 = 1
    private var confirmedOutOfOrder: Set<UInt64> = []
    private var batch = ConfirmBatch()
    /// A basic.return waits here for the ack of the same publish (which follows it).
    private var returnAwaitingAck: AMQPReturnedMessage?

    var unconfirmedCount: Int {
        Int(nextSequenceNumber - lowestUnconfirmed) - confirmedOutOfOrder.count
    }

    mutating func recordPublish() -> UInt64 {
        defer { nextSequenceNumber += 1 }
        return nextSequenceNumber
    }

    /// A basic.ack (`ack` true) or basic.nack from the broker.
    mutating func recordConfirm(deliveryTag: UInt64, multiple: Bool, ack: Bool) {
        if var returned = returnAwaitingAck {
            returned.sequenceNumber = deliveryTag
            batch.returned.append(returned)
            returnAwaitingAck = nil
        }
        let tag = min(deliveryTag, nextSequenceNumber - 1)
        guard tag >= lowestUnconfirmed else { return }  // already confirmed: ignore a repeat
        if multiple {
            for sequenceNumber in lowestUnconfirmed...tag where !confirmedOutOfOrder.contains(sequenceNumber) {
                append(sequenceNumber, ack: ack)
            }
            confirmedOutOfOrder = confirmedOutOfOrder.filter { $0 > tag }
            lowestUnconfirmed = tag + 1
        } else {
            guard deliveryTag == tag, !confirmedOutOfOrder.contains(tag) else { return }
            append(tag, ack: ack)
            if tag == lowestUnconfirmed { lowestUnconfirmed += 1 } else { confirmedOutOfOrder.insert(tag) }
        }
        while confirmedOutOfOrder.remove(lowestUnconfirmed) != nil { lowestUnconfirmed += 1 }
    }

    /// A basic.return; without confirms there is no ack to wait for.
    mutating func recordReturn(_ message: AMQPReturnedMessage, confirmsEnabled: Bool) {
        if let earlier = returnAwaitingAck { batch.returned.append(earlier) }
        if confirmsEnabled { returnAwaitingAck = message } else { batch.returned.append(message) }
    }

    /// Everything confirmed since the last call, sorted, and the count still outstanding.
    mutating func takeBatch() -> ConfirmBatch {
        var result = batch
        batch = ConfirmBatch()
        result.acked.sort()
        result.nacked.sort()
        result.unconfirmedCount = unconfirmedCount
        return result
    }

    private mutating func append(_ sequenceNumber: UInt64, ack: Bool) {
        if ack { batch.acked.append(sequenceNumber) } else { batch.nacked.append(sequenceNumber) }
    }
}
