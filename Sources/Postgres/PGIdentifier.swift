/// Quotes a name for use as an SQL identifier ("my table" -> "\"my table\"", embedded
/// quotes doubled), for the few places a table or channel name comes from configuration.
/// Never use it for values: bind those as parameters of `execute`.
public func pgQuoteIdentifier(_ name: String) -> String {
    var quoted = "\""
    for character in name {
        if character == "\"" { quoted.append("\"") }
        quoted.append(character)
    }
    quoted.append("\"")
    return quoted
}
