/// One physical line of a text file: its bytes' range (terminator excluded) and facts the scan
/// learned for free, so callers need not rescan.
struct PhysicalLine {
    /// 1-based, counting every line (blank ones and the header too).
    var number: Int
    var range: Range<Int>
    /// Only spaces and tabs (or nothing).
    var isBlank: Bool
    /// Has a `"`, so CSV quote handling is needed.
    var containsQuote: Bool
}

/// Walks the lines of a byte buffer. A line ends at LF, CRLF or a lone CR; a UTF-8 byte order mark
/// at the very start is skipped. A final terminator does not start an extra empty line.
///
/// Records are physical lines: a quoted CSV field cannot span lines. That keeps one stray quote
/// from swallowing the rest of a file into a single field; it costs nothing here, since no field
/// of the formats read (ids, timestamps, numbers) contains a newline.
struct PhysicalLines {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position: Int
    private var lineNumber = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        position = hasBOM ? 3 : 0
    }

    mutating func next() -> PhysicalLine? {
        let count = bytes.count
        guard position < count else { return nil }
        lineNumber += 1
        let start = position
        var index = start
        var isBlank = true
        var containsQuote = false
        while index < count {
            let byte = bytes[index]
            if byte == 0x0A || byte == 0x0D { break }
            if byte == 0x22 { containsQuote = true }
            if !isSpaceOrTab(byte) { isBlank = false }
            index += 1
        }
        let end = index
        if index < count {
            let isCRLF = bytes[index] == 0x0D && index + 1 < count && bytes[index + 1] == 0x0A
            index += isCRLF ? 2 : 1
        }
        position = index
        return PhysicalLine(number: lineNumber, range: start..<end, isBlank: isBlank, containsQuote: containsQuote)
    }
}
