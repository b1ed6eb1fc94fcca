import Foundation
import Readings

/// The synthetic utility the benchmark ingests: `dmaCount` district metered areas, each a
/// 6 × 6 grid fed through an inflow meter and exporting through an outflow meter, with four
/// pressure loggers. The loggers are a realistic mix: flow in l/s, m³/h, MLD or gpm, pressure
/// in m, bar, kPa or psi; some files carry a header and some do not, some loggers stamp UTC and
/// some local time with an offset, some end lines with CRLF. Every file holds one reading, as
/// in the study the benchmark reproduces.
///
/// Values follow the demo scenario's simple physics (daily pattern, noise, a burst adds flow
/// and lowers pressure near it). Every value depends only on (seed, DMA, step), so any range
/// of steps can be generated on its own and agrees with any other.
public struct BenchDataset: Sendable {
    public struct LoggerChannel: Sendable {
        public var loggerID: String
        public var channel: String
        public var quantity: Quantity
        public var element: String
        public var dma: String
        public var sign: String
        public var unit: ChannelUnit
        public var unitName: String
        /// Index within the DMA: 0 inflow, 1 outflow, 2…5 pressure.
        public var slot: Int
        public var style: FileStyle
    }

    /// How one logger writes its files.
    public struct FileStyle: Sendable, Equatable {
        public var header: Bool
        /// Seconds east of UTC the logger stamps in (0: `Z`).
        public var utcOffsetSeconds: Int
        public var crlf: Bool
        public var decimals: Int
    }

    public struct File: Sendable {
        public var name: String
        public var bytes: [UInt8]
        /// Data time of the reading, epoch µs.
        public var timestamp: Int64
        public var dma: String
    }

    public struct Burst: Sendable {
        public var dma: String
        public var node: String
        public var start: Int64
        public var sizeLps: Double
        public init(dma: String, node: String, start: Int64, sizeLps: Double) {
            self.dma = dma
            self.node = node
            self.start = start
            self.sizeLps = sizeLps
        }
    }

    public let dmaCount: Int
    /// Data time of step 0, epoch µs.
    public let start: Int64
    public let stepSeconds: Int64
    public let seed: UInt64
    public let channels: [LoggerChannel]

    static let gridSize = 6
    static let spacingM = 100.0
    static let pressureNodes = [(1, 1), (1, 4), (4, 1), (4, 4)]
    static let flowUnits = ["l/s", "m3/h", "MLD", "gpm"]
    static let pressureUnits = ["m", "bar", "kPa", "psi"]

    /// 2026-03-02T00:00:00Z: in the past, so no reading is refused as lying in the future.
    public static let defaultStart: Int64 = 1_772_409_600_000_000

    public init(dmaCount: Int, start: Int64 = BenchDataset.defaultStart, stepSeconds: Int64 = 900, seed: UInt64 = 1) {
        precondition(dmaCount > 0 && dmaCount < 1000, "1 to 999 DMAs")
        self.dmaCount = dmaCount
        self.start = start
        self.stepSeconds = stepSeconds
        self.seed = seed
        var channels: [LoggerChannel] = []
        for d in 0..<dmaCount {
            let dma = Self.dmaName(d)
            let tag = String(format: "%03d", d)
            func add(_ id: String, _ channel: String, _ element: String, _ sign: String, _ unitName: String, _ slot: Int) {
                let unit: ChannelUnit = slot < 2 ? .flow(FlowUnit(name: unitName)!) : .pressure(PressureUnit(name: unitName)!)
                let index = d * 6 + slot
                let style = FileStyle(header: index % 3 != 2, utcOffsetSeconds: index % 4 == 3 ? 3600 : 0,
                                      crlf: index % 5 == 4, decimals: slot < 2 ? 3 : 2)
                channels.append(LoggerChannel(loggerID: id, channel: slot < 2 ? "flow" : "pressure",
                                              quantity: slot < 2 ? .flow : .pressure, element: element, dma: dma,
                                              sign: sign, unit: unit, unitName: unitName, slot: slot, style: style))
            }
            add("FM\(tag)I", "flow", "P\(tag)-IN", "1", Self.flowUnits[d % 4], 0)
            add("FM\(tag)O", "flow", "P\(tag)-OUT", "-1", Self.flowUnits[(d + 1) % 4], 1)
            for (k, node) in Self.pressureNodes.enumerated() {
                add("PL\(tag)\(["A", "B", "C", "D"][k])", "pressure", Self.junction(d, node.0, node.1), "",
                    Self.pressureUnits[(d + k) % 4], 2 + k)
            }
        }
        self.channels = channels
    }

    public static func dmaName(_ index: Int) -> String { String(format: "DMA-%03d", index) }
    public static func junction(_ dma: Int, _ row: Int, _ column: Int) -> String { String(format: "J%03d-%d-%d", dma, row, column) }

    /// Files per data step (one per logger channel).
    public var filesPerStep: Int { channels.count }

    public var loggersCSV: String {
        var csv = "logger_id,channel,quantity,element,dma,sign,unit\n"
        for c in channels { csv += "\(c.loggerID),\(c.channel),\(c.quantity.rawValue),\(c.element),\(c.dma),\(c.sign),\(c.unitName)\n" }
        return csv
    }

    /// One EPANET network holding every DMA's grid, laid out side by side.
    public var networkINP: String {
        let n = Self.gridSize
        var junctions = "[JUNCTIONS]\n;ID\tElev\tDemand\n"
        var reservoirs = "[RESERVOIRS]\n;ID\tHead\n"
        var pipes = "[PIPES]\n;ID\tNode1\tNode2\tLength\tDiameter\tRoughness\tMinorLoss\tStatus\n"
        var coordinates = "[COORDINATES]\n;Node\tX\tY\n"
        for d in 0..<dmaCount {
            let tag = String(format: "%03d", d)
            let x0 = Double(d % 10) * 1000, y0 = Double(d / 10) * 1000
            reservoirs += "R\(tag)\t80\n"
            coordinates += "R\(tag)\t\(x0 - 100)\t\(y0)\n"
            junctions += "X\(tag)\t20\t0\n"
            coordinates += "X\(tag)\t\(x0 + Double(n) * Self.spacingM + 50)\t\(y0 + Double(n - 1) * Self.spacingM)\n"
            pipes += "P\(tag)-IN\tR\(tag)\t\(Self.junction(d, 0, 0))\t150\t300\t120\t0\tOpen\n"
            pipes += "P\(tag)-OUT\t\(Self.junction(d, n - 1, n - 1))\tX\(tag)\t150\t150\t120\t0\tOpen\n"
            let demand = String(format: "%.3f", meanInflow(d) / Double(n * n))
            for row in 0..<n {
                for column in 0..<n {
                    let id = Self.junction(d, row, column)
                    junctions += "\(id)\t\(20 + row + column)\t\(demand)\n"
                    coordinates += "\(id)\t\(x0 + Double(column) * Self.spacingM)\t\(y0 + Double(row) * Self.spacingM)\n"
                    if column + 1 < n { pipes += "P\(tag)-\(row)-\(column)-E\t\(id)\t\(Self.junction(d, row, column + 1))\t100\t150\t120\t0\tOpen\n" }
                    if row + 1 < n { pipes += "P\(tag)-\(row)-\(column)-S\t\(id)\t\(Self.junction(d, row + 1, column))\t100\t150\t120\t0\tOpen\n" }
                }
            }
        }
        return """
            [TITLE]
            burstwatch bench network: \(dmaCount) grid DMAs

            \(junctions)
            \(reservoirs)
            \(pipes)
            [OPTIONS]
            Units\tLPS
            Headloss\tH-W

            \(coordinates)
            [END]

            """
    }

    /// Mean inflow of a DMA, 20 to 60 l/s, so that DMAs differ in size.
    func meanInflow(_ d: Int) -> Double { 20 + Double((d * 37) % 41) }

    /// The value (l/s or m) of every channel at one step, as the loggers measure it.
    func valuesSI(dma d: Int, step: Int, burst: Burst?) -> [Double] {
        let ts = timestamp(ofStep: step)
        let stepsPerDay = Int(86_400 / stepSeconds)
        var dayRNG = SplitMix64(seed: mixSeed(seed, UInt64(d), UInt64(step / stepsPerDay), 0xDA7))
        let dayLevel = 1 + 0.03 * dayRNG.normal()
        var rng = SplitMix64(seed: mixSeed(seed, UInt64(d), UInt64(step), 0x57E9))
        let mean = meanInflow(d)
        let leak = burst.map { ts >= $0.start ? $0.sizeLps : 0 } ?? 0
        let export = 0.1 * mean + 0.5 * sin(Double(step) / 7 + Double(d))
        let inflow = mean * dayLevel * DemoScenario.pattern(at: ts) + leak + export
        var values = [inflow * (1 + 0.005 * rng.normal()), export * (1 + 0.005 * rng.normal())]
        let lossCoefficient = 0.004 * pow(40 / mean, 2)
        for node in Self.pressureNodes {
            var pressure = 58 - Double(node.0 + node.1) - lossCoefficient * inflow * inflow
            if let burst, ts >= burst.start {
                let (r, c) = Self.gridPosition(burst.node)
                let closeness = 1 / (1 + Double(abs(r - node.0) + abs(c - node.1)))
                pressure -= 0.6 * burst.sizeLps / mean * 10 * closeness
            }
            values.append(pressure + 0.05 * rng.normal())
        }
        return values
    }

    static func gridPosition(_ id: String) -> (Int, Int) {
        let parts = id.split(separator: "-")
        return parts.count == 3 ? (Int(parts[1]) ?? 0, Int(parts[2]) ?? 0) : (0, 0)
    }

    public func timestamp(ofStep step: Int) -> Int64 { start + Int64(step) * stepSeconds * 1_000_000 }

    /// The files of steps `steps`, in data-time order (within a step, DMA by DMA).
    public func files(steps: Range<Int>, bursts: [Burst] = []) -> [File] {
        let burstByDMA = Dictionary(bursts.map { ($0.dma, $0) }, uniquingKeysWith: { first, _ in first })
        var files: [File] = []
        files.reserveCapacity(steps.count * channels.count)
        for step in steps {
            let ts = timestamp(ofStep: step)
            for d in 0..<dmaCount {
                let values = valuesSI(dma: d, step: step, burst: burstByDMA[Self.dmaName(d)])
                for slot in 0..<6 {
                    let channel = channels[d * 6 + slot]
                    files.append(file(channel, timestamp: ts, valueSI: values[slot]))
                }
            }
        }
        return files
    }

    /// The first `count` files from step 0 on.
    public func files(count: Int) -> [File] {
        let steps = (count + channels.count - 1) / channels.count
        return Array(files(steps: 0..<steps).prefix(count))
    }

    /// Readings of steps `steps` in SI units, for loading history straight into the database.
    public func readingsSI(steps: Range<Int>) -> [(loggerID: String, channel: String, timestamp: Int64, value: Double)] {
        var rows: [(String, String, Int64, Double)] = []
        rows.reserveCapacity(steps.count * channels.count)
        for step in steps {
            for d in 0..<dmaCount {
                let values = valuesSI(dma: d, step: step, burst: nil)
                for slot in 0..<6 {
                    let channel = channels[d * 6 + slot]
                    rows.append((channel.loggerID, channel.channel, timestamp(ofStep: step), values[slot]))
                }
            }
        }
        return rows
    }

    func file(_ channel: LoggerChannel, timestamp ts: Int64, valueSI: Double) -> File {
        let style = channel.style
        let raw = valueSI / channel.unit.toSI(1)
        var stamp = ISOTimestamp.format(ts + Int64(style.utcOffsetSeconds) * 1_000_000)
        if style.utcOffsetSeconds != 0 {
            let hours = style.utcOffsetSeconds / 3600, minutes = (style.utcOffsetSeconds % 3600) / 60
            stamp = String(stamp.dropLast()) + String(format: "+%02d:%02d", hours, minutes)
        }
        let newline = style.crlf ? "\r\n" : "\n"
        var text = style.header ? "logger_id,channel,timestamp,value" + newline : ""
        text += "\(channel.loggerID),\(channel.channel),\(stamp),\(String(format: "%.\(style.decimals)f", raw))" + newline
        let utc = ISOTimestamp.format(ts)
        let compact = utc.filter { $0 != "-" && $0 != ":" }.prefix(13)
        return File(name: "\(channel.loggerID)_\(compact).csv", bytes: Array(text.utf8), timestamp: ts, dma: channel.dma)
    }

    /// One burst per DMA, `sizeLps` scaled to the DMA, at a node chosen by the seed, starting at `step`.
    public func burstsInEveryDMA(atStep step: Int, relativeSize: Double = 0.2) -> [Burst] {
        (0..<dmaCount).map { d in
            var rng = SplitMix64(seed: mixSeed(seed, UInt64(d), 0xB0257, 0))
            let row = Int(rng.next() % 6), column = Int(rng.next() % 6)
            return Burst(dma: Self.dmaName(d), node: Self.junction(d, row, column), start: timestamp(ofStep: step),
                         sizeLps: (meanInflow(d) * relativeSize * 100).rounded() / 100)
        }
    }
}

/// Mixes a few numbers into one seed (SplitMix64's finaliser over a running hash).
func mixSeed(_ values: UInt64...) -> UInt64 {
    var hash: UInt64 = 0x243F_6A88_85A3_08D3
    for value in values {
        var rng = SplitMix64(seed: hash ^ value)
        hash = rng.next()
    }
    return hash
}
