/// What one non-blank line turned out to be.
enum RowOutcome {
    case reading(Reading)
    case error(RowError)
    case header
    case reject(FileRejection)
}

/// Turns one line's fields into a reading. Keeps the last logger and channel strings so that the
/// usual file (one logger, many rows) builds each string once.
struct RowParser {
    let naiveOffsetSeconds: Int
    private var lastLoggerID = ""
    private var lastChannel = ""

    init(naiveOffsetSeconds: Int) {
        self.naiveOffsetSeconds = naiveOffsetSeconds
    }

    mutating func interpret(_ text: UnsafeBufferPointer<UInt8>, _ fields: FieldRanges, line: Int, mayBeHeader: Bool) -> RowOutcome {
        if mayBeHeader, let headerOutcome = classifyHeader(text, fields) { return headerOutcome }
        func error(_ reason: String) -> RowOutcome { .error(RowError(line: line, reason: reason)) }

        guard fields.count == 4 else {
            return error("expected 4 columns, found \(fields.count)" + Self.separatorHint(text, fieldCount: fields.count))
        }
        let loggerField = UnsafeBufferPointer(rebasing: text[fields[0]])
        let channelField = UnsafeBufferPointer(rebasing: text[fields[1]])
        let timestampField = UnsafeBufferPointer(rebasing: text[fields[2]])
        let valueField = UnsafeBufferPointer(rebasing: text[fields[3]])
        guard !loggerField.isEmpty else { return error("empty logger_id") }
        guard !channelField.isEmpty else { return error("empty channel") }

        let timestamp: Int64
        switch ISOTimestamp.parse(timestampField, naiveOffsetSeconds: naiveOffsetSeconds) {
        case .success(let parsed): timestamp = parsed
        case .failure(.empty): return error("empty timestamp")
        case .failure(let problem): return error("bad timestamp \(Excerpt.quoted(timestampField)): \(problem)")
        }
        let value: Double
        switch DecimalNumber.parse(valueField) {
        case .success(let parsed): value = parsed
        case .failure(.empty): return error("empty value")
        case .failure(let problem): return error("bad value \(Excerpt.quoted(valueField)): \(problem.description)")
        }

        if !Self.spells(&lastLoggerID, loggerField) { lastLoggerID = String(decoding: loggerField, as: UTF8.self) }
        if !Self.spells(&lastChannel, channelField) { lastChannel = String(decoding: channelField, as: UTF8.self) }
        return .reading(Reading(loggerID: lastLoggerID, channel: lastChannel, timestamp: timestamp, value: value, line: line))
    }

    /// `.header` for the header, a rejection for the header's names in another order (every row
    /// would be misread), nil for a data row.
    private func classifyHeader(_ text: UnsafeBufferPointer<UInt8>, _ fields: FieldRanges) -> RowOutcome? {
        guard fields.count == 4 else { return nil }
        let names: [StaticString] = ["logger_id", "channel", "timestamp", "value"]
        if (0..<4).allSatisfy({ text.equalsIgnoringCase(fields[$0], names[$0]) }) { return .header }
        let isPermutation = fields.allSatisfy { field in names.contains { text.equalsIgnoringCase(field, $0) } }
        guard isPermutation else { return nil }
        let written = fields.map { String(decoding: UnsafeBufferPointer(rebasing: text[$0]), as: UTF8.self) }
        return .reject(FileRejection(kind: .badHeader,
            reason: "header columns \(written.joined(separator: ",")) are not in the order \(ReadingFileParser.header.joined(separator: ","))"))
    }

    /// Spreadsheets in many locales export with semicolons, or tabs: such a line reads as one
    /// column, and saying why saves the user guessing.
    private static func separatorHint(_ text: UnsafeBufferPointer<UInt8>, fieldCount: Int) -> String {
        guard fieldCount == 1 else { return "" }
        if text.contains(0x3B) { return " (columns are separated by commas; this line uses semicolons)" }
        if text.contains(0x09) { return " (columns are separated by commas; this line uses tabs)" }
        return ""
    }

    /// `inout` only because `withUTF8` needs it; the string is not changed.
    private static func spells(_ string: inout String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        string.withUTF8 { utf8 in
            guard utf8.count == bytes.count else { return false }
            for index in 0..<utf8.count where utf8[index] != bytes[index] { return false }
            return true
        }
    }
}
