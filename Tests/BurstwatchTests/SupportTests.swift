import Foundation
import Testing
@testable import Burstwatch

@Suite("Settings, names and small helpers")
struct SupportTests {
    @Test("settings come from the environment, secrets from files, and bad values are configuration errors")
    func settingsFromEnvironment() throws {
        let secret = NSTemporaryDirectory() + "bw-secret-\(UInt32.random(in: 0..<UInt32.max))"
        try "s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let settings = try Settings.fromEnvironment([
            "BURSTWATCH_AMQP_URL": "amqp://u@host:5673/v", "BURSTWATCH_DATABASE_PASSWORD_FILE": secret,
            "BURSTWATCH_PREFIX": "utility-a", "BURSTWATCH_GRACE_SECONDS": "600", "BURSTWATCH_NAIVE_UTC_OFFSET": "+05:30",
        ])
        #expect(settings.amqpURL == "amqp://u@host:5673/v")
        #expect(settings.databaseURL == Settings.defaultDatabaseURL)
        #expect(settings.databasePassword == "s3cret")
        #expect(settings.prefix == "utility-a")
        #expect(settings.graceSeconds == 600)
        #expect(settings.naiveOffsetSeconds == 19_800)
        #expect(throws: ConfigurationError.self) { try Settings.fromEnvironment(["BURSTWATCH_GRACE_SECONDS": "2h"]) }
        #expect(throws: ConfigurationError.self) { try Settings.fromEnvironment(["BURSTWATCH_PREFIX": "a b"]) }
        #expect(throws: ConfigurationError.self) { try Settings.fromEnvironment(["BURSTWATCH_AMQP_PASSWORD_FILE": "/nonexistent/x"]) }
    }

    @Test("exchange and queue names follow the contract under any prefix")
    func topologyNames() {
        let topology = Topology(prefix: "burstwatch")
        #expect(topology.filesExchange == "burstwatch.files")
        #expect(topology.ingestQueue == "burstwatch.ingest")
        #expect(topology.deadQueue == "burstwatch.dead")
        #expect(topology.windowsExchange == "burstwatch.windows")
        #expect(topology.alertsExchange == "burstwatch.alerts")
        #expect(Topology.windowRoutingKey(dma: "DMA-1") == "window.DMA-1")
        #expect(Topology.burstRoutingKey(dma: "DMA-1", state: "opened") == "burst.DMA-1.opened")
        #expect(Topology(prefix: "u1").filesExchange == "u1.files")
    }

    @Test("hidden files and temporary upload names are not finished files")
    func candidateNames() {
        for name in ["FM01_20260302T0000.csv", "data.txt", "a b.csv", "ünïcode.csv"] {
            #expect(DirectoryWatcher.isCandidate(name: name), "\(name)")
        }
        for name in [".hidden.csv", "x.csv.tmp", "x.part", "x.filepart", "~lock", "x.csv~", ".x.replaying"] {
            #expect(!DirectoryWatcher.isCandidate(name: name), "\(name)")
        }
    }

    @Test("array parameters escape quotes and backslashes and keep NULLs")
    func arrayLiterals() {
        #expect(SQLArray.text(["a", "b\"c", "d\\e", "f,g"]) == #"{"a","b\"c","d\\e","f,g"}"#)
        #expect(SQLArray.text([nil, "x"]) == #"{NULL,"x"}"#)
        #expect(SQLArray.int([1, -2]) == "{1,-2}")
    }

    @Test("the archive keeps a file's path below the upload folder and never overwrites")
    func archiveMoves() throws {
        let root = NSTemporaryDirectory() + "bw-archive-\(UInt32.random(in: 0..<UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let upload = root + "/upload", archive = Archive(uploadRoot: upload, archiveRoot: root + "/archive")
        try FileManager.default.createDirectory(atPath: upload + "/sub", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: upload + "/sub/a.csv", contents: Data("one".utf8))
        try archive.move(upload + "/sub/a.csv", sha256: "aaaaaaaaaaaaaaaa")
        FileManager.default.createFile(atPath: upload + "/sub/a.csv", contents: Data("two".utf8))
        try archive.move(upload + "/sub/a.csv", sha256: "bbbbbbbbbbbbbbbb")
        #expect(try String(contentsOfFile: root + "/archive/sub/a.csv", encoding: .utf8) == "one")
        #expect(try String(contentsOfFile: root + "/archive/sub/a.csv.bbbbbbbbbbbb", encoding: .utf8) == "two")
        #expect(!FileManager.default.fileExists(atPath: upload + "/sub/a.csv"))
    }

    @Test("the migrations compiled in are exactly the files in schemas/sql")
    func migrationsMatchSchemaFiles() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../schemas/sql").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == Migrations.all.map { "\($0.name).sql" })
        for migration in Migrations.all {
            let text = try String(contentsOf: folder.appendingPathComponent("\(migration.name).sql"), encoding: .utf8)
            #expect(text == migration.sql, "\(migration.name).sql differs from Migrations.swift")
        }
    }

    @Test("the demo scenario is reproducible from its seed and follows the file contract")
    func demoScenario() throws {
        let a = DemoScenario(start: 1_772_409_600_000_000, days: 1, seed: 7).dataFiles()
        let b = DemoScenario(start: 1_772_409_600_000_000, days: 1, seed: 7).dataFiles()
        let c = DemoScenario(start: 1_772_409_600_000_000, days: 1, seed: 8).dataFiles()
        #expect(a.map(\.contents) == b.map(\.contents))
        #expect(a.map(\.contents) != c.map(\.contents))
        #expect(a.count == 96 * 6)
        #expect(a[0].contents.hasPrefix("logger_id,channel,timestamp,value\n"))
    }
}
