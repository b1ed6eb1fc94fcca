/// Parses AMQP URIs (https://www.rabbitmq.com/uri-spec.html) into `AMQPEndpoint`.
///
/// Error messages name the broken part but never echo URL text, because a
/// mistyped URL can put part of the password anywhere.
enum AMQPURLParser {
    static func parse(_ url: String) throws -> AMQPEndpoint {
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("the URL must start with amqp:// or amqps://")
        }
        let tls: Bool
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "amqp": tls = false
        case "amqps": tls = true
        default: throw invalid("the scheme must be amqp or amqps")
        }

        var rest = Substring(url[schemeEnd.upperBound...])
        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        // The userinfo ends at the last "@" so that an unescaped "@" in the password still works.
        var userInfo: Substring?
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }

        var endpoint = AMQPEndpoint(host: "localhost", tls: tls)
        if let userInfo {
            if let colon = userInfo.firstIndex(of: ":") {
                endpoint.user = try percentDecode(userInfo[..<colon], part: "user name")
                endpoint.password = try percentDecode(userInfo[userInfo.index(after: colon)...], part: "password")
            } else {
                endpoint.user = try percentDecode(userInfo, part: "user name")
            }
        }
        try parseHostAndPort(rest, into: &endpoint)
        if let path, !path.isEmpty {
            guard !path.contains("/") else {
                throw invalid("the vhost contains '/': percent-encode it (the vhost '/' is written %2f)")
            }
            endpoint.vhost = try percentDecode(path, part: "vhost")
        }
        try parseQuery(query, into: &endpoint)
        try checkTLSOptions(endpoint)
        return endpoint
    }

    private static func parseHostAndPort(_ text: Substring, into endpoint: inout AMQPEndpoint) throws {
        var hostText = text
        var portText: Substring?
        if text.hasPrefix("[") {  // IPv6 literal: [::1]:5672
            guard let close = text.firstIndex(of: "]") else { throw invalid("an IPv6 host is missing its ']'") }
            hostText = text[text.index(after: text.startIndex)..<close]
            let afterClose = text[text.index(after: close)...]
            if afterClose.hasPrefix(":") {
                portText = afterClose.dropFirst()
            } else if !afterClose.isEmpty {
                throw invalid("unexpected text after the IPv6 host")
            }
        } else if let colon = text.lastIndex(of: ":") {
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        if !hostText.isEmpty { endpoint.host = try percentDecode(hostText, part: "host") }
        if let portText, !portText.isEmpty {
            guard let port = Int(portText), (1...65_535).contains(port) else {
                throw invalid("the port is not a number between 1 and 65535")
            }
            endpoint.port = port
        }
    }

    private static func parseQuery(_ query: Substring, into endpoint: inout AMQPEndpoint) throws {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = try percentDecode(parts[0], part: "query parameter")
            let value = parts.count > 1 ? try percentDecode(parts[1], part: "query parameter") : ""
            switch key {
            case "cacertfile": endpoint.caCertPath = value
            case "certfile": endpoint.certPath = value
            case "keyfile": endpoint.keyPath = value
            case "verify":
                switch value {
                case "verify_peer": endpoint.verifyPeer = true
                case "verify_none": endpoint.verifyPeer = false
                default: throw invalid("verify must be verify_peer or verify_none")
                }
            default: break  // other spec parameters (heartbeat, ...) are set through the API instead
            }
        }
    }

    /// TLS options on a plain amqp:// URL would silently not encrypt anything, and a
    /// certificate without its key (or the reverse) cannot be used: both are refused.
    static func checkTLSOptions(_ endpoint: AMQPEndpoint) throws {
        if !endpoint.tls, endpoint.caCertPath != nil || endpoint.certPath != nil || endpoint.keyPath != nil {
            throw invalid("TLS options (cacertfile, certfile, keyfile) need an amqps:// URL")
        }
        if (endpoint.certPath == nil) != (endpoint.keyPath == nil) {
            throw invalid("a client certificate needs both certfile and keyfile")
        }
    }

    static func percentDecode(_ text: Substring, part: String) throws -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw invalid("bad percent-encoding in the \(part)")
            }
            bytes.append(high << 4 | low)
        }
        var decoded = ""
        let failed = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) {
            decoded.unicodeScalars.append(Unicode.Scalar($0)!)
        }
        if failed { throw invalid("the \(part) is not valid UTF-8 after percent-decoding") }
        return decoded
    }

    /// Encodes everything but RFC 3986 unreserved characters (used for redacted URLs).
    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789abcdef".utf8)
                result += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]], as: UTF8.self)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func invalid(_ reason: String) -> AMQPError {
        AMQPError(.invalidArgument, operation: "parse AMQP URL", message: reason)
    }
}
