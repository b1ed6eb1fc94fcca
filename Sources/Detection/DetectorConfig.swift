/// Settings of the burst detector. None is per DMA: every threshold is in units of the noise
/// the detector learns for each DMA from its own history, so the defaults hold for any
/// network.
public struct DetectorConfig: Sendable, Equatable, Codable {
    /// Length of the window grid (the data's reporting interval).
    public var windowSeconds: Int64 = 900
    /// Where a day starts relative to UTC midnight, in seconds east (the utility's local
    /// midnight: 3600 for UTC+1). Demand patterns follow the local clock.
    public var dayOffsetSeconds: Int64 = 0

    /// No alarms until this many complete burst-free days of history exist.
    public var minHistoryDays = 7
    /// History older than this is not used (demand drifts with the seasons).
    public var maxHistoryDays = 28
    /// A day is used for learning only when at least this share of its windows has inflow; a
    /// weekday with no such day learns from its days that have half this share.
    public var minDayCoverage = 0.75

    /// Open an event when the step statistic reaches this many standard errors. (On ~600
    /// simulated burst-free DMA-days on four networks the largest daily maximum was 4.7.)
    public var openThreshold = 5.0
    /// Or when the step reaches this many standard errors and, from the same start, a pressure
    /// logger fell by `pressureThreshold` of its own standard errors: two independent
    /// measurements agreeing need less from each.
    public var corroboratedOpenThreshold = 3.5
    public var pressureThreshold = 5.0
    /// Or when flow and pressure, each at least `combinedMinimum` standard errors, reach this
    /// together (√(flow² + pressure²)): a burst that moves both a little is as clear as one
    /// that moves one a lot, and shows sooner. On the simulated suite's burst-free days
    /// the combination first raised false alarms at 5.0; 6.0 keeps a full standard error
    /// clear of that for networks not seen (`tools/EVAL_RESULTS.md`).
    public var combinedOpenThreshold = 6.0
    public var combinedMinimum = 2.5
    /// In every rule above, the flow's evidence is the larger of the step's two statistics:
    /// its mean excess against the noise, and its jump against the noise's memory (the
    /// whitened statistic, see `StepTest`) — the latter only when the mean excess is at least
    /// this many standard errors itself, so that a jump the following windows do not keep
    /// up (a spike, a meter glitch, a tank filling inside the DMA) is not a burst. On the
    /// simulated suite, 2.0 and 2.5 let storage swings in one network open false events
    /// (each with a jump of 5–9 standard errors); 3.0 added none (`tools/EVAL_RESULTS.md`).
    public var jumpSupportMinimum = 3.0
    /// The jump also counts on weaker support, down to this many standard errors of mean
    /// excess, when what jumped has stayed: the step the jump estimates agrees with the mean
    /// excess within two standard errors of their difference, and is of a burst's size (at
    /// most `weakJumpMaxShare` of the DMA's mean inflow). Where demand noise has long memory
    /// (variance inflation at its cap) the mean excess of a 15 % burst stays near 2 standard
    /// errors for hours while its jump stands at 7; the storage swings the 3.0 above keeps
    /// out jump to two or three times what they keep, or to 25-38 % of the inflow. On the
    /// suite: median time to detect 3 h 23 m -> 2 h 30 m, >= 10 % 53 m -> 30 m, the same
    /// bursts found and the same false alarms (`tools/EVAL_RESULTS.md`, session 14).
    public var weakJumpSupportMinimum = 2.0
    public var weakJumpMaxShare = 0.2
    /// A step whose flow evidence reaches this, without opening, is a near miss: when its
    /// start leaves the two-day span it is followed, at that start only, over up to
    /// `nearMissSpanDays` days. (On the suite 3.5 and 4.0 gave the same table; at 4.5 a 5 %
    /// burst was lost again, `tools/EVAL_RESULTS.md`.)
    public var nearMissThreshold = 4.0
    public var nearMissSpanDays = 3
    /// Either way, the step must have lasted at least this many windows (a burst is sustained).
    public var minOpenWindows = 2
    /// Close an event whose step, refined as windows arrive, has fallen below this many
    /// standard errors (flow and pressure together): about what noise alone reaches over a
    /// day of candidate starts. At 3.5 and 4.0 the suite's divided DMAs withdrew false
    /// events only for the next to open (`tools/EVAL_RESULTS.md`).
    public var withdrawThreshold = 3.0
    /// Close when a return to normal is this many standard errors below the open flow…
    /// (stricter than opening: closing a burst that still runs would hide it, and re-open it
    /// as a second event), or when the fall and the pressure the burst lowered coming back
    /// reach it together, each at least `combinedMinimum`
    public var closeThreshold = 6.0
    /// …and has lasted this many windows. The fall is looked for from the burst's first day,
    /// at most this many days back.
    public var minCloseWindows = 8
    public var maxCloseSpanDays = 7
    /// At most this many events open at once in one DMA: while fewer are, and the flow alone
    /// shows each at `openThreshold` or more, a new burst is looked for on top of them. 1: one
    /// at a time, a second burst hidden until the first closes.
    public var maxOpenBursts = 3
    /// With several events open, a fall closes the one whose flow it matches once that match
    /// is this much likelier than any other's (a log-likelihood ratio: 3 is 20 to 1)…
    public var repairAttributionRatio = 3.0
    /// …or, however close the runner-up, once the fall has lasted this many windows.
    public var maxRepairAttributionWindows = 16
    /// Residuals are winsorised at this many standard deviations inside the test statistic.
    public var clipSigma = 4.0

    /// Publish `updated` when the flow estimate moves by this share of the last published one
    /// (and by more than two standard errors)…
    public var updateRelativeFlowChange = 0.25
    /// …or the start estimate by this many windows.
    public var updateStartWindows = 4
    /// Localise again whenever the windows since the start doubled, up to this many windows.
    public var relocaliseUntilWindows = 192
    /// The localiser linearises the network at what the meters measured over this many
    /// windows before the burst's start (`MeasuredOperation`): the hour the burst met.
    public var operationWindows = 4

    public init() {}

    public static let `default` = DetectorConfig()
}
