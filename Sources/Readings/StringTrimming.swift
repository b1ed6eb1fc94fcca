extension String {
    /// Drops leading and trailing spaces and tabs (the only whitespace CSV fields are trimmed of).
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !isSpaceOrTab($0) }) else { return "" }
        guard let last = utf8.lastIndex(where: { !isSpaceOrTab($0) }) else { return "" }
        // The byte after the last kept one is a space, a tab or the end: always a character boundary.
        return String(self[first..<utf8.index(after: last)])
    }
}

@inline(__always)
func isSpaceOrTab(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09
}
