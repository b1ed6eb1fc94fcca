/// Which of several open bursts a fall of the inflow is the repair of.
///
/// Why: with several events open, one fall is tested the same way whichever event looks at
/// it (every open burst is a known step in the test), and its size is all that tells whose
/// repair it is. Hours after a repair that size is still uncertain (±1.3 l/s on a 100 l/s
/// DMA two hours on): a 6 l/s repair beside a 10 l/s burst measured 8.2 and 9.5 l/s on two
/// synthetic seeds (`RepairAttributionSweep`), the nearest flow closed the 10 l/s event, and
/// the rest of it opened again as a new one. A fall is therefore given to a burst only once it
/// matches that burst clearly better than any other open one; until then no event closes.
struct RepairAttribution {
    /// A burst the fall could be the repair of: its flow and that flow's standard error.
    struct Suspect {
        var eventID: String
        var flowLps: Double
        var standardError: Double
    }

    enum Verdict: Equatable {
        /// The fall is this burst's repair.
        case repairOf(String)
        /// It matches one burst best, but not yet clearly enough to close it.
        case unclear
    }

    /// How much likelier the best match must be than the runner-up, as a log-likelihood ratio.
    let clearLogLikelihoodRatio: Double

    /// The verdict on a fall of `fallLps` (± `standardError`) among `suspects` (not empty).
    /// `settled`: the fall has lasted as long as waiting may take; the best match is taken
    /// however close the runner-up (two bursts of one size are not told apart by waiting).
    func verdict(fallLps: Double, standardError: Double, suspects: [Suspect], settled: Bool) -> Verdict {
        // The fall is the suspect's flow measured again: both errors count.
        let misfits = suspects.map { suspect -> (id: String, misfit: Double) in
            let variance = standardError * standardError + suspect.standardError * suspect.standardError
            let gap = fallLps - suspect.flowLps
            return (suspect.eventID, gap * gap / max(variance, .leastNormalMagnitude))
        }.sorted { $0.misfit < $1.misfit }
        guard let best = misfits.first else { return .unclear }
        guard misfits.count > 1, !settled else { return .repairOf(best.id) }
        // Half the difference of the squared misfits: the log of the likelihood ratio.
        return (misfits[1].misfit - best.misfit) / 2 >= clearLogLikelihoodRatio ? .repairOf(best.id) : .unclear
    }
}
