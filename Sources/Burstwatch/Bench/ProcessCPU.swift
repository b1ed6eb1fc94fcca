import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time as the kernel accounts it (/proc/<pid>/stat: utime + stime, all threads of
/// the process, in clock ticks), and the process tree, read from /proc.
public enum ProcessCPU {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The fields after the command name of a /proc/<pid>/stat line. The name is in
    /// parentheses and may itself hold spaces or parentheses, so it is skipped up to the
    /// last ')'.
    static func fields(ofStatLine line: String) -> [Substring]? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        return line[line.index(after: close)...].split(separator: " ")
    }

    /// User plus system CPU seconds of a /proc/<pid>/stat line (fields 14 and 15).
    public static func cpuSeconds(statLine line: String) -> Double? {
        guard let fields = fields(ofStatLine: line), fields.count > 12,
              let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    /// The state letter of a /proc/<pid>/stat line (field 3: R, S, D, Z, …).
    static func state(statLine line: String) -> Character? {
        fields(ofStatLine: line)?.first?.first
    }

    /// True once the process is gone or a zombie (exited, not yet reaped by its parent).
    public static func hasExited(_ pid: Int32) -> Bool {
        guard let line = statLine(pid) else { return true }
        return state(statLine: line) == "Z"
    }

    /// The parent pid of a /proc/<pid>/stat line (field 4).
    public static func parentPID(statLine line: String) -> Int32? {
        guard let fields = fields(ofStatLine: line), fields.count > 1 else { return nil }
        return Int32(fields[1])
    }

    static func statLine(_ pid: Int32) -> String? {
        try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    }

    /// CPU seconds a live process has used so far; nil once it is gone.
    public static func cpuSeconds(pid: Int32) -> Double? { statLine(pid).flatMap(cpuSeconds(statLine:)) }

    /// The live direct children of a process.
    public static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            statLine(pid).flatMap(parentPID(statLine:)) == parent
        }.sorted()
    }

    /// Live processes whose command name (/proc/<pid>/comm) is `name`.
    public static func processes(named name: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines) == name
        }
    }

    /// Summed CPU seconds of several processes.
    public static func total(_ pids: [Int32]) -> Double { pids.compactMap { cpuSeconds(pid: $0) }.reduce(0, +) }
}
