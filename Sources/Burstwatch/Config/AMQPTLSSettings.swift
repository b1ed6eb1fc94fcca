import AMQP

/// Broker TLS options from the environment, for deployments that keep file paths out
/// of the URL. They follow the RabbitMQ URI spec's query parameters of the same
/// meaning (`cacertfile`, `certfile`, `keyfile`, `verify`) and win over them.
/// Certificate verification stays on unless BURSTWATCH_AMQP_TLS_VERIFY=verify_none.
public struct AMQPTLSSettings: Sendable, Equatable {
    /// BURSTWATCH_AMQP_CA_FILE: PEM file of the CA(s) that signed the broker's certificate.
    public var caFile: String?
    /// BURSTWATCH_AMQP_CERT_FILE and BURSTWATCH_AMQP_KEY_FILE: a client certificate.
    public var certFile: String?
    public var keyFile: String?
    /// BURSTWATCH_AMQP_TLS_VERIFY: verify_peer (true) or verify_none (false).
    public var verifyPeer: Bool?

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, verifyPeer: Bool? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.verifyPeer = verifyPeer
    }

    public var isEmpty: Bool { self == AMQPTLSSettings() }

    static func fromEnvironment(_ env: [String: String]) throws -> AMQPTLSSettings {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        var tls = AMQPTLSSettings(caFile: value("BURSTWATCH_AMQP_CA_FILE"), certFile: value("BURSTWATCH_AMQP_CERT_FILE"),
                                  keyFile: value("BURSTWATCH_AMQP_KEY_FILE"))
        switch value("BURSTWATCH_AMQP_TLS_VERIFY") {
        case nil: break
        case "verify_peer": tls.verifyPeer = true
        case "verify_none": tls.verifyPeer = false
        case let other?:
            throw ConfigurationError("BURSTWATCH_AMQP_TLS_VERIFY must be verify_peer or verify_none, not \"\(other)\"")
        }
        return tls
    }

    /// The endpoint with these options laid over the URL's. Refuses TLS options for a
    /// plain amqp:// URL, which would otherwise connect unencrypted without a word.
    public func apply(to endpoint: AMQPEndpoint) throws -> AMQPEndpoint {
        guard !isEmpty else { return endpoint }
        guard endpoint.tls else {
            throw ConfigurationError("BURSTWATCH_AMQP_CA_FILE, _CERT_FILE, _KEY_FILE or _TLS_VERIFY is set, but BURSTWATCH_AMQP_URL is not amqps://")
        }
        var endpoint = endpoint
        if let caFile { endpoint.caCertPath = caFile }
        if let certFile { endpoint.certPath = certFile }
        if let keyFile { endpoint.keyPath = keyFile }
        if let verifyPeer { endpoint.verifyPeer = verifyPeer }
        guard (endpoint.certPath == nil) == (endpoint.keyPath == nil) else {
            throw ConfigurationError("a client certificate needs both BURSTWATCH_AMQP_CERT_FILE and BURSTWATCH_AMQP_KEY_FILE (or certfile and keyfile in the URL)")
        }
        return endpoint
    }
}
