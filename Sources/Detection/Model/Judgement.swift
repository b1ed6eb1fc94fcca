/// What one step judges by: the history, the model, the span of windows, and (computed only
/// when needed) the pressure residuals over the span and the day before it.
struct Judgement {
    let history: DMAHistory
    let model: DMAModel
    let span: Span
    let current: Int
    let window: Int64
    let baselineWindows: Int
    /// History indices of past bursts' ends: a pressure drop from a start is measured against
    /// windows from the last end before it on only. Before that end the burst's own flow and
    /// pressure are in the readings, and where the burst lowered a logger's pressure less than
    /// the same flow of demand would have, its repair reads as a drop there (a new burst,
    /// opened at once); and a localiser given that drop looks for the repaired burst.
    let pastEnds: [Int]
    private var pressureSeries: PressureSeries??

    init(history: DMAHistory, model: DMAModel, span: Span, current: Int, window: Int64, baselineWindows: Int,
         pastBurstEnds: [Int64] = []) {
        self.history = history
        self.model = model
        self.span = span
        self.current = current
        self.window = window
        self.baselineWindows = baselineWindows
        pastEnds = pastBurstEnds.compactMap { history.gridIndex(ofWindowStart: $0) }
    }

    mutating func pressure() -> PressureSeries? {
        if let computed = pressureSeries { return computed }
        var series: PressureSeries?
        if let pressureModel = model.pressure, let first = span.windows.first {
            series = PressureSeries(model: pressureModel, history: history,
                                    from: max(0, first.index - baselineWindows), through: current)
        }
        pressureSeries = .some(series)
        return series
    }

    /// The strongest standardised pressure drop from `startIndex` to now (0 without pressure).
    mutating func pressureZ(startIndex: Int) -> Double {
        guard let series = pressure(), startIndex >= series.firstIndex else { return 0 }
        return series.strongestDrop(start: startIndex, end: current, baseline: baseline(before: startIndex))
    }

    /// How far back `pressureRecovery` compares the hours after a fall: the same clock windows
    /// `baselineWindows` earlier (a day).
    var recoveryLagMicros: Int64 { Int64(baselineWindows) * history.windowMicros }

    /// How clearly the pressure a burst lowered from `startIndex` came back from `fallIndex`
    /// (`PressureSeries.strongestRecovery`, the drop judged against the same baseline a
    /// burst's opening is). 0 without pressure.
    mutating func pressureRecovery(startIndex: Int, fallIndex: Int, minimumWindows: Int) -> Double {
        guard fallIndex > startIndex else { return 0 }
        let before = baseline(before: startIndex)
        let first = min(startIndex - before, fallIndex - baselineWindows)
        func recovery(_ series: PressureSeries) -> Double {
            series.strongestRecovery(start: startIndex, fall: fallIndex, end: current, baseline: before,
                                     lag: baselineWindows, minimumWindows: minimumWindows)
        }
        if let series = pressure(), first >= series.firstIndex { return recovery(series) }
        // A burst that began before the span's pressure series (the closing looks back a week).
        guard let pressureModel = model.pressure else { return 0 }
        return recovery(PressureSeries(model: pressureModel, history: history, from: max(0, first), through: current))
    }

    /// Each logger's drop since the burst's start, through `last` (default: the current
    /// window), judged against the flows the DMA would have had without the burst; a drop the
    /// net inflow alone does not show is given less weight (`EvidenceCrossCheck`).
    func evidence(startIndex: Int, flow: Double, through last: Int? = nil) -> [PressureEvidence] {
        guard let pressureModel = model.pressure else { return [] }
        let end = max(startIndex, min(last ?? current, current))
        let baseline = baseline(before: startIndex)
        func drops(_ model: PressureModel) -> [PressureEvidence] {
            PressureSeries(model: model, history: history, from: max(0, startIndex - baselineWindows), through: end,
                           burst: (startIndex, flow))
                .evidence(start: startIndex, end: end, baseline: baseline)
        }
        let evidence = drops(pressureModel)
        guard let netInflowModel = model.pressureOnNetInflow else { return evidence }
        return EvidenceCrossCheck.checked(evidence, against: drops(netInflowModel))
    }

    /// How many windows before `startIndex` a drop is measured against: a day, cut at the last
    /// past burst's end at or before it (a repair after the start is not this burst's baseline).
    func baseline(before startIndex: Int) -> Int {
        let quietSince = pastEnds.filter { $0 <= startIndex }.max() ?? .min
        return startIndex - max(startIndex - baselineWindows, quietSince)
    }

    func windowsSince(_ start: Int64) -> Int {
        guard let startIndex = history.gridIndex(ofWindowStart: start) else { return 0 }
        return max(0, current - startIndex + 1)
    }
}
