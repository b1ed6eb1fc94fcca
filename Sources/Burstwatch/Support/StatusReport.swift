import AMQP
import Foundation
import Postgres
import Readings

/// What `burstwatch status` prints: queue depths and consumers, the newest reading per
/// DMA and how old it is, loggers that have gone silent, files by outcome, and open burst
/// events. Encodes to JSON (`--json`) with snake_case keys and ISO 8601 UTC times.
public struct StatusReport: Sendable, Codable, Equatable {
    public struct Queue: Sendable, Codable, Equatable {
        public var name: String
        /// False when the queue does not exist yet (no role has started).
        public var declared: Bool
        public var messages: UInt32
        public var consumers: UInt32
    }

    public struct DMAStatus: Sendable, Codable, Equatable {
        public var dma: String
        /// Data time of the DMA's newest reading; nil when none arrived yet.
        public var newestReading: String?
        /// Wall clock now minus the newest reading: how far the data lags real time.
        public var ageSeconds: Int64?
        /// Windows announced to detection, and windows still waiting for data or grace.
        public var windowsComplete: Int
        public var windowsOpen: Int
        /// Every logger channel of the DMA with its own newest reading.
        public var channels: [ChannelStatus]
    }

    public struct ChannelStatus: Sendable, Codable, Equatable {
        public var loggerID: String
        public var channel: String
        public var newestReading: String?
        /// Wall clock now minus this channel's newest reading.
        public var ageSeconds: Int64?
        /// The DMA's newest reading minus this channel's: 0 for the most recent channel.
        public var behindDMASeconds: Int64?
    }

    public struct SilentLogger: Sendable, Codable, Equatable {
        public var loggerID: String
        public var channel: String
        public var dma: String
        /// Nil: never reported.
        public var newestReading: String?
        /// Windows between this channel's newest reading and its DMA's; nil when never reported.
        public var windowsBehind: Int64?
    }

    public struct OpenEvent: Sendable, Codable, Equatable {
        public var eventID: String
        public var dma: String
        public var state: String
        public var startEstimate: String?
        public var detectedAt: String
        public var flowIncreaseLps: Double?
        public var confidence: Double?
        public var areaNodes: Int
        public var areaPipes: Int
        public var areaPipeLengthM: Double?
    }

    public struct FileCount: Sendable, Codable, Equatable {
        public var status: String
        public var count: Int
    }

    public struct RejectedFile: Sendable, Codable, Equatable {
        public var file: String
        public var reason: String
    }

    public var generatedAt: String
    public var silentAfterWindows: Int
    public var queues: [Queue] = []
    /// Why the queues are missing: the broker could not be reached (the rest of the
    /// report comes from the database and is still shown).
    public var brokerError: String?
    public var dmas: [DMAStatus] = []
    public var silentLoggers: [SilentLogger] = []
    public var files: [FileCount] = []
    public var rejectedFiles: [RejectedFile] = []
    public var openEvents: [OpenEvent] = []

    /// One logger channel's newest reading, the input of `silent(...)`.
    public struct ChannelLatest: Sendable, Equatable {
        public var loggerID: String
        public var channel: String
        public var dma: String
        /// Epoch microseconds; nil when it never reported.
        public var newest: Int64?
        public init(loggerID: String, channel: String, dma: String, newest: Int64?) {
            (self.loggerID, self.channel, self.dma, self.newest) = (loggerID, channel, dma, newest)
        }
    }

    /// Channels whose newest reading is more than `windows` windows behind the newest
    /// reading of their DMA, plus channels that never reported, most silent first. A DMA
    /// with no readings at all has every channel listed (never reported).
    public static func silent(_ channels: [ChannelLatest], windowSeconds: Int64, windows: Int) -> [SilentLogger] {
        let newestByDMA = Dictionary(grouping: channels, by: \.dma).mapValues { $0.compactMap(\.newest).max() }
        let limit = Int64(windows) * windowSeconds * 1_000_000
        return channels.compactMap { channel -> SilentLogger? in
            guard let newest = channel.newest else {
                return SilentLogger(loggerID: channel.loggerID, channel: channel.channel, dma: channel.dma,
                                    newestReading: nil, windowsBehind: nil)
            }
            guard let dmaNewest = newestByDMA[channel.dma] ?? nil, dmaNewest - newest > limit else { return nil }
            return SilentLogger(loggerID: channel.loggerID, channel: channel.channel, dma: channel.dma,
                                newestReading: ISOTimestamp.format(newest),
                                windowsBehind: (dmaNewest - newest) / (windowSeconds * 1_000_000))
        }.sorted {
            ($0.windowsBehind ?? .max, $1.dma, $1.loggerID, $1.channel) > ($1.windowsBehind ?? .max, $0.dma, $0.loggerID, $0.channel)
        }
    }

    /// `extraQueues`: queues outside the fixed topology to report too, such as the
    /// durable queues of `alerts tail --queue` subscribers.
    public static func collect(connections: Connections, silentAfterWindows: Int = 4, extraQueues: [String] = [],
                               now: Date = Date()) throws -> StatusReport {
        let settings = connections.settings
        // Whole seconds: ages are shown in seconds and the header reads better without micros.
        let nowMicros = Int64(now.timeIntervalSince1970.rounded(.down)) * 1_000_000
        var report = StatusReport(generatedAt: ISOTimestamp.format(nowMicros), silentAfterWindows: silentAfterWindows)
        (report.queues, report.brokerError) = collectQueues(connections: connections, extra: extraQueues)

        let database = try connections.database("status")
        defer { database.close() }
        // Newest reading per logger channel: one index probe each (readings' key starts
        // with logger_id, channel, ts), never a scan of the readings table.
        let channels = try database.execute("""
            SELECT l.logger_id, l.channel, l.dma, (extract(epoch FROM r.ts) * 1000000)::bigint
            FROM loggers l
            LEFT JOIN LATERAL (SELECT ts FROM readings r WHERE r.logger_id = l.logger_id AND r.channel = l.channel
                               ORDER BY ts DESC LIMIT 1) r ON true
            ORDER BY l.dma, l.logger_id, l.channel
            """).rows.map {
                ChannelLatest(loggerID: $0[0] ?? "", channel: $0[1] ?? "", dma: $0[2] ?? "", newest: $0[3].flatMap { Int64($0) })
            }
        let windowCounts = Dictionary(try database.execute("""
            SELECT dma, count(*) FILTER (WHERE announced_at IS NOT NULL), count(*) FILTER (WHERE announced_at IS NULL)
            FROM windows GROUP BY dma
            """).rows.map { ($0[0] ?? "", (complete: Int($0[1] ?? "0") ?? 0, open: Int($0[2] ?? "0") ?? 0)) },
            uniquingKeysWith: { a, _ in a })
        for (dma, members) in Dictionary(grouping: channels, by: \.dma).sorted(by: { $0.key < $1.key }) {
            let newest = members.compactMap(\.newest).max()
            let age = { (micros: Int64) in (nowMicros - micros) / 1_000_000 }
            report.dmas.append(DMAStatus(
                dma: dma, newestReading: newest.map(ISOTimestamp.format), ageSeconds: newest.map(age),
                windowsComplete: windowCounts[dma]?.complete ?? 0, windowsOpen: windowCounts[dma]?.open ?? 0,
                channels: members.map { member in
                    ChannelStatus(loggerID: member.loggerID, channel: member.channel,
                                  newestReading: member.newest.map(ISOTimestamp.format), ageSeconds: member.newest.map(age),
                                  behindDMASeconds: member.newest.flatMap { mine in newest.map { ($0 - mine) / 1_000_000 } })
                }))
        }
        report.silentLoggers = silent(channels, windowSeconds: settings.windowSeconds, windows: silentAfterWindows)

        report.files = try database.execute("SELECT status, count(*) FROM files GROUP BY status ORDER BY status").rows
            .map { FileCount(status: $0[0] ?? "", count: Int($0[1] ?? "0") ?? 0) }
        report.rejectedFiles = try database.execute("""
            SELECT file_name, coalesce(reason, '') FROM files WHERE status = 'rejected' ORDER BY ingested_at DESC LIMIT 10
            """).rows.map { RejectedFile(file: $0[0] ?? "", reason: $0[1] ?? "") }
        report.openEvents = try database.execute("""
            SELECT event_id, dma, state,
                   to_char(start_estimate AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(detected_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   flow_increase_lps, confidence,
                   coalesce(jsonb_array_length(area_of_interest -> 'nodes'), 0),
                   coalesce(jsonb_array_length(area_of_interest -> 'pipes'), 0),
                   (area_of_interest ->> 'pipe_length_m')::double precision
            FROM burst_events WHERE state <> 'closed' ORDER BY detected_at, event_id
            """).rows.map {
                OpenEvent(eventID: $0[0] ?? "", dma: $0[1] ?? "", state: $0[2] ?? "", startEstimate: $0[3],
                          detectedAt: $0[4] ?? "", flowIncreaseLps: $0[5].flatMap { Double($0) },
                          confidence: $0[6].flatMap { Double($0) }, areaNodes: Int($0[7] ?? "0") ?? 0,
                          areaPipes: Int($0[8] ?? "0") ?? 0, areaPipeLengthM: $0[9].flatMap { Double($0) })
            }
        return report
    }

    /// Every burstwatch queue under the prefix. A passive declare gives depth and
    /// consumers; a missing queue closes the channel, so each gets its own connection.
    /// An unreachable broker gives no queues and the reason, rather than failing the whole report.
    static func collectQueues(connections: Connections, extra: [String]) -> (queues: [Queue], error: String?) {
        let topology = Topology(prefix: connections.settings.prefix)
        var queues: [Queue] = []
        for name in [topology.ingestQueue, topology.detectQueue, topology.deadQueue] + extra {
            let broker: AMQPConnection
            do {
                broker = try connections.broker("status", heartbeatSeconds: 0)
            } catch {
                return ([], "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)")
            }
            defer { broker.close() }
            if let info = try? broker.queueInfo(name) {
                queues.append(Queue(name: name, declared: true, messages: info.messageCount, consumers: info.consumerCount))
            } else {
                queues.append(Queue(name: name, declared: false, messages: 0, consumers: 0))
            }
        }
        return (queues, nil)
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        // loggerID -> logger_id, behindDMASeconds -> behind_dma_seconds.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
