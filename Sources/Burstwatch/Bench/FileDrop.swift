import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Puts the run's files into the watched folder the way finished uploads appear there:
/// each file is written completely under a staging folder on the same file system first,
/// then renamed into the upload folder (what FTP servers and upload clients do with a
/// temporary name, and what the watcher sees as IN_MOVED_TO). A file's "close" is its
/// rename.
///
/// Why staged: creating a file on this machine's ext4 costs about a millisecond of kernel
/// time (inode allocation), more than the whole pipeline spends on it; the original Python
/// method also starts from files already on disk. After a run the watcher has moved every
/// file to the archive, and they are renamed back into staging for the next run, so the
/// files are written once per bench.
struct FileDrop {
    let stagingDirectory: String
    let uploadDirectory: String
    let archiveDirectory: String

    /// Makes sure staging holds every file: moves back what the last run archived (or
    /// left in the upload folder), writes what is missing.
    func stage(_ files: [BenchDataset.File]) throws {
        try FileManager.default.createDirectory(atPath: stagingDirectory, withIntermediateDirectories: true)
        for folder in [archiveDirectory, uploadDirectory] {
            for name in Self.names(in: folder) { rename(folder + "/" + name, stagingDirectory + "/" + name) }
        }
        let present = Set(Self.names(in: stagingDirectory))
        for file in files where !present.contains(file.name) {
            try Self.write(file, to: stagingDirectory + "/" + file.name)
        }
    }

    /// Renames one staged file into the upload folder; returns the wall-clock time after it.
    func drop(_ file: BenchDataset.File) throws -> Double {
        guard rename(stagingDirectory + "/" + file.name, uploadDirectory + "/" + file.name) == 0 else {
            throw BenchError("cannot move \(file.name) into \(uploadDirectory): \(String(cString: strerror(errno)))")
        }
        return wallClock()
    }

    static func write(_ file: BenchDataset.File, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))") }
        let written = file.bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == file.bytes.count else { throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    /// Where the bench keeps its folders unless told: a RAM file system when the machine
    /// has one. Files then cost the pipeline what its own code costs, not what the disk
    /// does (on the VM this was measured on, ext4 spent about 1 ms of kernel time creating
    /// a file and 50–90 µs renaming one); `--work-dir` on a disk measures that too.
    static var defaultWorkRoot: String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory), isDirectory.boolValue,
           access("/dev/shm", W_OK) == 0 {
            return "/dev/shm/burstwatch-bench"
        }
        return NSTemporaryDirectory() + "burstwatch-bench"
    }

    /// "tmpfs", "ext4", … for the report: the type of the mount that holds `path`
    /// (the longest mount point of /proc/mounts that is a prefix of it).
    static func fileSystemName(_ path: String) -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let mounts = try? String(contentsOfFile: "/proc/mounts", encoding: .utf8) else { return "unknown file system" }
        var best: (point: String, type: String)?
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            let point = String(fields[1]), type = String(fields[2])
            let covers = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if covers, point.count >= (best?.point.count ?? 0) { best = (point, type) }
        }
        guard let best else { return "unknown file system" }
        return best.type == "tmpfs" ? "tmpfs (RAM)" : best.type
    }

    /// How many regular files a folder holds, without building their names.
    static func count(in path: String) -> Int {
        guard let directory = opendir(path) else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_type == UInt8(DT_REG) { count += 1 }
        }
        return count
    }

    /// Regular files of a folder (flat), read with readdir: the folders hold thousands.
    static func names(in path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            guard entry.pointee.d_type == UInt8(DT_REG) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            names.append(name)
        }
        return names
    }
}
