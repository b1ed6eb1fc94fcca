import Dispatch
import Foundation
import WaterNetwork
import Readings

/// A scenario folder (CONTRACTS section 2) in memory: its description, loggers, network,
/// truth (when present) and every reading of its drop/ folder, checked against the registry
/// and sorted by data time.
public struct Scenario: Sendable {
    public var folder: String
    public var info: ScenarioInfo
    public var registry: LoggerRegistry
    /// Nil when the folder has no network.inp (then nothing is localised).
    public var network: NetworkModel?
    public var truth: ScenarioTruth?
    /// Sorted by timestamp (then logger and channel, so equal times have a fixed order).
    public var readings: [NormalizedReading]
    /// Data files refused whole, with their reasons (`name: reason`).
    public var rejectedFiles: [String]
    /// Rows refused inside otherwise good files.
    public var rejectedRows: Int
    public var fileCount: Int
}

public struct ScenarioLoadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

public enum ScenarioLoader {
    /// Reads the whole folder. Data files are read and parsed on all cores (a 21-day scenario
    /// has 30,000 one-reading files). A bad data file does not stop the load: it is listed in
    /// `rejectedFiles`, as live ingestion would dead-letter it.
    public static func load(folder: String) throws(ScenarioLoadError) -> Scenario {
        let root = URL(fileURLWithPath: folder)
        func text(_ name: String, required: Bool) throws(ScenarioLoadError) -> String? {
            let path = root.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else {
                if required { throw ScenarioLoadError(path: path, reason: "cannot read the file (missing or unreadable)") }
                return nil
            }
            guard let string = String(data: data, encoding: .utf8) else {
                throw ScenarioLoadError(path: path, reason: "not UTF-8 text")
            }
            return string
        }

        let scenarioPath = root.appendingPathComponent("scenario.json").path
        let info: ScenarioInfo
        do {
            info = try ScenarioInfo.decode(Data((try text("scenario.json", required: true) ?? "").utf8))
        } catch let error as ScenarioFileError {
            throw ScenarioLoadError(path: scenarioPath, reason: error.reason)
        } catch let error as ScenarioLoadError {
            throw error
        } catch {
            throw ScenarioLoadError(path: scenarioPath, reason: "\(error)")
        }

        let registry: LoggerRegistry
        do {
            registry = try LoggerRegistry.parse(csv: try text("loggers.csv", required: true) ?? "")
        } catch let error as RegistryError {
            throw ScenarioLoadError(path: root.appendingPathComponent("loggers.csv").path, reason: error.description)
        } catch let error as ScenarioLoadError {
            throw error
        } catch {
            throw ScenarioLoadError(path: root.appendingPathComponent("loggers.csv").path, reason: "\(error)")
        }

        var network: NetworkModel?
        if let inp = try text("network.inp", required: false) {
            do {
                network = try INPReader.parse(inp, fileName: root.appendingPathComponent("network.inp").path)
            } catch {
                throw ScenarioLoadError(path: root.appendingPathComponent("network.inp").path, reason: error.description)
            }
        }

        var truth: ScenarioTruth?
        if let truthText = try text("truth.json", required: false) {
            do {
                truth = try ScenarioTruth.decode(Data(truthText.utf8))
            } catch {
                throw ScenarioLoadError(path: root.appendingPathComponent("truth.json").path, reason: error.reason)
            }
        }

        let drop = root.appendingPathComponent("drop")
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: drop.path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw ScenarioLoadError(path: drop.path, reason: "cannot list the data folder: \(error.localizedDescription)")
        }
        let loaded = loadDataFiles(names.map { drop.appendingPathComponent($0).path }, registry: registry)
        let readings = loaded.readings.sorted {
            ($0.timestamp, $0.loggerID, $0.channel) < ($1.timestamp, $1.loggerID, $1.channel)
        }
        return Scenario(folder: folder, info: info, registry: registry, network: network, truth: truth,
                        readings: readings, rejectedFiles: loaded.rejected, rejectedRows: loaded.rejectedRows,
                        fileCount: names.count)
    }

    private struct LoadedFiles: Sendable {
        var readings: [NormalizedReading] = []
        var rejected: [String] = []
        var rejectedRows = 0
    }

    /// Collects per-chunk results from concurrent workers; `lock` guards `chunks`.
    private final class ChunkResults: @unchecked Sendable {
        let lock = NSLock()
        var chunks: [Int: LoadedFiles] = [:]
    }

    private static func loadDataFiles(_ paths: [String], registry: LoggerRegistry) -> LoadedFiles {
        let parser = ReadingFileParser()
        let chunkCount = max(1, min(64, paths.count / 256))
        let results = ChunkResults()
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            var loaded = LoadedFiles()
            let lower = chunk * paths.count / chunkCount, upper = (chunk + 1) * paths.count / chunkCount
            for path in paths[lower..<upper] {
                let name = (path as NSString).lastPathComponent
                guard let data = FileManager.default.contents(atPath: path) else {
                    loaded.rejected.append("\(name): cannot read the file")
                    continue
                }
                do {
                    let parsed = try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws(FileRejection) in
                        try parser.parse(bytes)
                    }
                    let validated = try registry.validate(parsed)
                    loaded.readings.append(contentsOf: validated.readings)
                    loaded.rejectedRows += validated.rowErrors.count
                } catch let rejection as FileRejection {
                    loaded.rejected.append("\(name): \(rejection.reason)")
                } catch {
                    loaded.rejected.append("\(name): \(error)")
                }
            }
            results.lock.lock()
            results.chunks[chunk] = loaded
            results.lock.unlock()
        }
        var all = LoadedFiles()
        for chunk in 0..<chunkCount {
            guard let part = results.chunks[chunk] else { continue }
            all.readings.append(contentsOf: part.readings)
            all.rejected.append(contentsOf: part.rejected)
            all.rejectedRows += part.rejectedRows
        }
        return all
    }
}
