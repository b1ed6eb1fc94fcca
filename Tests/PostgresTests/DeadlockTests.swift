import Foundation
import Postgres
import Testing

@Suite("Deadlocks")
struct DeadlockTests {
    /// Two sessions each lock one row, then want the other's: PostgreSQL aborts one of
    /// them with 40P01, which must come out as a retryable `.deadlock`.
    @Test func crossedLocksOnTwoThreadsGiveARetryableDeadlock() throws {
        let setup = try TestDatabase.connect()
        try TestDatabase.withTable("deadlock", columns: "id int PRIMARY KEY, n int", on: setup) { table in
            try setup.execute("INSERT INTO \(table) VALUES (1, 0), (2, 0)")
            let locked = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
            let outcomes = Shared<[Result<Void, PGError>]>([])

            func session(first: Int, second: Int, mine: DispatchSemaphore, theirs: DispatchSemaphore) -> TestThread {
                TestThread {
                    let outcome: Result<Void, PGError>
                    do {
                        let connection = try TestDatabase.connect()
                        try connection.execute("SET lock_timeout = '20s'")  // never hang the suite
                        try connection.transaction {
                            try connection.execute("UPDATE \(table) SET n = n + 1 WHERE id = $1", [String(first)])
                            mine.signal()
                            _ = theirs.wait(timeout: .now() + 10)
                            try connection.execute("UPDATE \(table) SET n = n + 1 WHERE id = $1", [String(second)])
                        }
                        outcome = .success(())
                    } catch let error as PGError {
                        outcome = .failure(error)
                    } catch {
                        outcome = .failure(PGError(sqlState: nil, message: "\(error)"))
                    }
                    outcomes.update { $0.append(outcome) }
                }
            }
            let one = session(first: 1, second: 2, mine: locked.0, theirs: locked.1)
            let two = session(first: 2, second: 1, mine: locked.1, theirs: locked.0)
            #expect(one.join(timeout: 30) && two.join(timeout: 30), "sessions did not finish")

            let failures = outcomes.current.compactMap { outcome -> PGError? in
                if case .failure(let error) = outcome { return error }
                return nil
            }
            #expect(outcomes.current.count == 2)
            #expect(failures.count == 1, "\(failures)")
            #expect(failures.first?.kind == .deadlock)
            #expect(failures.first?.sqlState == "40P01")
            #expect(failures.first?.isRetryable == true)
            // The survivor committed both of its updates; the victim's were rolled back.
            #expect(try setup.execute("SELECT sum(n) AS total FROM \(table)").int(0, "total") == 2)
        }
    }
}
