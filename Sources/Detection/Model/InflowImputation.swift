/// A DMA's net inflow in a window where some of its flow meters did not report, estimated from
/// the meters that did, with the variance of that estimate.
///
/// Why: the net inflow is the signed sum of every meter, so one late or silent meter used to
/// blind the DMA until its data arrived. On the development-style suite a 15 % burst waited
/// 7 hours behind two outages in a row of meters that read 0 l/s throughout (closed boundary
/// pipes), and a DMA of 42 meters lost up to a quarter of the windows after a burst's start
/// to single missing readings.
///
/// How: over the complete windows of the training days within three hours of each hour of
/// the day, the signed flows' mean μ and covariance Σ. With the present meters' sum P, the
/// best linear estimate of the net inflow from P is `1ᵀμ + β·(P − sᵀμ)`, β = 1ᵀΣs / sᵀΣs
/// (s marks the present meters), and its error variance `1ᵀΣ1 − (1ᵀΣs)² / sᵀΣs`. A meter that
/// always reads the same costs nothing; one that carries a steady share of the demand costs
/// little; one that swings with a tank or a pump costs more than a reading is worth (`Span`
/// then leaves the window out). A burst shows through the present meters: in full when it
/// splits between the meters as demand does, scaled otherwise (β undoes the present meters'
/// usual share). Per hour, because a meter's share of the demand differs between night and day.
///
/// The estimate's errors have memory (a share that drifts stays drifted for hours), and the step
/// test counts windows as independent after the model's own inflation: each meter's error
/// variance is inflated by (1 + ρ)/(1 − ρ), ρ the lag-one correlation of its errors in training,
/// so that a long outage cannot add up to a step.
struct InflowImputation: Sendable {
    /// Signed flows' moments for one hour of the day.
    struct Moments: Sendable {
        let mean: [Double]
        let covariance: SymmetricMatrix
        /// Σ1 and 1ᵀΣ1, 1ᵀμ: what every estimate needs, so that one costs only its missing meters.
        let rowSums: [Double]
        let total: Double
        let meanTotal: Double

        init(mean: [Double], covariance: SymmetricMatrix) {
            self.mean = mean
            self.covariance = covariance
            rowSums = covariance.rowSums
            total = rowSums.reduce(0, +)
            meanTotal = mean.reduce(0, +)
        }
    }

    let slotsPerDay: Int
    /// One per hour of the day; nil where training had too few complete windows.
    let hours: [Moments?]
    /// Per channel, the variance inflation of its errors for their memory (learned after the
    /// moments, from the errors they make).
    private(set) var inflations: [Double]

    /// Lag-one correlations are capped here: the inflation stays finite (at most 39).
    static let maximumCorrelation = 0.95
    /// Hours either side of an hour whose windows its moments are learned from.
    static let neighbourhoodHours = 3.0

    var channelCount: Int { inflations.count }

    /// The hour of the day a slot falls in.
    func hour(ofSlot slot: Int) -> Int { min(slot * 24 / slotsPerDay, 23) }

    /// The net inflow of window `index` (slot `slot` of its day) and the variance of its error:
    /// observed when every meter reported (variance 0), estimated when some did; nil when none
    /// did or the hour has no moments.
    /// `estimated`: some meter did not report. The variance is that of normal demand's split; a
    /// burst can draw through the silent meter in any share, even one that carried nothing in
    /// training (a pump the burst's pressure drop switched on), so under a burst an estimate can
    /// be off by its whole flow (`Span.test` corrects such windows by the share measured while the
    /// meter reported, `BurstShareCorrection`, or leaves them out).
    func inflow(_ history: DMAHistory, atIndex index: Int, slot: Int) -> (value: Double, variance: Double, estimated: Bool)? {
        // One pass over the meters: their sum is the net inflow itself when none is missing.
        var missing: [Int] = [], sum = 0.0
        for channel in 0..<channelCount {
            if let q = history.signedFlowMean(channel: channel, atIndex: index) {
                sum += q
            } else {
                missing.append(channel)
            }
        }
        if missing.isEmpty { return (sum, 0, false) }
        guard missing.count < channelCount, let moments = hours[hour(ofSlot: slot)] else { return nil }
        let estimate = Self.estimate(moments, missing: missing, presentSum: sum)
        let inflation = missing.map { inflations[$0] }.max() ?? 1
        return (estimate.value, inflation * estimate.variance, true)
    }

    /// The linear estimate of the net inflow from the present meters' sum, and its error variance.
    /// In terms of the missing meters M only: 1ᵀΣs = T − Σ_{m∈M} r_m and
    /// sᵀΣs = T − 2·Σ_{m∈M} r_m + Σ_{m,m'∈M} Σ_mm' (r = Σ1, T = 1ᵀΣ1).
    static func estimate(_ moments: Moments, missing: [Int], presentSum: Double) -> (value: Double, variance: Double) {
        var missingRows = 0.0, missingBlock = 0.0, missingMean = 0.0
        for m in missing {
            missingRows += moments.rowSums[m]
            missingMean += moments.mean[m]
            for k in missing { missingBlock += moments.covariance[m, k] }
        }
        let total = moments.total
        let crossPresent = total - missingRows
        let presentVariance = total - 2 * missingRows + missingBlock
        let meanPresent = moments.meanTotal - missingMean
        // Present meters that never vary say nothing about the rest: the hour's mean.
        guard presentVariance > 1e-9 * max(total, 1e-9) else {
            return (missingMean + presentSum, max(missingBlock, 0))
        }
        let beta = crossPresent / presentVariance
        return (moments.meanTotal + beta * (presentSum - meanPresent),
                max(total - crossPresent * crossPresent / presentVariance, 0))
    }
}

extension InflowImputation {
    /// Learns the moments from the complete windows among `trainingIndices` (slot of each from
    /// `slotOf`). Nil when the DMA has fewer than two flow meters (nothing to estimate from).
    static func fit(history: DMAHistory, trainingIndices: [Int], slotsPerDay: Int,
                    slotOf: (Int) -> Int) -> InflowImputation? {
        let n = history.flowChannels.count
        guard n >= 2 else { return nil }
        // Per slot: count, sums and sums of products of the complete windows' signed flows.
        var counts = [Int](repeating: 0, count: slotsPerDay)
        var sums = [[Double]](repeating: [Double](repeating: 0, count: n), count: slotsPerDay)
        var products = [SymmetricMatrix](repeating: SymmetricMatrix(size: n), count: slotsPerDay)
        var rows: [(index: Int, slot: Int, flows: [Double])] = []
        for index in trainingIndices {
            guard history.inflow(atIndex: index) != nil else { continue }
            let flows = (0..<n).map { history.signedFlowMean(channel: $0, atIndex: index)! }
            let slot = slotOf(index)
            counts[slot] += 1
            for i in 0..<n {
                sums[slot][i] += flows[i]
                for j in i..<n { products[slot][i, j] += flows[i] * flows[j] }
            }
            rows.append((index, slot, flows))
        }
        let perHour = Double(slotsPerDay) / 24
        let reach = neighbourhoodHours * perHour
        let minimumWindows = max(24, 2 * n)
        let hours: [Moments?] = (0..<24).map { hour in
            let centre = (Double(hour) + 0.5) * perHour
            var count = 0, sum = [Double](repeating: 0, count: n), product = SymmetricMatrix(size: n)
            for slot in 0..<slotsPerDay {
                let offset = abs(Double(slot) + 0.5 - centre)
                guard min(offset, Double(slotsPerDay) - offset) <= reach + perHour / 2, counts[slot] > 0 else { continue }
                count += counts[slot]
                for i in 0..<n { sum[i] += sums[slot][i] }
                product.add(products[slot])
            }
            guard count >= minimumWindows else { return nil }
            let mean = sum.map { $0 / Double(count) }
            var covariance = SymmetricMatrix(size: n)
            for i in 0..<n {
                for j in i..<n { covariance[i, j] = product[i, j] / Double(count) - mean[i] * mean[j] }
            }
            return Moments(mean: mean, covariance: covariance)
        }
        var imputation = InflowImputation(slotsPerDay: slotsPerDay, hours: hours,
                                          inflations: [Double](repeating: 1, count: n))
        imputation.inflations = imputation.learnedInflations(rows)
        return imputation
    }

    /// Per channel, (1 + ρ)/(1 − ρ) with ρ the lag-one correlation of the errors made estimating
    /// the net inflow without that meter, over consecutive training windows.
    private func learnedInflations(_ rows: [(index: Int, slot: Int, flows: [Double])]) -> [Double] {
        var lagged = [Double](repeating: 0, count: channelCount), squares = lagged
        var previousErrors = lagged, previousIndex: Int?
        for row in rows {
            guard let moments = hours[hour(ofSlot: row.slot)] else { previousIndex = nil; continue }
            let net = row.flows.reduce(0, +)
            let follows = previousIndex == row.index - 1
            for channel in 0..<channelCount {
                let error = Self.estimate(moments, missing: [channel], presentSum: net - row.flows[channel]).value - net
                if follows {
                    lagged[channel] += previousErrors[channel] * error
                    squares[channel] += previousErrors[channel] * previousErrors[channel]
                }
                previousErrors[channel] = error
            }
            previousIndex = row.index
        }
        return (0..<channelCount).map { channel in
            let rho = squares[channel] > 0 ? min(max(lagged[channel] / squares[channel], 0), Self.maximumCorrelation) : 0
            return (1 + rho) / (1 - rho)
        }
    }
}
