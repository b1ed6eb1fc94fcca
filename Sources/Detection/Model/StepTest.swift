/// The change-point test at the heart of the detector: a generalised likelihood-ratio test
/// for a step in a DMA's inflow, over a span of recent days.
///
/// Model over the span (yesterday and today so far), each day `k` with its own level `L_k`
/// and its own offset `c_k`:
///
///     y_i = L_k · P_i + c_k + B · [i ≥ s] + e_i,    e_i ~ N(0, σ_i²)
///     L_k ~ N(L₀, τ²),   c_k ~ N(0, ω²)
///
/// For every candidate start `s`, the day parameters are profiled out in closed form and the
/// step `B` is estimated by weighted least squares with its standard error; its z-score is the
/// likelihood-ratio statistic of "a step at s" against "no step".
///
/// - The level is free per day, so a busy day is not a burst.
/// - The offset is what the level cannot explain of a day (demand that does not scale, the
///   model's own error); its spread ω is learned from history. A step at the very start of a
///   day is confounded with it, so only a step much larger than ω can be found that way,
///   while a step *within* a day is measured against the same day's earlier windows. This is
///   the level adjustment that cannot absorb a burst.
/// - Because the level is a multiplier, a burst (a constant added flow) that began before the
///   span still shows: it raises the quiet hours relatively more than the busy ones.
///
/// Each window costs O(span) with running sums; the span is at most two days of windows.
struct StepTest {
    struct Window: Sendable {
        /// Position of its day within the span (0 = first day).
        let day: Int
        /// Data time of the window start, and its index in the history.
        let time: Int64
        let index: Int
        /// Observed inflow minus any already-known step (an open burst's flow), minus the fixed flow.
        let y: Double
        /// Profile value (expected inflow at level 1), minus the fixed flow.
        let profile: Double
        /// One window's noise variance (without the autocorrelation inflation).
        let variance: Double
    }

    struct Candidate: Sendable {
        /// Index into the span's windows where the step starts.
        let start: Int
        /// Windows from `start` to the end of the span.
        let windows: Int
        /// Estimated step (l/s) and its standard error.
        let estimate: Double
        let standardError: Double
        /// Standardised statistic (robust: from winsorised data), positive for a rise.
        let z: Double
    }

    let windows: [Window]
    let dayCount: Int
    let levelPrior: Double
    let levelSpread: Double
    let offsetSpread: Double
    /// Variance inflation for autocorrelated errors (≥ 1).
    let inflation: Double
    /// Winsorising bound in standard deviations: one wild reading cannot make a burst.
    let clip: Double

    /// A day's 2×2 system for (level, offset), with the priors.
    private struct DaySystem {
        var a = 0.0, b = 0.0, d = 0.0  // [[a, b], [b, d]]
        var r1 = 0.0, r2 = 0.0         // right-hand side

        /// u' A⁻¹ v for vectors (u1, u2), (v1, v2).
        func form(_ u1: Double, _ u2: Double, _ v1: Double, _ v2: Double) -> Double {
            let det = a * d - b * b
            return (u1 * (d * v1 - b * v2) + u2 * (a * v2 - b * v1)) / det
        }

        /// The no-step fit: level and offset.
        var solution: (level: Double, offset: Double) {
            let det = a * d - b * b
            return ((d * r1 - b * r2) / det, (a * r2 - b * r1) / det)
        }
    }

    /// All candidate starts from `earliest` on (window indices into `windows`).
    func candidates(from earliest: Int = 0) -> [Candidate] {
        guard !windows.isEmpty, earliest < windows.count else { return [] }
        let weights = windows.map { 1 / (inflation * $0.variance) }
        let offsetPrecision = 1 / (offsetSpread * offsetSpread)

        // The level prior is made robust (heavy-tailed, as a Student-t prior would be): a day
        // whose own data put its level far from the prior widens the prior by that distance,
        // so that an unusual day is taken as unusual rather than as a burst since midnight.
        var dayLevels = Array(repeating: DaySystem(a: 1e-12, b: 0, d: offsetPrecision, r1: 1e-12 * levelPrior, r2: 0),
                              count: dayCount)
        for (i, w) in windows.enumerated() {
            dayLevels[w.day].a += weights[i] * w.profile * w.profile
            dayLevels[w.day].b += weights[i] * w.profile
            dayLevels[w.day].d += weights[i]
            dayLevels[w.day].r1 += weights[i] * w.profile * w.y
            dayLevels[w.day].r2 += weights[i] * w.y
        }
        let levelPrecisions = dayLevels.map { system -> Double in
            let distance = system.a > 1e-9 ? system.solution.level - levelPrior : 0
            return 1 / (levelSpread * levelSpread + distance * distance)
        }

        func systems(_ values: [Double]) -> [DaySystem] {
            var result = levelPrecisions.map {
                DaySystem(a: $0, b: 0, d: offsetPrecision, r1: levelPrior * $0, r2: 0)
            }
            for (i, w) in windows.enumerated() {
                let weight = weights[i]
                result[w.day].a += weight * w.profile * w.profile
                result[w.day].b += weight * w.profile
                result[w.day].d += weight
                result[w.day].r1 += weight * w.profile * values[i]
                result[w.day].r2 += weight * values[i]
            }
            return result
        }

        let raw = systems(windows.map(\.y))
        // Winsorise around each day's no-step fit.
        let fits = raw.map(\.solution)
        let clipped = windows.map { w -> Double in
            let center = fits[w.day].level * w.profile + fits[w.day].offset
            let bound = clip * w.variance.squareRoot()
            return min(max(w.y, center - bound), center + bound)
        }
        let robust = systems(clipped)

        // Suffix sums per day, walking the start backwards.
        var tp = Array(repeating: 0.0, count: dayCount)
        var t1 = Array(repeating: 0.0, count: dayCount)
        var total1 = 0.0, ty = 0.0, tyClipped = 0.0
        var result: [Candidate] = []
        result.reserveCapacity(windows.count - earliest)
        for start in stride(from: windows.count - 1, through: earliest, by: -1) {
            let w = windows[start]
            let weight = weights[start]
            tp[w.day] += weight * w.profile
            t1[w.day] += weight
            total1 += weight
            ty += weight * w.y
            tyClipped += weight * clipped[start]
            var information = total1, score = ty, scoreClipped = tyClipped
            for k in 0..<dayCount where t1[k] != 0 {
                information -= raw[k].form(tp[k], t1[k], tp[k], t1[k])
                score -= raw[k].form(tp[k], t1[k], raw[k].r1, raw[k].r2)
                scoreClipped -= robust[k].form(tp[k], t1[k], robust[k].r1, robust[k].r2)
            }
            guard information > 1e-9 * total1 else { continue }
            result.append(Candidate(start: start, windows: windows.count - start,
                                    estimate: score / information,
                                    standardError: 1 / information.squareRoot(),
                                    z: scoreClipped / information.squareRoot()))
        }
        return result
    }
}
