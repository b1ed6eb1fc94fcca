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
    public func move(_ path: String, sha256: String) throws {
        let fileManager = FileManager.default
        var target = archiveRoot + "/" + relativePath(of: path)
        try fileManager.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                        withIntermediateDirectories: true)
        if fileManager.fileExists(atPath: target) { target += "." + sha256.prefix(12) }
        if fileManager.fileExists(atPath: target) {
            // The same bytes under the same name are archived already.
            try fileManager.removeItem(atPath: path)
            return
        }
        if rename(path, target) == 0 { return }
        guard errno == EXDEV else {
            throw WatchError("cannot archive \(path) to \(target): \(String(cString: strerror(errno)))")
        }
        // Another file system: copy, flush to disk, and only then remove the original.
        try fileManager.copyItem(atPath: path, toPath: target)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: target))
        try handle.synchronize()
        try handle.close()
        try fileManager.removeItem(atPath: path)
    }
}
