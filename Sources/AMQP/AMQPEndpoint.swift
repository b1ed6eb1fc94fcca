/// Where and how to reach a broker, parsed from an AMQP URI
/// (`amqp://user:pass@host:port/vhost`, `amqps://...` for TLS).
///
/// Follows the RabbitMQ URI spec: user, password and vhost are percent-decoded
/// (`%2f` is the vhost `/`), a missing or empty path means vhost `/`, default
/// ports are 5672 (amqp) and 5671 (amqps), default credentials guest/guest.
/// TLS query parameters understood (the spec's names): `cacertfile=PATH`,
/// `certfile=PATH` and `keyfile=PATH` (a client certificate, both or neither),
/// `verify=verify_peer|verify_none`. Verification is on unless `verify_none` is asked for.
///
/// `description`, `debugDescription` and the reflection mirror never show the password.
public struct AMQPEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var vhost: String
    public var user: String
    public var password: String
    /// amqps: connect with TLS.
    public var tls: Bool
    /// PEM file of the CA(s) to trust for TLS; nil uses the system default.
    public var caCertPath: String?
    /// PEM client certificate and its (unencrypted) key, for brokers that require one.
    public var certPath: String?
    public var keyPath: String?
    /// Check the broker's certificate and host name (TLS only).
    public var verifyPeer: Bool

    public init(
        host: String = "127.0.0.1", port: Int? = nil, vhost: String = "/",
        user: String = "guest", password: String = "guest",
        tls: Bool = false, caCertPath: String? = nil, verifyPeer: Bool = true,
        certPath: String? = nil, keyPath: String? = nil
    ) {
        self.host = host
        self.port = port ?? (tls ? 5671 : 5672)
        self.vhost = vhost
        self.user = user
        self.password = password
        self.tls = tls
        self.caCertPath = caCertPath
        self.verifyPeer = verifyPeer
        self.certPath = certPath
        self.keyPath = keyPath
    }

    /// Parses an AMQP URI. `passwordOverride` (e.g. read from a password file)
    /// replaces whatever password the URL carries.
    public init(url: String, passwordOverride: String? = nil) throws {
        self = try AMQPURLParser.parse(url)
        if let passwordOverride { password = passwordOverride }
    }

    /// The URL without the password, e.g. `amqp://guest@127.0.0.1:5672/%2f`.
    public var redactedURL: String {
        let scheme = tls ? "amqps" : "amqp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return
            "\(scheme)://\(AMQPURLParser.percentEncode(user))@\(hostPart):\(port)/\(AMQPURLParser.percentEncode(vhost))"
    }
}

extension AMQPEndpoint: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { redactedURL }
    public var debugDescription: String { "AMQPEndpoint(\(redactedURL))" }
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port, "vhost": vhost, "user": user, "password": "<redacted>",
                "tls": tls, "caCertPath": caCertPath as Any, "verifyPeer": verifyPeer,
                "certPath": certPath as Any, "keyPath": keyPath as Any,
            ])
    }
}
