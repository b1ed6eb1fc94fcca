import CLibPQ

extension PGConnection {
    /// Bytes handed to libpq per PQputCopyData call: large enough that per-call overhead
    /// vanishes, small enough not to hold a whole batch twice in memory.
    static let copyChunkSize = 64 * 1024

    /// Runs `COPY table (columns) FROM STDIN` (text format) and streams `rows` to it,
    /// each value text as PostgreSQL reads it for the column type, `nil` for NULL.
    /// - Returns: the number of rows the server stored.
    @discardableResult
    public func copyIn(_ copySQL: String, rows: some Sequence<[String?]>) throws -> Int {
        try copyIn(copySQL) { send in
            var encoder = PGCopyEncoder(reservingCapacity: PGConnection.copyChunkSize + 4096)
            for row in rows {
                encoder.appendRow(row)
                if encoder.count >= PGConnection.copyChunkSize {
                    try encoder.bytes.withUnsafeBytes(send)
                    encoder.removeAll()
                }
            }
            if encoder.count > 0 {
                try encoder.bytes.withUnsafeBytes(send)
            }
        }
    }

    /// Runs `COPY ... FROM STDIN` with data already in COPY text format (see
    /// `PGCopyEncoder`), sent in chunks.
    /// - Returns: the number of rows the server stored.
    @discardableResult
    public func copyIn(_ copySQL: String, data: [UInt8]) throws -> Int {
        try copyIn(copySQL) { send in
            try data.withUnsafeBytes { all in
                var offset = 0
                while offset < all.count {
                    let end = min(offset + PGConnection.copyChunkSize, all.count)
                    try send(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                    offset = end
                }
            }
        }
    }

    /// Starts the COPY, lets `produce` send the data, ends it and checks the outcome.
    /// If `produce` throws, the COPY is aborted (nothing is stored) and the error rethrown.
    private func copyIn(
        _ copySQL: String,
        produce: (_ send: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) throws -> Int {
        let connection = try liveHandle(for: copySQL)
        guard let start = PQexec(connection, copySQL) else {
            throw clientError(connection, statement: copySQL)
        }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            // `finish` throws the server's error (unknown table, bad column, ...) and
            // clears the result; if it returns, the statement was not a COPY FROM STDIN.
            _ = try finish(start, on: connection, statement: copySQL)
            throw PGError(sqlState: nil, message: "copyIn needs a COPY ... FROM STDIN statement", statement: copySQL)
        }
        PQclear(start)

        do {
            try produce { chunk in
                guard chunk.count > 0 else { return }
                let sent = PQputCopyData(
                    connection, chunk.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(chunk.count))
                guard sent == 1 else { throw self.clientError(connection, statement: copySQL) }
            }
        } catch {
            // Tells the server to fail the COPY, so no partial data is kept.
            PQputCopyEnd(connection, "COPY aborted by the client")
            discardPendingResults(connection)
            throw error
        }
        guard PQputCopyEnd(connection, nil) == 1 else {
            let error = clientError(connection, statement: copySQL)
            discardPendingResults(connection)
            throw error
        }
        try awaitResult(connection)
        let result = try finish(PQgetResult(connection), on: connection, statement: copySQL)
        discardPendingResults(connection)
        return result.affectedRows
    }
}
