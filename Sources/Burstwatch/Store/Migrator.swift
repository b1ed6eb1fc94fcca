import Postgres

/// Applies the migrations that a database does not have yet. Safe to run twice and
/// safe to run from two processes at once: an advisory lock serialises them.
public struct Migrator {
    public let connection: PGConnection
    public init(connection: PGConnection) { self.connection = connection }

    /// Returns the versions applied by this call (empty when the schema was current).
    @discardableResult
    public func migrate() throws -> [Int] {
        try connection.transaction {
            // Any constant works; it only has to be the same for every burstwatch.
            _ = try connection.execute("SELECT pg_advisory_xact_lock(7262011)")
            try connection.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """)
            let applied = Set(try connection.execute("SELECT version FROM schema_migrations").rows.compactMap { $0[0].flatMap { Int($0) } })
            var done: [Int] = []
            for migration in Migrations.all where !applied.contains(migration.version) {
                try connection.executeScript(migration.sql)
                _ = try connection.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                           [String(migration.version), migration.name])
                done.append(migration.version)
            }
            return done
        }
    }
}
