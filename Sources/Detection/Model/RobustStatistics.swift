/// Small robust statistics the models are built from. Robust because history is never
/// perfectly clean: a stuck meter, a fire-fighting draw or a short unreported leak must not
/// set the scale every threshold is measured in.
enum RobustStatistics {
    /// 1.4826 × MAD estimates the standard deviation of normally distributed data.
    static let madToSigma = 1.4826

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Standard deviation estimated from the median absolute deviation around `center`
    /// (the median when nil). Nil for an empty input.
    static func madSigma(_ values: [Double], center: Double? = nil) -> Double? {
        guard let middle = center ?? median(values) else { return nil }
        return median(values.map { abs($0 - middle) }).map { $0 * madToSigma }
    }

    /// The lag-1 autocorrelation of consecutive pairs, each pair given as (previous, current).
    /// Robust to a few outliers by winsorising at 4 robust standard deviations first.
    static func lagOneCorrelation(pairs: [(Double, Double)]) -> Double? {
        guard pairs.count >= 20 else { return nil }
        let all = pairs.flatMap { [$0.0, $0.1] }
        guard let center = median(all), let sigma = madSigma(all, center: center), sigma > 0 else { return nil }
        func clip(_ x: Double) -> Double { max(-4, min(4, (x - center) / sigma)) }
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in pairs {
            let x = clip(a), y = clip(b)
            sxy += x * y
            sxx += x * x
            syy += y * y
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    /// Weighted median: the value where the cumulative weight first reaches half the total.
    static func weightedMedian(_ values: [(value: Double, weight: Double)]) -> Double? {
        let usable = values.filter { $0.weight > 0 && $0.value.isFinite }.sorted { $0.value < $1.value }
        guard !usable.isEmpty else { return nil }
        let half = usable.reduce(0) { $0 + $1.weight } / 2
        var cumulative = 0.0
        for entry in usable {
            cumulative += entry.weight
            if cumulative >= half { return entry.value }
        }
        return usable.last?.value
    }

    /// The standard normal cumulative distribution function.
    static func normalCDF(_ z: Double) -> Double {
        0.5 * erfc(-z / 2.0.squareRoot())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
