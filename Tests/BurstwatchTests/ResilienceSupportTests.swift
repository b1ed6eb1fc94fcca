import Foundation
import Testing
@testable import Burstwatch

@Suite("Heartbeat setting and retry schedule")
struct ResilienceSupportTests {
    @Test("BURSTWATCH_HEARTBEAT_SECONDS sets the heartbeat (default 30, 0 turns it off); anything else is a configuration error")
    func heartbeatSetting() throws {
        #expect(try Settings.fromEnvironment([:]).heartbeatSeconds == 30)
        #expect(try Settings.fromEnvironment(["BURSTWATCH_HEARTBEAT_SECONDS": "5"]).heartbeatSeconds == 5)
        #expect(try Settings.fromEnvironment(["BURSTWATCH_HEARTBEAT_SECONDS": "0"]).heartbeatSeconds == 0)
        for bad in ["-1", "1.5", "30s", "99999"] {
            #expect(throws: ConfigurationError.self) { try Settings.fromEnvironment(["BURSTWATCH_HEARTBEAT_SECONDS": bad]) }
        }
    }

    @Test("a failed operation is not due again until its backoff passed; a success makes it due at once")
    func retrySchedule() {
        var schedule = RetrySchedule()
        #expect(schedule.isDue)
        let first = schedule.failed()
        #expect(!schedule.isDue)
        let second = schedule.failed()
        #expect(second == first * 2)
        schedule.succeeded()
        #expect(schedule.isDue)
        #expect(schedule.failed() == first)
    }
}
