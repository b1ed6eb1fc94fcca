import Testing

@testable import AMQP

@Suite("AMQP URL parsing")
struct AMQPEndpointTests {
    @Test func parsesEveryPartAndDecodesTheVhost() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://alice:s3cret@broker.example:5999/%2f")
        #expect(endpoint.host == "broker.example")
        #expect(endpoint.port == 5999)
        #expect(endpoint.user == "alice")
        #expect(endpoint.password == "s3cret")
        #expect(endpoint.vhost == "/")
        #expect(!endpoint.tls)
    }

    @Test func defaultsFollowTheRabbitMQURISpec() throws {
        let plain = try AMQPEndpoint(url: "amqp://broker")
        #expect(plain.port == 5672)
        #expect(plain.vhost == "/")
        #expect(plain.user == "guest" && plain.password == "guest")

        let tls = try AMQPEndpoint(url: "amqps://u:p@broker/prod")
        #expect(tls.tls)
        #expect(tls.port == 5671)
        #expect(tls.vhost == "prod")
        #expect(tls.verifyPeer)
    }

    @Test func percentDecodesCredentialsAndKeepsAnAtSignInThePassword() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://us%3Aer:pa@ss%2Fw%25rd@h:1/v%20h")
        #expect(endpoint.user == "us:er")
        #expect(endpoint.password == "pa@ss/w%rd")
        #expect(endpoint.vhost == "v h")
    }

    @Test func readsTLSQueryParameters() throws {
        let endpoint = try AMQPEndpoint(url: "amqps://h/?cacertfile=%2Fetc%2Fca.pem&verify=verify_none")
        #expect(endpoint.caCertPath == "/etc/ca.pem")
        #expect(!endpoint.verifyPeer)
    }

    @Test func parsesIPv6Hosts() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://[::1]:5682/%2f")
        #expect(endpoint.host == "::1")
        #expect(endpoint.port == 5682)
        #expect(endpoint.description == "amqp://guest@[::1]:5682/%2f")
    }

    @Test func passwordOverrideReplacesTheURLPassword() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://bob:fromurl@h/%2f", passwordOverride: "fromfile")
        #expect(endpoint.password == "fromfile")
        #expect(endpoint.user == "bob")
    }

    @Test func descriptionsNeverContainThePassword() throws {
        let endpoint = try AMQPEndpoint(url: "amqp://bob:Sup3rSecretPw@h:5672/%2f")
        #expect(endpoint.description == "amqp://bob@h:5672/%2f")
        for text in [
            endpoint.description, endpoint.debugDescription, String(describing: endpoint),
            String(reflecting: endpoint), "\(endpoint)", dumped(endpoint),
        ] {
            #expect(!text.contains("Sup3rSecretPw"), "password leaked in: \(text)")
        }
    }

    @Test(arguments: [
        "http://h/", "amqp//h", "amqp://h:notaport/", "amqp://h:70000/", "amqp://h/a/b", "amqp://h/%zz",
        "amqps://h/?verify=maybe",
    ])
    func rejectsMalformedURLs(_ url: String) {
        #expect(throws: AMQPError.self) { try AMQPEndpoint(url: url) }
    }

    @Test func errorsDoNotEchoThePassword() {
        // An unescaped "/" in the password makes the rest look like a path.
        do {
            _ = try AMQPEndpoint(url: "amqp://u:pw/Secret@host:x")
            Issue.record("expected a parse error")
        } catch {
            #expect(!String(describing: error).contains("Secret"))
        }
    }

    private func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}
