/// PostgreSQL array literals for binding whole columns as one parameter
/// (`unnest($1::text[], …)`): one round trip for a batch, and values are still bound,
/// never spliced into SQL.
enum SQLArray {
    static func text(_ values: [String?]) -> String {
        var out = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            guard let value else { out += "NULL"; continue }
            out += "\""
            for scalar in value.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { out += "\\" }
                out.unicodeScalars.append(scalar)
            }
            out += "\""
        }
        return out + "}"
    }

    static func text(_ values: [String]) -> String { text(values.map { Optional($0) }) }

    static func int(_ values: [Int]) -> String { "{" + values.map(String.init).joined(separator: ",") + "}" }
}
