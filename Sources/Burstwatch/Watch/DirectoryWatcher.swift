import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells which files in an upload folder (and its subfolders) are finished: written and
/// closed by their writer, or moved in. inotify gives the events; a full rescan at
/// start, after an event-queue overflow and periodically catches anything inotify
/// could not (files written while the watcher was down, events lost).
public final class DirectoryWatcher {
    public let root: URL
    private let fd: Int32
    private var directoryByWatch: [Int32: String] = [:]
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var rescanNeeded = true
    /// When to scan once more after an event-queue overflow (see `poll`).
    private var followUpRescan: Date?

    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw WatchError("inotify_init1 failed: \(String(cString: strerror(errno)))") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: self.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw WatchError("\(self.root.path) is not a folder")
        }
        try addWatchTree(self.root.path)
    }

    deinit { close(fd) }

    /// Hidden files and the temporary names upload clients write before renaming are
    /// not finished files.
    public static func isCandidate(name: String) -> Bool {
        if name.hasPrefix(".") || name.hasPrefix("~") || name.hasSuffix("~") { return false }
        let lower = name.lowercased()
        for suffix in [".tmp", ".temp", ".part", ".partial", ".filepart", ".crdownload", ".swp", ".upload"] where lower.hasSuffix(suffix) {
            return false
        }
        return true
    }

    /// Waits up to `timeout` seconds and returns the paths of files that are finished.
    /// With `rescan`, also every candidate file present (used at start and periodically).
    /// `rescanMinimumAge`: a rescan only takes files unmodified for this long, since a
    /// file still being written sends its own close event when it is finished.
    public func poll(timeout: Double, rescan: Bool = false, rescanMinimumAge: Double = 2) throws -> [String] {
        var found: [String] = []
        let now = Date()
        if rescan || rescanNeeded || followUpRescan.map({ now >= $0 }) == true {
            // After an overflow, files closed just before it are too young for this scan
            // and their close events are lost: look again as soon as they are old enough,
            // not only at the next periodic rescan. (A burst of more files than the event
            // queue holds, 16,384 by default, overflows it.)
            followUpRescan = rescanNeeded ? now.addingTimeInterval(rescanMinimumAge) : nil
            rescanNeeded = false
            found += scan(root.path, minimumAge: rescanMinimumAge)
        }
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = Glibc.poll(&pfd, 1, found.isEmpty ? Int32(timeout * 1000) : 0)
        if ready > 0 { found += try readEvents() }
        return found
    }

    private func readEvents() throws -> [String] {
        var found: [String] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EAGAIN || errno == EINTR { break }
                throw WatchError("reading inotify events failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            var offset = 0
            while offset < count {
                let (event, name) = buffer.withUnsafeBytes { raw -> (inotify_event, String?) in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                    return (event, String(validating: nameBytes, as: UTF8.self))
                }
                offset += MemoryLayout<inotify_event>.size + Int(event.len)
                guard let name else {
                    // Not UTF-8: rename it to a name that is; its rename event brings it back.
                    if let directory = directoryByWatch[event.wd] { FileNameRepair.repairEntries(in: directory) }
                    continue
                }
                found += handle(event, name: name)
            }
        }
        return found
    }

    private func handle(_ event: inotify_event, name: String) -> [String] {
        let mask = event.mask
        if mask & UInt32(IN_Q_OVERFLOW) != 0 { rescanNeeded = true; return [] }
        if mask & UInt32(IN_IGNORED) != 0 { directoryByWatch[event.wd] = nil; return [] }
        guard let directory = directoryByWatch[event.wd], !name.isEmpty else { return [] }
        let path = directory + "/" + name
        if mask & UInt32(IN_ISDIR) != 0 {
            // A new subfolder: watch it, then scan it, since files may have landed in it
            // before the watch existed.
            guard mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, Self.isCandidate(name: name) else { return [] }
            try? addWatchTree(path)
            return scan(path, minimumAge: 2)
        }
        guard mask & UInt32(IN_CLOSE_WRITE | IN_MOVED_TO) != 0, Self.isCandidate(name: name) else { return [] }
        return [path]
    }

    private func addWatchTree(_ path: String) throws {
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE)
        let wd = inotify_add_watch(fd, path, mask)
        guard wd >= 0 else { throw WatchError("cannot watch \(path): \(String(cString: strerror(errno)))") }
        directoryByWatch[wd] = path
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] where Self.isCandidate(name: entry) {
            let child = path + "/" + entry
            if isDirectory(child) { try addWatchTree(child) }
        }
    }

    /// Candidate files under `path` not modified for `minimumAge` seconds, oldest first:
    /// a backlog found by a rescan goes out in the order it arrived, as inotify's does.
    private func scan(_ path: String, minimumAge: Double) -> [String] {
        var found: [(modified: Int, path: String)] = []
        collect(path, minimumAge: minimumAge, now: Date(), into: &found)
        return found.sorted { ($0.modified, $0.path) < ($1.modified, $1.path) }.map(\.path)
    }

    private func collect(_ path: String, minimumAge: Double, now: Date, into found: inout [(modified: Int, path: String)]) {
        for entry in FileNameRepair.listRepairing(path).names where Self.isCandidate(name: entry) {
            let child = path + "/" + entry
            var info = stat()
            guard lstat(child, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                collect(child, minimumAge: minimumAge, now: now, into: &found)
            } else {
                // Links, pipes and the like too: the watch service quarantines them with a reason,
                // instead of their waiting in the folder unseen.
                let modified = Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec))
                if now.timeIntervalSince(modified) >= minimumAge { found.append((info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec, child)) }
            }
        }
    }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

public struct WatchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
