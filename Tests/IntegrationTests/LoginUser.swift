import Burstwatch
import Foundation
import Postgres

/// A least-privilege login user for one test, made as an operator would (README,
/// "Database roles"): `CREATE ROLE ... LOGIN PASSWORD ... IN ROLE burstwatch_<group>`.
/// It is also in `burstwatch_password_required`, which scripts/lib/postgres.sh makes
/// pg_hba.conf ask for a password (scram-sha-256), so its password is really checked.
/// The password lives in a file, handed to roles by BURSTWATCH_DATABASE_PASSWORD_FILE.
final class LoginUser: @unchecked Sendable {
    static let passwordGroup = "burstwatch_password_required"

    let name: String
    let password: String
    let passwordFile: String
    /// The test database's URL with this user and no password.
    let url: String
    private let adminURL: String

    init(group: String, in env: TestEnvironment) throws {
        let suffix = String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        name = "bwtest_\(group)_\(suffix)"
        // Long and unlike anything else in a log, so finding it there means a leak.
        password = "pw-\(UUID().uuidString)-\(suffix)"
        adminURL = env.adminURL
        var components = try URLComponents(string: env.settings.databaseURL).orThrow("the test database URL is not a URL")
        components.user = name
        components.password = nil
        url = try components.string.orThrow("cannot build the login user's URL")
        passwordFile = NSTemporaryDirectory() + "bwtest-\(name).password"
        FileManager.default.createFile(atPath: passwordFile, contents: Data((password + "\n").utf8),
                                       attributes: [.posixPermissions: 0o600])

        let admin = try PGConnection(conninfo: adminURL)
        defer { admin.close() }
        try Self.ensurePasswordGroup(admin)
        // Utility statements take no parameters; format() quotes name and password.
        let statement = try admin.execute(
            "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I, %I', $1::text, $2::text, $3::text, $4::text)",
            [name, password, "burstwatch_\(group)", Self.passwordGroup])
        try admin.executeScript(statement.rows[0][0] ?? "")
    }

    /// The group that pg_hba.conf asks for passwords; one per cluster, made by whichever
    /// test comes first (a concurrent maker is not an error).
    static func ensurePasswordGroup(_ admin: PGConnection) throws {
        try admin.executeScript("""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(passwordGroup)') THEN
                    CREATE ROLE \(passwordGroup) NOLOGIN;
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$
            """)
    }

    /// Connects as this user, directly (not through a role process).
    func connect() throws -> PGConnection { try PGConnection(conninfo: url, password: password) }

    /// A role process's environment for this user: URL without password, password file.
    func apply(to environment: inout [String: String]) {
        environment["BURSTWATCH_DATABASE_URL"] = url
        environment["BURSTWATCH_DATABASE_PASSWORD_FILE"] = passwordFile
    }

    deinit {
        try? FileManager.default.removeItem(atPath: passwordFile)
        if let admin = try? PGConnection(conninfo: adminURL) {
            // Its sessions end with the test database; the role owns nothing.
            _ = try? admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [name])
            _ = try? admin.executeScript("DROP ROLE IF EXISTS \(pgQuoteIdentifier(name))")
            admin.close()
        }
    }
}

extension Optional {
    func orThrow(_ reason: String) throws -> Wrapped {
        guard let self else { throw TestSetupError(reason) }
        return self
    }
}

/// Starts `burstwatch ARGS` with a given environment; the caller stops it.
func startRole(_ arguments: [String], environment: [String: String], label: String) throws -> RoleProcess {
    try RoleProcess(arguments: arguments, environment: environment, logName: label)
}
