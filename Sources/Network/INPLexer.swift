/// One data line of an .inp file, split into fields, with its 1-based line number.
struct INPLine: Sendable {
    var number: Int
    var fields: [String]
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
        var lineStart = 0
        for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
            lineNumber += 1
            let fields = tokens(bytes[lineStart..<index])
            lineStart = index + 1
            guard let first = fields.first else { continue }
            if first.hasPrefix("[") {
                current = sectionName(first)
                continue
            }
            if let current {
                result[current, default: []].append(INPLine(number: lineNumber, fields: fields))
            }
        }
        return result
    }

    /// "[Junctions]" -> "JUNCTIONS".
    static func sectionName(_ header: String) -> String {
        var name = header.dropFirst()
        if let close = name.firstIndex(of: "]") { name = name[..<close] }
        return name.uppercased()
    }

    static func tokens(_ line: ArraySlice<UInt8>) -> [String] {
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
