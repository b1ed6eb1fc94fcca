/// What each pressure logger of a DMA normally reads *given the DMA's measured flows*, so that
/// a burst's local pressure drop stands out from the large, DMA-wide swings that pumps, tanks
/// and demand cause.
///
/// Two stages, both learned from burst-free history:
/// 1. Hydraulic regression: pressure on the DMA's flow channels, linearly and with a
///    `q·|q|^0.85` term per channel (head loss grows with flow to the power ~1.85). This explains
///    the pressure changes that normal demand, pump switching and tank filling cause.
/// 2. Common mode (with three or more loggers): what is left is mostly shared by all loggers
///    (source or inlet head changing). Each window's common mode is the median over loggers of
///    stage-1 residuals — a median, so the few loggers near a burst cannot move it — and each
///    logger follows it with its own learned gain.
///
/// What remains is small and local; a burst shows as a sustained negative shift at the loggers
/// near it. Its noise (robust σ, and the autocorrelation inflation of a mean) is learned per
/// logger from the same history.
struct PressureModel: Sendable {
    struct Logger: Sendable {
        let channel: Int
        let loggerID: String
        let nodeID: String
        let coefficients: [Double]
        let gain: Double
        let sigma: Double
        let inflation: Double
        /// The learned standard deviation of a drop (mean over the day before minus mean over
        /// the `dropLengths[j]` windows after), measured on history: pressure residuals
        /// wander more slowly and with heavier tails than white noise, and this is what the
        /// detector's statistic actually sees under normal operation.
        let dropSigmas: [Double]

        /// Standard deviation of a drop over `post` windows against `pre` baseline windows.
        func dropSigma(post: Int, pre: Int) -> Double {
            let white = sigma * (inflation * (1 / Double(max(post, 1)) + 1 / Double(max(pre, 1)))).squareRoot()
            let lengths = PressureModel.dropLengths
            guard !dropSigmas.isEmpty else { return white }
            let learned: Double
            if post <= lengths[0] {
                learned = dropSigmas[0]
            } else if post >= lengths[lengths.count - 1] {
                learned = dropSigmas[lengths.count - 1]
            } else {
                let upper = lengths.firstIndex { $0 >= post }!
                let lower = upper - 1
                let fraction = log(Double(post) / Double(lengths[lower])) / log(Double(lengths[upper]) / Double(lengths[lower]))
                learned = exp(log(dropSigmas[lower]) * (1 - fraction) + log(dropSigmas[upper]) * fraction)
            }
            return max(white, learned)
        }
    }

    /// Post-start lengths (windows) at which the spread of drops is learned.
    static let dropLengths = [1, 2, 4, 8, 16, 32, 64, 128]

    let loggers: [Logger]
    let flowChannelCount: Int
    let regressorMeans: [Double]
    let regressorScales: [Double]
    let usesCommonMode: Bool
    /// How much of a change in net inflow each flow channel carries (its regression on the
    /// net inflow over history), as measured, sign included.
    let burstShares: [Double]
    /// Per flow channel, its value when it never varied in training (a meter on a closed pipe),
    /// else nil. The regression learned nothing from such a channel, so when its reading is
    /// missing this value stands in, and the window's pressure is still explained.
    let steadyFlows: [Double?]
    /// What the hydraulic regression (stage 1) explains pressure by.
    let explainedBy: Explanation
    /// Each flow channel's sign (into the DMA), for the net inflow.
    let flowSigns: [Double]

    /// Stage 1's regressors.
    enum Explanation: Sendable {
        /// Every flow channel, and its head-loss power: the pumps, tanks and sources each
        /// meter stands for. The detector's model.
        case flowChannels
        /// The net inflow alone, and its power: blind to how the flow is shared among the
        /// meters, so a burst that changes that sharing cannot make drops here. The check on
        /// the localisation's evidence (`EvidenceCrossCheck`).
        case netInflow
    }

    static let commonModeMinimumLoggers = 3
    static let headLossExponent = 0.85

    /// The final residual (observed minus expected, m) of every logger in one window; nil for
    /// a logger without a reading, or for all when a flow channel is missing.
    ///
    /// With `burstFlow`, the flows are first taken back to what they would have been without a
    /// burst of that size (each channel less its learned share of a change in net inflow), so
    /// that the burst's whole effect on pressure is left in the residual instead of being
    /// explained away as an ordinary rise in demand.
    func residuals(_ history: DMAHistory, at index: Int, burstFlow: Double = 0) -> [Double?] {
        guard let x = regressors(history, at: index, burstFlow: burstFlow) else {
            return Array(repeating: nil, count: loggers.count)
        }
        let first: [Double?] = loggers.map { logger in
            history.pressureMean(channel: logger.channel, atIndex: index).map { $0 - dot(logger.coefficients, x) }
        }
        guard usesCommonMode else { return first }
        let present = first.compactMap { $0 }
        guard present.count >= Self.commonModeMinimumLoggers, let common = RobustStatistics.median(present) else {
            return Array(repeating: nil, count: loggers.count)
        }
        return zip(loggers, first).map { logger, residual in residual.map { $0 - logger.gain * common } }
    }

    func regressors(_ history: DMAHistory, at index: Int, burstFlow: Double = 0) -> [Double]? {
        var x = [1.0]
        x.reserveCapacity(1 + 2 * flowChannelCount)
        let perChannel = explainedBy == .flowChannels
        var raw: [Double] = []
        for channel in 0..<flowChannelCount {
            if let q = history.flowMean(channel: channel, atIndex: index) {
                raw.append(perChannel ? q - burstShares[channel] * burstFlow : q)
            } else if let steady = steadyFlows[channel] {
                raw.append(steady)
            } else {
                return nil
            }
        }
        if !perChannel {
            // The burst's whole flow comes out of the net inflow, whichever meters carry it.
            raw = [zip(raw, flowSigns).reduce(-burstFlow) { $0 + $1.0 * $1.1 }]
        }
        for q in raw { x.append(q) }
        for q in raw { x.append(q * pow(abs(q), Self.headLossExponent)) }
        for j in 1..<x.count { x[j] = (x[j] - regressorMeans[j]) / regressorScales[j] }
        return x
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var total = 0.0
        for i in a.indices { total += a[i] * b[i] }
        return total
    }
}

extension PressureModel {
    /// Fits on the windows `trainingIndices` of `history`. Nil when the DMA has no pressure or
    /// no flow channel, or too little data.
    static func fit(history: DMAHistory, trainingIndices: [Int], baselineWindows: Int,
                    explainedBy: Explanation = .flowChannels) -> PressureModel? {
        let flowCount = history.flowChannels.count
        guard flowCount > 0, !history.pressureChannels.isEmpty else { return nil }
        let signs = history.flowChannels.map { $0.sign ?? 1 }
        let width = explainedBy == .netInflow ? 1 : flowCount
        let size = 1 + 2 * width
        // Standardise the regressors (flows in l/s and their powers differ by orders of magnitude).
        var flowRows: [[Double]] = []
        var rawRows: [(index: Int, x: [Double])] = []
        for index in trainingIndices {
            var flows: [Double] = []
            for channel in 0..<flowCount {
                guard let q = history.flowMean(channel: channel, atIndex: index) else { break }
                flows.append(q)
            }
            guard flows.count == flowCount else { continue }
            flowRows.append(flows)
            let raw = explainedBy == .netInflow ? [zip(flows, signs).reduce(0.0) { $0 + $1.0 * $1.1 }] : flows
            rawRows.append((index, [1] + raw + raw.map { $0 * pow(abs($0), headLossExponent) }))
        }
        guard rawRows.count >= 96 else { return nil }
        var means = Array(repeating: 0.0, count: size), scales = Array(repeating: 1.0, count: size)
        for j in 1..<size {
            let (mean, variance) = moments(rawRows.map { $0.x[j] })
            means[j] = mean
            scales[j] = variance > steadyVariance ? variance.squareRoot() : 1
        }
        // A meter that never varied (a closed pipe) is stood in for when silent, whatever the
        // regressors are: the net inflow needs it too.
        let steadyFlows: [Double?] = (0..<flowCount).map { channel in
            let (mean, variance) = moments(flowRows.map { $0[channel] })
            return variance > steadyVariance ? nil : mean
        }
        let rows = rawRows.map { row -> (index: Int, x: [Double]) in
            var x = row.x
            for j in 1..<size { x[j] = (x[j] - means[j]) / scales[j] }
            return (row.index, x)
        }

        var coefficients: [Int: [Double]] = [:]
        for channel in history.pressureChannels.indices {
            var equations = NormalEquations(size: size)
            for row in rows {
                guard let p = history.pressureMean(channel: channel, atIndex: row.index) else { continue }
                equations.add(row: row.x, target: p)
            }
            if equations.rows >= 96, let solution = equations.solve(ridge: 1e-4, unpenalised: [0]) {
                coefficients[channel] = solution
            }
        }
        // Stage 2 over the loggers that survive it: a logger left out (too little history to
        // learn its drops) must not take part in the common mode either, so drop and refit.
        var channels = coefficients.keys.sorted()
        var loggers: [Logger] = []
        while !channels.isEmpty {
            loggers = commonModeStage(history: history, rows: rows, channels: channels, coefficients: coefficients,
                                      baselineWindows: baselineWindows)
            guard loggers.count < channels.count else { break }
            channels = loggers.map(\.channel)
        }
        guard !loggers.isEmpty else { return nil }
        // Each channel's share of a change in net inflow.
        var shares = Array(repeating: 0.0, count: flowCount)
        let nets = flowRows.map { flows in (0..<flowCount).reduce(0.0) { $0 + signs[$1] * flows[$1] } }
        let meanNet = nets.reduce(0, +) / Double(nets.count)
        let netVariance = nets.reduce(0.0) { $0 + ($1 - meanNet) * ($1 - meanNet) }
        if netVariance > 0 {
            for channel in 0..<flowCount {
                let column = flowRows.map { $0[channel] }
                let mean = column.reduce(0, +) / Double(column.count)
                shares[channel] = zip(column, nets).reduce(0.0) { $0 + ($1.0 - mean) * ($1.1 - meanNet) } / netVariance
            }
        }
        return PressureModel(loggers: loggers, flowChannelCount: flowCount, regressorMeans: means,
                             regressorScales: scales, usesCommonMode: loggers.count >= commonModeMinimumLoggers,
                             burstShares: shares, steadyFlows: steadyFlows, explainedBy: explainedBy, flowSigns: signs)
    }

    /// A regressor varying less than this (squared units) did not vary.
    private static let steadyVariance = 1e-18

    private static func moments(_ column: [Double]) -> (mean: Double, variance: Double) {
        let mean = column.reduce(0, +) / Double(column.count)
        return (mean, column.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count))
    }

    /// Stage 2 for the given pressure channels: common mode and gains, then each logger's
    /// final residuals and what is learned from them. Loggers without enough history are left
    /// out of the result.
    private static func commonModeStage(history: DMAHistory, rows: [(index: Int, x: [Double])], channels: [Int],
                                        coefficients: [Int: [Double]], baselineWindows: Int) -> [Logger] {
        let stageOne: [[Double?]] = rows.map { row in
            channels.map { channel in
                history.pressureMean(channel: channel, atIndex: row.index).map { p in
                    p - zip(coefficients[channel]!, row.x).reduce(0) { $0 + $1.0 * $1.1 }
                }
            }
        }
        let usesCommonMode = channels.count >= commonModeMinimumLoggers
        let common: [Double?] = stageOne.map { residuals in
            let present = residuals.compactMap { $0 }
            return usesCommonMode && present.count >= commonModeMinimumLoggers ? RobustStatistics.median(present) : nil
        }
        var loggers: [Logger] = []
        for (k, channel) in channels.enumerated() {
            var gain = 0.0
            if usesCommonMode {
                var scc = 0.0, src = 0.0
                for r in rows.indices {
                    guard let c = common[r], let e = stageOne[r][k] else { continue }
                    scc += c * c
                    src += c * e
                }
                gain = scc > 0 ? src / scc : 0
            }
            var finals: [Double] = [], finalIndices: [Int] = []
            var pairs: [(Double, Double)] = []
            var previous: (index: Int, value: Double)?
            for r in rows.indices {
                guard let e = stageOne[r][k], !usesCommonMode || common[r] != nil else { continue }
                let value = e - gain * (common[r] ?? 0)
                finals.append(value)
                finalIndices.append(rows[r].index)
                if let previous, previous.index == rows[r].index - 1 { pairs.append((previous.value, value)) }
                previous = (rows[r].index, value)
            }
            guard finals.count >= 96, let sigma = RobustStatistics.madSigma(finals) else { continue }
            // A logger whose history has too few complete stretches to learn how its drops
            // vary (gaps, readings refused as implausible) would be judged by a guess: left out.
            let dropSigmas = learnedDropSigmas(finals, indices: finalIndices, baseline: baselineWindows)
            guard !dropSigmas.isEmpty else { continue }
            let rho = RobustStatistics.lagOneCorrelation(pairs: pairs) ?? 0
            let spec = history.pressureChannels[channel]
            loggers.append(Logger(channel: channel, loggerID: spec.loggerID, nodeID: spec.element,
                                  coefficients: coefficients[channel]!, gain: gain, sigma: max(sigma, 1e-3),
                                  inflation: rho > 0 ? min((1 + rho) / (1 - rho), 20) : 1, dropSigmas: dropSigmas))
        }
        return loggers
    }

    /// Robust spread of drops of every length in `dropLengths`, over every start in history
    /// where the day before and the stretch after are at least three-quarters covered. Empty
    /// when history is too short to say even for the shortest drop (the logger is then left
    /// out).
    static func learnedDropSigmas(_ values: [Double], indices: [Int], baseline: Int) -> [Double] {
        guard let first = indices.first, let last = indices.last, last > first else { return [] }
        let length = last - first + 1
        var sums = Array(repeating: 0.0, count: length + 1), counts = Array(repeating: 0, count: length + 1)
        var dense = Array(repeating: 0.0, count: length), present = Array(repeating: false, count: length)
        for (value, index) in zip(values, indices) {
            dense[index - first] = value
            present[index - first] = true
        }
        for i in 0..<length {
            sums[i + 1] = sums[i] + (present[i] ? dense[i] : 0)
            counts[i + 1] = counts[i] + (present[i] ? 1 : 0)
        }
        var result: [Double] = []
        for post in dropLengths {
            var drops: [Double] = []
            var start = baseline
            let step = max(1, post / 4)
            while start + post <= length {
                let preN = counts[start] - counts[start - baseline]
                let postN = counts[start + post] - counts[start]
                if preN * 4 >= baseline * 3 && postN * 4 >= post * 3 {
                    let pre = (sums[start] - sums[start - baseline]) / Double(preN)
                    drops.append(pre - (sums[start + post] - sums[start]) / Double(postN))
                }
                start += step
            }
            guard drops.count >= 30, let center = RobustStatistics.median(drops),
                  let spread = RobustStatistics.madSigma(drops, center: center) else {
                // Long stretches need long gap-free history; a day of readings missing from
                // one flow meter is enough to leave too few. The logger still knows how its
                // shorter drops vary, so the longer ones take the largest spread learned so
                // far rather than the logger dropping out of detection and localisation.
                guard let largest = result.max() else { return [] }
                result.append(largest)
                continue
            }
            // The detector acts on the largest of many drops, so the tail matters more than the
            // middle: a logger with occasional large swings (a valve, a pump the flows do not
            // show) gets the spread its 99th percentile implies if that is the larger.
            let deviations = drops.map { abs($0 - center) }.sorted()
            let tail = deviations[min(deviations.count - 1, Int(0.99 * Double(deviations.count)))] / 2.576
            result.append(max(spread, tail, 1e-4))
        }
        return result
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
