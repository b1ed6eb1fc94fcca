import Foundation
import Postgres
import Testing

@Suite("LISTEN / NOTIFY")
struct NotificationTests {
    @Test func deliversAPayloadSentWhileWaiting() throws {
        let listener = try TestDatabase.connect()
        let channel = TestDatabase.uniqueName("notify")
        let payload = "window DMA-1 2026-03-02 00:15 ✓ 'quoted'"
        try listener.listen(channel)
        let sender = TestThread {
            Thread.sleep(forTimeInterval: 0.2)
            let connection = try? TestDatabase.connect()
            try? connection?.notify(channel, payload: payload)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let received = try listener.waitForNotifications(timeout: 10)
        #expect(clock.now - started < .seconds(5))
        #expect(received.map(\.channel) == [channel])
        #expect(received.map(\.payload) == [payload])
        #expect(sender.join(timeout: 10))
    }

    @Test func returnsNothingWhenTheTimeoutPasses() throws {
        let listener = try TestDatabase.connect()
        try listener.listen(TestDatabase.uniqueName("quiet"))
        let clock = ContinuousClock()
        let started = clock.now
        #expect(try listener.waitForNotifications(timeout: 0.3).isEmpty)
        let waited = clock.now - started
        #expect(waited >= .milliseconds(290))
        #expect(waited < .seconds(3))
    }

    @Test func onlyListenedChannelsArriveAndAllPendingAreReturned() throws {
        let listener = try TestDatabase.connect()
        let sender = try TestDatabase.connect()
        let channel = TestDatabase.uniqueName("mine")
        try listener.listen(channel)
        try sender.notify(TestDatabase.uniqueName("other"), payload: "not for us")
        try sender.transaction {
            try sender.notify(channel, payload: "one")
            try sender.notify(channel, payload: "two")
        }
        var payloads: [String] = []
        while payloads.count < 2 {
            let batch = try listener.waitForNotifications(timeout: 5)
            if batch.isEmpty { break }
            payloads += batch.map(\.payload)
        }
        #expect(payloads == ["one", "two"])
        try listener.unlisten(channel)
        try sender.notify(channel, payload: "after unlisten")
        #expect(try listener.waitForNotifications(timeout: 0.3).isEmpty)
    }
}
