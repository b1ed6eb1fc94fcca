import Foundation

/// A configuration file: `KEY=value` lines with the same names as the environment
/// variables (`BURSTWATCH_AMQP_URL=amqp://...`). Blank lines and lines starting with `#`
/// are ignored; a value may be wrapped in single or double quotes (which are removed,
/// nothing inside is expanded), and `export KEY=value` is accepted so that the same file
/// can be sourced by a shell or used as a compose env_file.
public struct ConfigFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var value: String
        /// 1-based line in the file, for error messages.
        public var line: Int
    }

    public let path: String
    public private(set) var entries: [String: Entry]

    public init(path: String, entries: [String: Entry]) {
        self.path = path
        self.entries = entries
    }

    /// Reads and parses `path`; a missing or unreadable file is a configuration error.
    public static func load(path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("config file \(path): cannot read it")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("config file \(path): not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Every problem names the file, the line and the reason.
    public static func parse(_ text: String, path: String) throws -> ConfigFile {
        var entries: [String: Entry] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError("config file \(path) line \(lineNumber): expected KEY=value")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }) else {
                throw ConfigurationError("config file \(path) line \(lineNumber): \"\(key)\" is not a setting name (use the environment variable names, e.g. BURSTWATCH_AMQP_URL)")
            }
            guard key.hasPrefix("BURSTWATCH_") else {
                throw ConfigurationError("config file \(path) line \(lineNumber): \(key) is not a burstwatch setting (names start with BURSTWATCH_)")
            }
            guard key != SettingsSources.configVariable else {
                throw ConfigurationError("config file \(path) line \(lineNumber): a config file cannot name another config file")
            }
            if let earlier = entries[key] {
                throw ConfigurationError("config file \(path) line \(lineNumber): \(key) is set twice (first on line \(earlier.line))")
            }
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            entries[key] = Entry(value: value, line: lineNumber)
        }
        return ConfigFile(path: path, entries: entries)
    }
}
