import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Gives files whose names are not UTF-8 (a Latin-1 "café.csv" from an old FTP client) a name
/// that is. Swift sees such a name only with U+FFFD in place of the bad bytes, and no file has
/// that name: the watcher could neither read nor move the file, and it would wait in the upload
/// folder forever without a word. Each invalid byte becomes `%XX` ("caf%E9.csv"); the renamed
/// file then arrives like any other (inotify reports the rename).
enum FileNameRepair {
    /// Renames every non-UTF-8 entry of `directory` (not recursively); returns old -> new names,
    /// the old ones as the repaired text, for the log.
    @discardableResult
    static func repairEntries(in directory: String) -> [(from: String, to: String)] {
        listRepairing(directory).renamed
    }

    /// The entries of `directory` (without "." and ".."), in one pass that also renames the
    /// non-UTF-8 ones: a rescan lists each folder once, not once to repair and once to read.
    /// Renamed entries are listed under their new names.
    static func listRepairing(_ directory: String) -> (names: [String], renamed: [(from: String, to: String)]) {
        guard let handle = opendir(directory) else { return ([], []) }
        defer { closedir(handle) }
        var names: [String] = []
        var seen = Set<String>()
        var renamed: [(from: String, to: String)] = []
        func list(_ name: String) { if seen.insert(name).inserted { names.append(name) } }
        while let entry = readdir(handle) {
            let raw = withUnsafeBytes(of: &entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if raw == [0x2E] || raw == [0x2E, 0x2E] { continue }
            guard let repaired = repairedName(raw) else {
                list(String(decoding: raw, as: UTF8.self))
                continue
            }
            var target = repaired
            var attempt = 1
            while exists(directory + "/" + target) {
                attempt += 1
                target = repaired + "-\(attempt)"
            }
            let source = Array(directory.utf8) + [UInt8(ascii: "/")] + raw
            if rawRename(source, Array((directory + "/" + target).utf8)) {
                renamed.append((repaired, target))
                list(target)
                Logs.logger("watch").warning("renamed a file whose name is not UTF-8",
                                             metadata: ["folder": "\(directory)", "to": "\(target)"])
            }
        }
        return (names, renamed)
    }

    /// The name with each byte that is not part of valid UTF-8 written as `%XX`; nil when the
    /// name is valid UTF-8 already.
    static func repairedName(_ bytes: [UInt8]) -> String? {
        var output: [UInt8] = []
        var position = 0
        var changed = false
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                output += bytes[position..<(position + encoded.count)]
                position += encoded.count
            case .error(let length):
                for byte in bytes[position..<(position + length)] {
                    output += Array("%" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)).map { $0.asciiValue! }
                }
                position += length
                changed = true
            case .emptyInput:
                return changed ? String(decoding: output, as: UTF8.self) : nil
            }
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func rawRename(_ source: [UInt8], _ target: [UInt8]) -> Bool {
        let from = (source + [0]).map { CChar(bitPattern: $0) }
        let to = (target + [0]).map { CChar(bitPattern: $0) }
        return rename(from, to) == 0
    }
}
