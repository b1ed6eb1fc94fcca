import CLibPQ

/// Isolation levels for `PGConnection.transaction(isolation:_:)`.
public enum PGIsolationLevel: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PGConnection {
    /// Runs one statement with `$1`, `$2`, ... bound to `params` (text format, `nil` is
    /// NULL). Values are never spliced into the SQL, so any text is safe to pass.
    @discardableResult
    public func execute(_ sql: String, _ params: [String?] = []) throws -> PGResult {
        let connection = try liveHandle(for: sql)
        guard waitHook != nil else {
            let result = withCStrings(params) { values in
                PQexecParams(connection, sql, Int32(params.count), nil, values, nil, nil, 0)
            }
            return try finish(result, on: connection, statement: sql)
        }
        let sent = withCStrings(params) { values in
            PQsendQueryParams(connection, sql, Int32(params.count), nil, values, nil, nil, 0)
        }
        guard sent == 1 else { throw clientError(connection, statement: sql) }
        try awaitResult(connection)
        let result = PQgetResult(connection)
        // PQexecParams reads up to the end of the results by itself; here it is ours to do.
        defer { discardPendingResults(connection) }
        return try finish(result, on: connection, statement: sql)
    }

    /// Runs several `;`-separated statements without parameters (migrations, LISTEN).
    /// They run in one implicit transaction unless the text has its own BEGIN/COMMIT, and
    /// stop at the first error, which is thrown.
    public func executeScript(_ sql: String) throws {
        let connection = try liveHandle(for: sql)
        _ = try finish(PQexec(connection, sql), on: connection, statement: sql)
    }

    /// Runs `body` inside BEGIN ... COMMIT, and rolls back when it throws (then rethrows).
    ///
    /// Nested calls use a savepoint, so an inner failure rolls back only the inner work
    /// (the batch-with-one-bad-file case). `isolation` applies to the outermost level only.
    ///
    /// A `PGError` caught and swallowed inside `body` still leaves the transaction aborted;
    /// COMMIT then rolls back, and this throws instead of reporting success.
    @discardableResult
    public func transaction<T>(isolation: PGIsolationLevel? = nil, _ body: () throws -> T) throws -> T {
        let connection = try liveHandle(for: "BEGIN")
        if transactionDepth > 0 || PQtransactionStatus(connection) != PQTRANS_IDLE {
            return try savepoint(body, on: connection)
        }
        if let isolation {
            try executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        } else {
            try executeScript("BEGIN")
        }
        transactionDepth = 1
        defer { transactionDepth = 0 }
        let value: T
        do {
            value = try body()
        } catch {
            // Best effort: if the connection is gone the server has rolled back already.
            _ = try? execute("ROLLBACK")
            throw error
        }
        let commit = try execute("COMMIT")
        if commit.commandStatus == "ROLLBACK" {
            throw PGError(
                sqlState: "25P02",
                message: "the transaction was rolled back at COMMIT because a statement in it had failed "
                    + "(an error was caught inside the transaction body and not rethrown)",
                statement: "COMMIT")
        }
        return value
    }

    private func savepoint<T>(_ body: () throws -> T, on connection: OpaquePointer) throws -> T {
        let name = "burstwatch_savepoint_\(transactionDepth)"
        try executeScript("SAVEPOINT \(name)")
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let value: T
        do {
            value = try body()
        } catch {
            _ = try? executeScript("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw error
        }
        if PQtransactionStatus(connection) == PQTRANS_INERROR {
            // Undo just the inner work so the outer transaction can go on.
            _ = try? executeScript("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            throw PGError(
                sqlState: "25P02",
                message: "the nested transaction was rolled back because a statement in it had failed "
                    + "(an error was caught inside the transaction body and not rethrown)",
                statement: "RELEASE SAVEPOINT")
        }
        try executeScript("RELEASE SAVEPOINT \(name)")
        return value
    }

    // MARK: - Results

    /// Turns a libpq result into a `PGResult` or a `PGError`, clears it, and reads any
    /// further results so the connection is ready for the next command.
    func finish(_ result: OpaquePointer?, on connection: OpaquePointer, statement: String) throws -> PGResult {
        guard let result else {
            throw clientError(connection, statement: statement)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGConnection.makeResult(result)
        case PGRES_COPY_IN:
            PQputCopyEnd(connection, "COPY FROM STDIN must be run with copyIn")
            discardPendingResults(connection)
            throw PGError(sqlState: nil, message: "COPY ... FROM STDIN must be run with copyIn, not execute", statement: statement)
        case PGRES_COPY_OUT:
            discardCopyOut(connection)
            throw PGError(sqlState: nil, message: "COPY ... TO STDOUT is not supported", statement: statement)
        default:
            let error = makeError(result, on: connection, statement: statement)
            discardPendingResults(connection)
            throw error
        }
    }

    /// Reads and drops results until libpq has none left.
    func discardPendingResults(_ connection: OpaquePointer) {
        while let next = PQgetResult(connection) {
            if PQresultStatus(next) == PGRES_COPY_OUT { discardCopyOut(connection) }
            PQclear(next)
        }
    }

    private func discardCopyOut(_ connection: OpaquePointer) {
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(connection, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
    }

    func makeError(_ result: OpaquePointer, on connection: OpaquePointer, statement: String?) -> PGError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        // 'C' SQLSTATE, 'M' primary message, 'D' detail, 'H' hint (PG_DIAG_* in postgres_ext.h).
        guard let sqlState = field("C") else {
            // No SQLSTATE: libpq itself failed, typically because the connection broke.
            return clientError(connection, statement: statement)
        }
        let message = field("M") ?? PGConnection.errorMessage(of: connection)
        return PGError(sqlState: sqlState, message: message, detail: field("D"), hint: field("H"), statement: statement)
    }

    static func makeResult(_ result: OpaquePointer) -> PGResult {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
                    values.append(String(decoding: UnsafeBufferPointer(start: bytes, count: length), as: UTF8.self))
                }
            }
            rows.append(values)
        }
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
        let status = PQcmdStatus(result).map { String(cString: $0) } ?? ""
        return PGResult(columns: columns, rows: rows, affectedRows: affected, commandStatus: status)
    }
}
