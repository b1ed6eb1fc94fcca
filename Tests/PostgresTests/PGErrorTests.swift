import Postgres
import Testing

@Suite("Error kinds")
struct PGErrorTests {
    @Test(arguments: [
        ("40P01", PGError.Kind.deadlock, true),
        ("40001", .serializationFailure, true),
        ("23505", .uniqueViolation, false),
        ("42P01", .undefinedTable, false),
        ("42501", .insufficientPrivilege, false),
        ("08006", .connection, true),
        ("57P01", .connection, true),
        ("22P02", .other, false),
    ])
    func sqlStateDecidesKindAndRetry(sqlState: String, kind: PGError.Kind, retryable: Bool) {
        let error = PGError(sqlState: sqlState, message: "m")
        #expect(error.kind == kind)
        #expect(error.isRetryable == retryable)
    }

    @Test func descriptionCarriesTheServerFields() {
        let error = PGError(
            sqlState: "23505", message: "duplicate key", detail: "Key (id)=(1) already exists.",
            hint: "use another id", statement: "INSERT INTO t VALUES ($1)")
        for part in ["23505", "duplicate key", "Key (id)=(1)", "use another id", "INSERT INTO t"] {
            #expect(error.description.contains(part), "\(part)")
        }
    }

    @Test func quotesIdentifiers() {
        #expect(pgQuoteIdentifier("readings") == "\"readings\"")
        #expect(pgQuoteIdentifier("we\"ird name") == "\"we\"\"ird name\"")
    }
}
