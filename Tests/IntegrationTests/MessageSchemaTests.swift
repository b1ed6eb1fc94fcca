import Burstwatch
import Detection
import Foundation
import Testing

/// Every message burstwatch publishes validates against its JSON Schema in schemas/,
/// checked by the reference validator (Python's jsonschema, draft 2020-12).
@Suite("Message schemas")
struct MessageSchemaTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../schemas").standardizedFileURL.path

    /// Validates each JSON document (one per line) against the schema; returns the
    /// validator's complaints, empty when all are valid.
    static func validate(_ documents: [String], schema: String) throws -> String {
        let folder = NSTemporaryDirectory() + "bwtest-schema-\(UInt32.random(in: 0..<UInt32.max))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try documents.joined(separator: "\n").write(toFile: folder + "/docs.jsonl", atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            schema = json.load(open(sys.argv[1]))
            Draft202012Validator.check_schema(schema)
            validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
            bad = 0
            for number, line in enumerate(open(sys.argv[2]), 1):
                for error in validator.iter_errors(json.loads(line)):
                    bad += 1
                    print(f"document {number}: {error.json_path}: {error.message}")
            sys.exit(1 if bad else 0)
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, "\(schemas)/\(schema)", folder + "/docs.jsonl"]
        let output = Pipe()
        python.standardOutput = output
        python.standardError = output
        try python.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        if python.terminationStatus != 0 && text.isEmpty { return "validator exited \(python.terminationStatus)" }
        return python.terminationStatus == 0 ? "" : text
    }

    @Test("window-complete messages validate, both reasons")
    func windowComplete() throws {
        let complete = WindowComplete(dma: "DMA-1", windowStart: "2026-03-24T03:00:00Z", windowEnd: "2026-03-24T03:15:00Z",
                                      expected: 2, received: 2, missing: [], reason: .allArrived)
        let expired = WindowComplete(dma: "DMA-1", windowStart: "2026-03-24T03:15:00Z", windowEnd: "2026-03-24T03:30:00Z",
                                     expected: 2, received: 1, missing: ["PL01/pressure"], reason: .graceExpired)
        #expect(try Self.validate([try complete.json(), try expired.json()], schema: "window-complete.v1.schema.json") == "")
        // The check has teeth: a message missing a field is refused.
        #expect(try Self.validate([#"{"schema": "window-complete/v1", "dma": "DMA-1"}"#], schema: "window-complete.v1.schema.json") != "")
    }

    @Test("burst events of a detected burst validate: opened, updated and closed")
    func burstEvents() throws {
        let folder = NSTemporaryDirectory() + "bwtest-schema-demo-\(UInt32.random(in: 0..<UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start: Int64 = 1_772_409_600_000_000
        let scenario = DemoScenario(start: start, days: 10, historyDays: 9, seed: 3,
                                    burst: .init(node: DemoScenario.junction(4, 3), start: start + 9 * 86_400_000_000 + 9_000_000_000, sizeLps: 4))
        try scenario.write(to: URL(fileURLWithPath: folder))
        let alerts = folder + "/alerts.jsonl"
        _ = try runEval(scenarioPath: folder, alertsOut: alerts)
        let lines = try String(contentsOfFile: alerts, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty, "the demo burst was not detected, so nothing was validated")
        #expect(try Self.validate(lines, schema: "burst-event.v1.schema.json") == "")
    }
}
