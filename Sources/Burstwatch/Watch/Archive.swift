import Foundation

/// Where a published file goes once the broker has confirmed it: the archive folder,
/// keeping its path below the upload folder. A name already taken in the archive gets
/// the file's hash appended, so nothing is overwritten.
public struct Archive: Sendable {
    public let uploadRoot: String
    public let archiveRoot: String

    public init(uploadRoot: String, archiveRoot: String) {
        self.uploadRoot = uploadRoot
        self.archiveRoot = archiveRoot
    }

    public func relativePath(of path: String) -> String {
        let prefix = uploadRoot.hasSuffix("/") ? uploadRoot : uploadRoot + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : (path as NSString).lastPathComponent
    }

    /// Moves the file; throws (leaving it in place) when the archive is full or read-only.
    /// Plain system calls, since it runs for every file: one existence check and a rename,
    /// creating the archive's folder only when the rename says it is missing.
    public func move(_ path: String, sha256: String) throws {
        var target = archiveRoot + "/" + relativePath(of: path)
        if Self.exists(target) {
            target += "." + sha256.prefix(12)
            if Self.exists(target) {
                // The same bytes under the same name are archived already.
                try FileManager.default.removeItem(atPath: path)
                return
            }
        }
        if rename(path, target) == 0 { return }
        if errno == ENOENT, Self.exists(path) {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            if rename(path, target) == 0 { return }
        }
        guard errno == EXDEV else {
            throw WatchError("cannot archive \(path) to \(target): \(String(cString: strerror(errno)))")
        }
        // Another file system: copy, flush to disk, and only then remove the original.
        try FileManager.default.copyItem(atPath: path, toPath: target)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: target))
        try handle.synchronize()
        try handle.close()
        try FileManager.default.removeItem(atPath: path)
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
