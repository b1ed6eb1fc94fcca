import Readings

/// One DMA's data on the fixed window grid (15 minutes by default): for every window, the mean
/// of each flow and pressure channel within it. The net inflow of a window is the signed sum of
/// the flow channels' means, and only exists when every flow channel reported in that window
/// (a missing meter would otherwise look like a sudden drop or rise in demand; the detector
/// estimates such a window's inflow from the meters that did report, `InflowImputation`).
///
/// Built incrementally: `append` is O(1) amortised, readings may arrive in any order (late
/// files are normal), and a reading before the first window grows the grid backwards. The
/// detector reads it by window index; nothing here knows about bursts.
public struct DMAHistory: Sendable {
    public let dma: String
    public let windowMicros: Int64
    /// The DMA's flow channels in registration order; `sign` says which way is into the DMA.
    public let flowChannels: [ChannelSpec]
    /// The DMA's pressure channels in registration order (`element` is the node id).
    public let pressureChannels: [ChannelSpec]

    /// Start of the window at index 0; nil until the first reading arrives.
    public private(set) var firstWindowStart: Int64?
    public private(set) var windowCount = 0

    private var flow: [ChannelAccumulator]
    private var pressure: [ChannelAccumulator]
    private let slotByKey: [ChannelKey: ChannelSlot]
    private let flowSigns: [Double]

    private enum ChannelSlot: Sendable {
        case flow(Int)
        case pressure(Int)
    }

    /// - Parameter channels: the registry's channels; those of other DMAs are ignored, so the
    ///   whole registry may be passed.
    public init(dma: String, channels: [ChannelSpec], windowSeconds: Int64 = Windowing.defaultLengthSeconds) {
        precondition(windowSeconds > 0, "window length must be positive")
        self.dma = dma
        self.windowMicros = windowSeconds * 1_000_000
        let own = channels.filter { $0.dma == dma }
        flowChannels = own.filter { $0.quantity == .flow }
        pressureChannels = own.filter { $0.quantity == .pressure }
        flowSigns = flowChannels.map { $0.sign ?? 1 }
        var slots: [ChannelKey: ChannelSlot] = [:]
        for (index, spec) in flowChannels.enumerated() { slots[spec.key] = .flow(index) }
        for (index, spec) in pressureChannels.enumerated() { slots[spec.key] = .pressure(index) }
        slotByKey = slots
        flow = Array(repeating: ChannelAccumulator(), count: flowChannels.count)
        pressure = Array(repeating: ChannelAccumulator(), count: pressureChannels.count)
    }

    public init(dma: String, registry: LoggerRegistry, windowSeconds: Int64 = Windowing.defaultLengthSeconds) {
        self.init(dma: dma, channels: registry.channels(inDMA: dma), windowSeconds: windowSeconds)
    }

    // MARK: - Appending

    /// Adds one reading to its window. Returns false (and changes nothing) for a reading of
    /// another DMA or of a channel this DMA does not have.
    @discardableResult
    public mutating func append(_ reading: NormalizedReading) -> Bool {
        guard reading.dma == dma,
              let slot = slotByKey[ChannelKey(loggerID: reading.loggerID, channel: reading.channel)],
              reading.valueSI.isFinite else { return false }
        let start = Windowing.windowStart(of: reading.timestamp, lengthSeconds: windowMicros / 1_000_000)
        let index = makeRoom(forWindowStart: start)
        switch slot {
        case .flow(let channel): flow[channel].add(reading.valueSI, at: index)
        case .pressure(let channel): pressure[channel].add(reading.valueSI, at: index)
        }
        return true
    }

    public mutating func append<S: Sequence>(contentsOf readings: S) where S.Element == NormalizedReading {
        for reading in readings { append(reading) }
    }

    /// Grows the grid so that `start` has an index, and returns it.
    private mutating func makeRoom(forWindowStart start: Int64) -> Int {
        guard let first = firstWindowStart else {
            firstWindowStart = start
            extend(to: 1)
            return 0
        }
        if start < first {
            let missing = Int((first - start) / windowMicros)
            for index in flow.indices { flow[index].prepend(missing) }
            for index in pressure.indices { pressure[index].prepend(missing) }
            firstWindowStart = start
            windowCount += missing
            return 0
        }
        let index = Int((start - first) / windowMicros)
        if index >= windowCount { extend(to: index + 1) }
        return index
    }

    private mutating func extend(to count: Int) {
        for index in flow.indices { flow[index].extend(to: count) }
        for index in pressure.indices { pressure[index].extend(to: count) }
        windowCount = count
    }

    // MARK: - Reading

    /// The index of the window starting at `start`, nil when it is not on the grid or outside it.
    public func index(ofWindowStart start: Int64) -> Int? {
        guard let first = firstWindowStart, start >= first, (start - first) % windowMicros == 0 else { return nil }
        let index = Int((start - first) / windowMicros)
        return index < windowCount ? index : nil
    }

    /// The index `start` would have (may be negative or beyond the end); nil before any data.
    public func gridIndex(ofWindowStart start: Int64) -> Int? {
        guard let first = firstWindowStart else { return nil }
        let offset = start - first
        let floor = offset >= 0 ? offset / windowMicros : (offset - windowMicros + 1) / windowMicros
        return Int(floor)
    }

    public func windowStart(atIndex index: Int) -> Int64 {
        (firstWindowStart ?? 0) + Int64(index) * windowMicros
    }

    /// Net inflow (l/s) of a window: the signed sum of the flow channels' means. Nil when any
    /// flow channel has no reading in it, or the DMA has no flow channel.
    public func inflow(atIndex index: Int) -> Double? {
        guard index >= 0, index < windowCount, !flow.isEmpty else { return nil }
        var total = 0.0
        for channel in flow.indices {
            guard let signed = signedFlowMean(channel: channel, atIndex: index) else { return nil }
            total += signed
        }
        return total
    }

    /// Mean of one flow channel in a window with its sign applied: positive into the DMA.
    public func signedFlowMean(channel: Int, atIndex index: Int) -> Double? {
        flowMean(channel: channel, atIndex: index).map { flowSigns[channel] * $0 }
    }

    /// Whether any flow channel reported in a window.
    public func hasFlowReading(atIndex index: Int) -> Bool {
        guard index >= 0, index < windowCount else { return false }
        return flow.contains { $0.mean(at: index) != nil }
    }

    /// Mean of one flow channel (as the logger measured it, sign not applied) in a window.
    public func flowMean(channel: Int, atIndex index: Int) -> Double? {
        guard index >= 0, index < windowCount else { return nil }
        return flow[channel].mean(at: index)
    }

    /// Mean pressure (m) of one pressure channel in a window.
    public func pressureMean(channel: Int, atIndex index: Int) -> Double? {
        guard index >= 0, index < windowCount else { return nil }
        return pressure[channel].mean(at: index)
    }

    /// Readings held in windows `0..<endIndex`: a cheap fingerprint of the data a model
    /// fitted on those windows saw (late readings change it, so the model is refitted).
    public func readingCount(beforeIndex endIndex: Int) -> Int {
        let end = min(max(endIndex, 0), windowCount)
        var total = 0
        for channel in flow { total += channel.count(before: end) }
        for channel in pressure { total += channel.count(before: end) }
        return total
    }

    // MARK: - Whole-series views (convenient for callers and tests; the detector reads by index)

    public var windowStarts: [Int64] { (0..<windowCount).map(windowStart(atIndex:)) }

    public var netInflow: [Double?] { (0..<windowCount).map(inflow(atIndex:)) }

    /// Each pressure logger's mean per window, keyed by logger id.
    public var pressureMeans: [String: [Double?]] {
        var result: [String: [Double?]] = [:]
        for (channel, spec) in pressureChannels.enumerated() {
            result[spec.loggerID] = (0..<windowCount).map { pressureMean(channel: channel, atIndex: $0) }
        }
        return result
    }
}

/// Sum and count of one channel's readings per window.
private struct ChannelAccumulator: Sendable {
    var sums: [Double] = []
    var counts: [UInt32] = []

    mutating func add(_ value: Double, at index: Int) {
        sums[index] += value
        counts[index] += 1
    }

    func mean(at index: Int) -> Double? {
        let count = counts[index]
        return count == 0 ? nil : sums[index] / Double(count)
    }

    mutating func extend(to count: Int) {
        guard count > sums.count else { return }
        sums.append(contentsOf: repeatElement(0, count: count - sums.count))
        counts.append(contentsOf: repeatElement(0, count: count - counts.count))
    }

    mutating func prepend(_ count: Int) {
        sums.insert(contentsOf: repeatElement(0, count: count), at: 0)
        counts.insert(contentsOf: repeatElement(0, count: count), at: 0)
    }

    func count(before end: Int) -> Int {
        var total = 0
        for index in 0..<end { total += Int(counts[index]) }
        return total
    }
}
