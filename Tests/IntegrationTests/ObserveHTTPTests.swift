import Burstwatch
import Foundation
import Readings
import Testing

/// `/metrics` and `/health` of real role processes, read over HTTP while files go
/// through the real FTP server, broker and database.
@Suite("Metrics and health over HTTP", .serialized)
struct ObserveHTTPTests {
    @Test("counters move by exactly what the files did, and health is ok while connected")
    func countersFollowTheFiles() throws {
        let env = try TestEnvironment("observe")
        try env.registerDemo()
        let ingestPort = try freePort(), watchPort = try freePort(), detectPort = try freePort()
        let detect = try env.start(["detect", "--http-port", "\(detectPort)"])
        let ingest = try env.start(["ingest", "--prefetch", "50", "--http-port", "\(ingestPort)"])
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory,
                                   "--http-port", "\(watchPort)"])
        #expect(env.eventually(timeout: 30) { httpGet(ingestPort, "/health").status == 200 }, "ingest log:\n\(ingest.log)")
        #expect(env.eventually(timeout: 30) { httpGet(watchPort, "/health").status == 200 }, "watch log:\n\(watch.log)")
        #expect(env.eventually(timeout: 30) { httpGet(detectPort, "/health").status == 200 }, "detect log:\n\(detect.log)")

        // 12 one-reading files that complete two windows of the demo DMA; an exact copy
        // of one (a duplicate file); other bytes carrying two readings already sent
        // (duplicate rows); and a binary file (dead-lettered).
        let good = IngestPipelineTests.loggerFiles(count: 12)
        let overlap = good[1...2].map { String(decoding: $0.contents, as: UTF8.self).split(separator: "\n")[1] }.joined(separator: "\n") + "\n"
        let files = good + [("copy.csv", good[0].contents), ("overlap.csv", Array(overlap.utf8)),
                            ("junk.bin", [0x00, 0xFF, 0x13, 0x37])]
        try env.ftpUpload(files)
        #expect(try env.eventually { try env.count("SELECT count(*) FROM files") == 14 }, "ingest log:\n\(ingest.log)")
        // Both processes run an outbox relay; either may publish a window.
        #expect(env.eventually(timeout: 20) {
            metrics(ingestPort)["burstwatch_ingest_queue_lag_seconds_count"] == 15
                && [ingestPort, detectPort].map { metrics($0)["burstwatch_outbox_published_total"] ?? 0 }.reduce(0, +) == 2
        }, "metrics:\n\(httpGet(ingestPort, "/metrics").body)\n\(httpGet(detectPort, "/metrics").body)")

        let ingested = metrics(ingestPort)
        #expect(ingested["burstwatch_ingest_files_total", ["status": "ingested"]] == 13)
        #expect(ingested["burstwatch_ingest_files_total", ["status": "rejected"]] == 1)
        #expect(ingested["burstwatch_ingest_files_duplicate_total"] == 1)
        #expect(ingested["burstwatch_ingest_rows_inserted_total"] == 12)
        #expect(ingested["burstwatch_ingest_rows_duplicate_total"] == 2)
        #expect(ingested["burstwatch_ingest_files_dead_lettered_total", ["reason": "binary"]] == 1)
        #expect(ingested["burstwatch_ingest_batch_files_sum"] == 15)
        let batches = try #require(ingested["burstwatch_ingest_batches_total"])
        #expect(batches >= 1 && batches <= 15)
        #expect(ingested["burstwatch_ingest_batch_files_count"] == batches)
        #expect(ingested["burstwatch_ingest_commit_seconds_count"] == batches)
        #expect(ingested["burstwatch_ingest_windows_announced_total"] == 2)
        #expect(ingested["burstwatch_outbox_backlog"] == 0)
        #expect(ingested["burstwatch_reconnects_total", ["role": "ingest", "peer": "broker"]] == nil)

        let watched = metrics(watchPort)
        #expect(watched["burstwatch_watch_files_published_total"] == 15)
        #expect(watched["burstwatch_watch_files_confirmed_total"] == 15)
        #expect(watched["burstwatch_watch_bytes_published_total"] == Double(files.map(\.1.count).reduce(0, +)))
        #expect(watched["burstwatch_watch_confirms_outstanding"] == 0)
        #expect(watched["burstwatch_watch_files_quarantined_total"] == nil)

        // Both complete windows reach the detector; no burst in two quiet windows.
        #expect(env.eventually(timeout: 20) { metrics(detectPort)["burstwatch_detect_windows_total"] == 2 },
                "detect log:\n\(detect.log)")
        let detected = metrics(detectPort)
        #expect(detected["burstwatch_detect_window_seconds_count"] == 2)
        #expect(detected["burstwatch_detect_window_latency_seconds_count"] == 2)
        #expect(try #require(detected["burstwatch_detect_window_latency_seconds_sum"]) < 60)
        #expect(!detected.samples.contains { $0.name == "burstwatch_detect_events_total" })

        let health = httpGet(ingestPort, "/health")
        #expect(health.status == 200)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])
        #expect(body["status"] as? String == "ok")
        #expect(body["role"] as? String == "ingest")
        let components = try #require(body["components"] as? [String: [String: Any]])
        #expect(Set(components.keys) == ["ingest", "outbox_relay"])
        #expect(components["ingest"]?["last_success"] is String)
        #expect(httpGet(ingestPort, "/nothing-here").status == 404)
    }

    @Test("health is 503 and reconnects are counted while the broker cannot be reached")
    func unhealthyWithoutBroker() throws {
        let env = try TestEnvironment("observe-down")
        let port = try freePort()
        var environment = env.environment
        environment["BURSTWATCH_AMQP_URL"] = "amqp://guest:guest@127.0.0.1:1/%2f"
        environment["BURSTWATCH_HTTP_PORT"] = "\(port)"
        let ingest = try RoleProcess(arguments: ["ingest"], environment: environment, logName: env.name)
        defer { ingest.stop() }
        #expect(env.eventually(timeout: 30) {
            metrics(port)["burstwatch_reconnects_total", ["role": "ingest", "peer": "broker"]] ?? 0 >= 2
        }, "log:\n\(ingest.log)")
        let health = httpGet(port, "/health")
        #expect(health.status == 503)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])
        #expect(body["status"] as? String == "unavailable")
        let components = try #require(body["components"] as? [String: [String: Any]])
        #expect(components["ingest"]?["state"] as? String == "reconnecting")
        #expect((components["ingest"]?["last_error"] as? String)?.isEmpty == false)
        #expect(ingest.isRunning, "a role keeps retrying instead of exiting")
    }

    @Test("with --processes N, worker i serves on port+i")
    func workerPorts() throws {
        let env = try TestEnvironment("observe-workers")
        try env.registerDemo()
        let port = try freePort(following: 1)
        let supervisor = try env.start(["ingest", "--processes", "2", "--http-port", "\(port)"])
        for worker in 0..<2 {
            #expect(env.eventually(timeout: 30) { httpGet(port + worker, "/health").status == 200 }, "log:\n\(supervisor.log)")
        }
        // The files are shared out between the two workers; together they ingest each once.
        try env.ftpUpload(IngestPipelineTests.loggerFiles(count: 30))
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        #expect(try env.eventually { try env.count("SELECT count(*) FROM readings") == 30 }, "log:\n\(watch.log)")
        #expect(env.eventually(timeout: 10) {
            (0..<2).map { metrics(port + $0)["burstwatch_ingest_rows_inserted_total"] ?? 0 }.reduce(0, +) == 30
        })
    }

    @Test("a port already taken stops the role at once with status 2")
    func portTaken() throws {
        let env = try TestEnvironment("observe-port")
        let port = try freePort()
        let first = try env.start(["detect", "--http-port", "\(port)"])
        #expect(env.eventually(timeout: 30) { httpGet(port, "/health").status != 0 }, "log:\n\(first.log)")
        let second = try env.start(["detect", "--http-port", "\(port)"])
        second.process.waitUntilExit()
        #expect(second.process.terminationStatus == 2)
        #expect(second.log.contains("cannot serve HTTP"), "log:\n\(second.log)")
    }

    @Test("JSON logs give each line its file and sha256 as fields")
    func jsonLogs() throws {
        let env = try TestEnvironment("observe-logs")
        try env.registerDemo()
        var environment = env.environment
        environment["BURSTWATCH_LOG_FORMAT"] = "json"
        let ingest = try RoleProcess(arguments: ["ingest"], environment: environment, logName: env.name)
        defer { ingest.stop() }
        let watch = try env.start(["watch", "--dir", env.uploadDirectory, "--archive", env.archiveDirectory])
        let junk: [UInt8] = [0x00, 0xFF, 0x42]
        try env.ftpUpload([("junk.bin", junk)])
        #expect(try env.eventually { try env.count("SELECT count(*) FROM files") == 1 }, "log:\n\(ingest.log)\n\(watch.log)")
        #expect(env.eventually(timeout: 10) { ingest.log.contains("dead-lettered") })
        let lines = ingest.log.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line is one JSON object:\n\(ingest.log)")
        let dead = try #require(objects.first { ($0["message"] as? String)?.hasPrefix("dead-lettered") == true })
        #expect(dead["level"] as? String == "warning")
        #expect(dead["component"] as? String == "burstwatch.ingest")
        #expect(dead["file"] as? String == "junk.bin")
        #expect(dead["sha256"] as? String == SHA256.hexDigest(junk))
        #expect(dead["reason_class"] as? String == "binary")
    }
}

// MARK: - HTTP helpers

/// A port nothing listens on right now, with `following` free ports after it. Taken
/// below the kernel's ephemeral range (32768 and up), where the outgoing connections
/// of tests running in parallel would otherwise grab it between the check and the use.
func freePort(following: Int = 0) throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20_000..<(32_000 - following))
        if (port...(port + following)).allSatisfy(canBind) { return port }
    }
    throw TestSetupError("no free port found")
}

private func canBind(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// GET over HTTP with curl; status 0 when nothing answered.
func httpGet(_ port: Int, _ path: String) -> (status: Int, body: String) {
    let curl = Process()
    curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    curl.arguments = ["--silent", "--max-time", "5", "--write-out", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]
    let output = Pipe()
    curl.standardOutput = output
    guard (try? curl.run()) != nil else { return (0, "") }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    curl.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard let split = text.lastIndex(of: "\n") else { return (0, text) }
    return (Int(text[text.index(after: split)...]) ?? 0, String(text[..<split]))
}

func metrics(_ port: Int) -> PrometheusScrape {
    PrometheusScrape(text: httpGet(port, "/metrics").body)
}

/// Samples of a Prometheus text-format page, by name and exact label set.
struct PrometheusScrape {
    var samples: [(name: String, labels: [String: String], value: Double)] = []

    init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            var labels: [String: String] = [:]
            var name = String(series)
            if let open = series.firstIndex(of: "{"), let close = series.lastIndex(of: "}") {
                name = String(series[..<open])
                for pair in series[series.index(after: open)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            samples.append((name, labels, value))
        }
    }

    subscript(name: String, labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}
