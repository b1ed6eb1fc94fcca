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
        /// The step the AR(1) view estimates (l/s) and its standard error: for a burst, what
        /// jumped stays, so it agrees with `estimate`; a storage swing jumps more than it keeps.
        /// The mean excess's own where the jump is not judged.
        let jumpEstimate: Double
        let jumpStandardError: Double
    }

    let windows: [Window]
    let dayCount: Int
    let levelPrior: Double
    let levelSpread: Double
    let offsetSpread: Double
    /// Variance inflation for autocorrelated errors (≥ 1), used by `z`.
    let inflation: Double
    /// Lag-one correlation of consecutive windows' errors, used by `jumpZ` (0: none).
    let lagOneCorrelation: Double
    /// Winsorising bound in standard deviations: one wild reading cannot make a burst.
    let clip: Double
    /// `jumpZ` judges steps of at most this many windows.
    var jumpMaxWindows = 8

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
        let inflated = fits(from: earliest, correlation: 0, inflation: inflation)
        // A jump speaks for a recent start only, and needs a window before it to jump from.
        let whitened = fits(from: max(earliest, windows.count - jumpMaxWindows), correlation: lagOneCorrelation,
                            inflation: 1)
        var jumps: [Int: Fit] = [:]
        for fit in whitened where continuesRun(fit.start) {
            jumps[fit.start] = fit
        }
        return inflated.map {
            let jump = jumps[$0.start] ?? $0
            return Candidate(start: $0.start, windows: windows.count - $0.start, estimate: $0.estimate,
                             standardError: $0.standardError, z: $0.z, jumpZ: jump.z,
                             jumpEstimate: jump.estimate, jumpStandardError: jump.standardError)
        }
    }

    /// The position of the first window at or after `time` (`windows.count` when none is).
    func position(of time: Int64) -> Int {
        windows.firstIndex { $0.time >= time } ?? windows.count
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
        let offset = transform(Array(repeating: 1, count: windows.count))
        let rows = windows.indices.map { i in
            Row(profile: profile[i], offset: offset[i], stepFirst: continues[i] ? scale / sd[i] : 1 / sd[i])
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

        func systems(_ values: [Double], levelPrecisions: [Double]) -> [DaySystem] {
            var result = levelPrecisions.map {
                DaySystem(a: $0, b: 0, d: offsetPrecision, r1: levelPrior * $0, r2: 0)
            }
            for (i, w) in windows.enumerated() {
                let row = rows[i]
                result[w.day].a += row.profile * row.profile
                result[w.day].b += row.profile * row.offset
                result[w.day].d += row.offset * row.offset
                result[w.day].r1 += row.profile * values[i]
                result[w.day].r2 += row.offset * values[i]
            }
            return result
        }

        // The level prior is made robust (heavy-tailed, as a Student-t prior would be): a day
        // whose own data put its level far from the prior widens the prior by that distance,
        // so that an unusual day is taken as unusual rather than as a burst since midnight.
        let y = transform(windows.map(\.y))
        let levelPrecisions = systems(y, levelPrecisions: Array(repeating: 1e-12, count: dayCount)).map { system -> Double in
            let distance = system.a > 1e-9 ? system.solution.level - levelPrior : 0
            return 1 / (levelSpread * levelSpread + distance * distance)
        }
        let raw = systems(y, levelPrecisions: levelPrecisions)
        // Winsorise the observations around each day's no-step fit.
        let fitted = raw.map(\.solution)
        let clippedWindows = windows.map { w -> Double in
            let center = fitted[w.day].level * w.profile + fitted[w.day].offset
            let bound = clip * w.variance.squareRoot()
            return min(max(w.y, center - bound), center + bound)
        }
        let clipped = transform(clippedWindows)
        let robust = systems(clipped, levelPrecisions: levelPrecisions)

        // Suffix sums per day over the windows after the start, walking the start backwards;
        // the start's own window enters with its `stepFirst` column.
        var tp = Array(repeating: 0.0, count: dayCount)
        var t1 = Array(repeating: 0.0, count: dayCount)
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
                let o = t1[k] + (k == day ? first * row.offset : 0)
                guard p != 0 || o != 0 else { continue }
                information -= raw[k].form(p, o, p, o)
                score -= raw[k].form(p, o, raw[k].r1, raw[k].r2)
                scoreClipped -= robust[k].form(p, o, robust[k].r1, robust[k].r2)
            }
            tp[day] += row.offset * row.profile
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
