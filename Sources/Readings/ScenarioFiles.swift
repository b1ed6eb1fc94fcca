import Foundation  // JSONDecoder only; everything else in this module is Foundation-free.

/// scenario.json (CONTRACTS section 2), timestamps as epoch microseconds.
public struct ScenarioInfo: Sendable, Hashable {
    public var name: String
    public var start: Int64
    public var stepSeconds: Int64
    public var days: Int
    /// Data before this instant is known to be burst-free.
    public var historyUntil: Int64

    public init(name: String, start: Int64, stepSeconds: Int64, days: Int, historyUntil: Int64) {
        self.name = name
        self.start = start
        self.stepSeconds = stepSeconds
        self.days = days
        self.historyUntil = historyUntil
    }

    /// `start` plus `days`, exclusive.
    public var end: Int64 { start &+ Int64(days) &* ISOTimestamp.microsPerDay }

    public static func decode(_ data: Data) throws(ScenarioFileError) -> ScenarioInfo {
        let file = "scenario.json"
        let raw: RawScenario = try decodeJSON(data, file: file)
        guard raw.stepSeconds > 0 else { throw ScenarioFileError(file: file, reason: "\"step_s\" must be positive, got \(raw.stepSeconds)") }
        guard raw.days > 0 else { throw ScenarioFileError(file: file, reason: "\"days\" must be positive, got \(raw.days)") }
        return ScenarioInfo(name: raw.name,
                            start: try timestamp(raw.start, key: "start", file: file),
                            stepSeconds: raw.stepSeconds,
                            days: raw.days,
                            historyUntil: try timestamp(raw.historyUntil, key: "history_until", file: file))
    }
}

/// truth.json: the bursts a scenario contains, read only by scoring. Extra fields are ignored.
public struct ScenarioTruth: Sendable, Hashable {
    public struct Burst: Sendable, Hashable {
        /// EPANET node id.
        public var node: String
        public var start: Int64
        public var sizeLitresPerSecond: Double
        /// When the leak stopped (its repair): the optional `end` our generator writes beside
        /// the contract's fields. Nil: it lasts to the end of the data.
        public var end: Int64?

        public init(node: String, start: Int64, sizeLitresPerSecond: Double, end: Int64? = nil) {
            self.node = node
            self.start = start
            self.sizeLitresPerSecond = sizeLitresPerSecond
            self.end = end
        }
    }

    public var bursts: [Burst]

    public init(bursts: [Burst]) {
        self.bursts = bursts
    }

    public static func decode(_ data: Data) throws(ScenarioFileError) -> ScenarioTruth {
        let file = "truth.json"
        let raw: RawTruth = try decodeJSON(data, file: file)
        var bursts: [Burst] = []
        for (index, burst) in raw.bursts.enumerated() {
            let start = try timestamp(burst.start, key: "bursts[\(index)].start", file: file)
            var end: Int64?
            if let text = burst.end {
                let parsed = try timestamp(text, key: "bursts[\(index)].end", file: file)
                guard parsed > start else {
                    throw ScenarioFileError(file: file, reason: "\"bursts[\(index)].end\" \(text) is not after its start \(burst.start)")
                }
                end = parsed
            }
            bursts.append(Burst(node: burst.node, start: start, sizeLitresPerSecond: burst.sizeLPS, end: end))
        }
        return ScenarioTruth(bursts: bursts)
    }
}

public struct ScenarioFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

private struct RawScenario: Decodable {
    var name: String
    var start: String
    var stepSeconds: Int64
    var days: Int
    var historyUntil: String

    enum CodingKeys: String, CodingKey {
        case name, start, days
        case stepSeconds = "step_s"
        case historyUntil = "history_until"
    }
}

private struct RawTruth: Decodable {
    struct Burst: Decodable {
        var node: String
        var start: String
        var sizeLPS: Double
        var end: String?

        enum CodingKeys: String, CodingKey {
            case node, start, end
            case sizeLPS = "size_lps"
        }
    }

    var bursts: [Burst]
}

private func decodeJSON<T: Decodable>(_ data: Data, file: String) throws(ScenarioFileError) -> T {
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        throw ScenarioFileError(file: file, reason: describe(error))
    } catch {
        throw ScenarioFileError(file: file, reason: "\(error)")
    }
}

private func timestamp(_ text: String, key: String, file: String) throws(ScenarioFileError) -> Int64 {
    do {
        return try ISOTimestamp.parse(text)
    } catch {
        throw ScenarioFileError(file: file, reason: "\"\(key)\": bad timestamp \(Excerpt.quoted(text)): \(error)")
    }
}

/// DecodingError's own description is a wall of context; name the key and the problem instead.
private func describe(_ error: DecodingError) -> String {
    func path(_ context: DecodingError.Context, appending key: CodingKey? = nil) -> String {
        let keys = context.codingPath + (key.map { [$0] } ?? [])
        let names = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        return "\"" + names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[") + "\""
    }
    switch error {
    case .keyNotFound(let key, let context):
        return "missing \(path(context, appending: key))"
    case .valueNotFound(let type, let context):
        return "\(path(context)) is null, expected \(type)"
    case .typeMismatch(let type, let context):
        return "\(path(context)) should be \(type == String.self ? "a string" : "a number")"
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
    @unknown default:
        return "\(error)"
    }
}
