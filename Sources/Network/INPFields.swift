/// Field checks shared by the section readers, so that every message has the same shape.
extension NetworkBuilder {
    /// `layout` lists the fields for the message, e.g. "ID, elevation[, demand[, pattern]]".
    func requireFieldCount(_ line: INPLine, section: String, _ range: ClosedRange<Int>,
                           layout: String) throws(NetworkParseError) {
        try requireClosedQuotes(line)
        let count = line.fields.count
        guard range.contains(count) else {
            let expected = range.lowerBound == range.upperBound
                ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw error(line, "[\(section)] line has \(count) field\(count == 1 ? "" : "s"), expected \(expected) (\(layout))")
        }
    }

    func requireFieldCount(_ line: INPLine, section: String, atLeast minimum: Int,
                           layout: String) throws(NetworkParseError) {
        try requireClosedQuotes(line)
        let count = line.fields.count
        guard count >= minimum else {
            throw error(line, "[\(section)] line has \(count) field\(count == 1 ? "" : "s"), expected at least \(minimum) (\(layout))")
        }
    }

    /// An unclosed quote swallows the rest of the line into one field; saying so beats the
    /// field count it would otherwise be blamed on.
    func requireClosedQuotes(_ line: INPLine) throws(NetworkParseError) {
        if let field = line.unclosedQuoteField {
            throw error(line, "field \(field) opens a quote (\") that is not closed on the line")
        }
    }

    /// A finite decimal number, e.g. `pipe "P-12": length "abc" is not a number`.
    func number(_ line: INPLine, field index: Int, named name: String, of subject: String) throws(NetworkParseError) -> Double {
        let text = line.fields[index]
        guard let value = Double(text), value.isFinite else {
            throw error(line, "\(subject): \(name) \"\(text)\" is not a number")
        }
        return value
    }

    func positiveNumber(_ line: INPLine, field index: Int, named name: String, of subject: String) throws(NetworkParseError) -> Double {
        let value = try number(line, field: index, named: name, of: subject)
        guard value > 0 else {
            throw error(line, "\(subject): \(name) must be positive, is \(line.fields[index])")
        }
        return value
    }

    func optionalNumber(_ line: INPLine, field index: Int, named name: String, of subject: String) throws(NetworkParseError) -> Double? {
        guard line.fields.indices.contains(index) else { return nil }
        return try number(line, field: index, named: name, of: subject)
    }
}
