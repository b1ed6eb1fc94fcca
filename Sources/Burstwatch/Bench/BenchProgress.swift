import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on stderr while the bench runs (stdout carries only the results): on a
/// terminal one status line rewritten in place, elsewhere a status line every few seconds.
public final class BenchProgress {
    let interactive = isatty(2) != 0
    private var lastStatus = Date.distantPast
    private var statusShown = false
    public var quiet = false

    public init() {}

    /// A transient status ("3,120 of 9,000 files committed").
    public func status(_ text: String) {
        guard !quiet else { return }
        if interactive {
            write("\r\u{1B}[2K" + text)
            statusShown = true
        } else if Date().timeIntervalSince(lastStatus) >= 5 {
            write(text + "\n")
            lastStatus = Date()
        }
    }

    /// A line that stays.
    public func line(_ text: String) {
        guard !quiet else { return }
        if interactive && statusShown {
            write("\r\u{1B}[2K")
            statusShown = false
        }
        write(text + "\n")
        lastStatus = Date()
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// Wall-clock time, seconds since the epoch, from the same clock PostgreSQL's
/// clock_timestamp() reads on this machine, so the two can be subtracted.
func wallClock() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
