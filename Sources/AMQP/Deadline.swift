/// A point in monotonic time, for turning one caller timeout into the
/// remaining time of each library call inside a loop.
struct Deadline {
    private let end: ContinuousClock.Instant

    init(secondsFromNow seconds: Double) {
        // Clamp so that .infinity or absurd values do not trap in Duration.
        end = ContinuousClock.now.advanced(by: .seconds(min(max(0, seconds), 1e9)))
    }

    /// Seconds left, never negative.
    var remainingSeconds: Double {
        let left = ContinuousClock.now.duration(to: end)
        let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
        return max(0, seconds)
    }
}
