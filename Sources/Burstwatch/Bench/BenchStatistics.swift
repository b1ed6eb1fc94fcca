/// The few statistics the benchmark reports (and `eval --suite`'s medians and p90). The
/// machine is shared and noisy, so every bench figure is a median over repetitions, and
/// tails are percentiles over all samples.
public enum BenchStatistics {
    /// The `p`-th percentile (0…100) by linear interpolation between closest ranks (the
    /// method numpy and spreadsheets use by default): the median of [1, 2, 3, 4] is 2.5,
    /// p99 of 1…100 is 99.01. nil for no values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = min(max(p, 0), 100) / 100 * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down)), upper = Int(rank.rounded(.up))
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - Double(lower))
    }

    public static func median(_ values: [Double]) -> Double? { percentile(values, 50) }
}

/// Median, 99th percentile and maximum of a set of latencies (seconds).
public struct LatencySummary: Sendable, Equatable {
    public var count: Int
    public var median: Double
    public var p99: Double
    public var max: Double

    public init?(_ samples: [Double]) {
        guard let median = BenchStatistics.percentile(samples, 50), let p99 = BenchStatistics.percentile(samples, 99),
              let max = samples.max() else { return nil }
        self.count = samples.count
        self.median = median
        self.p99 = p99
        self.max = max
    }

    /// "median 12.3 ms, p99 45.6 ms, max 78.9 ms (n = 100)"
    public var description: String {
        func ms(_ seconds: Double) -> String { formatMillis(seconds) }
        return "median \(ms(median)), p99 \(ms(p99)), max \(ms(max)) (n = \(count))"
    }
}

/// "12.3 ms" below 10 s, "12.3 s" above.
func formatMillis(_ seconds: Double) -> String {
    seconds < 10 ? formatDecimal(seconds * 1000, 1) + " ms" : formatDecimal(seconds, 1) + " s"
}

/// A decimal with a fixed number of digits, without Foundation's locale-dependent formatting.
func formatDecimal(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled - Double(whole) * scale)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard digits > 0 else { return sign + String(whole) }
    let fractionText = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
}
