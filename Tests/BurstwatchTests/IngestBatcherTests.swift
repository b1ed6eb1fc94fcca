import Testing
@testable import Burstwatch

@Suite("Ingest batcher")
struct IngestBatcherTests {
    @Test("a batch is flushed as soon as it holds prefetch messages")
    func flushesAtPrefetch() {
        var batcher = IngestBatcher(prefetch: 3, idleFlushSeconds: 0.02, idleWaitSeconds: 0.5)
        #expect(batcher.nextAction == .wait(seconds: 0.5))
        #expect(batcher.received() == .wait(seconds: 0.02))
        #expect(batcher.received() == .wait(seconds: 0.02))
        #expect(batcher.received() == .flush)
        batcher.flushed()
        #expect(batcher.pending == 0)
        #expect(batcher.nextAction == .wait(seconds: 0.5))
    }

    @Test("a partial batch is flushed when no message came for the idle wait; an empty one never")
    func flushesWhenIdle() {
        var batcher = IngestBatcher(prefetch: 100)
        #expect(batcher.timedOut() == .wait(seconds: batcher.idleWaitSeconds))
        _ = batcher.received()
        #expect(batcher.timedOut() == .flush)
    }

    @Test("shutdown drains what is in hand and nothing else")
    func drains() {
        var batcher = IngestBatcher(prefetch: 10)
        #expect(batcher.draining() == nil)
        _ = batcher.received()
        #expect(batcher.draining() == .flush)
    }

    @Test("a redelivered message is written alone: the batch before it first, then it by itself")
    func redeliveredGoesAlone() {
        var batcher = IngestBatcher(prefetch: 100)
        _ = batcher.received()
        _ = batcher.received()
        #expect(batcher.received(redelivered: true) == .flushAllButLast)
        #expect(batcher.flushedAllButLast() == .flush)
        #expect(batcher.pending == 1)
        batcher.flushed()
        // With nothing in hand it is flushed at once, and the next fresh message starts a new batch.
        #expect(batcher.received(redelivered: true) == .flush)
        batcher.flushed()
        #expect(batcher.received() == .wait(seconds: batcher.idleFlushSeconds))
        #expect(batcher.pending == 1)
    }
}
