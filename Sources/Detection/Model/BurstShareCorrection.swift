/// What the meters that fell silent carry of the known bursts, measured, so that a window whose
/// inflow is estimated under a known burst can still be judged.
///
/// Why: `InflowImputation` estimates the net inflow from the meters that reported, with each
/// meter's share of normal demand. A burst can draw through the silent meter in any share
/// (h-ky8-b03's leak drew 10-17 l/s through an inlet that carried nothing in training), so
/// under a known burst the estimate is short by the silent meter's share of it, which reads as
/// the burst's repair. Such windows used to be left out; a meter silent for good then blinded
/// its DMA for as long as the burst stayed open: the burst could not close, and no other could
/// be found on top of it.
///
/// How: over the complete windows under the same known bursts of the last `referenceDays` they were
/// seen, at the same time of day (within `bandHours`), the estimate made without the same meters
/// misses the true net inflow by that share plus normal demand's split. Their mean error is added
/// to the estimate. Their spread, inflated for its memory as the estimate's own error is, is added
/// to the window's noise: the share follows the hour and the pressure, so a window's can stray from
/// the mean for hours, and a stray must not read as a repair. With fewer than `minimumReferences`
/// such windows, or windows of fewer than `minimumDays` days (the meter fell silent before the
/// burst had run that long at that hour), the window is left out, and `Span` leaves it out as well
/// when the correction knows less than a reading would, as it does any estimate. h-ky8-b03's FM008,
/// 0 l/s in training, filled and drained a tank under the burst, +23 to -25 l/s, and switched off
/// at 00:30 one night and at 03:45 the next: silenced for good after the first night and corrected
/// by it alone, the second night's 02:30-03:30 were 25 l/s over with no spread to say so, and the
/// fall at 03:45 read as a repair.
struct BurstShareCorrection {
    let history: DMAHistory
    let imputation: InflowImputation
    let calendar: DayCalendar

    static let minimumReferences = 8
    /// Days the references must come from: one day shows the share, not how it varies from one
    /// day to the next.
    static let minimumDays = 2
    static let referenceDays = 4
    static let bandHours = 2.0

    /// The errors of the estimate without `missing` on the complete windows covered by exactly
    /// the known steps `regime` marks, from `latest` back to `earliest` (history indices), over
    /// the `referenceDays` up to the newest such window. `covering(index)` marks the steps
    /// covering a window the same way.
    func errors(missing: [Int], regime: UInt64, earliest: Int, latest: Int, covering: (Int) -> UInt64) -> Errors {
        var bySlot = [[(index: Int, error: Double)]](repeating: [], count: calendar.slotsPerDay)
        var index = latest, newest: Int?
        while index >= max(earliest, 0) {
            defer { index -= 1 }
            // The last days the share was seen, however long ago the meters fell silent.
            if let newest, index <= newest - Self.referenceDays * calendar.slotsPerDay { break }
            guard covering(index) == regime, let net = history.inflow(atIndex: index) else { continue }
            newest = newest ?? index
            let slot = calendar.slot(of: history.windowStart(atIndex: index))
            guard let moments = imputation.hours[imputation.hour(ofSlot: slot)] else { continue }
            var present = net
            for channel in missing { present -= history.signedFlowMean(channel: channel, atIndex: index) ?? 0 }
            bySlot[slot].append((index, net - InflowImputation.estimate(moments, missing: missing, presentSum: present).value))
        }
        let inflation = missing.map { imputation.inflations[$0] }.max() ?? 1
        return Errors(bySlot: bySlot, band: Int((Self.bandHours * Double(calendar.slotsPerDay) / 24).rounded()),
                      inflation: inflation)
    }

    /// One set of missing meters' errors under one set of known bursts, by slot of the day.
    struct Errors {
        let bySlot: [[(index: Int, error: Double)]]
        let band: Int
        /// The estimate's own inflation for its memory: the least the share's can be.
        let inflation: Double

        /// The share for an estimated window at `slot`: the mean error of the references within
        /// the band around it, and the variance it leaves; nil with too few references.
        func share(atSlot slot: Int) -> (mean: Double, variance: Double)? {
            let slots = bySlot.count
            // A day is the window's own slot's index on it: a band across midnight is one night.
            var references: [Int: Double] = [:], days = Set<Int>()
            for offset in -band...band {
                for reference in bySlot[((slot + offset) % slots + slots) % slots] {
                    references[reference.index] = reference.error
                    days.insert(reference.index - offset)
                }
            }
            guard references.count >= BurstShareCorrection.minimumReferences,
                  days.count >= BurstShareCorrection.minimumDays else { return nil }
            let n = Double(references.count)
            let mean = references.values.reduce(0, +) / n
            let spread = references.values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
            // Memory, from the references that follow one another.
            var lagged = 0.0, squares = 0.0
            for (index, error) in references {
                guard let previous = references[index - 1] else { continue }
                lagged += (error - mean) * (previous - mean)
                squares += (previous - mean) * (previous - mean)
            }
            let rho = squares > 0 ? min(max(lagged / squares, 0), InflowImputation.maximumCorrelation) : 0
            return (mean, spread * (1 + 1 / n) * max((1 + rho) / (1 - rho), inflation))
        }
    }
}
