/// Keeps passwords out of connection error messages.
///
/// libpq quotes the host, port or option value it could not use. When a password in
/// a postgresql:// URL holds an unescaped '@' or '/', libpq splits the URL in the
/// wrong place and that quoted value is part of the password (for
/// `postgresql://u:p@ss@db/x` it reports the host "ss@db"). Such URLs are refused
/// before libpq sees them, and every message is scrubbed of the password anyway.
enum PGConnectionSecrets {
    /// Why `conninfo` is refused, or nil when it is fine. Never quotes the string.
    static func urlProblem(_ conninfo: String) -> String? {
        let lowered = conninfo.lowercased()
        guard lowered.hasPrefix("postgresql://") || lowered.hasPrefix("postgres://"),
              let schemeEnd = conninfo.firstRange(of: "://") else { return nil }
        var rest = conninfo[schemeEnd.upperBound...]
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        guard let lastAt = rest.lastIndex(of: "@") else { return nil }
        let userInfo = rest[..<lastAt]
        if userInfo.contains("@") || userInfo.contains("/") {
            return "the user or password part of the database URL holds an unescaped '@' or '/': "
                + "percent-encode them as %40 and %2F (the URL is not shown, as it holds a password)"
        }
        return nil
    }

    /// `message` with every non-trivial password replaced by "<redacted>".
    static func scrub(_ message: String, passwords: [String?]) -> String {
        var scrubbed = message
        // Very short "passwords" would blank out ordinary words; they are not worth hiding.
        for case let password? in passwords where password.count >= 3 {
            scrubbed = scrubbed.replacing(password, with: "<redacted>")
        }
        return scrubbed
    }

    /// The password a connection string carries itself, if any.
    static func embeddedPassword(_ conninfo: String) -> String? {
        PGConnectionSettings.parse(conninfo)?.first { $0.keyword == "password" }?.value
    }
}
