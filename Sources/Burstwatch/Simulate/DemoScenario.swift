import Foundation
import Readings

/// A small built-in scenario for the demo and the tests: a 6 × 6 grid DMA fed from a
/// reservoir through one metered main, exporting through a second meter, with four
/// pressure loggers. Demand follows a daily and weekly pattern with day-to-day
/// variation and sensor noise; an optional burst adds a step of flow and a pressure
/// drop that is largest near the burst. The physics is deliberately simple (no
/// hydraulic solver): it exists to exercise the pipeline end to end, while the
/// detector is evaluated on EPANET-simulated scenarios.
public struct DemoScenario: Sendable {
    public struct Burst: Sendable {
        public var node: String
        public var start: Int64
        public var sizeLps: Double
        public init(node: String, start: Int64, sizeLps: Double) {
            self.node = node
            self.start = start
            self.sizeLps = sizeLps
        }
    }

    public var name = "demo"
    public var start: Int64
    public var days: Int
    public var historyDays: Int
    public var stepSeconds: Int64 = 900
    public var seed: UInt64
    public var burst: Burst?

    static let gridSize = 6
    static let spacingM = 100.0
    static let meanInflowLps = 40.0

    public init(start: Int64, days: Int, historyDays: Int? = nil, seed: UInt64 = 1, burst: Burst? = nil) {
        self.start = start
        self.days = days
        self.historyDays = historyDays ?? days
        self.seed = seed
        self.burst = burst
    }

    public static func junction(_ row: Int, _ column: Int) -> String { "J-\(row)-\(column)" }

    /// Pressure loggers sit near the corners of the grid.
    static let pressureLoggers: [(id: String, node: String)] = [
        ("PL01", junction(1, 1)), ("PL02", junction(1, 4)), ("PL03", junction(4, 1)), ("PL04", junction(4, 4)),
    ]

    public var networkINP: String {
        let n = Self.gridSize
        var junctions = "[JUNCTIONS]\n;ID\tElev\tDemand\n"
        var coordinates = "[COORDINATES]\n;Node\tX\tY\nR-1\t-100\t0\n"
        var pipes = "[PIPES]\n;ID\tNode1\tNode2\tLength\tDiameter\tRoughness\tMinorLoss\tStatus\n"
        pipes += "P-IN\tR-1\t\(Self.junction(0, 0))\t150\t300\t120\t0\tOpen\n"
        pipes += "P-OUT\t\(Self.junction(n - 1, n - 1))\tEXPORT\t150\t150\t120\t0\tOpen\n"
        junctions += "EXPORT\t20\t0\n"
        coordinates += "EXPORT\t\(Double(n) * Self.spacingM + 50)\t\(Double(n - 1) * Self.spacingM)\n"
        for row in 0..<n {
            for column in 0..<n {
                let id = Self.junction(row, column)
                junctions += "\(id)\t\(20 + row + column)\t\(String(format: "%.3f", Self.meanInflowLps / Double(n * n)))\n"
                coordinates += "\(id)\t\(Double(column) * Self.spacingM)\t\(Double(row) * Self.spacingM)\n"
                if column + 1 < n { pipes += "P-\(row)-\(column)-E\t\(id)\t\(Self.junction(row, column + 1))\t100\t150\t120\t0\tOpen\n" }
                if row + 1 < n { pipes += "P-\(row)-\(column)-S\t\(id)\t\(Self.junction(row + 1, column))\t100\t150\t120\t0\tOpen\n" }
            }
        }
        return """
            [TITLE]
            burstwatch built-in demo network: a 6 x 6 grid DMA

            \(junctions)
            [RESERVOIRS]
            ;ID\tHead
            R-1\t80

            \(pipes)
            [OPTIONS]
            Units\tLPS
            Headloss\tH-W

            \(coordinates)
            [END]

            """
    }

    public var loggersCSV: String {
        var csv = "logger_id,channel,quantity,element,dma,sign,unit\n"
        csv += "FM01,flow,flow,P-IN,DEMO-1,1,l/s\n"
        csv += "FM02,flow,flow,P-OUT,DEMO-1,-1,m3/h\n"
        for logger in Self.pressureLoggers { csv += "\(logger.id),pressure,pressure,\(logger.node),DEMO-1,,m\n" }
        return csv
    }

    public var scenarioJSON: String {
        """
        {"name": "\(name)", "start": "\(ISOTimestamp.format(start))", "step_s": \(stepSeconds), "days": \(days), "history_until": "\(ISOTimestamp.format(start + Int64(historyDays) * 86_400_000_000))"}

        """
    }

    public var truthJSON: String? {
        guard let burst else { return nil }
        return """
            {"bursts": [{"node": "\(burst.node)", "start": "\(ISOTimestamp.format(burst.start))", "size_lps": \(burst.sizeLps)}]}

            """
    }

    /// The data files: one file per logger per step, named like a logger would.
    public func dataFiles() -> [(name: String, contents: String)] {
        var rng = SplitMix64(seed: seed)
        var files: [(String, String)] = []
        let steps = days * 86_400 / Int(stepSeconds)
        var dayLevel = 1.0
        for step in 0..<steps {
            let ts = start + Int64(step) * stepSeconds * 1_000_000
            if step % (86_400 / Int(stepSeconds)) == 0 { dayLevel = 1 + 0.03 * rng.normal() }
            let demand = Self.meanInflowLps * dayLevel * Self.pattern(at: ts)
            let leak = burst.map { ts >= $0.start ? $0.sizeLps : 0 } ?? 0
            let export = 4 + 0.5 * sin(Double(step) / 7)
            let inflow = demand + leak + export
            let stamp = ISOTimestamp.format(ts)
            let compact = stamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "").prefix(13)
            func add(_ logger: String, _ channel: String, _ value: Double) {
                files.append(("\(logger)_\(compact).csv",
                              "logger_id,channel,timestamp,value\n\(logger),\(channel),\(stamp),\(String(format: "%.3f", value))\n"))
            }
            add("FM01", "flow", inflow * (1 + 0.005 * rng.normal()))
            add("FM02", "flow", export * 3.6 * (1 + 0.005 * rng.normal()))
            for logger in Self.pressureLoggers {
                // Head loss grows with the square of the flow through the main.
                let (row, column) = Self.gridPosition(logger.node)
                var pressure = 58 - Double(row + column) - 0.004 * inflow * inflow
                if let burst, ts >= burst.start { pressure -= 0.6 * burst.sizeLps / Self.meanInflowLps * 10 * Self.closeness(logger.node, burst.node) }
                add(logger.id, "pressure", pressure + 0.05 * rng.normal())
            }
        }
        return files
    }

    /// Daily pattern (night minimum, morning and evening peaks) times a weekend factor.
    static func pattern(at ts: Int64) -> Double {
        let seconds = Double((ts / 1_000_000) % 86_400)
        let hour = seconds / 3600
        let daily = 1 + 0.45 * exp(-pow((hour - 7.5) / 1.5, 2)) + 0.35 * exp(-pow((hour - 19) / 2, 2))
            - 0.45 * exp(-pow((hour - 3.5) / 2, 2))
        let weekday = Int((ts / 86_400_000_000 + 3) % 7)  // 0 = Monday
        return daily * (weekday >= 5 ? 1.06 : 1.0)
    }

    /// 1 at the burst node, falling with grid distance.
    static func gridPosition(_ id: String) -> (Int, Int) {
        let parts = id.split(separator: "-")
        return parts.count == 3 ? (Int(parts[1]) ?? 0, Int(parts[2]) ?? 0) : (0, 0)
    }

    static func closeness(_ a: String, _ b: String) -> Double {
        let (r1, c1) = gridPosition(a), (r2, c2) = gridPosition(b)
        return 1 / (1 + Double(abs(r1 - r2) + abs(c1 - c2)))
    }

    /// Writes the scenario folder (CONTRACTS.md section 2).
    public func write(to folder: URL) throws {
        let fileManager = FileManager.default
        let drop = folder.appendingPathComponent("drop")
        try fileManager.createDirectory(at: drop, withIntermediateDirectories: true)
        try networkINP.write(to: folder.appendingPathComponent("network.inp"), atomically: true, encoding: .utf8)
        try loggersCSV.write(to: folder.appendingPathComponent("loggers.csv"), atomically: true, encoding: .utf8)
        try scenarioJSON.write(to: folder.appendingPathComponent("scenario.json"), atomically: true, encoding: .utf8)
        if let truthJSON { try truthJSON.write(to: folder.appendingPathComponent("truth.json"), atomically: true, encoding: .utf8) }
        for file in dataFiles() {
            try file.contents.write(to: drop.appendingPathComponent(file.name), atomically: false, encoding: .utf8)
        }
    }
}

/// A small, fast, seedable generator: the same seed gives the same scenario everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Standard normal (Box-Muller).
    public mutating func normal() -> Double {
        let u1 = max(Double.leastNonzeroMagnitude, Double(next() >> 11) / Double(1 << 53))
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }
}
