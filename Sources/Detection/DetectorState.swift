/// What the detector remembers about one DMA between windows. Small and Codable: the live
/// service stores it as JSON per DMA between windows; everything else is recomputed from the
/// DMA's history, which is what makes eval and live behave the same.
public struct DetectorState: Sendable, Equatable, Codable {
    /// Bumped when the layout changes incompatibly, so old stored states can be recognised.
    public static let currentVersion = 1

    public var version: Int
    public var dma: String
    /// Start of the last window stepped (epoch µs). Windows at or before it are ignored.
    public var lastWindow: Int64?
    /// The bursts being tracked, in the order they opened: a second burst can begin while the
    /// first is still open (`DetectorConfig.maxOpenBursts`).
    public var openBursts: [OpenBurst]
    /// Recent bursts' spans, so the days they touched are not learned as normal.
    public var pastBursts: [BurstSpan]
    /// The start of a near miss kept in view after it leaves the two-day span (nil: none).
    public var watchedStart: Int64?

    public init(dma: String) {
        version = Self.currentVersion
        self.dma = dma
        lastWindow = nil
        openBursts = []
        pastBursts = []
    }

    enum CodingKeys: String, CodingKey {
        case version, dma
        case lastWindow = "last_window"
        case openBursts = "open_bursts"
        /// Written by versions that tracked one burst at a time; read, never written.
        case openBurst = "open_burst"
        case pastBursts = "past_bursts"
        case watchedStart = "watched_start"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        dma = try container.decode(String.self, forKey: .dma)
        lastWindow = try container.decodeIfPresent(Int64.self, forKey: .lastWindow)
        // A state stored before several bursts could be open holds at most one, on its own key.
        if let bursts = try container.decodeIfPresent([OpenBurst].self, forKey: .openBursts) {
            openBursts = bursts
        } else {
            openBursts = try container.decodeIfPresent(OpenBurst.self, forKey: .openBurst).map { [$0] } ?? []
        }
        pastBursts = try container.decode([BurstSpan].self, forKey: .pastBursts)
        watchedStart = try container.decodeIfPresent(Int64.self, forKey: .watchedStart)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(dma, forKey: .dma)
        try container.encodeIfPresent(lastWindow, forKey: .lastWindow)
        try container.encode(openBursts, forKey: .openBursts)
        try container.encode(pastBursts, forKey: .pastBursts)
        try container.encodeIfPresent(watchedStart, forKey: .watchedStart)
    }

    /// The last past burst's end at or before `time` (`.min` when none): a new step starts,
    /// and a start is refined, no earlier (a later end is another burst's, not a baseline).
    func lastEnd(atOrBefore time: Int64 = .max) -> Int64 {
        pastBursts.map(\.end).filter { $0 <= time }.max() ?? .min
    }

    /// `burst` in place of the open burst with its event id.
    mutating func replace(_ burst: OpenBurst) {
        if let index = openBursts.firstIndex(where: { $0.eventID == burst.eventID }) { openBursts[index] = burst }
    }
}

/// A closed burst: from its estimated start to its estimated end (epoch µs), and its flow.
public struct BurstSpan: Sendable, Equatable, Codable {
    public var start: Int64
    public var end: Int64
    public var flowIncreaseLps: Double

    public init(start: Int64, end: Int64, flowIncreaseLps: Double) {
        self.start = start
        self.end = end
        self.flowIncreaseLps = flowIncreaseLps
    }

    enum CodingKeys: String, CodingKey {
        case start, end
        case flowIncreaseLps = "flow_increase_lps"
    }
}

/// An open event and what was last published about it.
public struct OpenBurst: Sendable, Equatable, Codable {
    public var eventID: String
    /// Current estimates.
    public var start: Int64
    public var flowIncreaseLps: Double
    public var flowIncreaseStandardError: Double
    /// The step statistic when last estimated (standard errors), and the strongest
    /// standardised pressure drop from the same start (0 without pressure loggers).
    public var z: Double
    public var pressureZ: Double
    /// Data time (window start) of the window that opened it.
    public var openedWindow: Int64
    /// As last published, to decide whether a change is material.
    public var publishedStart: Int64
    public var publishedFlowIncreaseLps: Double
    /// The first nodes of the last published area of interest (empty: none).
    public var publishedAreaNodes: [String]
    /// Windows since the start when it was last localised.
    public var localisedAtWindows: Int

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case start
        case flowIncreaseLps = "flow_increase_lps"
        case flowIncreaseStandardError = "flow_increase_se"
        case z
        case pressureZ = "pressure_z"
        case openedWindow = "opened_window"
        case publishedStart = "published_start"
        case publishedFlowIncreaseLps = "published_flow_increase_lps"
        case publishedAreaNodes = "published_area_nodes"
        case localisedAtWindows = "localised_at_windows"
    }
}
