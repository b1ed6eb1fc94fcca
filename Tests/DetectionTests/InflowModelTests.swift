@testable import Detection
import Testing

/// The model's parts on hand-made days, where the right answer is known.
@Suite struct InflowModelTests {
    static let slots = 96

    static func shape(_ slot: Int, weekend: Bool) -> Double {
        let hour = Double(slot) / 4 - (weekend ? 2 : 0)
        return 60 + 40 * exp(-pow((hour - 8) / 2, 2)) + 30 * exp(-pow((hour - 19) / 3, 2))
    }

    /// Three weeks of days: `fixed` l/s that never scales, the rest scaled by a daily level.
    static func days(fixed: Double = 0, seed: UInt64 = 5) -> [TrainingDay] {
        var random = SeededRandom(seed: seed)
        return (0..<21).map { day in
            let weekday = day % 7
            let level = 1 + 0.06 * random.gaussian()
            let values: [Double?] = (0..<slots).map { slot in
                let profile = shape(slot, weekend: weekday >= 5)
                return (fixed + level * (profile - fixed)) * (1 + 0.02 * random.gaussian())
            }
            return TrainingDay(day: day, weekday: weekday, values: values)
        }
    }

    @Test func weekdaysAndWeekendsAreLearnedAsTwoTypes() throws {
        var sums = ShapeSums(slots: Self.slots)
        for day in Self.days() { sums.add(day, level: 1) }
        let pools = DayTypes.pools(sums: sums)
        #expect(pools[0] == [0, 1, 2, 3, 4])
        #expect(pools[3] == [0, 1, 2, 3, 4])
        #expect(pools[5] == [5, 6])
        #expect(pools[6] == [5, 6])
    }

    @Test func aWeekdayWhoseDaysAllMissedTheirPeakStillPoolsWithItsTwin() {
        // Every Sunday lost its readings from 04:00 to 13:00, the weekend's morning peak: its
        // shape must be compared with Saturday's where both have data, not scaled by a mean
        // that lacks the peak.
        var sums = ShapeSums(slots: Self.slots)
        for day in Self.days() {
            let values = day.weekday == 6 ? day.values.enumerated().map { (16..<52).contains($0.offset) ? nil : $0.element }
                                          : day.values
            sums.add(TrainingDay(day: day.day, weekday: day.weekday, values: values), level: 1)
        }
        let pools = DayTypes.pools(sums: sums)
        #expect(pools[6] == [5, 6])
        #expect(pools[5] == [5, 6])
        #expect(pools[2] == [0, 1, 2, 3, 4])
    }

    /// Every weekend day lost its 10:00 window, the weekend's morning peak (two hours later
    /// than the weekdays'): the weekend profile there is its own neighbours' mean, not the
    /// weekdays' value at 10:00.
    @Test func aTimeNoDayOfATypeCoveredIsInterpolatedFromItsNeighbours() {
        var sums = ShapeSums(slots: Self.slots)
        for day in Self.days() {
            let values = day.weekday >= 5 ? day.values.enumerated().map { $0.offset == 40 ? nil : $0.element } : day.values
            sums.add(TrainingDay(day: day.day, weekday: day.weekday, values: values), level: 1)
        }
        let weekend = sums.profile(pooling: [5, 6])
        let neighbours = (weekend[39] + weekend[41]) / 2
        #expect(abs(weekend[40] - neighbours) < 1e-9)
        #expect(abs(weekend[40] - Self.shape(40, weekend: true)) < 2)
        #expect(abs(weekend[40] - Self.shape(40, weekend: false)) > 20, "not the weekdays' value")
        // Around midnight too: a gap at the last slot takes the last and the first.
        let late = ShapeSums(slots: 4)
        var edge = late
        edge.add(TrainingDay(day: 0, weekday: 0, values: [10, 20, 30, nil]), level: 1)
        #expect(edge.profile(pooling: [0]) == [10, 20, 30, 20])
    }

    @Test func theNoiseLawAndTheFixedPartAreRecovered() throws {
        let model = try #require(InflowModel.fit(days: Self.days(fixed: 40), slotsPerDay: Self.slots, minimumDays: 7))
        // 2 % proportional noise: b² ≈ 0.0004 (leave-one-out errors add a little).
        #expect(model.relativeVariance > 0.0002 && model.relativeVariance < 0.0009, "b² = \(model.relativeVariance)")
        #expect(abs(model.fixedFlow - 40) < 15, "fixed flow \(model.fixedFlow)")
        #expect(model.levelSpread > 0.04 && model.levelSpread < 0.15, "level spread \(model.levelSpread)")

        let plain = try #require(InflowModel.fit(days: Self.days(fixed: 0), slotsPerDay: Self.slots, minimumDays: 7))
        #expect(abs(plain.fixedFlow) < 15, "no fixed part, found \(plain.fixedFlow)")
    }

    @Test func tooFewDaysIsNotAModel() {
        #expect(InflowModel.fit(days: Array(Self.days().prefix(6)), slotsPerDay: Self.slots, minimumDays: 7) == nil)
    }

    /// A span of one day at level 1.05 with a step of `step` l/s from slot 40.
    func candidates(step: Double, seed: UInt64) -> [StepTest.Candidate] {
        var random = SeededRandom(seed: seed)
        let windows = (0..<72).map { slot -> StepTest.Window in
            let profile = Self.shape(slot, weekend: false)
            let sigma = 0.02 * profile
            let y = 1.05 * profile + (slot >= 40 ? step : 0) + sigma * random.gaussian()
            return StepTest.Window(day: 0, time: Int64(slot), index: slot, y: y, profile: profile, variance: sigma * sigma)
        }
        let test = StepTest(windows: windows, dayCount: 1, levelPrior: 1, levelSpread: 0.05, offsetSpread: 0.5,
                            inflation: 1, lagOneCorrelation: 0, clip: 4)
        return test.candidates()
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func aStepWithinADayIsFoundAtItsStartDespiteAnUnusualLevel(seed: UInt64) throws {
        let best = try #require(candidates(step: 8, seed: seed).filter { $0.windows >= 2 }.max { $0.z < $1.z })
        #expect(abs(best.start - 40) <= 2, "start \(best.start)")
        #expect(abs(best.estimate - 8) < 3, "estimate \(best.estimate)")
        #expect(best.z > 6)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func withoutAStepNothingStandsOut(seed: UInt64) {
        let largest = candidates(step: 0, seed: seed).filter { $0.windows >= 2 }.map(\.z).max() ?? 0
        #expect(largest < 4, "largest z \(largest)")
    }
}


/// The step test's whitened statistic on noise with memory (AR(1)), as demand noise has.
@Suite struct JumpStatisticTests {
    static let rho = 0.8

    /// Two days of a demand shape with 2 % AR(1) noise, a step of `step` l/s from window
    /// `stepFrom`, and the windows in `missing` left out.
    func candidates(step: Double, stepFrom: Int = 146, missing: Set<Int> = [], seed: UInt64) -> [StepTest.Candidate] {
        var random = SeededRandom(seed: seed)
        var error = 0.0
        var windows: [StepTest.Window] = []
        for i in 0..<150 {
            let profile = InflowModelTests.shape(i % 96, weekend: false)
            let sigma = 0.02 * profile
            error = Self.rho * error + (1 - Self.rho * Self.rho).squareRoot() * random.gaussian()
            guard !missing.contains(i) else { continue }
            let y = profile + (i >= stepFrom ? step : 0) + sigma * error
            windows.append(StepTest.Window(day: i / 96, time: Int64(i), index: i, y: y, profile: profile,
                                           variance: sigma * sigma))
        }
        let test = StepTest(windows: windows, dayCount: 2, levelPrior: 1, levelSpread: 0.05, offsetSpread: 0.5,
                            inflation: (1 + Self.rho) / (1 - Self.rho), lagOneCorrelation: Self.rho, clip: 4)
        return test.candidates()
    }

    @Test(arguments: UInt64(1)...8)
    func withoutAStepTheJumpStatisticStaysWithinNoise(seed: UInt64) {
        let largest = candidates(step: 0, seed: seed).filter { $0.windows >= 2 }.map(\.jumpZ).max() ?? 0
        #expect(largest < 4.5, "largest jump z \(largest)")
    }

    /// A step of about 6.5 window standard deviations, an hour old: its mean excess is not yet clear
    /// of the noise's slow wander, its jump is.
    @Test(arguments: UInt64(1)...8)
    func anAbruptStepShowsInItsJumpBeforeItsMeanExcess(seed: UInt64) throws {
        let atStart = try #require(candidates(step: 8, seed: seed).first { $0.start == 146 })
        #expect(atStart.jumpZ >= 5, "jump z \(atStart.jumpZ)")
        #expect(atStart.z < 5, "z \(atStart.z)")
    }

    /// What the jump estimates is the step itself when the step stays, and much more than the
    /// mean excess when the flow jumps and falls most of the way back (a tank filling).
    @Test(arguments: UInt64(1)...8)
    func aSustainedStepsJumpAgreesWithItsMeanExcessAndASwingsDoesNot(seed: UInt64) throws {
        let config = DetectorConfig()
        let step = try #require(candidates(step: 8, seed: seed).first { $0.start == 146 })
        #expect(abs(step.jumpEstimate - step.estimate) <= 2 * (step.standardError * step.standardError
            + step.jumpStandardError * step.jumpStandardError).squareRoot(),
                "jump \(step.jumpEstimate) against mean excess \(step.estimate)")
        let swing = try #require(swingCandidates(seed: seed).first { $0.start == 146 })
        #expect(abs(swing.jumpEstimate - swing.estimate) > 2 * (swing.standardError * swing.standardError
            + swing.jumpStandardError * swing.jumpStandardError).squareRoot(),
                "jump \(swing.jumpEstimate), mean excess \(swing.estimate)")
        // Whatever its mean excess, the swing's jump never gets weak support.
        let weaklySupported = StepTest.Candidate(start: swing.start, windows: swing.windows, estimate: swing.estimate,
                                                 standardError: swing.standardError, z: 2.5, jumpZ: swing.jumpZ,
                                                 jumpEstimate: swing.jumpEstimate,
                                                 jumpStandardError: swing.jumpStandardError)
        #expect(!BurstDetector.jumpIsSupported(weaklySupported, meanInflow: 100, config: config))
    }

    /// Two days as `candidates`, with 30 l/s from window 146 falling to 3 l/s from 148.
    func swingCandidates(seed: UInt64) -> [StepTest.Candidate] {
        var random = SeededRandom(seed: seed)
        var error = 0.0
        var windows: [StepTest.Window] = []
        for i in 0..<150 {
            let profile = InflowModelTests.shape(i % 96, weekend: false)
            let sigma = 0.02 * profile
            error = Self.rho * error + (1 - Self.rho * Self.rho).squareRoot() * random.gaussian()
            let swing = i >= 148 ? 3.0 : (i >= 146 ? 30.0 : 0)
            windows.append(StepTest.Window(day: i / 96, time: Int64(i), index: i, y: profile + swing + sigma * error,
                                           profile: profile, variance: sigma * sigma))
        }
        return StepTest(windows: windows, dayCount: 2, levelPrior: 1, levelSpread: 0.05, offsetSpread: 0.5,
                        inflation: (1 + Self.rho) / (1 - Self.rho), lagOneCorrelation: Self.rho, clip: 4).candidates()
    }

    /// The rules of weak support, on candidates made by hand: it needs a mean excess of at
    /// least `weakJumpSupportMinimum`, a step of a burst's size and a jump that agrees with it.
    @Test func weakSupportForAJumpNeedsAgreementAndABurstsSize() {
        let config = DetectorConfig()
        func candidate(estimate: Double, z: Double, jump: Double) -> StepTest.Candidate {
            StepTest.Candidate(start: 0, windows: 4, estimate: estimate, standardError: estimate / z, z: z,
                               jumpZ: 7, jumpEstimate: jump, jumpStandardError: jump / 7)
        }
        // A 15 l/s step on a 100 l/s DMA, its mean excess at 2.2 standard errors, its jump 16 l/s.
        #expect(BurstDetector.jumpIsSupported(candidate(estimate: 15, z: 2.2, jump: 16), meanInflow: 100, config: config))
        // The same below the weak minimum.
        #expect(!BurstDetector.jumpIsSupported(candidate(estimate: 15, z: 1.9, jump: 16), meanInflow: 100, config: config))
        // A jump three times what stayed (2·√(6.8² + 6.4²) = 18.7 < 30).
        #expect(!BurstDetector.jumpIsSupported(candidate(estimate: 15, z: 2.2, jump: 45), meanInflow: 100, config: config))
        // Too large for a burst: 25 % of the inflow.
        #expect(!BurstDetector.jumpIsSupported(candidate(estimate: 25, z: 2.2, jump: 26), meanInflow: 100, config: config))
        // Strong support needs neither.
        #expect(BurstDetector.jumpIsSupported(candidate(estimate: 25, z: 3.1, jump: 75), meanInflow: 100, config: config))
    }

    @Test func aStepJustAfterMissingDataHasNoJumpToJudge() throws {
        // Window 145 is missing: the step from 146 has no window before it to jump from.
        let candidate = try #require(candidates(step: 6, missing: [145], seed: 3).first { $0.windows == 4 })
        #expect(candidate.jumpZ == candidate.z)
    }

    @Test func anOldStepIsJudgedByItsMeanExcessOnly() throws {
        let old = try #require(candidates(step: 6, stepFrom: 120, seed: 3).first { $0.windows == 30 })
        #expect(old.jumpZ == old.z)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
