/// What a DMA's net inflow normally is, learned from its own burst-free history:
///
///     inflow(window) = F + level(day) × (profile(type of day, time of day) − F) + offset(day) + noise
///
/// - The profile is the mean shape of past days of the same *type*. Day types are learned,
///   not configured: weekdays whose mean shapes differ by no more than noise are pooled
///   (typically Monday–Friday, and Saturday with Sunday), so each profile averages as many
///   days as the data allow.
/// - The level is a per-day multiplier (weather, holidays, a generator's daily factor). It is
///   a *multiplier*, which is what lets a burst — a constant added flow — be told apart from a
///   busy day: a burst raises the quiet hours as much as the busy ones. F is the part of the
///   demand that does not follow the level (industry, background leakage), learned.
/// - The offset is what a day's level cannot explain; its spread is learned (see `StepTest`).
/// - The noise variance is `a² + b²·expected²` (meter noise plus demand noise proportional to
///   demand), estimated from leave-one-out prediction errors, so it includes the error of the
///   profile itself. Every threshold of the detector is in units of this noise.
struct InflowModel: Sendable {
    let slotsPerDay: Int
    /// 7 × slotsPerDay, at level 1, in l/s. NaN where no history covers the slot.
    let profiles: [[Double]]
    /// The part of the inflow (l/s) that does not follow the day's level: a day at level L
    /// expects `fixedFlow + L × (profile − fixedFlow)`. 0 when demand scales as a whole.
    let fixedFlow: Double
    let additiveVariance: Double
    let relativeVariance: Double
    /// Lag-one correlation of consecutive windows' errors (0 when not positive, at most 0.95): what
    /// the step test's whitened statistic takes the noise's memory to be.
    let lagOneCorrelation: Double
    /// Variance inflation of a mean of consecutive windows for their autocorrelation: a mean of
    /// m windows has variance `φ·σ²/m`, not `σ²/m`, with φ = (1 + ρ)/(1 − ρ), at most 6.
    var segmentInflation: Double { min((1 + lagOneCorrelation) / (1 - lagOneCorrelation), 6) }
    /// Prior of a new day's level (recent days' median) and the spread of day levels.
    let levelPrior: Double
    let levelSpread: Double
    /// Spread (l/s) of a day's offset: what its level cannot explain (see `StepTest`).
    let offsetSpread: Double
    /// Mean inflow over the training days, l/s.
    let meanInflow: Double
    let trainingDays: Int

    func expected(weekday: Int, slot: Int) -> Double { profiles[weekday][slot] }

    /// Variance of one window's inflow around `level × profile` when `expected` is that product.
    func windowVariance(expected: Double) -> Double {
        additiveVariance + relativeVariance * expected * expected
    }
}

/// One day of net inflow, slot by slot (nil where missing).
struct TrainingDay: Sendable {
    let day: Int
    let weekday: Int
    let values: [Double?]
}

extension InflowModel {
    /// Fits the model on `days` (already chosen burst-free and complete enough). Nil when there
    /// are too few days to say what normal is.
    static func fit(days: [TrainingDay], slotsPerDay: Int, minimumDays: Int) -> InflowModel? {
        guard days.count >= max(minimumDays, 2) else { return nil }
        var levels = Array(repeating: 1.0, count: days.count)
        var profiles: [[Double]] = []
        var pools: [[Int]] = []
        var sums = ShapeSums(slots: slotsPerDay)
        // Levels and profiles depend on each other; a few alternations settle them.
        for _ in 0..<4 {
            sums = ShapeSums(slots: slotsPerDay)
            for (index, day) in days.enumerated() { sums.add(day, level: levels[index]) }
            pools = DayTypes.pools(sums: sums)
            profiles = (0..<7).map { sums.profile(pooling: pools[$0]) }
            for (index, day) in days.enumerated() {
                levels[index] = fittedLevel(day.values, profile: profiles[day.weekday]) ?? levels[index]
            }
            let meanLevel = levels.reduce(0, +) / Double(levels.count)
            guard meanLevel > 0 else { return nil }
            levels = levels.map { $0 / meanLevel }
            profiles = profiles.map { $0.map { $0 * meanLevel } }
        }
        let noise = fitNoise(days: days, levels: levels, sums: sums, pools: pools, profiles: profiles)
        guard let noise else { return nil }

        // Part of the demand may not follow the day's level (industry, background leakage):
        // the level then multiplies the profile minus that fixed flow.
        let regressions = dayRegressions(days: days, levels: levels, sums: sums, pools: pools)
        let fixed = fixedFlow(regressions, profiles: profiles)
        if fixed != 0 {
            for (index, day) in days.enumerated() {
                let variable = profiles[day.weekday].map { $0 - fixed }
                levels[index] = fittedLevel(day.values.map { $0.map { $0 - fixed } }, profile: variable) ?? levels[index]
            }
        }
        let recentLevels = zip(days, levels).sorted { $0.0.day > $1.0.day }.prefix(7).map(\.1)
        let levelPrior = RobustStatistics.median(Array(recentLevels)) ?? 1
        let spread = levelSpread(levels, relativeNoise: noise.relative.squareRoot(), slotsPerDay: slotsPerDay)
        let defined = profiles.flatMap { $0 }.filter(\.isFinite)
        let meanProfile = defined.reduce(0, +) / Double(max(defined.count, 1))
        // Without enough days to measure it, assume offsets as large as a window's noise.
        let offset = offsetSpread(regressions, fixed: fixed)
            ?? (noise.additive + noise.relative * meanProfile * meanProfile).squareRoot()

        var total = 0.0, count = 0.0
        for day in days { for value in day.values { if let value { total += value; count += 1 } } }
        return InflowModel(slotsPerDay: slotsPerDay, profiles: profiles, fixedFlow: fixed,
                           additiveVariance: noise.additive, relativeVariance: noise.relative,
                           lagOneCorrelation: noise.lagOneCorrelation, levelPrior: levelPrior, levelSpread: spread,
                           offsetSpread: max(offset, 1e-6),
                           meanInflow: count > 0 ? total / count : 0, trainingDays: days.count)
    }
}
