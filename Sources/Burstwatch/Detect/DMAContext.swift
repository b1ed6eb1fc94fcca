import Detection
import Foundation
import Postgres
import Readings

/// What the detector keeps in memory for one DMA between windows: its channels, the
/// detector (with its localiser on the registered network) and the DMA's history,
/// loaded from PostgreSQL incrementally.
final class DMAContext {
    let dma: String
    let detector: BurstDetector
    private(set) var history: DMAHistory
    private let channels: [ChannelSpec]
    /// Readings with a timestamp before this are in `history`.
    private var loadedUntil: Int64?
    /// Keys of readings loaded from the re-read overlap, so none is counted twice.
    private var recentKeys = Set<ReadingKey>()
    /// How far back each load re-reads, to pick up readings that arrived late.
    private let overlapMicros: Int64

    /// `localiser`: on the network the DMA's loggers name, searching this DMA's region
    /// (`Localiser.restricted(toDMA:registry:)`); nil when no network is registered.
    init(dma: String, registry: LoggerRegistry, localiser: Localiser?, config: DetectorConfig, overlapSeconds: Int64) {
        self.dma = dma
        channels = registry.channels(inDMA: dma)
        history = DMAHistory(dma: dma, channels: channels, windowSeconds: config.windowSeconds)
        detector = BurstDetector(config: config, localiser: localiser)
        overlapMicros = overlapSeconds * 1_000_000
        maxHistoryMicros = Int64(config.maxHistoryDays + 3) * 86_400_000_000
    }

    private let maxHistoryMicros: Int64

    /// Brings the history up to `end` (exclusive).
    func load(until end: Int64, from connection: PGConnection) throws {
        if let loadedUntil, end <= loadedUntil { return }
        let start = loadedUntil.map { $0 - overlapMicros } ?? (end - maxHistoryMicros)
        let rows = try connection.execute("""
            SELECT r.logger_id, r.channel, (extract(epoch FROM r.ts) * 1000000)::bigint, r.value
            FROM readings r JOIN loggers l ON l.logger_id = r.logger_id AND l.channel = r.channel
            WHERE l.dma = $1 AND r.ts >= $2 AND r.ts < $3
            """, [dma, ISOTimestamp.format(start), ISOTimestamp.format(end)]).rows
        let overlapEnd = loadedUntil ?? start
        for row in rows {
            guard let logger = row[0], let channel = row[1], let ts = row[2].flatMap({ Int64($0) }),
                  let value = row[3].flatMap({ Double($0) }) else { continue }
            let key = ReadingKey(loggerID: logger, channel: channel, timestamp: ts)
            if ts < overlapEnd, recentKeys.contains(key) { continue }
            if ts >= end - overlapMicros { recentKeys.insert(key) }
            history.append(NormalizedReading(loggerID: logger, channel: channel, timestamp: ts, valueSI: value, dma: dma))
        }
        recentKeys = recentKeys.filter { $0.timestamp >= end - overlapMicros }
        loadedUntil = end
    }
}
