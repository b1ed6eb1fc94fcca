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
}
