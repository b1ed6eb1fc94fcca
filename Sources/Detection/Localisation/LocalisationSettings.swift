import Foundation

/// How the localiser predicts a burst's pressure signature at the loggers.
///
/// On Net3 with its ten scenario loggers and drops simulated by EPANET (a 15 l/s burst
/// at each junction in turn, at 03:00, plus a shared offset and 0.02 m noise), the burst
/// node fell inside the area for 77 % of bursts with `linearHydraulics` against 59 % with
/// `distanceDecay` (areas of 7-9 % of the pipe length); EPANET's exact signatures would
/// reach 88 %. With 0.1 m noise: 62 % against 51 % (exact: 64 %).
/// (Linearising around EPANET's actual flows with the pumps as stiff pipes was tried then
/// and fitted worse: a burst is not a small change for the many pipes that carry little.
/// `operatingPoint` floors each pipe's velocity and models the pumps' curves, which fixes
/// both.)
///
/// The default is `operatingPointOrLinear`. On the eval suite (`burstwatch eval --suite
/// /tmp/bw-suite`, session 3) it put the burst node in the area for 11 of 22 localised
/// bursts against 10 with `linearHydraulics` and 9 with `operatingPoint` alone; median
/// distance from the burst node to the area 312 m against 773 m and 503 m. Against
/// EPANET's own drops one hour into each of the suite's 32 bursts (patterns, controls and
/// tanks running; tools/hydraulics_check.py burst) the burst node's mean rank among the
/// candidates was 0.090 against 0.122 (linear) and 0.115 (operating point).
public enum SignatureMethod: String, Sendable, Codable, CaseIterable {
    /// The drop falls off with network distance from the burst: exp(-d / L).
    case distanceDecay
    /// The network linearised around a typical flow state: the drop a unit outflow at
    /// the burst causes at each logger (see `LinearHydraulicSignature`).
    case linearHydraulics
    /// The network linearised around its solved steady state: pump curves, active PRVs
    /// and real pipe flows included (see `OperatingPointSignature`).
    case operatingPoint
    /// Both hydraulic signatures as alternatives, each candidate keeping the one that fits
    /// it better: the state at the burst's hour (pumps cycling, tank levels, demand
    /// level) is not the base state the operating point is solved at, and where it
    /// differs most the typical-velocity linearisation can be the better guess.
    case operatingPointOrLinear

    /// RMS misfit of the true burst node's best fit to EPANET-simulated drops, as a share
    /// of the drops' range, measured on Net3 (bursts at every junction; 75th to 90th
    /// percentile): about 0.13-0.19 for `linearHydraulics`, 0.24-0.26 for `distanceDecay`.
    ///
    /// For `linearHydraulics` the figure is 0.20, the upper end: on the detector's own
    /// evidence (106 localisations of 22 simulated bursts on five networks, with
    /// pump, tank and demand dynamics and the drops the detector actually measured) the
    /// posterior was over-confident at 0.15 (the true node's probability rank had a 90th
    /// percentile of 0.94 and was above 0.9 in 12 % of cases) and calibrated at 0.20
    /// (0.88 and 9 %); at 0.25 and above it becomes under-confident (0.76 and 3 %).
    public var typicalModelError: Double {
        switch self {
        case .distanceDecay: return 0.25
        case .linearHydraulics: return 0.20
        // The linear method's figure, and the best of those measured on the simulated
        // suite (burst node in the area: 10/23 at 0.12, 13/23 at 0.20, 12/23 at 0.30).
        case .operatingPoint, .operatingPointOrLinear: return 0.20
        }
    }
}

/// Tuning of `Localiser`. The defaults hold for any network: every scale is derived
/// from the network and the loggers, never from a particular network.
public struct LocalisationSettings: Sendable, Equatable {
    public var method: SignatureMethod
    /// Stop growing the area once it holds this share of the probability of where the
    /// burst is.
    public var coverage: Double
    /// Never grow the area beyond this share of the network's pipe length (an area of
    /// half the network tells a repair crew nothing). `minimumPipes` are always allowed.
    ///
    /// 5 %: on the suite (27 bursts) a 10 % cap placed the burst node in 20 areas at a
    /// median share of 9.8 %; 5 % (seed 2.5 %) also in 20, at 4.9 %. The posterior is flat,
    /// so areas fill up to the cap, and the extra half held no more bursts
    /// (tools/EVAL_RESULTS.md, session 7).
    public var maxShareOfPipeLength: Double
    /// The area may always hold this many pipes, whatever the cap. 2: on a network of few
    /// long pipes (Net1's are a mile each, 8.3 % of it) a one-pipe area claims a precision
    /// three loggers cannot give; on the development-style suite its five Net1 areas held
    /// the burst node for 2 of 5 at one pipe and 4 of 5 at two (16.6 % of the network),
    /// elsewhere the cap binds long before (tools/EVAL_RESULTS.md, session 15).
    public var minimumPipes: Int
    /// Distance decay: the length scales tried, as multiples of the median
    /// logger-to-logger network distance; each candidate keeps its best fit, because how
    /// far a drop spreads depends on pipe sizes the distance alone does not show.
    public var lengthScaleFactors: [Double]
    /// How far the signature model's shape is from real hydraulics, as a share of the
    /// observed drop's range; added to every logger's noise. Without it, precise loggers
    /// make the localiser trust an approximate model too much and confidently point at
    /// the wrong place. nil: the method's own figure (`SignatureMethod.typicalModelError`).
    public var modelErrorShare: Double?
    /// The area grows from the centre of the neighbourhood of this share of the pipe
    /// length that holds the most probability (`AreaSeed`); 0: from the most probable node.
    /// Half the cap, so the seed's neighbourhood fits well inside the area it starts.
    public var seedNeighbourhoodShare: Double
    /// How far (natural log) the burst size a candidate's fit implies may stray from the
    /// measured flow increase before it counts against the candidate (`CandidateScoring`);
    /// nil: the size is free, only the drop's shape counts. Applies to the operating-point
    /// signature, whose drops are in metres per m³/s, and to the linear one rescaled to it.
    ///
    /// ln 3, a factor of 3: on the suite's bursts the operating point's implied size was
    /// within a factor of 3 of the measured flow wherever the drops stood out of the noise
    /// (Net1, Net3, Net6; ky4 0.2 to 3); tried 0.8, 1.1 and 1.5, the burst node's median
    /// rank was lowest at 1.1 (tools/EVAL_RESULTS.md, session 6).
    public var burstSizeSpread: Double?
    /// Compare each candidate's signature with the drops as the pressure model reports them:
    /// less each logger's common-mode gain times the loggers' median drop
    /// (`Localiser.throughCommonMode`). false: the raw signature, as before.
    ///
    /// On a network that is one DMA, a burst lowers every logger, and the pressure model takes
    /// much of that out as common mode: on Hanoi and KL the loggers far from the burst then
    /// show rises of 1-3 m and 0.1-1 m, which no raw signature explains. Measured end to end
    /// (`burstwatch eval --suite`): burst node in the area on the wide suite 12 -> 16 of 29,
    /// held-out 8 -> 9 of 15, first suite 20 -> 21 of 28, development-style suite 17 -> 15 of
    /// 22 (two Net3 bursts whose loggers all fell by three times what the steady state gives,
    /// a fall that broader signatures explain better through the gains; tools/EVAL_RESULTS.md,
    /// session 17). The median is over the loggers in the evidence, the model's over every
    /// logger reading at the time: nearly always the same.
    public var commonModeLens: Bool

    public init(method: SignatureMethod = .operatingPointOrLinear, coverage: Double = 0.9,
                maxShareOfPipeLength: Double = 0.05, lengthScaleFactors: [Double] = [0.25, 0.5, 1, 2],
                modelErrorShare: Double? = nil, seedNeighbourhoodShare: Double = 0.025,
                burstSizeSpread: Double? = log(3), minimumPipes: Int = 2, commonModeLens: Bool = true) {
        self.commonModeLens = commonModeLens
        self.minimumPipes = minimumPipes
        self.seedNeighbourhoodShare = seedNeighbourhoodShare
        self.burstSizeSpread = burstSizeSpread
        self.method = method
        self.modelErrorShare = modelErrorShare
        self.coverage = coverage
        self.maxShareOfPipeLength = maxShareOfPipeLength
        self.lengthScaleFactors = lengthScaleFactors
    }
}
