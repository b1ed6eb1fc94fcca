import Foundation
import Postgres
import Testing

@Suite("Connection settings from the environment")
struct PGConnectionSettingsTests {
    @Test func defaultsToTheLocalServer() throws {
        let settings = try PGConnectionSettings.fromEnvironment { _ in nil }
        #expect(settings.conninfo == "postgresql://burstwatch@127.0.0.1:5432/burstwatch")
        #expect(settings.password == nil)
    }

    @Test func readsThePasswordFileWithoutItsTrailingNewline() throws {
        let path = NSTemporaryDirectory() + TestDatabase.uniqueName("pwfile")
        try "s3cret pass\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = [
            "BURSTWATCH_DATABASE_URL": "host=db.example port=6543",
            "BURSTWATCH_DATABASE_PASSWORD_FILE": path,
        ]
        let settings = try PGConnectionSettings.fromEnvironment { environment[$0] }
        #expect(settings.conninfo == "host=db.example port=6543")
        #expect(settings.password == "s3cret pass")
    }

    @Test func missingPasswordFileIsAConfigurationErrorNamingTheFile() {
        let path = "/nonexistent/burstwatch-password"
        let error = #expect(throws: PGError.self) {
            try PGConnectionSettings.fromEnvironment { $0 == "BURSTWATCH_DATABASE_PASSWORD_FILE" ? path : nil }
        }
        #expect(error?.kind == .configuration)
        #expect(error?.description.contains(path) == true)
    }

    @Test func redactionDropsThePassword() {
        let redacted = PGConnectionSettings.redacted("postgresql://bw:hunter2@db.example:6543/burst?sslmode=require")
        #expect(!redacted.contains("hunter2"))
        for part in ["host=db.example", "port=6543", "dbname=burst", "user=bw", "sslmode=require"] {
            #expect(redacted.contains(part), "\(part) in \(redacted)")
        }
        #expect(!PGConnectionSettings.redacted("host=x password='hunter2'").contains("hunter2"))
        #expect(!PGConnectionSettings.redacted("postgresql://bw:hunter2@[::1").contains("hunter2"))
    }
}
