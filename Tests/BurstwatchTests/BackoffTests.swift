import Testing
@testable import Burstwatch

@Suite("Reconnect backoff")
struct BackoffTests {
    @Test("waits double from 0.2 s up to 10 s")
    func doublesUpToTenSeconds() {
        var backoff = Backoff()
        let waits = (0..<8).map { _ in backoff.next() }
        #expect(waits.prefix(4) == [0.2, 0.4, 0.8, 1.6])
        #expect(waits.last == 10)
    }

    @Test("a session that fails right after connecting keeps backing off")
    func flappingSessionKeepsBackingOff() {
        var backoff = Backoff()
        var waits: [Double] = []
        var now = 0.0
        for _ in 0..<6 {
            backoff.connected(at: now)
            now += 0.05  // fails 50 ms after connecting, e.g. a row it cannot publish
            waits.append(backoff.failed(at: now))
            now += waits.last!
        }
        #expect(waits == [0.2, 0.4, 0.8, 1.6, 3.2, 6.4])
    }

    @Test("a session that stayed up starts over from the shortest wait")
    func stableSessionResets() {
        var backoff = Backoff()
        for _ in 0..<5 { _ = backoff.failed(at: 0) }  // never connected: 0.2 ... 3.2
        backoff.connected(at: 100)
        #expect(backoff.failed(at: 100 + Backoff.stableSeconds) == 0.2)
        // Failing again before it ever connected continues from there.
        #expect(backoff.failed(at: 200) == 0.4)
    }
}
