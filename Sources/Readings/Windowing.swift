/// Fixed-length data-time windows aligned to the epoch (so 15-minute windows start at :00, :15,
/// :30, :45 UTC).
public enum Windowing {
    public static let defaultLengthSeconds: Int64 = 900

    /// The start of the window holding `timestampMicros` (floor, also for times before 1970).
    /// `lengthSeconds` must be positive; within one window of Int64.min the result wraps instead
    /// of trapping (no parsed timestamp comes near it).
    public static func windowStart(of timestampMicros: Int64, lengthSeconds: Int64 = defaultLengthSeconds) -> Int64 {
        let length = lengthMicros(lengthSeconds)
        var offset = timestampMicros % length
        if offset < 0 { offset += length }
        return timestampMicros &- offset
    }

    /// The exclusive end of the window starting at `windowStartMicros`.
    public static func windowEnd(ofWindowStartingAt windowStartMicros: Int64, lengthSeconds: Int64 = defaultLengthSeconds) -> Int64 {
        windowStartMicros &+ lengthMicros(lengthSeconds)
    }

    private static func lengthMicros(_ lengthSeconds: Int64) -> Int64 {
        precondition(lengthSeconds > 0 && lengthSeconds <= Int64.max / ISOTimestamp.microsPerSecond,
                     "window length must be a positive number of seconds, got \(lengthSeconds)")
        return lengthSeconds * ISOTimestamp.microsPerSecond
    }
}
