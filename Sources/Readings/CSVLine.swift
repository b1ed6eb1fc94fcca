/// Splits one CSV line into fields, as ranges into a buffer. Fields are separated by commas and
/// trimmed of surrounding spaces and tabs. A field may be double-quoted (RFC 4180, `""` is a quote);
/// its content is trimmed too, since a logger id, timestamp or number with surrounding spaces is
/// never meant literally.
enum CSVLine {
    enum Problem: Error, Equatable {
        case quoteInUnquotedField(column: Int)
        case unterminatedQuote(column: Int)
        case textAfterClosingQuote(column: Int)

        var description: String {
            switch self {
            case .quoteInUnquotedField(let column): "column \(column): stray quote inside an unquoted field"
            case .unterminatedQuote(let column): "column \(column): quoted field has no closing quote"
            case .textAfterClosingQuote(let column): "column \(column): text after the closing quote"
            }
        }
    }

    /// Fast path for a line without any `"`: fields are slices of the line itself.
    static func splitPlain(_ line: UnsafeBufferPointer<UInt8>, into fields: inout FieldRanges) {
        fields.removeAll()
        let count = line.count
        var fieldStart = 0
        var index = 0
        while true {
            while index < count && line[index] != 0x2C { index += 1 }
            fields.append(trimmed(line, fieldStart..<index))
            if index == count { return }
            index += 1
            fieldStart = index
        }
    }

    /// General path: unquotes in place (content only ever shrinks), so the ranges point into
    /// the rewritten buffer.
    static func splitQuoted(_ line: UnsafeMutableBufferPointer<UInt8>, into fields: inout FieldRanges) -> Problem? {
        fields.removeAll()
        let count = line.count
        var read = 0
        var write = 0
        while true {
            let column = fields.count + 1
            while read < count && isSpaceOrTab(line[read]) { read += 1 }
            let fieldStart = write
            if read < count && line[read] == 0x22 {
                read += 1
                var closed = false
                while read < count {
                    let byte = line[read]
                    if byte == 0x22 {
                        if read + 1 < count && line[read + 1] == 0x22 {
                            line[write] = 0x22
                            write += 1
                            read += 2
                            continue
                        }
                        read += 1
                        closed = true
                        break
                    }
                    line[write] = byte
                    write += 1
                    read += 1
                }
                guard closed else { return .unterminatedQuote(column: column) }
                while read < count && isSpaceOrTab(line[read]) { read += 1 }
                if read < count && line[read] != 0x2C { return .textAfterClosingQuote(column: column) }
            } else {
                while read < count && line[read] != 0x2C {
                    let byte = line[read]
                    if byte == 0x22 { return .quoteInUnquotedField(column: column) }
                    line[write] = byte
                    write += 1
                    read += 1
                }
            }
            fields.append(trimmed(UnsafeBufferPointer(line), fieldStart..<write))
            if read >= count { return nil }
            read += 1
        }
    }

    /// Splits any line into owned strings; for small files where speed does not matter.
    static func strings(of line: UnsafeBufferPointer<UInt8>) -> Result<[String], Problem> {
        var copy = Array(line)
        var fields = FieldRanges()
        return copy.withUnsafeMutableBufferPointer { buffer in
            if let problem = splitQuoted(buffer, into: &fields) { return .failure(problem) }
            return .success(fields.map { String(decoding: UnsafeBufferPointer(rebasing: buffer[$0]), as: UTF8.self) })
        }
    }

    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && isSpaceOrTab(line[lower]) { lower += 1 }
        while upper > lower && isSpaceOrTab(line[upper - 1]) { upper -= 1 }
        return lower..<upper
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes in `range` spell `lowercaseASCII`, ignoring ASCII case.
    func equalsIgnoringCase(_ range: Range<Int>, _ lowercaseASCII: StaticString) -> Bool {
        guard range.count == lowercaseASCII.utf8CodeUnitCount else { return false }
        let expected = lowercaseASCII.utf8Start
        var offset = 0
        for index in range {
            var byte = self[index]
            if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
            if byte != expected[offset] { return false }
            offset += 1
        }
        return true
    }
}
