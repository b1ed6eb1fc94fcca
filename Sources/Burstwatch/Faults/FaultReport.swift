import Foundation

/// What a fault run found, and the table `burstwatch faults` prints.
public struct FaultReport: Sendable {
    public var seed: UInt64
    public var seconds: Double = 0
    public var dropSeconds: Double = 0
    /// Faults actually carried out, by kind.
    public var injected: [FaultKind: Int] = [:]
    /// Roles that exited without being killed by the suite (each was started again).
    public var unexpectedExits: [String] = []

    public var goodFiles = 0
    public var brokenFiles = 0
    /// Files the watcher moved to the archive (it archives a file once the broker confirmed it).
    public var filesArchived = 0
    public var filesLeftInUpload = 0
    /// File ledger rows by status.
    public var ledgerIngested = 0
    public var ledgerRejected = 0
    /// Extra deliveries of file messages the ledger saw (redelivery after a fault).
    public var fileRedeliveries = 0
    /// Broken files found on the dead-letter queue (distinct), and extra copies of them.
    public var deadLettered = 0
    public var deadLetterCopies = 0

    public var rowsExpected = 0
    public var rowsFound = 0
    public var rowsLost = 0
    public var rowsUnexpected = 0
    /// Rows beyond one per (logger, channel, timestamp): the key forbids them, checked anyway.
    public var rowsDuplicated = 0
    /// Sum of the windows' `received`: rows counted into window progress. Counting a
    /// redelivered file twice would push it past `rowsExpected`.
    public var windowRowsCounted = 0
    /// Windows announced because their grace period passed, not because all their data
    /// was in: data that came late (a fault held it up) or never.
    public var windowsGraceExpired = 0
    public var graceSeconds: Int64 = 0
    /// Windows announced after a later window of the same DMA: their data committed late
    /// (a batch redelivered after a fault, or split between two workers). The detector must
    /// not judge such a window before its own announcement.
    public var windowsOutOfOrder = 0

    public var windows = DeliveryTally.Summary(expected: 0, messages: 0, distinct: 0, missing: 0, unexpected: 0,
                                               repeatedCopies: 0, distinctDuplicates: 0)
    public var events = DeliveryTally.Summary(expected: 0, messages: 0, distinct: 0, missing: 0, unexpected: 0,
                                              repeatedCopies: 0, distinctDuplicates: 0)
    /// Why the live events differ from `burstwatch eval`'s, or nil when they are the same.
    public var evalMismatch: String?

    public init(seed: UInt64) { self.seed = seed }

    /// Every way the run broke the promise: nothing lost, nothing duplicated, keeps going.
    public var failures: [String] {
        var failures: [String] = []
        if rowsLost > 0 { failures.append("\(rowsLost) readings lost") }
        if rowsDuplicated > 0 { failures.append("\(rowsDuplicated) readings duplicated") }
        if rowsUnexpected > 0 { failures.append("\(rowsUnexpected) readings nobody sent") }
        if windowRowsCounted != rowsExpected { failures.append("windows counted \(windowRowsCounted) rows for \(rowsExpected) readings") }
        if filesLeftInUpload > 0 { failures.append("\(filesLeftInUpload) files never left the upload folder") }
        if filesArchived != goodFiles + brokenFiles { failures.append("\(filesArchived) of \(goodFiles + brokenFiles) files archived") }
        if ledgerIngested != goodFiles { failures.append("\(ledgerIngested) of \(goodFiles) good files ingested") }
        if deadLettered != brokenFiles || ledgerRejected != brokenFiles {
            failures.append("\(deadLettered) dead-lettered and \(ledgerRejected) rejected of \(brokenFiles) broken files")
        }
        for (name, tally) in [("window", windows), ("burst event", events)] {
            if tally.missing > 0 { failures.append("\(tally.missing) \(name)s never announced") }
            if tally.unexpected > 0 { failures.append("\(tally.unexpected) \(name)s announced that should not be") }
            if tally.distinctDuplicates > 0 { failures.append("\(tally.distinctDuplicates) \(name)s announced twice (distinct messages)") }
        }
        if let evalMismatch { failures.append("burst events differ from eval: \(evalMismatch)") }
        if !unexpectedExits.isEmpty { failures.append("roles exited by themselves: \(unexpectedExits.joined(separator: ", "))") }
        return failures
    }

    public var passed: Bool { failures.isEmpty }

    public func render() -> String {
        var out = "burstwatch fault suite: seed \(seed), \(goodFiles + brokenFiles) files dropped over "
            + "\(formatDecimal(dropSeconds, 0)) s, \(formatDecimal(seconds, 0)) s in all\n\n"
        var faults = TextTable(["fault", "injected"])
        for kind in FaultKind.allCases where injected[kind, default: 0] > 0 {
            faults.add([kind.rawValue, "\(injected[kind, default: 0])"])
        }
        faults.add(["total", "\(injected.values.reduce(0, +))"])
        out += faults.render(indent: "", underline: true) + "\n"

        var checks = TextTable(["check", "expected", "found", "lost", "duplicated", "copies (same message_id)", "result"])
        func ok(_ good: Bool) -> String { good ? "ok" : "FAIL" }
        checks.add(["readings in table (one per logger, channel, time)", "\(rowsExpected)", "\(rowsFound)",
                    "\(rowsLost)", "\(rowsDuplicated)", "-", ok(rowsLost == 0 && rowsDuplicated == 0 && rowsUnexpected == 0)])
        checks.add(["rows counted into windows", "\(rowsExpected)", "\(windowRowsCounted)",
                    "\(max(0, rowsExpected - windowRowsCounted))", "\(max(0, windowRowsCounted - rowsExpected))", "-",
                    ok(windowRowsCounted == rowsExpected)])
        checks.add(["files archived by watch", "\(goodFiles + brokenFiles)", "\(filesArchived)",
                    "\(filesLeftInUpload)", "-", "-", ok(filesArchived == goodFiles + brokenFiles && filesLeftInUpload == 0)])
        checks.add(["good files ingested (ledger)", "\(goodFiles)", "\(ledgerIngested)",
                    "\(max(0, goodFiles - ledgerIngested))", "-", "\(fileRedeliveries) redelivered", ok(ledgerIngested == goodFiles)])
        checks.add(["broken files dead-lettered", "\(brokenFiles)", "\(deadLettered)", "\(max(0, brokenFiles - deadLettered))",
                    "-", "\(deadLetterCopies)", ok(deadLettered == brokenFiles && ledgerRejected == brokenFiles)])
        checks.add(["windows announced", "\(windows.expected)", "\(windows.distinct)", "\(windows.missing)",
                    "\(windows.distinctDuplicates)", "\(windows.repeatedCopies)", ok(windows.exact)])
        checks.add(["burst events published", "\(events.expected)", "\(events.distinct)", "\(events.missing)",
                    "\(events.distinctDuplicates)", "\(events.repeatedCopies)", ok(events.exact)])
        checks.add(["burst events = burstwatch eval", "\(events.expected)", evalMismatch == nil ? "same" : "differ",
                    "-", "-", "-", ok(evalMismatch == nil)])
        checks.add(["roles that died by themselves", "0", "\(unexpectedExits.count)", "-", "-", "-", ok(unexpectedExits.isEmpty)])
        out += checks.render(indent: "", underline: true)
        out += "\n\(windowsGraceExpired) windows were announced by their grace period (data late), the rest complete"
            + " (grace \(graceSeconds / 3600) data hours); \(windowsOutOfOrder) were announced after a later window of their DMA.\n"
        out += """

            lost: expected but never arrived. duplicated: announced (or stored) twice as distinct
            messages, a real duplicate. copies (same message_id): the outbox relay's at-least-once
            re-publish of one message after a fault, identical bytes; subscribers drop them by
            message_id, so they are reported but do not fail the run.

            """
        out += passed ? "result: PASS\n" : "result: FAIL\n" + failures.map { "  - \($0)\n" }.joined()
        return out
    }
}
