/// The pieces `InflowModel.fit` is made of.
extension InflowModel {
    /// The width of the prior of a new day's level. Day levels vary for reasons unrelated to
    /// bursts (weather, the calendar); a prior narrower than that variation would make every
    /// busy morning look like a burst that began at midnight, so it errs wide: the larger of
    /// the robust (MAD) and the plain standard deviation — after dropping levels beyond four
    /// robust deviations, such as a holiday — widened by a quarter for the uncertainty of an
    /// estimate from a few weeks. Floor: a day's level is never known better than its own
    /// noise allows.
    static func levelSpread(_ levels: [Double], relativeNoise: Double, slotsPerDay: Int) -> Double {
        let floor = max(2 * relativeNoise / Double(slotsPerDay).squareRoot(), 0.005)
        guard levels.count >= 3, let center = RobustStatistics.median(levels),
              let robust = RobustStatistics.madSigma(levels, center: center) else { return max(0.05, floor) }
        let kept = levels.filter { robust == 0 || abs($0 - center) <= 4 * robust }
        let mean = kept.reduce(0, +) / Double(kept.count)
        let plain = kept.count >= 2
            ? (kept.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(kept.count - 1)).squareRoot()
            : robust
        return max(1.25 * max(robust, plain), floor)
    }

    /// One training day regressed on the profile of the *other* days of its type:
    /// `y = slope·P + intercept`, with the intercept's standard error.
    struct DayRegression {
        let slope: Double
        let intercept: Double
        let interceptError: Double
    }

    static func dayRegressions(days: [TrainingDay], levels: [Double], sums: ShapeSums,
                               pools: [[Int]]) -> [DayRegression] {
        var result: [DayRegression] = []
        for (index, day) in days.enumerated() {
            var xs: [Double] = [], ys: [Double] = []
            for (slot, value) in day.values.enumerated() {
                guard let value,
                      let others = sums.profile(pooling: pools[day.weekday], slot: slot,
                                                leavingOut: value / levels[index]) else { continue }
                xs.append(others)
                ys.append(value)
            }
            let n = Double(xs.count)
            guard xs.count >= 24 else { continue }
            let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
            var sxx = 0.0, sxy = 0.0
            for i in xs.indices {
                sxx += (xs[i] - mx) * (xs[i] - mx)
                sxy += (xs[i] - mx) * (ys[i] - my)
            }
            guard sxx > 0 else { continue }
            let slope = sxy / sxx
            let intercept = my - slope * mx
            var sse = 0.0
            for i in xs.indices {
                let e = ys[i] - intercept - slope * xs[i]
                sse += e * e
            }
            let residualVariance = sse / max(n - 2, 1)
            let interceptVariance = residualVariance * (1 / n + mx * mx / sxx)
            result.append(DayRegression(slope: slope, intercept: intercept, interceptError: interceptVariance.squareRoot()))
        }
        return result
    }

    /// The fixed flow F of `y = F + L·(P − F)`: each day's intercept is `(1 − L)·F`, so F is
    /// their least-squares combination. Shrunk towards 0 by its own uncertainty, so that a
    /// noisy estimate does no harm; kept below the profile's minimum so that the variable part
    /// stays positive.
    static func fixedFlow(_ regressions: [DayRegression], profiles: [[Double]]) -> Double {
        guard regressions.count >= 5 else { return 0 }
        let denominator = regressions.reduce(0.0) { $0 + (1 - $1.slope) * (1 - $1.slope) }
        guard denominator > 0 else { return 0 }
        let estimate = regressions.reduce(0.0) { $0 + $1.intercept * (1 - $1.slope) } / denominator
        let spread = regressions.reduce(0.0) {
            let residual = $1.intercept - estimate * (1 - $1.slope)
            return $0 + residual * residual * (1 - $1.slope) * (1 - $1.slope)
        }.squareRoot() / denominator
        let shrink = estimate == 0 ? 0 : max(0, 1 - 4 * spread * spread / (estimate * estimate))
        let lowest = profiles.flatMap { $0 }.filter(\.isFinite).min() ?? 0
        return min(estimate * shrink, 0.9 * lowest)
    }

    /// ω, the spread of what a day's level cannot explain: the days' offsets once the fixed
    /// flow is accounted for, less the part their own estimation noise explains. Never below
    /// half the typical estimation noise: with a few weeks of days, "the model is perfect" is
    /// not something the data can show.
    static func offsetSpread(_ regressions: [DayRegression], fixed: Double) -> Double? {
        guard regressions.count >= 5 else { return nil }
        let offsets = regressions.map { $0.intercept - fixed * (1 - $0.slope) }
        guard let robust = RobustStatistics.madSigma(offsets) else { return nil }
        let noise = regressions.map { $0.interceptError * $0.interceptError }.reduce(0, +) / Double(regressions.count)
        return max((max(robust * robust - noise, 0)).squareRoot(), 0.5 * noise.squareRoot())
    }

    /// Least-squares multiplier of `profile` that best matches the day.
    static func fittedLevel(_ values: [Double?], profile: [Double]) -> Double? {
        var numerator = 0.0, denominator = 0.0
        for (slot, value) in values.enumerated() {
            guard let value, profile[slot].isFinite else { continue }
            numerator += value * profile[slot]
            denominator += profile[slot] * profile[slot]
        }
        return denominator > 0 ? numerator / denominator : nil
    }

    struct Noise {
        var additive: Double
        var relative: Double
        var lagOneCorrelation: Double
    }

    /// Leave-one-out: each day is predicted by the profile of the *other* days of its type, so
    /// the errors include what the profile itself gets wrong, as they will live.
    static func fitNoise(days: [TrainingDay], levels: [Double], sums: ShapeSums,
                                 pools: [[Int]], profiles: [[Double]]) -> Noise? {
        var samples: [(expected: Double, error: Double)] = []
        // Index pairs (previous, current) of samples from consecutive windows of one day.
        var consecutive: [(Int, Int)] = []
        for (index, day) in days.enumerated() {
            var previous: Int?
            for (slot, value) in day.values.enumerated() {
                guard let value,
                      let others = sums.profile(pooling: pools[day.weekday], slot: slot,
                                                leavingOut: value / levels[index]) else { previous = nil; continue }
                let expected = levels[index] * others
                samples.append((expected, value - expected))
                if let previous { consecutive.append((previous, samples.count - 1)) }
                previous = samples.count - 1
            }
        }
        guard samples.count >= 48 else { return nil }
        let (additive, relative) = varianceLaw(samples)
        let standardised = samples.map { $0.error / (additive + relative * $0.expected * $0.expected).squareRoot() }
        let rho = RobustStatistics.lagOneCorrelation(pairs: consecutive.map { (standardised[$0.0], standardised[$0.1]) }) ?? 0
        // Capped below 1: a model of errors that never forget would take any drift for a step.
        return Noise(additive: additive, relative: relative, lagOneCorrelation: min(max(rho, 0), 0.95))
    }

    /// Fits `variance = a² + b²·expected²` through robust variances of the errors in four
    /// bins of the expected value; both terms kept non-negative.
    static func varianceLaw(_ samples: [(expected: Double, error: Double)]) -> (additive: Double, relative: Double) {
        let sorted = samples.sorted { $0.expected < $1.expected }
        let binCount = sorted.count >= 200 ? 4 : (sorted.count >= 100 ? 2 : 1)
        var points: [(x: Double, v: Double)] = []
        for bin in 0..<binCount {
            let lower = bin * sorted.count / binCount, upper = (bin + 1) * sorted.count / binCount
            let slice = sorted[lower..<upper]
            guard let sigma = RobustStatistics.madSigma(slice.map(\.error), center: 0) else { continue }
            let meanSquare = slice.reduce(0.0) { $0 + $1.expected * $1.expected } / Double(slice.count)
            points.append((meanSquare, sigma * sigma))
        }
        let meanLevel = (sorted.reduce(0.0) { $0 + abs($1.expected) } / Double(sorted.count))
        // A floor so that perfectly smooth (synthetic) data do not give zero variance.
        let floor = pow(1e-4 * max(meanLevel, 1e-3), 2)
        guard points.count >= 2 else {
            let v = max(points.first?.v ?? floor, floor)
            return (v, 0)
        }
        let n = Double(points.count)
        let mx = points.reduce(0.0) { $0 + $1.x } / n
        let mv = points.reduce(0.0) { $0 + $1.v } / n
        let sxx = points.reduce(0.0) { $0 + ($1.x - mx) * ($1.x - mx) }
        let sxv = points.reduce(0.0) { $0 + ($1.x - mx) * ($1.v - mv) }
        var slope = sxx > 0 ? sxv / sxx : 0
        var intercept = mv - slope * mx
        if slope < 0 {
            slope = 0
            intercept = mv
        } else if intercept < 0 {
            // Through the origin: purely proportional noise.
            let sxxOrigin = points.reduce(0.0) { $0 + $1.x * $1.x }
            slope = sxxOrigin > 0 ? points.reduce(0.0) { $0 + $1.x * $1.v } / sxxOrigin : 0
            intercept = 0
        }
        return (max(intercept, floor), max(slope, 0))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
