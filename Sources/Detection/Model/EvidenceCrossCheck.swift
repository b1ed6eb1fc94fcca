/// Takes weight off a logger's drop where the pressure model the detector uses, which explains
/// each logger by every flow channel, and a second one that explains it by the net inflow alone
/// disagree by more than they do on normal days.
///
/// Why: a burst changes how a DMA's flow is shared among its meters as well as how much flows
/// in: it draws through the tank and pump lines nearest it, and shifts when tanks fill and pumps
/// switch. The per-channel regression reads a logger's pressure off those lines' flows, which
/// stood for tank levels and pump states in training; under the burst they no longer do, and
/// loggers the burst never reached show drops. On w-ky3-b3 (2.6 l/s at J-183) four loggers of
/// another zone fell 0.35-0.61 m (z 7) beside J-197's 0.46 m (z 53); EPANET, with and without
/// the burst, moves those four by 0.001-0.013 m. The localiser ranked the burst node last. The
/// net inflow cannot be redistributed, so the second model makes no such drops; alone, though,
/// it is too noisy where tanks cycle all day (on the first suite 9 of 29 bursts in their area
/// instead of 19; `tools/EVAL_RESULTS.md`, session 28).
///
/// How: the two residuals differ by what the channels explain beyond the net inflow, so on
/// normal days the difference of the two drops has a spread of about √(σ_net² − σ²) (σ, σ_net
/// the drops' learned spreads). A per-channel drop larger than the net-inflow one by more than
/// `limit` times that spread, and by more than the drop's own noise σ, says the channels moved
/// as they seldom did in training: the difference is added to the drop's noise (in
/// quadrature). The drop itself is kept, so a logger the burst did lower still counts, with
/// the weight that is left; which model is right is not decided here.
///
/// Why one side only: what the check is for is a drop the channels invented. Where the net
/// inflow shows the larger drop, the logger fell at least as far as the evidence says; doubting
/// it took weight off the very logger beside the burst (w-ky3-b3: J-197, 0.44 m by the
/// channels, 0.55 m by the net inflow, its noise 0.008 -> 0.11 m). A rise the net inflow does
/// not show is left alone too: doubting those as well measured no better than both sides.
/// One-sided, the wide suite held 19 of 30 bursts in their areas and the first suite 21 of 28,
/// against 18 and 20 (`tools/EVAL_RESULTS.md`, session 29).
///
/// Why the noise too: the two models take out different common modes and each spread is
/// learned with its tail, so σ_net can come out no larger than σ, and the spread is then 0. A
/// difference within the drop's own noise cannot change what the drop says by more than that
/// noise does, and is no sign of an invented drop. Without this, on the demo network (two
/// meters, 4 l/s at J-4-3) the logger nearest the burst fell 0.176 m by one model and 0.144 m
/// by the other (± 0.036 m, spread 0), lost half its weight, and the area moved one pipe off
/// the burst (`tools/EVAL_RESULTS.md`, session 29).
enum EvidenceCrossCheck {
    static let limit = 3.0

    /// `evidence` with the noise of each logger whose drop exceeds `netInflow`'s drop of the
    /// same logger (by more than `limit` spreads and its own noise) widened; loggers missing from
    /// `netInflow` unchanged.
    static func checked(_ evidence: [PressureEvidence], against netInflow: [PressureEvidence],
                        limit: Double = limit) -> [PressureEvidence] {
        let other = Dictionary(netInflow.map { ($0.loggerID, $0) }, uniquingKeysWith: { first, _ in first })
        return evidence.map { item in
            guard let second = other[item.loggerID] else { return item }
            let difference = item.dropM - second.dropM
            let spread = max(second.sigmaM * second.sigmaM - item.sigmaM * item.sigmaM, 0).squareRoot()
            guard difference > max(limit * spread, item.sigmaM) else { return item }
            var widened = item
            widened.sigmaM = (item.sigmaM * item.sigmaM + difference * difference).squareRoot()
            return widened
        }
    }
}
