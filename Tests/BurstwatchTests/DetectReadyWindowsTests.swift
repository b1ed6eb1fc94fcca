import Testing
@testable import Burstwatch

/// Which windows the detector steps when a window-complete message arrives: only those
/// whose data is in, so that a window still waiting for a redelivered batch is never
/// judged on part of its readings.
@Suite("Detector: windows ready to step")
struct DetectReadyWindowsTests {
    let w: Int64 = 900_000_000
    let grace: Int64 = 7_200_000_000

    func windows(_ announced: [Bool], from start: Int64 = 0) -> [(start: Int64, announced: Bool)] {
        announced.enumerated().map { (start: start + Int64($0.offset) * w, announced: $0.element) }
    }

    @Test("steps every announced window in order, from the one after the last stepped")
    func inOrder() {
        #expect(DetectService.readyWindows(windows([true, true, true], from: 10 * w), after: 9 * w, windowMicros: w, graceMicros: grace)
                == (10 * w)...(12 * w))
        // The first message a detector ever sees: from the DMA's first window.
        #expect(DetectService.readyWindows(windows([true, true]), after: nil, windowMicros: w, graceMicros: grace) == 0...w)
    }

    @Test("a later window announced first waits for the one before it, which then releases both")
    func outOfOrder() {
        // Window 0 has some readings but is not announced; window 1 is complete.
        #expect(DetectService.readyWindows(windows([false, true]), after: nil, windowMicros: w, graceMicros: grace) == nil)
        #expect(DetectService.readyWindows(windows([true, true]), after: nil, windowMicros: w, graceMicros: grace) == 0...w)
        // Nothing past the last announced window, even if its successors hold data.
        #expect(DetectService.readyWindows(windows([true, false, false]), after: nil, windowMicros: w, graceMicros: grace) == 0...0)
    }

    @Test("a window with no data at all is stepped once it lies past the grace period, not before")
    func gaps() {
        // Windows 0 and 2 announced, window 1 never got a reading.
        let recent: [(start: Int64, announced: Bool)] = [(0, true), (2 * w, true)]
        #expect(DetectService.readyWindows(recent, after: nil, windowMicros: w, graceMicros: grace) == 0...0)
        // Newer data has arrived, 2 h beyond window 1's end: nothing will come for it. The
        // empty windows 3 to 9 are still within the grace period of the newest.
        let later = recent + [(10 * w, true)]
        #expect(DetectService.readyWindows(later, after: nil, windowMicros: w, graceMicros: grace) == 0...(2 * w))
    }

    @Test("nothing announced, nothing to step")
    func nothing() {
        #expect(DetectService.readyWindows([], after: 5 * w, windowMicros: w, graceMicros: grace) == nil)
        #expect(DetectService.readyWindows(windows([false, false]), after: nil, windowMicros: w, graceMicros: grace) == nil)
    }
}
