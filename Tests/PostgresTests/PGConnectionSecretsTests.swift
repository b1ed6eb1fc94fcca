import Testing
@testable import Postgres

@Suite("Connection secrets")
struct PGConnectionSecretsTests {
    @Test("a URL whose password holds an unescaped '@' or '/' is refused before libpq can quote part of it")
    func misencodedURLsAreRefused() {
        #expect(PGConnectionSecrets.urlProblem("postgresql://u:p@ss@db:5432/x") != nil)
        #expect(PGConnectionSecrets.urlProblem("postgres://u:pa/ss@db/x") != nil)
        #expect(PGConnectionSecrets.urlProblem("postgresql://u:p%40ss@db:5432/x?sslmode=verify-full&sslrootcert=/a@b/ca.pem") == nil)
        #expect(PGConnectionSecrets.urlProblem("postgresql://db/x") == nil)
        #expect(PGConnectionSecrets.urlProblem("host=db user=u password=p@ss/word") == nil)
        #expect(PGConnectionSecrets.urlProblem("postgresql://u:pq@zzqx@db/x")?.contains("zzqx") == false)
    }

    @Test("connection errors are scrubbed of the password, wherever libpq quoted it")
    func scrubbing() {
        let message = #"could not translate host name "hunter2@db" to address"#
        #expect(PGConnectionSecrets.scrub(message, passwords: ["hunter2", nil]) == #"could not translate host name "<redacted>@db" to address"#)
        #expect(PGConnectionSecrets.embeddedPassword("postgresql://u:s%40cret@db/x") == "s@cret")
        #expect(PGConnectionSecrets.embeddedPassword("host=db") == nil)
    }

    @Test("connecting with a misencoded URL is a configuration error that shows no part of the password")
    func connectingWithMisencodedURL() {
        do {
            _ = try PGConnection(conninfo: "postgresql://u:left@rightpart@127.0.0.1:1/x")
            Issue.record("connected with a misencoded URL")
        } catch let error as PGError {
            #expect(error.kind == .configuration)
            #expect(!error.description.contains("rightpart") && !error.description.contains("left"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
