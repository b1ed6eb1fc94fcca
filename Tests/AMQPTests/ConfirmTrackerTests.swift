import Testing

@testable import AMQP

@Suite("Publisher confirm bookkeeping")
struct ConfirmTrackerTests {
    private func tracker(publishes: Int) -> ConfirmTracker {
        var tracker = ConfirmTracker()
        for expected in 1...UInt64(publishes) { #expect(tracker.recordPublish() == expected) }
        return tracker
    }

    @Test func multipleAckConfirmsEverythingUpToTheTag() {
        var tracker = tracker(publishes: 5)
        tracker.recordConfirm(deliveryTag: 3, multiple: true, ack: true)
        let batch = tracker.takeBatch()
        #expect(batch.acked == [1, 2, 3])
        #expect(batch.unconfirmedCount == 2)
        #expect(!batch.isComplete)
    }

    @Test func outOfOrderSingleAcksAreNotCountedTwiceByALaterMultipleAck() {
        var tracker = tracker(publishes: 5)
        tracker.recordConfirm(deliveryTag: 4, multiple: false, ack: true)
        tracker.recordConfirm(deliveryTag: 2, multiple: false, ack: false)
        #expect(tracker.unconfirmedCount == 3)
        tracker.recordConfirm(deliveryTag: 5, multiple: true, ack: true)
        let batch = tracker.takeBatch()
        #expect(batch.acked == [1, 3, 4, 5])
        #expect(batch.nacked == [2])
        #expect(batch.isComplete)
        #expect(!batch.allSucceeded)
    }

    @Test func repeatedAndUnknownTagsAreIgnored() {
        var tracker = tracker(publishes: 2)
        tracker.recordConfirm(deliveryTag: 1, multiple: false, ack: true)
        tracker.recordConfirm(deliveryTag: 1, multiple: false, ack: true)
        tracker.recordConfirm(deliveryTag: 9, multiple: false, ack: true)
        let batch = tracker.takeBatch()
        #expect(batch.acked == [1])
        #expect(batch.unconfirmedCount == 1)
    }

    @Test func batchesHoldOnlyConfirmsSinceThePreviousTake() {
        var tracker = tracker(publishes: 3)
        tracker.recordConfirm(deliveryTag: 1, multiple: false, ack: true)
        #expect(tracker.takeBatch().acked == [1])
        tracker.recordConfirm(deliveryTag: 3, multiple: true, ack: true)
        #expect(tracker.takeBatch().acked == [2, 3])
        #expect(tracker.takeBatch() == ConfirmBatch())
    }

    @Test func aReturnTakesTheSequenceNumberOfTheAckThatFollowsIt() {
        var tracker = tracker(publishes: 2)
        let returned = AMQPReturnedMessage(
            sequenceNumber: nil, replyCode: 312, replyText: "NO_ROUTE", exchange: "x", routingKey: "k",
            properties: AMQPProperties(), body: [1])
        tracker.recordReturn(returned, confirmsEnabled: true)
        tracker.recordConfirm(deliveryTag: 2, multiple: false, ack: true)
        let batch = tracker.takeBatch()
        #expect(batch.returnedSequenceNumbers == [2])
        #expect(batch.acked == [2])
        #expect(batch.unconfirmedCount == 1)
    }
}
