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
    private(set) var roles: [RoleProcess] = []

    /// - Parameters:
    ///   - label: part of every name, so leftovers can be told apart.
    ///   - base: the settings the bench itself runs with (the admin database URL and broker).
    public init(label: String, base: Settings, workRoot: String) throws {
        let suffix = String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        databaseName = "bwbench_\(label)_\(suffix)"
        adminSettings = base
        var settings = base
        settings.databaseURL = Settings.databaseURL(base.databaseURL, withDatabase: databaseName)
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
    public func start(_ arguments: [String]) throws -> RoleProcess {
        // This very executable, so the roles measured are the build being benchmarked.
        let role = try RoleProcess(executable: RoleProcess.thisExecutable, arguments: arguments, environment: environment,
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
