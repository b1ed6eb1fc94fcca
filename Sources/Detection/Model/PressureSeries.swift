/// The pressure model's residuals over a stretch of windows, with running sums so that the
/// drop of any logger between any two stretches costs O(1). Built once per detector step.
struct PressureSeries {
    let model: PressureModel
    /// History index of the first window covered.
    let firstIndex: Int
    /// Per logger: prefix sums and counts of residuals (length windows + 1).
    private var sums: [[Double]]
    private var counts: [[Int]]

    /// With `burst`, windows from its start index on are judged as if its flow were absent
    /// from the flow channels (see `PressureModel.residuals`).
    init(model: PressureModel, history: DMAHistory, from lower: Int, through upper: Int,
         burst: (startIndex: Int, flow: Double)? = nil) {
        self.model = model
        firstIndex = lower
        let length = max(0, upper - lower + 1)
        sums = Array(repeating: Array(repeating: 0, count: length + 1), count: model.loggers.count)
        counts = Array(repeating: Array(repeating: 0, count: length + 1), count: model.loggers.count)
        for offset in 0..<length {
            let index = lower + offset
            let burstFlow = burst.map { index >= $0.startIndex ? $0.flow : 0 } ?? 0
            let residuals = model.residuals(history, at: index, burstFlow: burstFlow)
            for k in model.loggers.indices {
                sums[k][offset + 1] = sums[k][offset] + (residuals[k] ?? 0)
                counts[k][offset + 1] = counts[k][offset] + (residuals[k] == nil ? 0 : 1)
            }
        }
    }

    /// How far logger `k` fell from the `baseline` windows before `start` to the windows
    /// `start...end` (history indices), and the standard deviation of that figure.
    func drop(logger k: Int, start: Int, end: Int, baseline: Int) -> (drop: Double, sigma: Double)? {
        let lastOffset = sums[k].count - 2
        let s = start - firstIndex, e = end - firstIndex
        let b = max(0, s - baseline)
        guard s > b, s <= e, e <= lastOffset else { return nil }
        let preN = counts[k][s] - counts[k][b], postN = counts[k][e + 1] - counts[k][s]
        guard preN >= 8, postN >= 1 else { return nil }
        let pre = (sums[k][s] - sums[k][b]) / Double(preN)
        let post = (sums[k][e + 1] - sums[k][s]) / Double(postN)
        return (pre - post, model.loggers[k].dropSigma(post: postN, pre: preN))
    }

    /// The largest standardised drop among the loggers (0 when none can be computed).
    func strongestDrop(start: Int, end: Int, baseline: Int) -> Double {
        var best = 0.0
        for k in model.loggers.indices {
            if let (drop, sigma) = drop(logger: k, start: start, end: end, baseline: baseline) {
                best = max(best, drop / sigma)
            }
        }
        return best
    }

    /// How clearly a drop came back: per logger, the lesser of its standardised drop from
    /// `start` to just before `fall` (against `baseline` windows before `start`) and its
    /// standardised rise after `fall` over the same clock windows a day (`lag`) earlier, while
    /// the burst ran; the largest over loggers (0 when none can be computed). A repair undoes
    /// the burst's own drop: a logger that rose without having fallen is no witness of it. The
    /// same clock windows, because a burst's drop follows the day (head loss grows with the
    /// flow through the pipes it draws on): the night after a repair rises against the day
    /// before it whether or not the leak runs, but not against the night before.
    func strongestRecovery(start: Int, fall: Int, end: Int, baseline: Int, lag: Int, minimumWindows: Int) -> Double {
        let first = max(fall, start + lag), last = min(end, fall + lag - 1)
        guard last - first + 1 >= minimumWindows, first - lag >= firstIndex, last <= firstIndex + sums[0].count - 2
        else { return 0 }
        var best = 0.0
        for k in model.loggers.indices {
            guard let fell = drop(logger: k, start: start, end: fall - 1, baseline: baseline),
                  let after = mean(logger: k, first: first, last: last),
                  let before = mean(logger: k, first: first - lag, last: last - lag) else { continue }
            // Two means of the same clock windows, each as uncertain as a drop's stretch after.
            let sigma = model.loggers[k].dropSigma(post: after.count, pre: baseline) * 2.0.squareRoot()
            // Only as much of the rise as undoes the drop: a logger that rose four times what
            // it fell rose for some other reason.
            let undone = min(after.mean - before.mean, fell.drop)
            best = max(best, min(fell.drop / fell.sigma, undone / sigma))
        }
        return best
    }

    private func mean(logger k: Int, first: Int, last: Int) -> (mean: Double, count: Int)? {
        let a = first - firstIndex, b = last - firstIndex
        let n = counts[k][b + 1] - counts[k][a]
        guard n * 4 >= (b - a + 1) * 3 else { return nil }
        return ((sums[k][b + 1] - sums[k][a]) / Double(n), n)
    }

    func evidence(start: Int, end: Int, baseline: Int) -> [PressureEvidence] {
        model.loggers.indices.compactMap { k in
            drop(logger: k, start: start, end: end, baseline: baseline).map {
                PressureEvidence(loggerID: model.loggers[k].loggerID, nodeID: model.loggers[k].nodeID,
                                 dropM: $0.drop, sigmaM: $0.sigma,
                                 commonModeGain: model.usesCommonMode ? model.loggers[k].gain : 0)
            }
        }
    }
}
