/// Quotes input text inside an error message, cut short so a hostile 60 KiB field cannot blow up
/// logs and dead-letter headers.
enum Excerpt {
    static let maximumBytes = 48

    static func quoted(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var end = min(bytes.count, maximumBytes)
        // Cut at a character boundary: step back over UTF-8 continuation bytes.
        if end < bytes.count {
            while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        }
        let shown = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        return "\"" + shown + (end < bytes.count ? "…" : "") + "\""
    }

    static func quoted(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { quoted($0) }
    }
}
