import AMQP
import Foundation
import Postgres

/// One benchmark's private world on the real services: its own database (created and
/// migrated), its own exchange and queue prefix and its own folders, so that it never
/// touches anyone else's data. `tearDown` stops its roles and removes all of it.
public final class BenchWorld {
    public let settings: Settings
    public let databaseName: String
    public let directory: String
    public let uploadDirectory: String
    public let archiveDirectory: String
    let adminSettings: Settings
    private(set) var roles: [BenchRole] = []

    /// - Parameters:
    ///   - label: part of every name, so leftovers can be told apart.
    ///   - base: the settings the bench itself runs with (the admin database URL and broker).
    public init(label: String, base: Settings, workRoot: String) throws {
        let suffix = String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        databaseName = "bwbench_\(label)_\(suffix)"
        adminSettings = base
        var settings = base
        settings.databaseURL = Self.url(base.databaseURL, withDatabase: databaseName)
        settings.prefix = "bwbench.\(label).\(suffix)"
        self.settings = settings
        directory = workRoot + "/\(label)-\(suffix)"
        uploadDirectory = directory + "/upload"
        archiveDirectory = directory + "/archive"
        let admin = try Connections(settings: base).database("bench-admin")
        defer { admin.close() }
        _ = try admin.execute("CREATE DATABASE \(pgQuoteIdentifier(databaseName))")
        do {
            try FileManager.default.createDirectory(atPath: uploadDirectory, withIntermediateDirectories: true)
            let connection = try database()
            defer { connection.close() }
            try Migrator(connection: connection).migrate()
        } catch {
            tearDown()
            throw error
        }
    }

    /// Swaps the database name of a postgresql:// URL (or appends dbname= to key=value).
    static func url(_ base: String, withDatabase database: String) -> String {
        if base.hasPrefix("postgres"), var components = URLComponents(string: base) {
            components.path = "/" + database
            return components.string ?? base
        }
        return base + " dbname=\(database)"
    }

    public var connections: Connections { Connections(settings: settings) }
    public var topology: Topology { Topology(prefix: settings.prefix) }
    public func database() throws -> PGConnection { try connections.database("bench") }
    public func broker() throws -> AMQPConnection { try connections.broker("bench", heartbeatSeconds: 0) }

    public func register(_ dataset: BenchDataset) throws {
        let connection = try database()
        defer { connection.close() }
        _ = try RegistryStore(connection: connection).register(loggersCSV: dataset.loggersCSV, networkName: "bench",
                                                                networkINP: dataset.networkINP)
    }

    /// The environment of this world's roles.
    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["BURSTWATCH_DATABASE_URL"] = settings.databaseURL
        env["BURSTWATCH_PREFIX"] = settings.prefix
        return env
    }

    /// Starts `burstwatch ARGS` as a child process of the bench.
    public func start(_ arguments: [String]) throws -> BenchRole {
        let role = try BenchRole(arguments: arguments, environment: environment,
                                 logPath: directory + "/\(arguments[0])-\(roles.count).log")
        roles.append(role)
        return role
    }

    public func stopRoles() {
        for role in roles { role.stop() }
        roles.removeAll()
    }

    /// Empties every table a run writes and every queue, between runs. Roles must be stopped.
    public func reset() throws {
        let connection = try database()
        defer { connection.close() }
        _ = try connection.execute("TRUNCATE readings, files, windows, outbox, dma_clock, detector_state, burst_events")
        _ = try connection.execute("VACUUM ANALYZE readings")
        let broker = try broker()
        defer { broker.close() }
        try topology.declare(on: broker)
        for queue in [topology.ingestQueue, topology.detectQueue, topology.deadQueue] { try broker.purgeQueue(queue) }
    }

    /// Stops the roles, drops the database, deletes the queues and exchanges and the folders.
    public func tearDown() {
        stopRoles()
        if let broker = try? broker() {
            let t = topology
            for queue in [t.ingestQueue, t.detectQueue, t.deadQueue] { _ = try? broker.deleteQueue(queue) }
            for exchange in [t.filesExchange, t.windowsExchange, t.alertsExchange, t.deadExchange] {
                try? broker.deleteExchange(exchange)
            }
            broker.close()
        }
        if let admin = try? Connections(settings: adminSettings).database("bench-admin") {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(pgQuoteIdentifier(databaseName)) WITH (FORCE)")
            admin.close()
        }
        // BURSTWATCH_BENCH_KEEP=1 keeps the folder with the roles' logs, for a look at a run.
        if ProcessInfo.processInfo.environment["BURSTWATCH_BENCH_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

/// A burstwatch role the bench runs as its own child process, output in a log file.
public final class BenchRole {
    let process = Process()
    public let logPath: String
    public let arguments: [String]

    /// This very executable, so the roles measured are the build being benchmarked.
    static var executable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    init(arguments: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        self.arguments = arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The processes doing the work: the workers under an `ingest --processes N`
    /// supervisor, or the role itself.
    public var workerPIDs: [Int32] {
        let children = ProcessCPU.children(of: pid)
        return children.isEmpty ? [pid] : children
    }

    /// SIGTERM, then wait for a clean exit (SIGKILL after 20 s).
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            for child in ProcessCPU.children(of: pid) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
        }
        process.waitUntilExit()
    }
}
