import Foundation
import Logging
import Synchronization

/// Logging is bootstrapped once per process: human-readable lines on stderr, or one
/// JSON object per line when BURSTWATCH_LOG_FORMAT=json.
public enum Logs {
    private static let bootstrapped = Mutex<Bool>(false)

    public static func bootstrap(level: Logger.Level = .info) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            let json = ProcessInfo.processInfo.environment["BURSTWATCH_LOG_FORMAT"] == "json"
            let levelName = ProcessInfo.processInfo.environment["BURSTWATCH_LOG_LEVEL"]
            let chosen = levelName.flatMap { Logger.Level(rawValue: $0) } ?? level
            LoggingSystem.bootstrap { label in
                var handler = LineLogHandler(label: label, json: json)
                handler.logLevel = chosen
                return handler
            }
        }
    }

    public static func logger(_ label: String) -> Logger { Logger(label: "burstwatch.\(label)") }
}

/// Writes one line per record to stderr; metadata carries the file, logger or window
/// the record concerns.
struct LineLogHandler: LogHandler {
    let label: String
    let json: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let time = ISO8601DateFormatter().string(from: Date())
        var line: String
        if json {
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "logger": label, "message": "\(event.message)"]
            for (key, value) in merged { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        } else {
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(time) \(event.level.rawValue.uppercased()) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)"
        }
        line += "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}
