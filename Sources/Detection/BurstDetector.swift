/// Finds bursts in one DMA's inflow, window by window, as a pure state machine (in the manner
/// of postgres-nio's protocol state machines): `step` takes the stored state, the window just
/// completed and the DMA's history, and returns the new state and the events to publish. No
/// clock, no I/O: the live service and `eval` run exactly this.
///
/// Method, per window (details in `InflowModel`, `StepTest` and `PressureModel`):
/// 1. Learn what normal is from the DMA's own history before yesterday (profiles per learned
///    day type, per-day level, noise law; pressure given flows) — refitted once a day, cached.
/// 2. Over yesterday and today, test every possible start of a step increase in the inflow
///    (a generalised likelihood-ratio / CUSUM change point), with each day's level free. A
///    window where some meters did not report is judged on an estimate from the others
///    (`InflowImputation`) when it is about as certain as a reading.
/// 3. Open an event when the best step is `openThreshold` standard errors high, or
///    `corroboratedOpenThreshold` high while a pressure logger fell significantly from the
///    same start, or when flow and pressure together are `combinedOpenThreshold` high
///    (each at least `combinedMinimum`); in every case after `minOpenWindows`. The flow's
///    statistic is the step's mean excess or, when that is itself at least
///    `jumpSupportMinimum` (or `weakJumpSupportMinimum` and the jump's step agrees with the
///    mean excess), its jump against autocorrelated noise if larger. The start
///    is the change point that best explains flow and pressure together; the flow increase
///    is the mean excess since. A step that came close without opening (a near miss) is kept
///    in view when its start leaves the two days, and tested at that start a day longer.
/// 4. While open: refine start and flow, collect each pressure logger's drop since the start
///    for the localiser, publish `updated` on material changes, and `closed` when a sustained
///    return to normal is as significant as a rise would have to be (the flow alone, or flow
///    and the pressure the burst lowered coming back together), or when the refined step
///    has faded to noise (withdrawn).
/// 5. While bursts are open and the flow alone shows each beyond doubt, a new one is looked
///    for on top of them (their flows taken off the inflow), starting after the last one's
///    start could still move: a second burst in the DMA is raised as its own event instead of
///    hiding behind the first (`maxOpenBursts`). Each open burst is tracked with the others'
///    flows taken off, its start refined between its neighbours'; a fall back is the repair of
///    the open burst whose flow it matches best.
public struct BurstDetector: Sendable {
    public let config: DetectorConfig
    public let localiser: (any BurstLocalising)?
    private let calendar: DayCalendar
    private let cache: ModelCache

    public init(config: DetectorConfig = .default, localiser: (any BurstLocalising)? = nil) {
        self.config = config
        self.localiser = localiser
        calendar = DayCalendar(windowMicros: config.windowSeconds * 1_000_000, dayOffsetSeconds: config.dayOffsetSeconds)
        cache = ModelCache()
    }

    /// Steps one window. `history` must hold the DMA's data up to the end of `window` (later
    /// data, if any, is ignored). Windows at or before `state.lastWindow` change nothing and
    /// publish nothing, so redelivery is harmless.
    public func step(_ state: DetectorState, window: Int64, history: DMAHistory) -> (state: DetectorState, events: [BurstEvent]) {
        if let last = state.lastWindow, window <= last { return (state, []) }
        precondition(history.windowMicros == calendar.windowMicros,
                     "history windows (\(history.windowMicros) µs) differ from the detector's (\(calendar.windowMicros) µs)")
        var next = state
        next.lastWindow = window
        let keepAfter = window - Int64(config.maxHistoryDays + 3) * DayCalendar.microsPerDay
        next.pastBursts.removeAll { $0.end < keepAfter }

        guard let current = history.index(ofWindowStart: window), history.hasFlowReading(atIndex: current) else {
            return (next, [])  // nothing new to judge by
        }
        let day = calendar.day(of: window)
        guard let model = model(history: history, day: day, state: next, window: window) else {
            return (next, [])  // still learning what normal is
        }
        let span = Span(history: history, model: model, calendar: calendar, days: (day - 1)...day, upTo: current)
        // A window whose missing meters leave its inflow unknown (not estimated) is not judged.
        guard !span.windows.isEmpty, history.inflow(atIndex: current) != nil || span.windows.last?.index == current
        else { return (next, []) }
        var judgement = Judgement(history: history, model: model, span: span, current: current, window: window,
                                  baselineWindows: calendar.slotsPerDay, pastBurstEnds: next.pastBursts.map(\.end))
        if !next.openBursts.isEmpty {
            next.watchedStart = nil
            return trackOpen(state: next, judgement: &judgement)
        }
        if let watched = next.watchedStart, calendar.day(of: watched) < day - 1 {
            let followed = follow(watched, state: next, day: day, history: history, current: current, window: window)
            if !followed.events.isEmpty { return followed }
            next = followed.state
        }
        return detect(state: next, judgement: &judgement)
    }

    // MARK: - Opening

    private func detect(state: DetectorState, judgement: inout Judgement) -> (state: DetectorState, events: [BurstEvent]) {
        let test = judgement.span.test(model: judgement.model.inflow, config: config,
                                       knownSteps: Self.known(state.pastBursts) + Self.known(state.openBursts))
        let lowest = min(config.openThreshold, config.corroboratedOpenThreshold, config.combinedMinimum,
                         min(config.jumpSupportMinimum, config.weakJumpSupportMinimum))
        // A new burst starts after the last one ended (which is also what keeps an event id,
        // derived from the start, from ever being opened twice), and beyond the reach within
        // which an open burst's start is still refined: a step there is that burst's own.
        let lastEnd = state.lastEnd()
        let afterOpen = state.openBursts.map { $0.start + openSeparation }.max() ?? .min
        let candidates = test.candidates(from: test.position(of: max(lastEnd, afterOpen)))
            .filter { $0.windows >= config.minOpenWindows && $0.estimate > 0 && $0.z >= lowest }
        // On top of an open burst, pressure cannot corroborate: its drop since that burst's start
        // lies partly in any later start's baseline and shows as a fresh fall.
        let judged = judge(candidates, of: test, judgement: &judgement, withPressure: state.openBursts.isEmpty)
        var watching = state
        // A near miss is kept in view: when its start leaves the span at midnight, `follow`
        // goes on testing it. A watch already followed beyond the span is kept until it fades.
        let spanStart = judgement.span.windows.first?.time ?? .min
        if (watching.watchedStart ?? .max) >= spanStart {
            watching.watchedStart = judged.nearMiss.map { test.windows[$0.start].time }
        }
        guard let best = judged.opening else { return (watching, []) }
        return open(best, state: state, judgement: &judgement)
    }

    /// A candidate with its evidence, and its start's window (`start`: its time).
    private typealias Judged = (candidate: StepTest.Candidate, flowZ: Double, pressureZ: Double, start: StepTest.Window)

    /// The candidate that opens an event, if any meets an opening rule, and the strongest
    /// one whose flow alone came within `DetectorConfig.nearMissThreshold`.
    private func judge(_ candidates: [StepTest.Candidate], of test: StepTest, judgement: inout Judgement,
                       withPressure: Bool = true) -> (opening: Judged?, nearMiss: StepTest.Candidate?) {
        var best: Judged?
        var nearMiss: (candidate: StepTest.Candidate, score: Double)?
        for candidate in candidates {
            let start = test.windows[candidate.start]
            let pressureZ = withPressure ? judgement.pressureZ(startIndex: start.index) : 0
            let flowZ = flowEvidence(candidate, meanInflow: judgement.model.inflow.meanInflow)
            if flowZ >= config.nearMissThreshold, nearMiss.map({ Self.score(flowZ, pressureZ) > $0.score }) ?? true {
                nearMiss = (candidate, Self.score(flowZ, pressureZ))
            }
            let alone = flowZ >= config.openThreshold
            let corroborated = flowZ >= config.corroboratedOpenThreshold && pressureZ >= config.pressureThreshold
            let combined = flowZ >= config.combinedMinimum && pressureZ >= config.combinedMinimum
                && Self.score(flowZ, pressureZ).squareRoot() >= config.combinedOpenThreshold
            guard alone || corroborated || combined else { continue }
            if best.map({ Self.score(flowZ, pressureZ) > Self.score($0.flowZ, $0.pressureZ) }) ?? true {
                best = (candidate, flowZ, pressureZ, start)
            }
        }
        return (best, nearMiss?.candidate)
    }

    /// Goes on testing a near miss whose start has left the two-day span: over the days from
    /// its start to today (at most `nearMissSpanDays`), with the model learned before it, and
    /// only at starts close to it — one start, not every start of three days, so that a slow
    /// drift of demand (which three free day levels fit as well as a step) is not judged
    /// everywhere. Opens the event when the evidence there meets an opening rule; forgets the
    /// watch when it falls below the near-miss threshold or has been followed long enough.
    private func follow(_ watched: Int64, state: DetectorState, day: Int, history: DMAHistory, current: Int,
                        window: Int64) -> (state: DetectorState, events: [BurstEvent]) {
        var forgotten = state
        forgotten.watchedStart = nil
        let watchDay = calendar.day(of: watched)
        guard day - watchDay < config.nearMissSpanDays,
              let model = model(history: history, day: watchDay + 1, state: state, window: window) else {
            return (forgotten, [])
        }
        let span = Span(history: history, model: model, calendar: calendar, days: watchDay...day, upTo: current)
        guard let position = span.windows.firstIndex(where: { $0.time >= watched }) else { return (forgotten, []) }
        var judgement = Judgement(history: history, model: model, span: span, current: current, window: window,
                                  baselineWindows: calendar.slotsPerDay, pastBurstEnds: state.pastBursts.map(\.end))
        let reach = 2 * config.updateStartWindows
        let test = span.test(model: model.inflow, config: config, knownSteps: Self.known(state.pastBursts))
        let (first, last) = span.times(within: reach, of: position)
        let candidates = test.candidates(from: test.position(of: max(state.lastEnd(), first)))
            .filter { test.windows[$0.start].time <= last && $0.windows >= config.minOpenWindows && $0.estimate > 0 }
        let judged = judge(candidates, of: test, judgement: &judgement)
        if let best = judged.opening { return open(best, state: forgotten, judgement: &judgement) }
        var watching = state
        watching.watchedStart = judged.nearMiss.map { test.windows[$0.start].time }
        return (watching, [])
    }

    private func open(_ best: Judged, state: DetectorState,
                      judgement: inout Judgement) -> (state: DetectorState, events: [BurstEvent]) {
        let start = best.start.time
        var burst = OpenBurst(eventID: BurstEventID.make(dma: state.dma, startWindow: start), start: start,
                              flowIncreaseLps: best.candidate.estimate,
                              flowIncreaseStandardError: best.candidate.standardError,
                              z: best.flowZ, pressureZ: best.pressureZ, openedWindow: judgement.window,
                              publishedStart: start, publishedFlowIncreaseLps: best.candidate.estimate,
                              publishedAreaNodes: [], localisedAtWindows: 0)
        let area = localise(&burst, judgement: &judgement)
        burst.publishedAreaNodes = Self.signature(area)
        var next = state
        next.openBursts.append(burst)
        next.watchedStart = nil
        return (next, [event(.opened, dma: state.dma, burst: burst, window: judgement.window, area: area)])
    }

    /// The flow's evidence for a step (`DetectorConfig.jumpSupportMinimum`).
    private func flowEvidence(_ candidate: StepTest.Candidate, meanInflow: Double) -> Double {
        Self.jumpIsSupported(candidate, meanInflow: meanInflow, config: config)
            ? max(candidate.z, candidate.jumpZ) : candidate.z
    }

    /// Whether the mean excess supports the jump: strongly (`jumpSupportMinimum`), or weakly
    /// (`weakJumpSupportMinimum`) for a step of a burst's size whose jump it agrees with.
    static func jumpIsSupported(_ candidate: StepTest.Candidate, meanInflow: Double, config: DetectorConfig) -> Bool {
        if candidate.z >= config.jumpSupportMinimum { return true }
        guard candidate.z >= config.weakJumpSupportMinimum,
              candidate.estimate <= config.weakJumpMaxShare * meanInflow else { return false }
        let spread = (candidate.standardError * candidate.standardError
            + candidate.jumpStandardError * candidate.jumpStandardError).squareRoot()
        return abs(candidate.jumpEstimate - candidate.estimate) <= 2 * spread
    }

    /// Flow and pressure evidence for a change point, combined as independent z-scores.
    private static func score(_ flowZ: Double, _ pressureZ: Double) -> Double {
        flowZ * flowZ + max(pressureZ, 0) * max(pressureZ, 0)
    }

    // MARK: - Tracking open bursts

    /// How long after an open burst's start a new one may start: beyond the reach within which
    /// the open one's start is still refined.
    private var openSeparation: Int64 { Int64(2 * config.updateStartWindows + 1) * calendar.windowMicros }

    /// Tracks each open burst in turn, then looks for a new one on top of those still open.
    private func trackOpen(state: DetectorState, judgement: inout Judgement) -> (state: DetectorState, events: [BurstEvent]) {
        var next = state, events: [BurstEvent] = [], falling = false
        for id in state.openBursts.map(\.eventID) {
            guard let burst = next.openBursts.first(where: { $0.eventID == id }) else { continue }
            let tracked = track(burst, state: next, judgement: &judgement)
            next = tracked.state
            events += tracked.events
            falling = falling || tracked.falling
        }
        // Only on top of bursts the flow alone now shows beyond doubt: an event opened on weaker
        // evidence may yet be withdrawn, and a step found on top of a false one is as false.
        // Nor while one's repair shows (a fall as clear as a rise that opens) but cannot close
        // yet: its flow, still taken as a known step, then overstates today's inflow, and with
        // the day's level free that shortfall fits a rise from the day's first window (a false
        // event of the repaired flow). Shown only at `closeThreshold`, a repair 2 h old still
        // let one through on one seed in three (`RepairTests`, a repair at 06:00 and an event
        // from 00:15).
        guard !next.openBursts.isEmpty, next.openBursts.count < config.maxOpenBursts, !falling,
              next.openBursts.allSatisfy({ $0.z >= config.openThreshold }) else { return (next, events) }
        var stacked = detect(state: next, judgement: &judgement)
        // Near misses are followed only while nothing is open (`follow` knows no open bursts).
        stacked.state.watchedStart = nil
        return (stacked.state, events + stacked.events)
    }

    /// The known steps of every open burst but `eventID`.
    private static func others(_ state: DetectorState, than eventID: String) -> [Span.KnownStep] {
        known(state.openBursts.filter { $0.eventID != eventID })
    }

    /// One open burst's step: refined, withdrawn, closed, relocalised or left as it was.
    /// `falling`: it is still open, but a fall of its flow already shows at `openThreshold`
    /// (see `trackOpen`).
    private func track(_ open: OpenBurst, state: DetectorState,
                       judgement: inout Judgement) -> (state: DetectorState, events: [BurstEvent], falling: Bool) {
        var burst = open
        var next = state
        let span = judgement.span
        // Past repairs and the other open bursts: steps of their own, not this one's.
        let othersKnown = Self.known(state.pastBursts) + Self.others(state, than: burst.eventID)

        // Once a fall of its flow shows as clearly as a rise opens an event, a burst's start and
        // flow are no longer refined: fitted as a step that runs on, the hours after a repair
        // pull its flow up (the day's level, fitted to the repaired hours, leaves the burst's
        // night more to explain: 18 -> 26 l/s in 1 h 30 m on a 6-hour burst), and the flow it
        // closes with is the known step every later day is judged against. Too large, the
        // hours after the repair read as a new burst of the difference.
        var (closing, falls) = self.falls(of: burst, othersKnown: othersKnown, judgement: judgement)
        let fallShows = falls.contains { $0.z <= -config.openThreshold }

        // Refine start and flow while the start is inside the span (the first day or two).
        if !fallShows, let startPosition = span.windows.firstIndex(where: { $0.time >= burst.start }),
           span.windows[0].time <= burst.start {
            let test = span.test(model: judgement.model.inflow, config: config, knownSteps: othersKnown)
            let reach = 2 * config.updateStartWindows
            // Not back past a burst opened before it, nor on to one opened after it: that step
            // is the other burst's, and two bursts refined onto one step trade it back and forth.
            // Nor back past the last repair before it (a later repair is another burst's end).
            let lastEnd = state.lastEnd(atOrBefore: burst.start)
            let openedBefore = state.openBursts.prefix { $0.eventID != burst.eventID }
            let openedAfter = state.openBursts.drop { $0.eventID != burst.eventID }.dropFirst()
            let afterOpen = openedBefore.map { $0.start + openSeparation }.max() ?? .min
            let beforeNext = openedAfter.map { $0.start - openSeparation }.min() ?? .max
            let (first, last) = span.times(within: reach, of: startPosition)
            var refined: Judged?
            for candidate in test.candidates(from: test.position(of: max(lastEnd, afterOpen, first)))
            where test.windows[candidate.start].time <= min(last, beforeNext) && candidate.estimate > 0 {
                let start = test.windows[candidate.start]
                let pressureZ = openedBefore.isEmpty ? judgement.pressureZ(startIndex: start.index) : 0
                let flowZ = flowEvidence(candidate, meanInflow: judgement.model.inflow.meanInflow)
                if refined.map({ Self.score(flowZ, pressureZ) > Self.score($0.flowZ, $0.pressureZ) }) ?? true {
                    refined = (candidate, flowZ, pressureZ, start)
                }
            }
            if let refined {
                burst.start = refined.start.time
                burst.flowIncreaseLps = refined.candidate.estimate
                burst.flowIncreaseStandardError = refined.candidate.standardError
                burst.z = refined.flowZ
                burst.pressureZ = refined.pressureZ
            }
            // Withdrawn when the evidence that opened it has faded to what noise alone reaches:
            // more data only strengthens a real burst's step, and an event left open on noise
            // would hide the DMA's next burst for good (nothing is stacked on an event that weak).
            if (refined.map { Self.score($0.flowZ, $0.pressureZ).squareRoot() } ?? 0) < config.withdrawThreshold {
                return withFalling(close(&burst, endingAt: judgement.window, state: next, judgement: &judgement))
            }
            if burst.start != open.start || burst.flowIncreaseLps != open.flowIncreaseLps {
                (closing, falls) = self.falls(of: burst, othersKnown: othersKnown, judgement: judgement)
            }
        }

        // Closed when a sustained fall back to normal is as clear as a rise would need to be.
        let end = falls.filter { $0.windows >= config.minCloseWindows }.min { $0.z < $1.z }
        if let end, closes(end, of: burst, in: closing, othersKnown: othersKnown, judgement: &judgement) {
            // Dated where the fall is most significant, later starts with fewer windows than a
            // closing needs included (the change point's likelihood estimate): tested only from
            // `minCloseWindows` back, a recent fall is dated before it began, its size diluted,
            // the hour left out reads as a new burst at once and, with several bursts open, the
            // fall is matched to the wrong one.
            let dated = falls.min { $0.z < $1.z } ?? end
            // With several bursts open, a fall is the repair of the one whose flow it matches,
            // once it matches it clearly (`RepairAttribution`); every burst open before it is a suspect.
            let endTime = closing.windows[dated.start].time
            let suspects = state.openBursts.filter { $0.eventID == burst.eventID || $0.start < endTime }.map {
                RepairAttribution.Suspect(eventID: $0.eventID, flowLps: $0.flowIncreaseLps,
                                          standardError: $0.flowIncreaseStandardError)
            }
            let verdict = RepairAttribution(clearLogLikelihoodRatio: config.repairAttributionRatio)
                .verdict(fallLps: -dated.estimate, standardError: dated.standardError, suspects: suspects,
                         settled: dated.windows >= config.maxRepairAttributionWindows)
            if verdict == .repairOf(burst.eventID) {
                return withFalling(close(&burst, endingAt: endTime, state: next, judgement: &judgement))
            }
        }
        let falling = falls.contains { $0.z <= -config.openThreshold }

        // Relocalise as evidence accumulates: whenever the windows since the start doubled.
        let elapsed = judgement.windowsSince(burst.start)
        let startMoved = abs(burst.start - burst.publishedStart) >= Int64(config.updateStartWindows) * calendar.windowMicros
        var area: AreaOfInterest?
        var localised = false
        if localiser != nil,
           startMoved || (elapsed >= 2 * burst.localisedAtWindows && burst.localisedAtWindows < config.relocaliseUntilWindows) {
            area = localise(&burst, judgement: &judgement)
            localised = true
        }

        let flowChange = abs(burst.flowIncreaseLps - burst.publishedFlowIncreaseLps)
        let flowMoved = flowChange >= config.updateRelativeFlowChange * abs(burst.publishedFlowIncreaseLps)
            && flowChange >= 2 * burst.flowIncreaseStandardError
        let areaMoved = localised && Self.areaChanged(from: burst.publishedAreaNodes, to: Self.signature(area))
        if startMoved || flowMoved || areaMoved {
            if !localised { area = localise(&burst, judgement: &judgement) }
            burst.publishedStart = burst.start
            burst.publishedFlowIncreaseLps = burst.flowIncreaseLps
            burst.publishedAreaNodes = Self.signature(area)
            next.replace(burst)
            return (next, [event(.updated, dma: state.dma, burst: burst, window: judgement.window, area: area)], falling)
        }
        next.replace(burst)
        return (next, [], falling)
    }

    /// Whether a sustained fall of `burst`'s flow closes it: alone at `closeThreshold`, or
    /// with the pressure the burst lowered coming back from the same window, as a burst opens on
    /// flow and pressure together (each at least `combinedMinimum`, together `closeThreshold`).
    /// A repair in the early hours is measured against few windows of its own day (each day's
    /// level is free), and its flow alone may stay at 3 standard errors for days while the
    /// loggers near the burst rose back at once.
    /// The rise is measured against the same clock windows a day earlier: where another burst
    /// began or was repaired in between, the pressure moved for that one too, and the flow alone
    /// must show the fall. A 6 l/s burst's event, a 10 l/s burst beside it repaired that
    /// morning, closed on a night's dip of about half its flow and opened again on 9 of 30
    /// synthetic seeds (`RepairAttributionSweep`, `anotherBurstsRepairIsNoWitnessOfThisOnes`).
    private func closes(_ fall: StepTest.Candidate, of burst: OpenBurst, in test: StepTest,
                        othersKnown: [Span.KnownStep], judgement: inout Judgement) -> Bool {
        let flowZ = -fall.z
        if flowZ >= config.closeThreshold { return true }
        guard flowZ >= config.combinedMinimum,
              let burstStart = judgement.history.gridIndex(ofWindowStart: burst.start) else { return false }
        let fallWindow = test.windows[fall.start]
        let compared = (fallWindow.time - judgement.recoveryLagMicros)...judgement.window
        let othersMoved = othersKnown.contains { compared.contains($0.start) || $0.end.map(compared.contains) == true }
        guard !othersMoved else { return false }
        let rise = judgement.pressureRecovery(startIndex: burstStart, fallIndex: fallWindow.index,
                                              minimumWindows: config.minCloseWindows)
        return rise >= config.combinedMinimum && Self.score(flowZ, rise).squareRoot() >= config.closeThreshold
    }

    /// The falls of `burst`'s flow back to normal, over the span the closing looks at: looked
    /// for from the day the burst began (up to `maxCloseSpanDays`), not only over yesterday
    /// and today: with each day's level free, a fall that happened before yesterday, or near a
    /// midnight, is no change point in two days of data, and the event would stay open for
    /// good, hiding any later burst in the DMA. A fall counts when it takes back at least half
    /// the burst's flow.
    private func falls(of burst: OpenBurst, othersKnown: [Span.KnownStep],
                       judgement: Judgement) -> (test: StepTest, falls: [StepTest.Candidate]) {
        let today = calendar.day(of: judgement.window)
        let firstClosingDay = max(min(calendar.day(of: burst.start), today - 1), today - config.maxCloseSpanDays + 1)
        let closingSpan = firstClosingDay < today - 1
            ? Span(history: judgement.history, model: judgement.model, calendar: calendar,
                   days: firstClosingDay...today, upTo: judgement.current)
            : judgement.span
        let closing = closingSpan.test(model: judgement.model.inflow, config: config,
                                       knownSteps: othersKnown + Self.known([burst]))
        let falls = closing.candidates(from: closing.position(of: burst.start + 1))
            .filter { burst.flowIncreaseLps + $0.estimate <= 0.5 * burst.flowIncreaseLps }
        return (closing, falls)
    }

    private func withFalling(_ closed: (state: DetectorState, events: [BurstEvent])) -> (state: DetectorState, events: [BurstEvent], falling: Bool) {
        (closed.state, closed.events, false)
    }

    /// Ends the event at `end` (remembered, so its days are not learned as normal) and
    /// publishes `closed` with its area on the evidence up to the end: the windows after a
    /// repair show no drop, and would dilute the burst's.
    private func close(_ burst: inout OpenBurst, endingAt end: Int64, state: DetectorState,
                       judgement: inout Judgement) -> (state: DetectorState, events: [BurstEvent]) {
        // A withdrawal ends at the current window: all the evidence there is.
        let area = localise(&burst, until: end < judgement.window ? end : nil, judgement: &judgement)
        var next = state
        next.openBursts.removeAll { $0.eventID == burst.eventID }
        next.pastBursts.append(BurstSpan(start: burst.start, end: end, flowIncreaseLps: burst.flowIncreaseLps))
        return (next, [event(.closed, dma: state.dma, burst: burst, window: judgement.window, area: area)])
    }

    private static func known(_ spans: [BurstSpan]) -> [Span.KnownStep] {
        spans.map { Span.KnownStep(start: $0.start, end: $0.end, flow: $0.flowIncreaseLps) }
    }

    private static func known(_ open: [OpenBurst]) -> [Span.KnownStep] {
        open.map { Span.KnownStep(start: $0.start, end: nil, flow: $0.flowIncreaseLps) }
    }

    // MARK: - Model

    private func model(history: DMAHistory, day: Int, state: DetectorState, window: Int64) -> DMAModel? {
        var excluded = Set<Int>()
        var spans = state.pastBursts
        for open in state.openBursts {
            spans.append(BurstSpan(start: open.start, end: window, flowIncreaseLps: open.flowIncreaseLps))
        }
        for span in spans {
            let first = calendar.day(of: span.start), last = calendar.day(of: span.end)
            if first <= last { for day in first...last { excluded.insert(day) } }
        }
        let cutoff = history.gridIndex(ofWindowStart: calendar.start(ofDay: day - 1)) ?? 0
        let key = ModelCache.Key(dma: history.dma, day: day, firstWindowStart: history.firstWindowStart,
                                 readingsBefore: history.readingCount(beforeIndex: cutoff),
                                 excludedDays: excluded.sorted())
        return cache.model(key) {
            DMAModel.fit(history: history, day: day, excludedDays: excluded, config: config, calendar: calendar)
        }
    }

    // MARK: - Localisation

    /// `until`: the burst's end, when it is closed; the windows from it on hold no burst.
    private func localise(_ burst: inout OpenBurst, until end: Int64? = nil, judgement: inout Judgement) -> AreaOfInterest? {
        guard let localiser, let startIndex = judgement.history.gridIndex(ofWindowStart: burst.start) else { return nil }
        let last = end.flatMap { judgement.history.gridIndex(ofWindowStart: $0) }.map { $0 - 1 }
        let evidence = judgement.evidence(startIndex: startIndex, flow: burst.flowIncreaseLps, through: last)
        guard !evidence.isEmpty else { return nil }
        burst.localisedAtWindows = max(1, judgement.windowsSince(burst.start))
        let operation = judgement.history.measuredOperation(before: startIndex, windows: config.operationWindows)
        return localiser.localise(evidence: evidence, flowIncreaseLps: burst.flowIncreaseLps, operation: operation)
    }

    static let signatureNodeCount = 10

    static func signature(_ area: AreaOfInterest?) -> [String] {
        Array((area?.nodes ?? []).prefix(signatureNodeCount))
    }

    /// Material: the most likely node changed, or the leading nodes overlap less than half.
    static func areaChanged(from old: [String], to new: [String]) -> Bool {
        guard !new.isEmpty else { return false }
        guard !old.isEmpty else { return true }
        if old.first != new.first { return true }
        let a = Set(old), b = Set(new)
        return Double(a.intersection(b).count) / Double(a.union(b).count) < 0.5
    }

    // MARK: - Events

    private func event(_ state: BurstEvent.State, dma: String, burst: OpenBurst, window: Int64,
                       area: AreaOfInterest?) -> BurstEvent {
        let detectedAt = window + calendar.windowMicros
        return BurstEvent(eventID: burst.eventID, state: state, dma: dma,
                          detectedAt: detectedAt, publishedAt: detectedAt, startEstimate: burst.start,
                          flowIncreaseLps: (burst.flowIncreaseLps * 100).rounded() / 100,
                          confidence: Self.confidence(flowZ: burst.z, pressureZ: burst.pressureZ),
                          areaOfInterest: area)
    }

    /// How sure the detector is that this is a burst, 0…1: the flow step's significance beyond
    /// what noise alone reaches over a day of candidate starts (about 3 standard errors),
    /// combined with the strongest pressure drop's beyond what the maximum over loggers and
    /// starts reaches (about 3 too).
    static func confidence(flowZ: Double, pressureZ: Double) -> Double {
        let flow = max(flowZ, 0), pressure = max(pressureZ - 3, 0)
        let combined = (flow * flow + pressure * pressure).squareRoot() - 3
        return (RobustStatistics.normalCDF(combined) * 1000).rounded() / 1000
    }
}
