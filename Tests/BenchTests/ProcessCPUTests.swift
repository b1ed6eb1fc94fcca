import Foundation
import Testing
@testable import Burstwatch

@Suite("Process CPU accounting")
struct ProcessCPUTests {
    @Test("user and system time and the parent are read after the command name, even one with spaces and parentheses")
    func statLine() throws {
        // Fields 14 and 15 (utime, stime) are 250 and 50 ticks; the parent is 4242.
        let line = "1234 (burst (watch) x) S 4242 1234 1234 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 3 0 100 1000000 500 18446744073709551615"
        #expect(ProcessCPU.parentPID(statLine: line) == 4242)
        let seconds = try #require(ProcessCPU.cpuSeconds(statLine: line))
        #expect(abs(seconds - 300 / ProcessCPU.ticksPerSecond) < 1e-12)
        #expect(ProcessCPU.cpuSeconds(statLine: "garbage") == nil)
        #expect(ProcessCPU.state(statLine: line) == "S")
        #expect(ProcessCPU.state(statLine: "99 (a) b) Z 1 99") == "Z")
    }

    @Test("a child counts as exited once it is a zombie, and once it is reaped")
    func exitedChild() throws {
        let child = fork()
        try #require(child >= 0)
        if child == 0 { _exit(0) }
        #expect(!ProcessCPU.hasExited(getpid()))
        let deadline = Date().addingTimeInterval(10)
        while !ProcessCPU.hasExited(child), Date() < deadline { usleep(5_000) }
        #expect(ProcessCPU.hasExited(child), "not reaped yet, so a zombie")
        var status: Int32 = 0
        #expect(waitpid(child, &status, 0) == child)
        #expect(ProcessCPU.hasExited(child))
    }

    @Test("this process's own CPU time is readable and grows with work")
    func ownProcess() throws {
        let pid = getpid()
        let before = try #require(ProcessCPU.cpuSeconds(pid: pid))
        var x = 0.0
        var now = before
        let deadline = Date().addingTimeInterval(10)
        // Busy until the kernel has accounted 30 ms more (a few clock ticks), however
        // loaded the machine is.
        while now - before < 0.03, Date() < deadline {
            for _ in 0..<100_000 { x += sin(x + 1) }
            now = try #require(ProcessCPU.cpuSeconds(pid: pid))
        }
        withExtendedLifetime(x) {}
        #expect(now - before >= 0.03)
    }
}
