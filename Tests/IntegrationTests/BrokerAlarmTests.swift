import AMQP
import Burstwatch
import Foundation
import Testing

/// Flow control under a broker alarm (connection.blocked). Setting an alarm affects
/// every client of the broker, so this runs only against a private broker:
/// scripts/test-broker-alarms starts one and sets BURSTWATCH_TEST_BROKER_CTL to its
/// rabbitmqctl. Plain scripts/test (the shared broker) skips it.
/// The private broker's rabbitmqctl, when there is one.
let brokerAlarmControl = ProcessInfo.processInfo.environment["BURSTWATCH_TEST_BROKER_CTL"]

@Suite("Broker alarms", .serialized, .enabled(if: brokerAlarmControl != nil,
                                               "needs a private broker: run scripts/test-broker-alarms"))
struct BrokerAlarmTests {
    static var control: String? { brokerAlarmControl }

    static func rabbitmqctl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [control!] + arguments
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestSetupError("rabbitmqctl \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
        }
    }

    @Test("while the broker blocks publishing (memory alarm) the watcher keeps the files, and publishes them all once unblocked, on the same connection")
    func memoryAlarmHoldsFiles() throws {
        let env = try TestEnvironment("alarm")
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        // Up and connected before the alarm.
        #expect(env.eventually(timeout: 30) { watch.log.contains("watch: ") })
        usleep(500_000)
        try Self.rabbitmqctl(["set_vm_memory_high_watermark", "0.0000001"])
        defer { try? Self.rabbitmqctl(["set_vm_memory_high_watermark", "0.4"]) }
        let files = IngestPipelineTests.loggerFiles(count: 50)
        try ResilienceTests.writeFiles(files, into: env.uploadDirectory)
        #expect(env.eventually(timeout: 20) { watch.log.contains("the broker blocked publishing") }, "watch log:\n\(watch.log)")
        usleep(3_000_000)
        // At most the publish that met the block got through; the rest wait in the folder.
        #expect(env.filesLeftInUpload().count >= files.count - 1)
        #expect(try env.queueDepth(env.topology.ingestQueue) <= 1)

        try Self.rabbitmqctl(["set_vm_memory_high_watermark", "0.4"])
        #expect(try env.eventually(timeout: 30) { try env.queueDepth(env.topology.ingestQueue) == UInt32(files.count) }, "watch log:\n\(watch.log)")
        #expect(env.eventually(timeout: 10) { env.filesLeftInUpload().isEmpty })
        #expect(watch.log.contains("publishing again"))
        #expect(!watch.log.contains("reconnecting"), "watch log:\n\(watch.log)")
    }
}
