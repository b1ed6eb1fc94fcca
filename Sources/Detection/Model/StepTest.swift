/// The change-point test at the heart of the detector: a generalised likelihood-ratio test
/// for a step in a DMA's inflow, over a span of recent days.
///
/// Model over the span (yesterday and today so far), each day `k` with its own level `L_k`,
/// its own level drift `G_k` and its own offset `c_k`:
///
///     y_i = (L_k + G_k · u_i) · P_i + c_k + B · [i ≥ s] + e_i,    e_i ~ N(0, σ_i²)
///     L_k ~ N(L₀, τ²),   G_k ~ N(0, ψ²),   c_k ~ N(0, ω²)
///
/// where `u_i` is the window's place in its day, −½ at midnight to ½ at the next.
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
/// - The level may drift within a day (`G_k`): what moves demand from day to day (weather)
///   changes through a day too, and a level held constant from midnight to midnight takes a
///   day that grows busier by the evening for a step. Its spread ψ is learned from history
///   like ω; where days do not drift, ψ is small and the drift is held near zero. A drift
///   scales the profile, so it cannot stand in for a step at night.
/// - Because the level is a multiplier, a burst (a constant added flow) that began before the
///   span still shows: it raises the quiet hours relatively more than the busy ones.
///
/// Each start is judged twice (`Candidate.z` and `Candidate.jumpZ`): once with the errors
/// taken as independent, their variance inflated for autocorrelation — the step's mean
/// excess — and once with them taken as AR(1) with the lag-one correlation learned from
/// history (generalised least squares on Prais–Winsten-whitened data). Demand noise with
/// memory wanders slowly, so under the second view an abrupt step is told mostly by its jump
/// at the start, and stands out within a window or two where its mean excess needs hours.
///
/// Each window costs O(span) with running sums; the span is at most two days of windows
/// (three while a near miss is followed, see `BurstDetector`).
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
        /// Its place in its day, −½ (midnight) to ½ (the next midnight): the drift's regressor.
        var phase: Double = 0
    }

    struct Candidate: Sendable {
        /// Index into the span's windows where the step starts.
        let start: Int
        /// Windows from `start` to the end of the span.
        let windows: Int
        /// Estimated step (l/s) and its standard error.
        let estimate: Double
        let standardError: Double
        /// Standardised statistic (robust: from winsorised data), positive for a rise: the
        /// step's mean excess against its windows' noise, inflated for autocorrelation.
        let z: Double
        /// The same step judged with the noise taken as autocorrelated (AR(1)): most of the
        /// evidence for an abrupt step is then its jump at the start, which a slowly wandering
        /// demand does not make (see the type's comment).
        let jumpZ: Double
    }

    let windows: [Window]
    let dayCount: Int
    let levelPrior: Double
    let levelSpread: Double
    let offsetSpread: Double
    /// Spread ψ of a day's level drift from midnight to midnight (0: the level is constant
    /// through a day).
    var slopeSpread: Double = 0
    /// Variance inflation for autocorrelated errors (≥ 1), used by `z`.
    let inflation: Double
    /// Lag-one correlation of consecutive windows' errors, used by `jumpZ` (0: none).
    let lagOneCorrelation: Double
    /// Winsorising bound in standard deviations: one wild reading cannot make a burst.
    let clip: Double
    /// `jumpZ` judges steps of at most this many windows.
    var jumpMaxWindows = 8

    /// A day's 3×3 system for (level, drift, offset), with the priors; symmetric, so only
    /// the upper triangle is kept.
    private struct DaySystem {
        var m11 = 0.0, m12 = 0.0, m13 = 0.0, m22 = 0.0, m23 = 0.0, m33 = 0.0
        var r1 = 0.0, r2 = 0.0, r3 = 0.0  // right-hand side

        mutating func add(_ p: Double, _ q: Double, _ o: Double, _ y: Double) {
            m11 += p * p; m12 += p * q; m13 += p * o
            m22 += q * q; m23 += q * o; m33 += o * o
            r1 += p * y; r2 += q * y; r3 += o * y
        }

        /// The inverse's upper triangle, by cofactors (the system is 3×3 and well conditioned
        /// by its priors).
        var inverse: (Double, Double, Double, Double, Double, Double) {
            let c11 = m22 * m33 - m23 * m23, c12 = m13 * m23 - m12 * m33, c13 = m12 * m23 - m13 * m22
            let c22 = m11 * m33 - m13 * m13, c23 = m12 * m13 - m11 * m23, c33 = m11 * m22 - m12 * m12
            let det = m11 * c11 + m12 * c12 + m13 * c13
            return (c11 / det, c12 / det, c13 / det, c22 / det, c23 / det, c33 / det)
        }

        /// The no-step fit: level, drift and offset.
        var solution: (level: Double, drift: Double, offset: Double) {
            let (i11, i12, i13, i22, i23, i33) = inverse
            return (i11 * r1 + i12 * r2 + i13 * r3, i12 * r1 + i22 * r2 + i23 * r3, i13 * r1 + i23 * r2 + i33 * r3)
        }
    }

    /// u' A⁻¹ v for a day system's inverse (upper triangle).
    private static func form(_ inv: (Double, Double, Double, Double, Double, Double),
                             _ u: (Double, Double, Double), _ v: (Double, Double, Double)) -> Double {
        let (i11, i12, i13, i22, i23, i33) = inv
        let w1 = i11 * v.0 + i12 * v.1 + i13 * v.2
        let w2 = i12 * v.0 + i22 * v.1 + i23 * v.2
        let w3 = i13 * v.0 + i23 * v.1 + i33 * v.2
        return u.0 * w1 + u.1 * w2 + u.2 * w3
    }

    /// All candidate starts from `earliest` on (window indices into `windows`).
    func candidates(from earliest: Int = 0) -> [Candidate] {
        guard !windows.isEmpty, earliest < windows.count else { return [] }
        let inflated = fits(from: earliest, correlation: 0, inflation: inflation)
        // A jump speaks for a recent start only, and needs a window before it to jump from.
        let whitened = fits(from: max(earliest, windows.count - jumpMaxWindows), correlation: lagOneCorrelation,
                            inflation: 1)
        var jumpZ: [Int: Double] = [:]
        for fit in whitened where continuesRun(fit.start) {
            jumpZ[fit.start] = fit.z
        }
        return inflated.map {
            Candidate(start: $0.start, windows: windows.count - $0.start, estimate: $0.estimate,
                      standardError: $0.standardError, z: $0.z, jumpZ: jumpZ[$0.start] ?? $0.z)
        }
    }

    /// Whether window `i` directly follows window `i − 1`, on the same day.
    private func continuesRun(_ i: Int) -> Bool {
        i > 0 && windows[i - 1].day == windows[i].day && windows[i - 1].index == windows[i].index - 1
    }

    /// One window's row of the regression once its noise is made white and of unit variance
    /// (a Prais–Winsten transform): each column minus `ρ` times its value in the previous
    /// window, over `√(1 − ρ²)`, within runs of consecutive windows of one day; a run's first
    /// window is only standardised. With `ρ = 0` the rows are the windows divided by their
    /// standard deviation, and the fit is weighted least squares.
    private struct Row {
        var profile = 0.0
        /// The drift's column: the profile times the window's place in its day (0 when the
        /// level does not drift).
        var drift = 0.0
        /// The day's offset column; also the step's column in a window after the step's first.
        var offset = 0.0
        /// The step's column in its first window: the whole jump, nothing before it to subtract.
        var stepFirst = 0.0
    }

    private func rows(correlation rho: Double, inflation: Double) -> (rows: [Row], transform: ([Double]) -> [Double]) {
        let sd = windows.map { (inflation * $0.variance).squareRoot() }
        let scale = rho > 0 ? 1 / (1 - rho * rho).squareRoot() : 1
        let continues = windows.indices.map { rho > 0 && continuesRun($0) }
        func transform(_ values: [Double]) -> [Double] {
            values.indices.map { i in
                continues[i] ? (values[i] / sd[i] - rho * values[i - 1] / sd[i - 1]) * scale : values[i] / sd[i]
            }
        }
        let profile = transform(windows.map(\.profile))
        let drift = slopeSpread > 0 ? transform(windows.map { $0.profile * $0.phase }) : Array(repeating: 0, count: windows.count)
        let offset = transform(Array(repeating: 1, count: windows.count))
        let rows = windows.indices.map { i in
            Row(profile: profile[i], drift: drift[i], offset: offset[i], stepFirst: continues[i] ? scale / sd[i] : 1 / sd[i])
        }
        return (rows, transform)
    }

    /// One start's step: estimate (l/s), its standard error and its robust z.
    private typealias Fit = (start: Int, estimate: Double, standardError: Double, z: Double)

    /// The step fit at every start from `earliest` on, with errors of lag-one correlation
    /// `rho` and variance inflated by `inflation`.
    private func fits(from earliest: Int, correlation rho: Double, inflation: Double) -> [Fit] {
        let (rows, transform) = rows(correlation: rho, inflation: inflation)
        let offsetPrecision = 1 / (offsetSpread * offsetSpread)
        // Without drift its column is zero and a unit precision keeps the system regular.
        let driftPrecision = slopeSpread > 0 ? 1 / (slopeSpread * slopeSpread) : 1

        func systems(_ values: [Double], levelPrecisions: [Double]) -> [DaySystem] {
            var result = levelPrecisions.map {
                DaySystem(m11: $0, m22: driftPrecision, m33: offsetPrecision, r1: levelPrior * $0)
            }
            for (i, w) in windows.enumerated() {
                let row = rows[i]
                result[w.day].add(row.profile, row.drift, row.offset, values[i])
            }
            return result
        }

        // The level prior is made robust (heavy-tailed, as a Student-t prior would be): a day
        // whose own data put its level far from the prior widens the prior by that distance,
        // so that an unusual day is taken as unusual rather than as a burst since midnight.
        let y = transform(windows.map(\.y))
        let levelPrecisions = systems(y, levelPrecisions: Array(repeating: 1e-12, count: dayCount)).map { system -> Double in
            let distance = system.m11 > 1e-9 ? system.solution.level - levelPrior : 0
            return 1 / (levelSpread * levelSpread + distance * distance)
        }
        let raw = systems(y, levelPrecisions: levelPrecisions)
        // Winsorise the observations around each day's no-step fit.
        let fitted = raw.map(\.solution)
        let clippedWindows = windows.map { w -> Double in
            let fit = fitted[w.day]
            let center = (fit.level + (slopeSpread > 0 ? fit.drift * w.phase : 0)) * w.profile + fit.offset
            let bound = clip * w.variance.squareRoot()
            return min(max(w.y, center - bound), center + bound)
        }
        let clipped = transform(clippedWindows)
        let robust = systems(clipped, levelPrecisions: levelPrecisions)

        // Suffix sums per day over the windows after the start, walking the start backwards;
        // the start's own window enters with its `stepFirst` column.
        var tp = Array(repeating: 0.0, count: dayCount)
        var tq = Array(repeating: 0.0, count: dayCount)
        var t1 = Array(repeating: 0.0, count: dayCount)
        let rawInverse = raw.map(\.inverse), robustInverse = robust.map(\.inverse)
        var total1 = 0.0, ty = 0.0, tyClipped = 0.0
        var result: [Fit] = []
        result.reserveCapacity(windows.count - earliest)
        for start in stride(from: windows.count - 1, through: earliest, by: -1) {
            let day = windows[start].day
            let row = rows[start]
            let first = row.stepFirst
            var information = total1 + first * first
            var score = ty + first * y[start]
            var scoreClipped = tyClipped + first * clipped[start]
            for k in 0..<dayCount {
                let p = tp[k] + (k == day ? first * row.profile : 0)
                let q = tq[k] + (k == day ? first * row.drift : 0)
                let o = t1[k] + (k == day ? first * row.offset : 0)
                guard p != 0 || q != 0 || o != 0 else { continue }
                let v = (p, q, o)
                information -= Self.form(rawInverse[k], v, v)
                score -= Self.form(rawInverse[k], v, (raw[k].r1, raw[k].r2, raw[k].r3))
                scoreClipped -= Self.form(robustInverse[k], v, (robust[k].r1, robust[k].r2, robust[k].r3))
            }
            tp[day] += row.offset * row.profile
            tq[day] += row.offset * row.drift
            t1[day] += row.offset * row.offset
            total1 += row.offset * row.offset
            ty += row.offset * y[start]
            tyClipped += row.offset * clipped[start]
            guard information > 1e-9 * (total1 + first * first) else { continue }
            result.append((start, score / information, 1 / information.squareRoot(), scoreClipped / information.squareRoot()))
        }
        return result
    }
}
