import AMQP
import Burstwatch
import Foundation
import Postgres
import Testing

/// What a TLS-enabled service instance (BURSTWATCH_TLS=1 scripts/services start)
/// tells its clients; nil when the tests run against a plain instance.
struct TLSInstance {
    let caFile: String
    let otherCAFile: String
    let clientCert: String
    let clientKey: String
    let amqpsPort: Int

    static let current: TLSInstance? = {
        let env = ProcessInfo.processInfo.environment
        guard let ca = env["BURSTWATCH_TLS_CA_FILE"], let other = env["BURSTWATCH_TLS_OTHER_CA_FILE"],
              let cert = env["BURSTWATCH_TLS_CLIENT_CERT"], let key = env["BURSTWATCH_TLS_CLIENT_KEY"],
              let port = env["BURSTWATCH_TLS_AMQPS_PORT"].flatMap({ Int($0) }) else { return nil }
        return TLSInstance(caFile: ca, otherCAFile: other, clientCert: cert, clientKey: key, amqpsPort: port)
    }()

    /// The broker's TLS listener; "localhost" is the name in its certificate.
    func amqpsURL(_ query: String = "") -> String {
        "amqps://guest:guest@localhost:\(amqpsPort)/%2f" + (query.isEmpty ? "" : "?" + query)
    }

    var mutualQuery: String {
        "cacertfile=\(escape(caFile))&certfile=\(escape(clientCert))&keyfile=\(escape(clientKey))"
    }

    func escape(_ path: String) -> String { path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path }

    /// A postgresql:// URL with libpq's TLS options appended.
    func databaseURL(_ base: String, sslmode: String, rootCert: String) -> String {
        base + (base.contains("?") ? "&" : "?") + "sslmode=\(sslmode)&sslrootcert=\(escape(rootCert))"
    }
}

@Suite("TLS to broker and database", .serialized,
       .enabled(if: TLSInstance.current != nil,
                "no TLS service instance: run scripts/test-tls (BURSTWATCH_TLS=1 scripts/services start) to run these"))
struct TLSTests {
    let tls = TLSInstance.current!

    /// Publishes one message through a fresh queue and reads it back.
    static func roundTrip(_ connection: AMQPConnection) throws -> [UInt8]? {
        let queue = "bwtest.tls.\(UInt64.random(in: 0..<UInt64.max))"
        _ = try connection.declareQueue(queue, durable: false, autoDelete: true)
        defer { _ = try? connection.deleteQueue(queue) }
        try connection.enableConfirms()
        try connection.publish(exchange: "", routingKey: queue, body: Array("over tls".utf8))
        _ = try connection.waitForConfirms(timeout: 10)
        return try connection.get(queue: queue)?.body
    }

    static func connectError(_ endpoint: AMQPEndpoint) -> String? {
        do {
            let connection = try AMQPConnection(endpoint: endpoint, heartbeatSeconds: 0, connectionName: "bwtest-tls", connectTimeout: 5)
            connection.close()
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("amqps with the CA and a client certificate from URL parameters works")
    func amqpsWithURLParameters() throws {
        let connection = try AMQPConnection(endpoint: AMQPEndpoint(url: tls.amqpsURL(tls.mutualQuery)), heartbeatSeconds: 0,
                                            connectionName: "bwtest-tls")
        defer { connection.close() }
        #expect(try Self.roundTrip(connection) == Array("over tls".utf8))
    }

    @Test("the broker's certificate is verified by default: an unknown CA, or none, is refused")
    func amqpsVerifiesByDefault() throws {
        let clientCert = "certfile=\(tls.escape(tls.clientCert))&keyfile=\(tls.escape(tls.clientKey))"
        // The system's CAs do not know the throwaway CA.
        let noCA = try AMQPEndpoint(url: tls.amqpsURL(clientCert))
        #expect(noCA.verifyPeer)
        #expect(Self.connectError(noCA) != nil)
        let otherCA = try AMQPEndpoint(url: tls.amqpsURL(clientCert + "&cacertfile=\(tls.escape(tls.otherCAFile))"))
        #expect(Self.connectError(otherCA) != nil)
        // Switching verification off is possible, and explicit.
        let unverified = try AMQPEndpoint(url: tls.amqpsURL(clientCert + "&verify=verify_none"))
        #expect(Self.connectError(unverified) == nil)
    }

    @Test("the broker refuses a client without a certificate (mutual TLS)")
    func amqpsNeedsClientCertificate() throws {
        let endpoint = try AMQPEndpoint(url: tls.amqpsURL("cacertfile=\(tls.escape(tls.caFile))"))
        #expect(Self.connectError(endpoint) != nil)
    }

    @Test("TLS files from BURSTWATCH_AMQP_* variables reach the connection")
    func amqpsFromEnvironment() throws {
        var env = ProcessInfo.processInfo.environment
        env["BURSTWATCH_AMQP_URL"] = tls.amqpsURL()
        env["BURSTWATCH_AMQP_CA_FILE"] = tls.caFile
        env["BURSTWATCH_AMQP_CERT_FILE"] = tls.clientCert
        env["BURSTWATCH_AMQP_KEY_FILE"] = tls.clientKey
        let settings = try Settings.fromEnvironment(env)
        let connection = try Connections(settings: settings).broker("tls-test", heartbeatSeconds: 0)
        defer { connection.close() }
        #expect(try Self.roundTrip(connection) == Array("over tls".utf8))
    }

    @Test("PostgreSQL with sslmode=verify-full and the CA connects encrypted; a wrong CA is refused")
    func postgresVerifyFull() throws {
        let base = ProcessInfo.processInfo.environment["BURSTWATCH_DATABASE_URL"] ?? Settings.defaultDatabaseURL
        let connection = try PGConnection(conninfo: tls.databaseURL(base, sslmode: "verify-full", rootCert: tls.caFile))
        defer { connection.close() }
        let ssl = try connection.execute("SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        #expect(ssl.rows.first?.first == "true")
        #expect(throws: PGError.self) {
            try PGConnection(conninfo: tls.databaseURL(base, sslmode: "verify-full", rootCert: tls.otherCAFile))
        }
    }

    @Test("watch and ingest run over TLS to both services")
    func pipelineOverTLS() throws {
        let env = try TestEnvironment("tls-pipeline")
        try env.registerDemo()
        var environment = env.environment
        environment["BURSTWATCH_AMQP_URL"] = tls.amqpsURL()
        environment["BURSTWATCH_AMQP_CA_FILE"] = tls.caFile
        environment["BURSTWATCH_AMQP_CERT_FILE"] = tls.clientCert
        environment["BURSTWATCH_AMQP_KEY_FILE"] = tls.clientKey
        environment["BURSTWATCH_DATABASE_URL"] = tls.databaseURL(env.settings.databaseURL, sslmode: "verify-full", rootCert: tls.caFile)
        let ingest = try startRole(["ingest", "--prefetch", "10"], environment: environment, label: env.name)
        defer { ingest.stop() }
        let watch = try startRole(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory],
                                  environment: environment, label: env.name)
        defer { watch.stop() }

        for (name, contents) in IngestPipelineTests.loggerFiles(count: 12) {
            FileManager.default.createFile(atPath: env.uploadDirectory + "/" + name, contents: Data(contents))
        }
        #expect(try env.eventually(timeout: 60) { try env.count("SELECT count(*) FROM readings") == 12 },
                "ingest log:\n\(ingest.log.suffix(2000))\nwatch log:\n\(watch.log.suffix(2000))")
        let encrypted = try env.query("""
            SELECT bool_and(s.ssl)::text FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
            WHERE a.datname = current_database() AND a.application_name LIKE 'burstwatch-%'
            """)
        #expect(encrypted.first?.first == "true")
    }
}
