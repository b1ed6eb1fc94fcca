import Detection
import Readings
import Testing

/// SplitMix64: a small, fast, seedable generator, so every synthetic series is reproducible.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Standard normal (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

/// A synthetic DMA in the shape real ones have: a daily demand pattern with a morning and an
/// evening peak, weekends later and lower, a level that varies from day to day, demand noise
/// proportional to demand, an inflow meter and an outflow meter to a neighbour, and three
/// pressure loggers that follow the flows, a shared inlet head and their own noise. A burst
/// adds a constant flow from its start (to its end, if any) and lowers pressure most at the
/// logger nearest to it.
struct SyntheticDMA {
    static let dma = "DMA-T"
    /// Monday 2026-03-02 00:00 UTC.
    static let origin: Int64 = 1_772_409_600_000_000
    static let window: Int64 = 900_000_000
    static let day: Int64 = 86_400_000_000

    struct Burst {
        var start: Int64
        var flowLps: Double
        var end: Int64?
        /// With `burstInlet`, whether this burst draws through FM-B (else through FM-IN).
        var throughBurstInlet = true
    }

    var days = 35
    var meanInflowLps = 100.0
    var relativeNoise = 0.03
    var dayLevelSpread = 0.04
    /// Lag-one correlation of the demand noise from window to window (real demand wanders).
    var demandNoiseMemory = 0.0
    var bursts: [Burst] = []
    /// Windows (start times) whose readings never arrive, for any channel.
    var missingWindows: Set<Int64> = []
    /// Per logger, a time range whose readings never arrive (a meter that fell silent).
    var silentMeters: [String: Range<Int64>] = [:]
    var seed: UInt64 = 1
    /// A third meter, FM-B, on a pipe that carried nothing in normal times (a closed valve, a
    /// standby pump) and carries the bursts' flow: the way a burst can change where the water
    /// comes in.
    var burstInlet = false
    /// The share of those bursts FM-B carries follows demand when this is above 0: at the
    /// demand pattern's highest it carries all of it, at its lowest `1 - burstInletSwing`
    /// (the rest comes through FM-IN), as a path the pressure drop opens carries more at the peak.
    var burstInletSwing = 0.0

    static let channels: [ChannelSpec] = [
        ChannelSpec(loggerID: "FM-IN", channel: "flow", element: "P-in", dma: dma, sign: 1, unit: .flow(.litresPerSecond)),
        ChannelSpec(loggerID: "FM-OUT", channel: "flow", element: "P-out", dma: dma, sign: -1, unit: .flow(.litresPerSecond)),
        ChannelSpec(loggerID: "PL-1", channel: "pressure", element: "N-1", dma: dma, sign: nil, unit: .pressure(.metres)),
        ChannelSpec(loggerID: "PL-2", channel: "pressure", element: "N-2", dma: dma, sign: nil, unit: .pressure(.metres)),
        ChannelSpec(loggerID: "PL-3", channel: "pressure", element: "N-3", dma: dma, sign: nil, unit: .pressure(.metres)),
    ]

    static let burstInletChannel = ChannelSpec(loggerID: "FM-B", channel: "flow", element: "P-b", dma: dma, sign: 1,
                                               unit: .flow(.litresPerSecond))

    /// This DMA's channels: `channels`, and FM-B with `burstInlet`.
    var channels: [ChannelSpec] { burstInlet ? Self.channels + [Self.burstInletChannel] : Self.channels }

    /// Head lost per l/s of inflow at each logger, and the share of a burst's local effect.
    private static let headLossPerLps = [0.02, 0.035, 0.05]
    private static let burstSensitivity = [0.04, 0.01, 0.0]

    static func time(day: Int, hour: Double) -> Int64 {
        origin + Int64(day) * Self.day + Int64(hour * 3_600_000_000)
    }

    /// Demand multiplier at an hour of a weekday or weekend day (mean about 1).
    static func pattern(hour: Double, weekend: Bool) -> Double {
        let h = weekend ? hour - 1.5 : hour
        let morning = exp(-pow((h - 7.5) / 1.5, 2))
        let evening = exp(-pow((h - 19) / 2.5, 2))
        let night = 0.45
        return (night + 1.1 * morning + 0.9 * evening + 0.35) * (weekend ? 0.92 : 1)
    }

    /// The demand pattern's extremes over a day (weekday and weekend).
    static let peakPattern = (0..<96).map { max(pattern(hour: Double($0) / 4, weekend: false), pattern(hour: Double($0) / 4, weekend: true)) }.max()!
    static let lowPattern = (0..<96).map { min(pattern(hour: Double($0) / 4, weekend: false), pattern(hour: Double($0) / 4, weekend: true)) }.min()!

    func burstFlow(at time: Int64, onlyThroughBurstInlet: Bool = false) -> Double {
        bursts.reduce(0) { total, burst in
            time >= burst.start && time < (burst.end ?? .max) && (burst.throughBurstInlet || !onlyThroughBurstInlet)
                ? total + burst.flowLps : total
        }
    }

    /// Every reading, in time order, one per channel per window.
    func readings() -> [NormalizedReading] {
        var random = SeededRandom(seed: seed)
        var result: [NormalizedReading] = []
        let slots = Int(Self.day / Self.window)
        var demandNoise = 0.0
        for day in 0..<days {
            let level = 1 + dayLevelSpread * random.gaussian()
            let weekend = day % 7 >= 5
            for slot in 0..<slots {
                demandNoise = demandNoiseMemory * demandNoise
                    + (1 - demandNoiseMemory * demandNoiseMemory).squareRoot() * random.gaussian()
                let time = Self.origin + Int64(day) * Self.day + Int64(slot) * Self.window
                let hour = Double(slot) / Double(slots) * 24
                let demand = meanInflowLps * level * Self.pattern(hour: hour, weekend: weekend)
                    * (1 + relativeNoise * demandNoise)
                let burst = burstFlow(at: time)
                let outflow = 12 + 0.3 * random.gaussian()
                let inflow = demand + burst + outflow
                let inletHead = 62 + 1.5 * sin(2 * .pi * (hour - 3) / 24) + 0.3 * random.gaussian()
                guard !missingWindows.contains(time) else { continue }
                let stamp = time + 450_000_000  // mid-window
                let swing = burstInletSwing * (Self.peakPattern - Self.pattern(hour: hour, weekend: weekend))
                    / (Self.peakPattern - Self.lowPattern)
                let throughBurstInlet = burstInlet ? burstFlow(at: time, onlyThroughBurstInlet: true) * (1 - swing) : 0
                let throughInlet = inflow - throughBurstInlet
                var window = [NormalizedReading(loggerID: "FM-IN", channel: "flow", timestamp: stamp, valueSI: throughInlet, dma: Self.dma),
                              NormalizedReading(loggerID: "FM-OUT", channel: "flow", timestamp: stamp, valueSI: outflow, dma: Self.dma)]
                if burstInlet {
                    window.append(NormalizedReading(loggerID: "FM-B", channel: "flow", timestamp: stamp, valueSI: throughBurstInlet,
                                                    dma: Self.dma))
                }
                for k in 0..<3 {
                    let pressure = inletHead - Self.headLossPerLps[k] * (demand + burst)
                        - Self.burstSensitivity[k] * burst + 0.03 * random.gaussian()
                    window.append(NormalizedReading(loggerID: "PL-\(k + 1)", channel: "pressure", timestamp: stamp,
                                                    valueSI: pressure, dma: Self.dma))
                }
                result += window.filter { silentMeters[$0.loggerID]?.contains(time) != true }
            }
        }
        return result
    }

    /// Runs a detector over every window from `fromDay` on, the way eval does: the history
    /// grows by each window's readings, then the window is stepped. Returns all events and the
    /// final state.
    func run(detector: BurstDetector = BurstDetector(), fromDay: Int = 14,
             afterEachStep: ((DetectorState) -> DetectorState)? = nil) -> (events: [BurstEvent], state: DetectorState) {
        let all = readings()
        var history = DMAHistory(dma: Self.dma, channels: channels)
        var state = DetectorState(dma: Self.dma)
        var events: [BurstEvent] = []
        var next = 0
        var window = Self.origin
        let end = Self.origin + Int64(days) * Self.day
        let firstStepped = Self.origin + Int64(fromDay) * Self.day
        while window < end {
            while next < all.count, all[next].timestamp < window + Self.window {
                history.append(all[next])
                next += 1
            }
            if window >= firstStepped {
                let result = detector.step(state, window: window, history: history)
                state = afterEachStep?(result.state) ?? result.state
                events += result.events
            }
            window += Self.window
        }
        return (events, state)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The events that opened, in order.
func opened(_ events: [BurstEvent]) -> [BurstEvent] { events.filter { $0.state == .opened } }

/// The first event that closed; when none did, the test fails there, listing every event.
func firstClosed(_ events: [BurstEvent], sourceLocation: SourceLocation = #_sourceLocation) throws -> BurstEvent {
    try #require(events.first { $0.state == .closed },
                 "\(events.map { "\($0.state) \(ISOTimestamp.format($0.detectedAt))" })", sourceLocation: sourceLocation)
}
