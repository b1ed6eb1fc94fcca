/// One data line of an .inp file, split into fields, with its 1-based line number.
struct INPLine: Sendable {
    var number: Int
    var fields: [String]
    /// The 1-based field whose opening `"` has no closing one on the line (nil: none).
    var unclosedQuoteField: Int? = nil
}

/// Splits an .inp file into sections of tokenised data lines.
///
/// EPANET's rules: a line whose first field starts with `[` opens a section; `;` starts
/// a comment; fields are separated by spaces or tabs; a field in double quotes may hold
/// spaces. Lines before the first section are ignored, as EPANET does. Works on UTF-8
/// bytes because files of 10,000+ nodes are common and `Character` iteration is slow.
enum INPLexer {
    /// Data lines of each section (keyed by its upper-cased name), in file order; a
    /// section may appear more than once, its lines are then concatenated.
    static func sections(of text: String) -> [String: [INPLine]] {
        var result: [String: [INPLine]] = [:]
        var current: String?
        var lineNumber = 0
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        // A UTF-8 byte order mark (Windows editors write one) would otherwise hide the first
        // section header, and that section's lines would be skipped without a word.
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        var lineStart = hasBOM ? 3 : 0
        for index in bytes.indices.dropFirst(lineStart) where endsLine(bytes, at: index) {
            lineNumber += 1
            var unclosedQuoteField: Int?
            let fields = tokens(bytes[lineStart..<index], unclosedQuoteField: &unclosedQuoteField)
            lineStart = index + 1
            guard let first = fields.first else { continue }
            if first.hasPrefix("[") {
                current = sectionName(first)
                continue
            }
            if let current {
                result[current, default: []].append(INPLine(number: lineNumber, fields: fields,
                                                             unclosedQuoteField: unclosedQuoteField))
            }
        }
        return result
    }

    /// LF, or a CR not followed by LF (old Mac files): a CR before LF is skipped as white
    /// space by `tokens`, so CRLF ends one line, not two.
    static func endsLine(_ bytes: [UInt8], at index: Int) -> Bool {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\n") { return true }
        return byte == UInt8(ascii: "\r") && index + 1 < bytes.count && bytes[index + 1] != UInt8(ascii: "\n")
    }

    /// "[Junctions]" -> "JUNCTIONS".
    static func sectionName(_ header: String) -> String {
        var name = header.dropFirst()
        if let close = name.firstIndex(of: "]") { name = name[..<close] }
        return name.uppercased()
    }

    static func tokens(_ line: ArraySlice<UInt8>, unclosedQuoteField: inout Int?) -> [String] {
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")
        let quote = UInt8(ascii: "\""), semicolon = UInt8(ascii: ";")
        var fields: [String] = []
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            if byte == space || byte == tab || byte == cr {
                index += 1
            } else if byte == semicolon {
                break
            } else if byte == quote {
                let start = index + 1
                var end = start
                while end < line.endIndex, line[end] != quote { end += 1 }
                if end == line.endIndex && unclosedQuoteField == nil { unclosedQuoteField = fields.count + 1 }
                fields.append(String(decoding: line[start..<end], as: UTF8.self))
                index = min(end + 1, line.endIndex)
            } else {
                var end = index
                while end < line.endIndex,
                      ![space, tab, cr, semicolon, quote].contains(line[end]) { end += 1 }
                fields.append(String(decoding: line[index..<end], as: UTF8.self))
                index = end
            }
        }
        return fields
    }
}

extension INPLexer {
    /// The first byte that no text file holds (NUL and other control bytes but tab, CR and LF),
    /// with its line: a binary file would otherwise read as "the network is empty".
    static func firstControlByte(in text: String) -> (line: Int, what: String)? {
        var line = 1
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == 0x0A {
                line += previous == 0x0D ? 0 : 1
            } else if byte == 0x0D {
                line += 1
            } else if byte < 0x20 && byte != 0x09 || byte == 0x7F {
                let hex = String(byte, radix: 16, uppercase: true)
                return (line, byte == 0 ? "NUL byte" : "control byte 0x" + (hex.count == 1 ? "0" : "") + hex)
            }
            previous = byte
        }
        return nil
    }
}
