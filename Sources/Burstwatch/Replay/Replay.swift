import Foundation
import Readings

/// `burstwatch replay`: copies a scenario's data files into a folder (an FTP upload
/// folder, say) in data-time order, optionally paced: `speed` data seconds per wall
/// second. Each file is written under a hidden name and renamed, so a watcher only
/// ever sees it whole.
public struct Replay {
    public let scenario: URL
    public let target: URL
    public let speed: Double?
    public let shutdown: Shutdown

    public init(scenario: URL, target: URL, speed: Double?, shutdown: Shutdown = .shared) {
        self.scenario = scenario
        self.target = target
        self.speed = speed
        self.shutdown = shutdown
    }

    public struct DataFile: Sendable {
        public var path: String
        /// The earliest timestamp inside, or nil when it has none readable.
        public var firstTimestamp: Int64?
    }

    /// The scenario's files ordered by the timestamps inside (CONTRACTS.md section 2);
    /// files without a readable timestamp go last, by name.
    public func orderedFiles() throws -> [DataFile] {
        let drop = scenario.appendingPathComponent("drop")
        let names = try FileManager.default.contentsOfDirectory(atPath: drop.path).filter { !$0.hasPrefix(".") }
        let parser = ReadingFileParser()
        let files = names.map { name -> DataFile in
            let path = drop.appendingPathComponent(name).path
            let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
            let first = (try? parser.parse(bytes))?.readings.map(\.timestamp).min()
            return DataFile(path: path, firstTimestamp: first)
        }
        return files.sorted { a, b in
            switch (a.firstTimestamp, b.firstTimestamp) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return false
            case (_?, nil): return true
            default: return a.path < b.path
            }
        }
    }

    /// Returns how many files were copied.
    @discardableResult
    public func run(progress: (Int, Int) -> Void = { _, _ in }) throws -> Int {
        let files = try orderedFiles()
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        let wallStart = Date()
        let dataStart = files.first?.firstTimestamp
        for (index, file) in files.enumerated() {
            if shutdown.isRequested { return index }
            if let speed, speed > 0, let dataStart, let ts = file.firstTimestamp {
                let due = Double(ts - dataStart) / 1e6 / speed
                let wait = due - Date().timeIntervalSince(wallStart)
                if wait > 0 { shutdown.sleep(wait) }
            }
            let name = (file.path as NSString).lastPathComponent
            let hidden = target.appendingPathComponent(".\(name).replaying").path
            let final = target.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ConfigurationError("cannot read \(file.path)")
            }
            guard FileManager.default.createFile(atPath: hidden, contents: data), rename(hidden, final) == 0 else {
                throw ConfigurationError("cannot write \(final): \(String(cString: strerror(errno)))")
            }
            progress(index + 1, files.count)
        }
        return files.count
    }
}
