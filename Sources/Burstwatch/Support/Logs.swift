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
        let line = Self.render(time: Date(), level: event.level, label: label, message: "\(event.message)",
                               metadata: merged, json: json)
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// One record as one line. JSON: an object with `time` (ISO 8601 UTC, milliseconds),
    /// `level`, `component` (the swift-log label, e.g. burstwatch.ingest), `message`, and
    /// then each metadata field under its own key (`file`, `sha256`, `logger` (a data
    /// logger's id), `dma`, `window`, …); a field named like one of the four fixed keys
    /// is prefixed with `meta_`. Lists and dictionaries in metadata stay JSON arrays and
    /// objects.
    static func render(time: Date, level: Logger.Level, label: String, message: String,
                       metadata: Logger.Metadata, json: Bool) -> String {
        let stamp = timeFormat.withLock { $0.string(from: time) }
        if json {
            var object: [String: Any] = ["time": stamp, "level": level.rawValue, "component": label, "message": message]
            for (key, value) in metadata {
                object[object[key] == nil ? key : "meta_" + key] = jsonValue(value)
            }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        let fields = metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(stamp) \(level.rawValue.uppercased()) \(label): \(message)\(fields.isEmpty ? "" : " " + fields)"
    }

    private static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(jsonValue)
        case .dictionary(let values): values.mapValues(jsonValue)
        }
    }

    /// ISO8601DateFormatter is expensive to make and not documented as thread-safe.
    private static let timeFormat: Mutex<ISO8601DateFormatter> = {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return Mutex(format)
    }()
}
