import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A burstwatch role run as a child process, its output in a log file: the bench, the
/// fault suite and the integration tests all start their roles this way.
/// `@unchecked Sendable`: Foundation's `Process` is not marked Sendable, but its members
/// used here (pid, isRunning, terminate, waitUntilExit) are safe from any thread.
public final class RoleProcess: @unchecked Sendable {
    public let process = Process()
    public let logPath: String
    public let arguments: [String]

    /// The running executable itself (the bench and the fault suite start the build they belong to).
    public static var thisExecutable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    public init(executable: URL, arguments: [String], environment: [String: String], logPath: String) throws {
        self.logPath = logPath
        self.arguments = arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The processes doing the work: the workers under an `ingest --processes N`
    /// supervisor, or the role itself.
    public var workerPIDs: [Int32] {
        let children = ProcessCPU.children(of: pid)
        return children.isEmpty ? [pid] : children
    }

    /// SIGKILL: no chance to finish anything.
    public func kill9() {
        kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then wait for a clean exit (SIGKILL, to it and its workers, after 20 s).
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            for child in ProcessCPU.children(of: pid) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
        }
        process.waitUntilExit()
    }
}
