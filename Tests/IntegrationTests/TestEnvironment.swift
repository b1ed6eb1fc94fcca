import AMQP
import Burstwatch
import Foundation
import Postgres
import Testing

/// One integration test's private world on the real services that scripts/services
/// started: its own database (created and migrated), its own exchange and queue
/// prefix, and its own folder inside the FTP server's upload folder. Tests can run in
/// parallel without seeing each other's data.
final class TestEnvironment: @unchecked Sendable {
    let name: String
    let settings: Settings
    let uploadDirectory: String
    let archiveDirectory: String
    let ftpURL: String
    let adminURL: String
    let databaseName: String
    private var processes: [RoleProcess] = []

    init(_ label: String) throws {
        let env = ProcessInfo.processInfo.environment
        guard let upload = env["BURSTWATCH_UPLOAD_DIR"], let ftp = env["BURSTWATCH_FTP_URL"] else {
            throw TestSetupError("BURSTWATCH_UPLOAD_DIR and BURSTWATCH_FTP_URL are not set: run the tests with scripts/test, which starts the services")
        }
        let suffix = String(UInt64.random(in: 0..<UInt64.max), radix: 36)
        name = "\(label)-\(suffix)"
        databaseName = "bwtest_\(label.replacingOccurrences(of: "-", with: "_"))_\(suffix)"
        adminURL = env["BURSTWATCH_DATABASE_URL"] ?? Settings.defaultDatabaseURL
        let admin = try PGConnection(conninfo: adminURL)
        defer { admin.close() }
        _ = try admin.execute("CREATE DATABASE \(pgQuoteIdentifier(databaseName))")
        var settings = try Settings.fromEnvironment()
        settings.databaseURL = Settings.databaseURL(adminURL, withDatabase: databaseName)
        settings.prefix = "bwtest.\(name)"
        self.settings = settings
        uploadDirectory = upload + "/" + name
        archiveDirectory = NSTemporaryDirectory() + "bwtest-archive-" + name
        ftpURL = (ftp.hasSuffix("/") ? ftp : ftp + "/") + name + "/"
        try FileManager.default.createDirectory(atPath: uploadDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        let connection = try database()
        defer { connection.close() }
        try Migrator(connection: connection).migrate()
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["BURSTWATCH_DATABASE_URL"] = settings.databaseURL
        env["BURSTWATCH_PREFIX"] = settings.prefix
        return env
    }

    var topology: Topology { Topology(prefix: settings.prefix) }

    func database() throws -> PGConnection { try PGConnection(conninfo: settings.databaseURL) }
    /// No heartbeats: a test connection may sit idle for minutes while a scenario replays.
    func broker() throws -> AMQPConnection { try Connections(settings: settings).broker("test", heartbeatSeconds: 0) }

    func registerDemo() throws {
        let scenario = DemoScenario(start: 0, days: 1)
        let connection = try database()
        defer { connection.close() }
        _ = try RegistryStore(connection: connection).register(loggersCSV: scenario.loggersCSV, networkName: "demo",
                                                                networkINP: scenario.networkINP)
    }

    func query(_ sql: String, _ params: [String?] = []) throws -> [[String?]] {
        let connection = try database()
        defer { connection.close() }
        return try connection.execute(sql, params).rows
    }

    func count(_ sql: String, _ params: [String?] = []) throws -> Int {
        Int(try query(sql, params).first?.first??.description ?? "0") ?? 0
    }

    /// Starts `burstwatch ARGS` as a child process with this test's environment.
    @discardableResult
    func start(_ arguments: [String]) throws -> RoleProcess {
        let process = try RoleProcess(arguments: arguments, environment: environment, logName: name)
        processes.append(process)
        return process
    }

    func startPipeline(prefetch: Int = 100) throws -> (watch: RoleProcess, ingest: RoleProcess) {
        let ingest = try start(["ingest", "--prefetch", "\(prefetch)"])
        let watch = try start(["watch", "--dir", uploadDirectory, "--archive", archiveDirectory])
        return (watch, ingest)
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    func eventually(timeout: Double = 60, every interval: Double = 0.1, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(UInt32(interval * 1_000_000))
        }
        return try condition()
    }

    /// Messages ready in a queue (not counting those delivered and unacked).
    func queueDepth(_ queue: String) throws -> UInt32 {
        let connection = try broker()
        defer { connection.close() }
        return try connection.queueInfo(queue).messageCount
    }

    func filesLeftInUpload() -> [String] {
        (FileManager.default.enumerator(atPath: uploadDirectory)?.allObjects as? [String] ?? []).filter { name in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: uploadDirectory + "/" + name, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
    }

    /// Uploads through the real FTP server with curl, one connection for all files.
    func ftpUpload(_ files: [(name: String, contents: [UInt8])]) throws {
        let staging = NSTemporaryDirectory() + "bwtest-staging-" + name + "-" + String(UInt32.random(in: 0..<UInt32.max))
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: staging) }
        var config = ""
        for (index, file) in files.enumerated() {
            let local = "\(staging)/\(index)"
            FileManager.default.createFile(atPath: local, contents: Data(file.contents))
            let remote = file.name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file.name
            config += "upload-file = \"\(local)\"\nurl = \"\(ftpURL)\(remote)\"\n"
        }
        let configPath = staging + "/curl.cfg"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["--silent", "--show-error", "--fail", "--ftp-create-dirs", "--ftp-port", "127.0.0.1", "--config", configPath]
        try curl.run()
        curl.waitUntilExit()
        guard curl.terminationStatus == 0 else { throw TestSetupError("curl upload failed with status \(curl.terminationStatus)") }
    }

    /// Messages waiting in a queue, taken with basic.get and acked.
    func drain(queue: String, limit: Int = 10_000) throws -> [AMQPDelivery] {
        let connection = try broker()
        defer { connection.close() }
        var messages: [AMQPDelivery] = []
        while messages.count < limit, let message = try connection.get(queue: queue) {
            try connection.ack(deliveryTag: message.deliveryTag, multiple: false)
            messages.append(message)
        }
        return messages
    }

    func stopAll() {
        for process in processes { process.stop() }
        processes.removeAll()
    }

    deinit {
        stopAll()
        try? FileManager.default.removeItem(atPath: uploadDirectory)
        try? FileManager.default.removeItem(atPath: archiveDirectory)
        if let admin = try? PGConnection(conninfo: adminURL) {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(pgQuoteIdentifier(databaseName)) WITH (FORCE)")
            admin.close()
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Roles in tests run the built `burstwatch` executable, their log in a temporary file
/// that a failing test can show.
extension RoleProcess {
    static var builtExecutable: URL {
        if let path = ProcessInfo.processInfo.environment["BURSTWATCH_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits in the build folder next to the burstwatch executable.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("burstwatch")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
            folder = folder.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "burstwatch")
    }

    convenience init(arguments: [String], environment: [String: String], logName: String) throws {
        try self.init(executable: Self.builtExecutable, arguments: arguments, environment: environment,
                      logPath: NSTemporaryDirectory() + "bwtest-\(logName)-\(arguments[0])-\(UInt32.random(in: 0..<UInt32.max)).log")
    }
}
