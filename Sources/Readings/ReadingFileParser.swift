/// Parses one logger data file (CONTRACTS section 1) straight from its bytes.
///
/// A file is rejected whole only when nothing in it can be trusted (too large, not UTF-8 text,
/// binary, empty, a scrambled header, or no row parses); otherwise good rows are kept and each bad
/// row gets a `RowError` naming its line. Never traps on any input; time is linear in its size.
///
/// Format: `logger_id,channel,timestamp,value` rows. The header is optional and recognised only
/// on the first non-blank line. A UTF-8 BOM is skipped; LF, CRLF and lone CR end lines; blank lines
/// are ignored; fields may be double-quoted (`""` for a quote, no line breaks inside) and are
/// trimmed of spaces and tabs. Timestamps: see `ISOTimestamp`; values: a decimal number, with an
/// optional exponent (NaN, infinities, hex and empty values are row errors).
public struct ReadingFileParser: Sendable {
    public static let defaultMaxFileBytes = 16 << 20
    public static let defaultMaxLineBytes = 64 << 10
    /// The optional header, matched ignoring case and surrounding spaces.
    public static let header = ["logger_id", "channel", "timestamp", "value"]

    /// Seconds east of UTC for timestamps written without a zone (the source's configured zone).
    public var naiveOffsetSeconds: Int
    public var maxFileBytes: Int
    /// A longer line is a row error without being parsed (no logger writes such lines; it is
    /// junk, and quoting it whole would bloat the error).
    public var maxLineBytes: Int

    public init(naiveOffsetSeconds: Int = 0,
                maxFileBytes: Int = ReadingFileParser.defaultMaxFileBytes,
                maxLineBytes: Int = ReadingFileParser.defaultMaxLineBytes) {
        self.naiveOffsetSeconds = naiveOffsetSeconds
        self.maxFileBytes = maxFileBytes
        self.maxLineBytes = maxLineBytes
    }

    public func parse(_ bytes: [UInt8]) throws(FileRejection) -> ParsedFile {
        try bytes.withUnsafeBufferPointer { parseResult($0) }.get()
    }

    /// For callers holding the bytes elsewhere (e.g. `Data.withUnsafeBytes`).
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(FileRejection) -> ParsedFile {
        try bytes.withMemoryRebound(to: UInt8.self) { parseResult($0) }.get()
    }

    func parseResult(_ input: UnsafeBufferPointer<UInt8>) -> Result<ParsedFile, FileRejection> {
        guard input.count <= maxFileBytes else {
            return .failure(FileRejection(kind: .tooLarge,
                reason: "file is \(input.count) bytes, over the limit of \(maxFileBytes) bytes"))
        }
        let facts: ByteValidation.TextFacts
        switch ByteValidation.check(input) {
        case .success(let found): facts = found
        case .failure(let rejection): return .failure(rejection)
        }

        var lines = PhysicalLines(input)
        var readings: [Reading] = []
        // One reading per line at most, and no valid row is shorter than "a,b,1970-01-01T00:00,0":
        // a bound that holds for hostile files too.
        readings.reserveCapacity(min(facts.lineBreakBytes + 1, input.count / 22 + 1))
        var rowErrors: [RowError] = []
        var fields = FieldRanges()
        var scratch: [UInt8] = []
        var isFirstLine = true
        var sawHeader = false
        var rowParser = RowParser(naiveOffsetSeconds: naiveOffsetSeconds)

        while let line = lines.next() {
            if line.isBlank { continue }
            defer { isFirstLine = false }
            guard line.range.count <= maxLineBytes else {
                rowErrors.append(RowError(line: line.number,
                    reason: "line is \(line.range.count) bytes long, over the limit of \(maxLineBytes)"))
                continue
            }
            let text = UnsafeBufferPointer(rebasing: input[line.range])
            let outcome: RowOutcome
            if line.containsQuote {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: text)
                outcome = scratch.withUnsafeMutableBufferPointer { buffer in
                    if let problem = CSVLine.splitQuoted(buffer, into: &fields) {
                        return .error(RowError(line: line.number, reason: problem.description))
                    }
                    return rowParser.interpret(UnsafeBufferPointer(buffer), fields, line: line.number, mayBeHeader: isFirstLine)
                }
            } else {
                CSVLine.splitPlain(text, into: &fields)
                outcome = rowParser.interpret(text, fields, line: line.number, mayBeHeader: isFirstLine)
            }
            switch outcome {
            case .reading(let reading): readings.append(reading)
            case .error(let error): rowErrors.append(error)
            case .header: sawHeader = true
            case .reject(let rejection): return .failure(rejection)
            }
        }

        guard !readings.isEmpty else {
            if !rowErrors.isEmpty { return .failure(.noValidRows(rowErrors)) }
            let reason = sawHeader ? "empty file: a header and no data rows" : "empty file: no data rows"
            return .failure(FileRejection(kind: .empty, reason: reason))
        }
        return .success(ParsedFile(readings: readings, rowErrors: rowErrors))
    }
}
