import AMQP
import Testing

@Suite("AMQP URL TLS options")
struct AMQPTLSOptionsTests {
    @Test("cacertfile, certfile, keyfile and verify follow the RabbitMQ URI spec; verification is on by default")
    func readsAllTLSParameters() throws {
        let endpoint = try AMQPEndpoint(
            url: "amqps://u:p@broker/v?cacertfile=%2Fetc%2Fca.pem&certfile=%2Fetc%2Fc.pem&keyfile=%2Fetc%2Fc.key")
        #expect(endpoint.tls)
        #expect(endpoint.caCertPath == "/etc/ca.pem")
        #expect(endpoint.certPath == "/etc/c.pem")
        #expect(endpoint.keyPath == "/etc/c.key")
        #expect(endpoint.verifyPeer)
        #expect(try AMQPEndpoint(url: "amqps://broker/?verify=verify_peer").verifyPeer)
        #expect(try !AMQPEndpoint(url: "amqps://broker/?verify=verify_none").verifyPeer)
    }

    @Test("TLS options on a plain amqp:// URL, or a certificate without its key, are refused")
    func refusesTLSOptionsThatCannotWork() {
        #expect(throws: AMQPError.self) { try AMQPEndpoint(url: "amqp://broker/?cacertfile=%2Fca.pem") }
        #expect(throws: AMQPError.self) { try AMQPEndpoint(url: "amqps://broker/?certfile=%2Fc.pem") }
        #expect(throws: AMQPError.self) { try AMQPEndpoint(url: "amqps://broker/?keyfile=%2Fc.key") }
    }

    @Test("the printed endpoint shows the TLS files but never the password")
    func printedEndpointHidesPassword() throws {
        let endpoint = try AMQPEndpoint(url: "amqps://u:hunter2secret@broker/v?certfile=%2Fc.pem&keyfile=%2Fc.key")
        #expect(!"\(endpoint)".contains("hunter2secret"))
        #expect(!String(reflecting: endpoint).contains("hunter2secret"))
        var dumped = ""
        dump(endpoint, to: &dumped)
        #expect(!dumped.contains("hunter2secret"))
        #expect(dumped.contains("/c.pem"))
    }
}
