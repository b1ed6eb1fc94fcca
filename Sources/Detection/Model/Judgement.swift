/// What one step judges by: the history, the model, the span of windows, and (computed only
/// when needed) the pressure residuals over the span and the day before it.
struct Judgement {
    let history: DMAHistory
    let model: DMAModel
    let span: Span
    let current: Int
    let window: Int64
    let baselineWindows: Int
    /// History index of the last past burst's end: a pressure drop is measured against
    /// windows from there on only. Before it the burst's own flow and pressure are in the
    /// readings, and where the burst lowered a logger's pressure less than the same flow of
    /// demand would have, its repair reads as a drop there (a new burst, opened at once).
    let quietSince: Int
    private var pressureSeries: PressureSeries??

    init(history: DMAHistory, model: DMAModel, span: Span, current: Int, window: Int64, baselineWindows: Int,
         lastBurstEnd: Int64? = nil) {
        self.history = history
        self.model = model
        self.span = span
        self.current = current
        self.window = window
        self.baselineWindows = baselineWindows
        quietSince = lastBurstEnd.flatMap { history.gridIndex(ofWindowStart: $0) } ?? .min
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
        let baseline = startIndex - max(startIndex - baselineWindows, quietSince)
        return series.strongestDrop(start: startIndex, end: current, baseline: baseline)
    }

    /// Each logger's drop since the burst's start, judged against the flows the DMA would
    /// have had without the burst.
    func evidence(startIndex: Int, flow: Double) -> [PressureEvidence] {
        guard let pressureModel = model.pressure else { return [] }
        let series = PressureSeries(model: pressureModel, history: history,
                                    from: max(0, startIndex - baselineWindows), through: current,
                                    burst: (startIndex, flow))
        return series.evidence(start: startIndex, end: current, baseline: baselineWindows)
    }

    func windowsSince(_ start: Int64) -> Int {
        guard let startIndex = history.gridIndex(ofWindowStart: start) else { return 0 }
        return max(0, current - startIndex + 1)
    }
}
