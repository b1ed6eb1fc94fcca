import AMQP
import Burstwatch
import Foundation
import Readings
import Testing

/// File names and file kinds a hostile or careless uploader can produce, dropped into the
/// watched folder of a real watch + ingest pipeline: every regular file is ingested under its
/// own name and archived at the same relative path, nothing is written outside the archive,
/// and what is not a regular file is quarantined with a reason instead of being read.
@Suite("Hostile file names", .serialized)
struct HostileFileNameTests {
    /// Relative paths (below the upload folder) that must arrive as they are.
    static let names = [
        "with space.csv",
        "ünïcødé Zähler 水.csv",
        "a..b.csv",
        "line\nbreak.csv",
        "quote\"apos'semi;$(touch pwned).csv",
        "back\\slash.csv",
        "percent%2e%2e%2fescape.csv",
        String(repeating: "x", count: 200) + ".csv",
        "dir..name/nested.csv",
        "sub dir/ünï/deep.csv",
    ]

    static func contents(_ index: Int) -> [UInt8] {
        let stamp = ISOTimestamp.format(1_772_409_600_000_000 + Int64(index) * 900_000_000)
        return Array("logger_id,channel,timestamp,value\nPL01,pressure,\(stamp),\(Double(index) + 40.5)\n".utf8)
    }

    /// Every regular file below `root`, as paths relative to it.
    static func files(under root: String) -> Set<String> {
        let all = FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []
        return Set(all.filter { name in
            var info = stat()
            return lstat(root + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        })
    }

    @Test("names with spaces, dots, quotes, newlines and unicode are ingested and archived in place; links and pipes are quarantined")
    func hostileNamesStayInside() throws {
        let env = try TestEnvironment("names")
        try env.registerDemo()
        let quarantine = env.uploadDirectory + ".quarantine"
        let outside = NSTemporaryDirectory() + "bwtest-outside-" + env.name
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: quarantine)
            try? FileManager.default.removeItem(atPath: outside)
        }
        // Present before the watcher starts (its start-up scan finds them, not inotify): a link
        // and a pipe, dated in the past so the scan takes them at once.
        let secret = outside + "/secret.csv"
        _ = FileManager.default.createFile(atPath: secret, contents: Data("PL01,pressure,2026-03-02T00:00:00Z,666\n".utf8))
        #expect(symlink(secret, env.uploadDirectory + "/early-link.csv") == 0)
        #expect(mkfifo(env.uploadDirectory + "/early-pipe.csv", 0o644) == 0)
        var past = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        for name in ["early-link.csv", "early-pipe.csv"] {
            #expect(utimensat(AT_FDCWD, env.uploadDirectory + "/" + name, &past, AT_SYMLINK_NOFOLLOW) == 0)
        }
        let pipeline = try env.startPipeline(prefetch: 20)

        // Written outside, then moved in whole, as an upload client finishing a file does.
        for (index, name) in Self.names.enumerated() {
            let staged = outside + "/staged-\(index)"
            _ = FileManager.default.createFile(atPath: staged, contents: Data(Self.contents(index)))
            let target = env.uploadDirectory + "/" + name
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(rename(staged, target) == 0, "cannot place \(name)")
        }
        // A Latin-1 name (not UTF-8): renamed to "caf%E9.csv" in place, then ingested.
        let latin1 = outside + "/latin1"
        _ = FileManager.default.createFile(atPath: latin1, contents: Data(Self.contents(Self.names.count + 2)))
        let rawTarget = (Array((env.uploadDirectory + "/caf").utf8) + [0xE9] + Array(".csv".utf8) + [0]).map { CChar(bitPattern: $0) }
        #expect(rename(latin1, rawTarget) == 0)
        // Over FTP, a name with `..` segments: the server resolves it inside its root before the
        // watcher sees anything.
        try env.ftpUpload([(name: "a/../via-ftp.csv", contents: Self.contents(Self.names.count))])

        // A symbolic link to a file outside, and a named pipe, moved in: neither may be read.
        #expect(symlink(secret, outside + "/link") == 0)
        #expect(rename(outside + "/link", env.uploadDirectory + "/link-to-outside.csv") == 0)
        #expect(mkfifo(outside + "/fifo", 0o644) == 0)
        #expect(rename(outside + "/fifo", env.uploadDirectory + "/pipe.csv") == 0)
        // A regular file after them: the watcher did not hang on the pipe.
        _ = FileManager.default.createFile(atPath: outside + "/last", contents: Data(Self.contents(Self.names.count + 1)))
        #expect(rename(outside + "/last", env.uploadDirectory + "/after-the-pipe.csv") == 0)

        let expected = Set(Self.names + ["via-ftp.csv", "after-the-pipe.csv", "caf%E9.csv"])
        #expect(try env.eventually { try env.count("SELECT count(*) FROM files") == expected.count },
                "watch log:\n\(pipeline.watch.log.suffix(3000))\ningest log:\n\(pipeline.ingest.log.suffix(2000))")
        let recorded = Set(try env.query("SELECT file_name FROM files").compactMap { $0.first ?? nil })
        #expect(recorded == expected)
        #expect(try env.count("SELECT count(*) FROM readings") == expected.count)

        // Archived at the same relative paths, nothing else; the upload folder ends empty.
        #expect(env.eventually(timeout: 30) { env.filesLeftInUpload().isEmpty }, "left: \(env.filesLeftInUpload())")
        #expect(Self.files(under: env.archiveDirectory) == expected)
        #expect(try env.count("SELECT count(*) FROM readings WHERE value = 666") == 0, "the link's target was read")
        for name in Self.names {
            #expect(FileManager.default.contents(atPath: env.archiveDirectory + "/" + name) == Data(Self.contents(Self.names.firstIndex(of: name)!)))
        }
        // Nothing written next to the archive or upload folders (no `..` or `$(...)` escaped).
        let uploadRoot = (env.uploadDirectory as NSString).deletingLastPathComponent
        let archiveParent = (env.archiveDirectory as NSString).deletingLastPathComponent
        for name in expected.map({ ($0 as NSString).lastPathComponent }) + ["pwned"] {
            for folder in [uploadRoot, archiveParent, FileManager.default.currentDirectoryPath] {
                #expect(!FileManager.default.fileExists(atPath: folder + "/" + name), "\(name) escaped to \(folder)")
            }
        }

        // The link and the pipe: quarantined (the link itself, its target untouched), with the reason logged.
        for (name, kind) in [("link-to-outside.csv", S_IFLNK), ("pipe.csv", S_IFIFO), ("early-link.csv", S_IFLNK), ("early-pipe.csv", S_IFIFO)] {
            var info = stat()
            #expect(lstat(quarantine + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == kind, "\(name) is not in the quarantine")
        }
        #expect(FileManager.default.contents(atPath: secret) == Data("PL01,pressure,2026-03-02T00:00:00Z,666\n".utf8))
        let log = pipeline.watch.log
        // One line per file, naming it and the reason.
        let lines = log.split(separator: "\n")
        for (reason, names) in [("a symbolic link", ["link-to-outside.csv", "early-link.csv"]), ("a named pipe", ["pipe.csv", "early-pipe.csv"])] {
            for name in names {
                #expect(lines.contains { $0.contains("quarantined: \(reason), not a regular file: not read") && $0.contains("/" + name) },
                        "no quarantine line for \(name); watch log:\n\(log.suffix(3000))")
            }
        }
    }
}
