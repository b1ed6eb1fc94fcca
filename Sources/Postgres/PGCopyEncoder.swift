/// Builds COPY text-format data (tab between fields, newline after each row, `\N` for
/// NULL) straight into bytes, for `PGConnection.copyIn(_:data:)`.
///
/// Text is escaped so it arrives exactly as given: backslash, tab, newline and carriage
/// return become `\\`, `\t`, `\n`, `\r`; a text field that reads `\N` is sent as `\\N`
/// and so stays text, not NULL. The typed appends (numbers, timestamps) skip making
/// a `String` per value, which is what keeps a 100,000-row batch cheap.
///
///     var encoder = PGCopyEncoder()
///     encoder.appendText("PL001"); encoder.appendTimestamp(micros: t); encoder.appendDouble(45.2)
///     encoder.endRow()
public struct PGCopyEncoder: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var fieldsInRow = 0

    public init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Encoded size so far, in bytes.
    public var count: Int { bytes.count }

    /// Forgets the data (keeping the memory) to encode the next chunk.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        fieldsInRow = 0
    }

    /// One whole row of text-format values (as PostgreSQL would accept them as input).
    public mutating func appendRow(_ fields: [String?]) {
        for field in fields {
            if let field { appendText(field) } else { appendNull() }
        }
        endRow()
    }

    public mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        fieldsInRow = 0
    }

    public mutating func appendNull() {
        startField()
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "N"))
    }

    public mutating func appendText(_ text: String) {
        startField()
        var text = text
        text.withUTF8 { appendEscaped($0) }
    }

    public mutating func appendInt(_ value: Int64) {
        startField()
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            // Through UInt64 so Int64.min does not overflow on negation.
            appendUnsigned(UInt64(bitPattern: 0 &- value))
        } else {
            appendUnsigned(UInt64(value))
        }
    }

    /// Shortest text that reads back as the same Double; NaN and infinities are spelled
    /// the way PostgreSQL's float8 input expects.
    public mutating func appendDouble(_ value: Double) {
        startField()
        if value.isNaN {
            bytes.append(contentsOf: "NaN".utf8)
        } else if value.isInfinite {
            bytes.append(contentsOf: (value < 0 ? "-Infinity" : "Infinity").utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// A timestamptz from epoch microseconds, as `PGTimestamp.string(fromMicros:)`.
    public mutating func appendTimestamp(micros: Int64) {
        startField()
        PGTimestamp.append(micros: micros, to: &bytes)
    }

    private mutating func startField() {
        if fieldsInRow > 0 { bytes.append(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    private mutating func appendUnsigned(_ value: UInt64) {
        var divisor: UInt64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// Copies runs of ordinary bytes in one go and escapes the four special ones.
    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for index in 0..<text.count {
            let escaped: UInt8
            switch text[index] {
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            default: continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<index]))
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(escaped)
            runStart = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
    }
}
