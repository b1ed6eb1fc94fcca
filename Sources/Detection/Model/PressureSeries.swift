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
