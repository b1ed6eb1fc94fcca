import AMQP
import Foundation
import Testing
@testable import Burstwatch

@Suite("Security settings")
struct SecuritySettingsTests {
    @Test("BURSTWATCH_AMQP_* TLS variables override the URL's parameters and keep verification on")
    func tlsFromEnvironment() throws {
        let settings = try Settings.fromEnvironment([
            "BURSTWATCH_AMQP_URL": "amqps://u:p@broker/v?cacertfile=%2Furl%2Fca.pem",
            "BURSTWATCH_AMQP_CA_FILE": "/env/ca.pem", "BURSTWATCH_AMQP_CERT_FILE": "/env/c.pem",
            "BURSTWATCH_AMQP_KEY_FILE": "/env/c.key",
        ])
        let endpoint = try settings.amqpTLS.apply(to: AMQPEndpoint(url: settings.amqpURL))
        #expect(endpoint.caCertPath == "/env/ca.pem")
        #expect(endpoint.certPath == "/env/c.pem")
        #expect(endpoint.keyPath == "/env/c.key")
        #expect(endpoint.verifyPeer)

        let unverified = try Settings.fromEnvironment([
            "BURSTWATCH_AMQP_URL": "amqps://broker/", "BURSTWATCH_AMQP_TLS_VERIFY": "verify_none",
        ])
        #expect(try !unverified.amqpTLS.apply(to: AMQPEndpoint(url: unverified.amqpURL)).verifyPeer)
    }

    @Test("TLS variables with a plain URL, half a client certificate, or a bad verify value are configuration errors")
    func badTLSSettings() {
        #expect(throws: ConfigurationError.self) {
            try Settings.fromEnvironment(["BURSTWATCH_AMQP_URL": "amqp://broker/", "BURSTWATCH_AMQP_CA_FILE": "/ca.pem"])
        }
        #expect(throws: ConfigurationError.self) {
            try Settings.fromEnvironment(["BURSTWATCH_AMQP_URL": "amqps://broker/", "BURSTWATCH_AMQP_CERT_FILE": "/c.pem"])
        }
        #expect(throws: ConfigurationError.self) {
            try Settings.fromEnvironment(["BURSTWATCH_AMQP_URL": "amqps://broker/", "BURSTWATCH_AMQP_TLS_VERIFY": "yes"])
        }
        #expect(throws: ConfigurationError.self) { try Settings.fromEnvironment(["BURSTWATCH_AMQP_URL": "http://broker/"]) }
    }

    @Test("a broken broker URL is reported without echoing it")
    func brokenURLNotEchoed() {
        do {
            _ = try Settings.fromEnvironment(["BURSTWATCH_AMQP_URL": "amqp://u:hunter2secret@host:notaport/v"])
            Issue.record("a URL with a bad port was accepted")
        } catch {
            #expect(!"\(error)".contains("hunter2secret"))
            #expect("\(error)".contains("port"))
        }
    }

    @Test("printed or dumped settings show where they point, never a password")
    func settingsHidePasswords() throws {
        let settings = Settings(amqpURL: "amqp://u:amqpsecret1@broker/v", amqpPassword: "amqpsecret2",
                                databaseURL: "postgresql://u:dbsecret1@db/x", databasePassword: "dbsecret2")
        var dumped = ""
        dump(settings, to: &dumped)
        for text in ["\(settings)", String(reflecting: settings), dumped] {
            for secret in ["amqpsecret1", "amqpsecret2", "dbsecret1", "dbsecret2"] {
                #expect(!text.contains(secret), "\(text)")
            }
            #expect(text.contains("broker") && text.contains("db"))
        }
    }
}
