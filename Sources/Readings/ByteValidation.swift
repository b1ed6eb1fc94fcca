/// Whole-file checks before any parsing: the bytes must be UTF-8 text.
enum ByteValidation {
    /// What the check learned on the way, for sizing buffers.
    struct TextFacts {
        /// LF and CR bytes: an upper bound on the number of line breaks.
        var lineBreakBytes = 0
    }

    /// Fails when the bytes are not valid UTF-8 or hold control bytes other than tab, LF and CR.
    /// Control bytes mean binary content (a zip, an image, a corrupted transfer); reading "rows"
    /// out of such a file would only produce noise.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<TextFacts, FileRejection> {
        var facts = TextFacts()
        guard let base = bytes.baseAddress else { return .success(facts) }
        let count = bytes.count
        if let utf16 = utf16ByteOrderMark(bytes) {
            return .failure(FileRejection(kind: .invalidUTF8,
                reason: "UTF-16 text (byte order mark \(utf16) on line 1); logger files must be UTF-8"))
        }
        var index = 0
        while index < count {
            // Fast path: eight printable ASCII bytes at once (no high bit, none below 0x20, no DEL).
            if index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highBits: UInt64 = 0x8080_8080_8080_8080
                let hasNonASCII = word & highBits
                // Exact "some byte < n" test for n <= 128 (Bit Twiddling Hacks, hasless).
                let hasControl = (word &- ones &* 0x20) & ~word & highBits
                let delete = word ^ (ones &* 0x7F)
                let hasDelete = (delete &- ones) & ~delete & highBits
                if hasNonASCII | hasControl | hasDelete == 0 {
                    index += 8
                    continue
                }
            }
            let lead = bytes[index]
            if lead < 0x80 {
                if lead < 0x20 && lead != 0x09 && lead != 0x0A && lead != 0x0D || lead == 0x7F {
                    return .failure(binary(lead, at: index, in: bytes))
                }
                if lead == 0x0A || lead == 0x0D { facts.lineBreakBytes += 1 }
                index += 1
                continue
            }
            // Well-formed sequences per RFC 3629 / Unicode table 3-7 (no overlongs, no surrogates,
            // nothing above U+10FFFF).
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondRange = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondRange = 0x80...0x9F
            case 0xF0: length = 4; secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondRange = 0x80...0x8F
            default: return .failure(invalidUTF8(at: index, in: bytes))
            }
            guard index + length <= count, secondRange.contains(bytes[index + 1]) else {
                return .failure(invalidUTF8(at: index, in: bytes))
            }
            var continuation = index + 2
            while continuation < index + length {
                guard bytes[continuation] & 0xC0 == 0x80 else { return .failure(invalidUTF8(at: index, in: bytes)) }
                continuation += 1
            }
            index += length
        }
        return .success(facts)
    }

    private static func binary(_ byte: UInt8, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> FileRejection {
        let what = byte == 0 ? "NUL byte" : "control byte 0x" + hexByte(byte)
        return FileRejection(kind: .binary,
            reason: "binary content: \(what) on line \(lineNumber(at: offset, in: bytes)) at byte offset \(offset)")
    }

    private static func invalidUTF8(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> FileRejection {
        FileRejection(kind: .invalidUTF8,
            reason: "invalid UTF-8 on line \(lineNumber(at: offset, in: bytes)) at byte offset \(offset)")
    }

    /// The 1-based line holding `offset`, as `PhysicalLines` numbers it, so the number matches
    /// the one row errors give. Only runs on failure. (The failing byte is never a line
    /// terminator nor part of the byte order mark, so it lies inside one line's range.)
    static func lineNumber(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var lines = PhysicalLines(bytes)
        var last = 1
        while let line = lines.next() {
            if offset < line.range.upperBound { return line.number }
            last = line.number
        }
        return last
    }

    /// "FF FE" or "FE FF" when the file starts with a UTF-16 byte order mark: spreadsheet programs
    /// save "Unicode text" that way, and "invalid UTF-8 at byte 0" would not tell the user why.
    private static func utf16ByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count >= 2 else { return nil }
        switch (bytes[0], bytes[1]) {
        case (0xFF, 0xFE): return "FF FE"
        case (0xFE, 0xFF): return "FE FF"
        default: return nil
        }
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
