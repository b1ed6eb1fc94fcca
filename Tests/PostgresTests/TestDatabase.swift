import Foundation
import Postgres
import Testing

/// The real PostgreSQL these tests run against: `BURSTWATCH_DATABASE_URL` (default
/// `postgresql://burstwatch@127.0.0.1:5432/burstwatch`), password from
/// `BURSTWATCH_DATABASE_PASSWORD_FILE`. The role needs CREATE on the database (and
/// CREATEROLE for the wrong-password test).
enum TestDatabase {
    static func settings() throws -> PGConnectionSettings {
        try PGConnectionSettings.fromEnvironment()
    }

    /// A connection, or an error that says plainly that the test database is missing.
    static func connect(_ applicationName: String = "burstwatch-postgres-tests") throws -> PGConnection {
        let settings = try settings()
        do {
            return try PGConnection(settings: settings, applicationName: applicationName)
        } catch {
            throw Unavailable(target: settings.redactedDescription, underlying: error)
        }
    }

    struct Unavailable: Error, CustomStringConvertible {
        let target: String
        let underlying: any Error
        var description: String {
            "cannot reach the test PostgreSQL at \(target): \(underlying). Start PostgreSQL and set "
                + "BURSTWATCH_DATABASE_URL (and BURSTWATCH_DATABASE_PASSWORD_FILE if it needs a password)."
        }
    }

    /// A name no other test (in this or a parallel run) uses.
    static func uniqueName(_ prefix: String) -> String {
        "bw_test_\(prefix)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Creates a table with a unique name, runs `body` with it, and drops it again.
    static func withTable<T>(
        _ prefix: String, columns: String, on connection: PGConnection, _ body: (String) throws -> T
    ) throws -> T {
        let table = pgQuoteIdentifier(uniqueName(prefix))
        try connection.executeScript("CREATE TABLE \(table) (\(columns))")
        defer { _ = try? connection.executeScript("DROP TABLE IF EXISTS \(table)") }
        return try body(table)
    }
}

/// Runs `body` on a new thread (each PGConnection belongs to one thread); `join` waits.
final class TestThread: @unchecked Sendable {  // `done` is a semaphore, safe across threads
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Void) {
        let done = self.done
        Thread.detachNewThread {
            body()
            done.signal()
        }
    }

    /// False when the thread did not finish within `timeout` seconds.
    func join(timeout: Double) -> Bool {
        done.wait(timeout: .now() + timeout) == .success
    }
}

/// A value shared between test threads, guarded by a lock.
final class Shared<Value>: @unchecked Sendable {  // every access goes through `lock`
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func update(_ change: (inout Value) -> Void) { lock.withLock { change(&value) } }
    var current: Value { lock.withLock { value } }
}
