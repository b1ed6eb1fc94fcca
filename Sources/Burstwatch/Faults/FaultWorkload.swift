import Foundation
import Postgres
import Readings

/// What a fault run drops into the watched folder and what must come of it: the built-in
/// demo scenario (15 days, a 4 l/s burst on the last day, as `burstwatch simulate --days 15
/// --burst-lps 4` writes it) for the detector to replay, the bench's synthetic utility
/// for volume, and a few broken files that must be dead-lettered.
struct FaultWorkload {
    let demo: DemoScenario
    let bench: BenchDataset
    let benchSteps: Int
    /// In drop order: the two streams interleaved, each in data-time order, broken files among them.
    private(set) var files: [BenchDataset.File] = []
    private(set) var brokenNames: Set<String> = []
    /// "logger|channel|epoch µs" of every reading the good files carry.
    private(set) var expectedReadings: Set<String> = []
    /// "dma|window start" of every window the data fills.
    private(set) var expectedWindows: Set<String> = []
    /// Each DMA's last window start: the detector has caught up when it stepped it.
    private(set) var lastWindow: [String: Int64] = [:]

    var goodFiles: Int { files.count - brokenNames.count }

    init(demoDays: Int, burstLps: Double, benchDMAs: Int, benchSteps: Int, brokenFiles: Int, seed: UInt64) {
        let start = BenchDataset.defaultStart
        // The same scenario as `burstwatch simulate --days N --burst-lps X` (SimulateCommand).
        let burst = DemoScenario.Burst(node: DemoScenario.junction(4, 3),
                                       start: start + Int64(demoDays - 1) * 86_400_000_000 + 9_000_000_000, sizeLps: burstLps)
        demo = DemoScenario(start: start, days: demoDays, historyDays: demoDays - 1, seed: 1, burst: burst)
        bench = BenchDataset(dmaCount: benchDMAs, seed: 11)
        self.benchSteps = benchSteps

        var demoFiles: [BenchDataset.File] = []
        for file in demo.dataFiles() {
            // One reading a file: "logger,channel,timestamp,value" on the line after the header.
            let fields = file.contents.split(separator: "\n")[1].split(separator: ",").map(String.init)
            let ts = (try? ISOTimestamp.parse(fields[2])) ?? 0
            demoFiles.append(.init(name: file.name, bytes: Array(file.contents.utf8), timestamp: ts, dma: "DEMO-1"))
            expectedReadings.insert("\(fields[0])|\(fields[1])|\(ts)")
        }
        let benchFiles = bench.files(steps: 0..<benchSteps)
        for (index, file) in benchFiles.enumerated() {
            let channel = bench.channels[index % bench.channels.count]
            expectedReadings.insert("\(channel.loggerID)|\(channel.channel)|\(file.timestamp)")
        }
        for file in demoFiles + benchFiles {
            let window = Windowing.windowStart(of: file.timestamp, lengthSeconds: 900)
            expectedWindows.insert("\(file.dma)|\(ISOTimestamp.format(window))")
            lastWindow[file.dma] = max(lastWindow[file.dma] ?? window, window)
        }

        // Interleave by progress, so both streams run through the whole drop.
        var merged: [BenchDataset.File] = []
        merged.reserveCapacity(demoFiles.count + benchFiles.count + brokenFiles)
        var d = 0, b = 0
        while d < demoFiles.count || b < benchFiles.count {
            let demoAhead = Double(d) / Double(max(1, demoFiles.count)) > Double(b) / Double(max(1, benchFiles.count))
            if b < benchFiles.count && (demoAhead || d == demoFiles.count) {
                merged.append(benchFiles[b]); b += 1
            } else {
                merged.append(demoFiles[d]); d += 1
            }
        }
        var rng = SplitMix64(seed: seed ^ 0xBAD_F11E)
        for index in 0..<brokenFiles {
            let file = Self.brokenFile(index)
            brokenNames.insert(file.name)
            merged.insert(file, at: Int.random(in: 0...merged.count, using: &rng))
        }
        files = merged
    }

    /// Junk (binary, text that is no CSV) and a file from a logger nobody registered.
    static func brokenFile(_ index: Int) -> BenchDataset.File {
        let name: String, text: [UInt8]
        switch index % 3 {
        case 0:
            name = "junk-\(index).bin"
            text = [0x00, 0xFF, 0xFE, 0x13, 0x37] + Array("broken \(index)".utf8)
        case 1:
            name = "notes-\(index).csv"
            text = Array("this is not a logger file (\(index))\nno columns here\n".utf8)
        default:
            name = "ZZ\(index)_20260302T0000.csv"
            text = Array("logger_id,channel,timestamp,value\nZZ\(index),flow,2026-03-02T00:00:00Z,1.5\n".utf8)
        }
        return BenchDataset.File(name: name, bytes: text, timestamp: 0, dma: "")
    }

    /// Registers both networks and all loggers: the demo through `register`'s own code, the
    /// bench utility beside it (register replaces the whole registry, so it is added by SQL).
    func register(on connection: PGConnection) throws {
        _ = try RegistryStore(connection: connection).register(loggersCSV: demo.loggersCSV, networkName: "demo",
                                                              networkINP: demo.networkINP)
        let channels = bench.channels
        try connection.transaction {
            _ = try connection.execute("INSERT INTO networks (name, inp) VALUES ('faults-bench', $1)", [bench.networkINP])
            _ = try connection.execute("""
                INSERT INTO loggers (logger_id, channel, quantity, element, dma, sign, unit, network)
                SELECT l, c, q, e, d, s, u, 'faults-bench'
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[])
                     AS t(l, c, q, e, d, s, u)
                """, [
                    SQLArray.text(channels.map(\.loggerID)), SQLArray.text(channels.map(\.channel)),
                    SQLArray.text(channels.map(\.quantity.rawValue)), SQLArray.text(channels.map(\.element)),
                    SQLArray.text(channels.map(\.dma)), SQLArray.text(channels.map { $0.sign.isEmpty ? nil : $0.sign }),
                    SQLArray.text(channels.map(\.unitName)),
                ])
        }
    }
}
