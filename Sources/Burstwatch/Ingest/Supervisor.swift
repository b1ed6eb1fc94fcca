import Foundation
import Logging

/// Runs N copies of a worker command as child processes and restarts any that dies,
/// with backoff. On shutdown it passes SIGTERM on and waits for every child to finish
/// its batch.
public final class Supervisor {
    let executable: URL
    let arguments: [String]
    let count: Int
    let shutdown: Shutdown
    /// Arguments only worker `slot` gets (e.g. its own --http-port), after `arguments`.
    let slotArguments: (_ slot: Int) -> [String]
    let logger = Logs.logger("supervisor")

    public init(executable: URL, arguments: [String], count: Int, shutdown: Shutdown = .shared,
                slotArguments: @escaping (_ slot: Int) -> [String] = { _ in [] }) {
        self.executable = executable
        self.arguments = arguments
        self.count = count
        self.shutdown = shutdown
        self.slotArguments = slotArguments
    }

    public func run() throws {
        var children: [Process?] = Array(repeating: nil, count: count)
        var backoffs = Array(repeating: Backoff(), count: count)
        var restartAt = Array(repeating: Date.distantPast, count: count)
        while !shutdown.isRequested {
            for slot in 0..<count {
                if let child = children[slot], !child.isRunning {
                    logger.warning("worker \(slot) exited with status \(child.terminationStatus); restarting")
                    children[slot] = nil
                    restartAt[slot] = Date().addingTimeInterval(backoffs[slot].next())
                }
                if children[slot] == nil, Date() >= restartAt[slot] {
                    let child = Process()
                    child.executableURL = executable
                    child.arguments = arguments + slotArguments(slot)
                    try child.run()
                    children[slot] = child
                    logger.info("worker \(slot) started as pid \(child.processIdentifier)")
                }
                // A worker that stayed up a while earns a fresh backoff.
                if let child = children[slot], child.isRunning, Date().timeIntervalSince(restartAt[slot]) > 30 {
                    backoffs[slot].reset()
                }
            }
            shutdown.sleep(0.2)
        }
        for child in children.compactMap({ $0 }) where child.isRunning { child.terminate() }
        for child in children.compactMap({ $0 }) { child.waitUntilExit() }
    }
}
