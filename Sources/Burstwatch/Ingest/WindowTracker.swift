import Postgres
import Readings

/// Window progress inside the ingest transaction. For each (DMA, window) that got
/// new readings it bumps the window's row, which locks it: two workers that complete
/// one window together are serialised, and the second one's completeness check sees
/// the first one's committed readings, so no window is missed. A window is announced
/// once: when every expected channel has a reading, or when the DMA's newest data is
/// `graceSeconds` past the window's end.
struct WindowTracker {
    let connection: PGConnection
    let windowSeconds: Int64
    let graceSeconds: Int64
    let windowsExchange: String

    func track(insertedPerWindow: [WindowKey: Int]) throws -> [WindowComplete] {
        guard !insertedPerWindow.isEmpty else { return [] }
        // Sorted, so concurrent transactions lock rows in the same order.
        let keys = insertedPerWindow.keys.sorted()
        let upserted = try connection.execute("""
            INSERT INTO windows (dma, window_start, window_end, received)
            SELECT dma, ws, ws + make_interval(secs => $4), n
            FROM unnest($1::text[], $2::timestamptz[], $3::int[]) AS t(dma, ws, n)
            ORDER BY dma, ws
            ON CONFLICT (dma, window_start) DO UPDATE SET received = windows.received + EXCLUDED.received
            RETURNING dma, (extract(epoch FROM window_start) * 1000000)::bigint, announced_at IS NULL
            """, [
                SQLArray.text(keys.map(\.dma)),
                SQLArray.text(keys.map { ISOTimestamp.format($0.windowStart) }),
                SQLArray.int(keys.map { insertedPerWindow[$0] ?? 0 }),
                String(windowSeconds),
            ])
        var candidates = Set<WindowKey>()
        for row in upserted.rows where row[2] == "t" {
            if let dma = row[0], let start = row[1].flatMap({ Int64($0) }) { candidates.insert(WindowKey(dma: dma, windowStart: start)) }
        }
        let expired = try graceExpired(dmas: Array(Set(keys.map(\.dma))).sorted())
        candidates.formUnion(expired)
        guard !candidates.isEmpty else { return [] }

        let presence = try channelPresence(Array(candidates).sorted())
        var announcements: [WindowComplete] = []
        for key in candidates.sorted() {
            let channels = presence[key] ?? []
            let missing = channels.filter { !$0.present }.map(\.name).sorted()
            let complete = !channels.isEmpty && missing.isEmpty
            guard complete || expired.contains(key) else { continue }
            announcements.append(WindowComplete(
                dma: key.dma,
                windowStart: ISOTimestamp.format(key.windowStart),
                windowEnd: ISOTimestamp.format(key.windowStart + windowSeconds * 1_000_000),
                expected: channels.count, received: channels.count - missing.count, missing: missing,
                reason: complete ? .allArrived : .graceExpired))
        }
        try announce(announcements)
        return announcements
    }

    /// Unannounced windows of these DMAs whose end lies `graceSeconds` or more before the
    /// DMA's newest window, locked for this transaction.
    private func graceExpired(dmas: [String]) throws -> Set<WindowKey> {
        let result = try connection.execute("""
            SELECT w.dma, (extract(epoch FROM w.window_start) * 1000000)::bigint
            FROM windows w
            JOIN (SELECT dma, max(window_start) AS newest FROM windows WHERE dma = ANY($1::text[]) GROUP BY dma) n
              ON n.dma = w.dma
            WHERE w.announced_at IS NULL AND w.window_end + make_interval(secs => $2) <= n.newest
            ORDER BY w.dma, w.window_start
            FOR UPDATE OF w
            """, [SQLArray.text(dmas), String(graceSeconds)])
        var keys = Set<WindowKey>()
        for row in result.rows {
            if let dma = row[0], let start = row[1].flatMap({ Int64($0) }) { keys.insert(WindowKey(dma: dma, windowStart: start)) }
        }
        // A row locked after waiting may have been announced meanwhile.
        return keys
    }

    struct ChannelPresence { var name: String; var present: Bool }

    /// For each window, every channel the registry expects in its DMA and whether it has
    /// a reading in the window. Probes the readings key, so it stays cheap.
    private func channelPresence(_ keys: [WindowKey]) throws -> [WindowKey: [ChannelPresence]] {
        let result = try connection.execute("""
            SELECT t.dma, (extract(epoch FROM t.ws) * 1000000)::bigint, l.logger_id || '/' || l.channel,
                   EXISTS (SELECT 1 FROM readings r WHERE r.logger_id = l.logger_id AND r.channel = l.channel
                           AND r.ts >= t.ws AND r.ts < t.ws + make_interval(secs => $3))
            FROM unnest($1::text[], $2::timestamptz[]) AS t(dma, ws)
            JOIN loggers l ON l.dma = t.dma
            JOIN windows w ON w.dma = t.dma AND w.window_start = t.ws AND w.announced_at IS NULL
            """, [SQLArray.text(keys.map(\.dma)), SQLArray.text(keys.map { ISOTimestamp.format($0.windowStart) }), String(windowSeconds)])
        var presence: [WindowKey: [ChannelPresence]] = [:]
        for row in result.rows {
            guard let dma = row[0], let start = row[1].flatMap({ Int64($0) }), let name = row[2] else { continue }
            presence[WindowKey(dma: dma, windowStart: start), default: []].append(ChannelPresence(name: name, present: row[3] == "t"))
        }
        return presence
    }

    private func announce(_ windows: [WindowComplete]) throws {
        guard !windows.isEmpty else { return }
        _ = try connection.execute("""
            UPDATE windows SET announced_at = now(), reason = t.reason
            FROM unnest($1::text[], $2::timestamptz[], $3::text[]) AS t(dma, ws, reason)
            WHERE windows.dma = t.dma AND windows.window_start = t.ws
            """, [SQLArray.text(windows.map(\.dma)), SQLArray.text(windows.map(\.windowStart)),
                  SQLArray.text(windows.map(\.reason.rawValue))])
        try Outbox.enqueue(on: connection, messages: windows.map { window in
            OutboxMessage(exchange: windowsExchange, routingKey: Topology.windowRoutingKey(dma: window.dma),
                          messageID: window.messageID, body: try window.json())
        })
    }
}
