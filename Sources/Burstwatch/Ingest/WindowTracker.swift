import Postgres
import Readings

/// Window progress inside the ingest transaction. For each (DMA, window) that got
/// new readings it bumps the window's row, which locks it: two workers that complete
/// one window together are serialised, and the second one's completeness check sees
/// the first one's committed readings, so no window is missed. A window is announced
/// once: when every expected channel has a reading, or when the DMA's newest data is
/// `graceSeconds` past the window's end.
///
/// Locks: every existing window row the transaction will touch (its batch's windows and
/// the DMAs' grace-expired ones) is locked in one pass, in (dma, window_start) order,
/// before any is changed. Two workers therefore never wait for each other in a cycle;
/// locking the batch's windows and the expired ones in two passes did, and every such
/// deadlock cost a second (PostgreSQL's deadlock_timeout) before the retry.
struct WindowTracker {
    let connection: PGConnection
    let windowSeconds: Int64
    let graceSeconds: Int64
    let windowsExchange: String

    func track(insertedPerWindow: [WindowKey: Int]) throws -> [WindowComplete] {
        guard !insertedPerWindow.isEmpty else { return [] }
        // Sorted, so concurrent transactions lock rows in the same order.
        let keys = insertedPerWindow.keys.sorted()
        let dmas = Array(Set(keys.map(\.dma))).sorted()
        let newest = try newestWindows(dmas: dmas, batch: keys)
        let locked = try lockWindows(keys, newest: newest)

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
        var expired = locked
        for row in upserted.rows where row[2] == "t" {
            guard let dma = row[0], let start = row[1].flatMap({ Int64($0) }) else { continue }
            let key = WindowKey(dma: dma, windowStart: start)
            candidates.insert(key)
            // A window this batch opened may already lie past its grace period (a late file).
            if let limit = newest[dma], isExpired(key, newest: limit) { expired.insert(key) }
        }
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

    private func isExpired(_ key: WindowKey, newest: Int64) -> Bool {
        key.windowStart + (windowSeconds + graceSeconds) * 1_000_000 <= newest
    }

    /// Each DMA's newest window once this batch is in: the newest in the table or in the batch.
    private func newestWindows(dmas: [String], batch: [WindowKey]) throws -> [String: Int64] {
        var newest: [String: Int64] = [:]
        for key in batch { newest[key.dma] = max(newest[key.dma] ?? key.windowStart, key.windowStart) }
        let rows = try connection.execute("""
            SELECT dma, (extract(epoch FROM max(window_start)) * 1000000)::bigint
            FROM windows WHERE dma = ANY($1::text[]) GROUP BY dma
            """, [SQLArray.text(dmas)]).rows
        for row in rows {
            if let dma = row[0], let start = row[1].flatMap({ Int64($0) }) { newest[dma] = max(newest[dma] ?? start, start) }
        }
        return newest
    }

    /// Locks, in one ordered pass, the existing rows of the batch's windows and the DMAs'
    /// unannounced windows whose grace period has passed; returns the latter. A row
    /// another worker announced while we waited for it drops out (PostgreSQL re-checks
    /// the condition on the new row version).
    private func lockWindows(_ keys: [WindowKey], newest: [String: Int64]) throws -> Set<WindowKey> {
        let dmas = newest.keys.sorted()
        let result = try connection.execute("""
            WITH limits AS (SELECT * FROM unnest($3::text[], $4::timestamptz[]) AS l(dma, newest)),
                 wanted AS (
                     SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS b(dma, ws)
                     UNION
                     SELECT w.dma, w.window_start FROM windows w JOIN limits l ON l.dma = w.dma
                     WHERE w.announced_at IS NULL AND w.window_end <= l.newest - make_interval(secs => $5))
            SELECT w.dma, (extract(epoch FROM w.window_start) * 1000000)::bigint,
                   w.announced_at IS NULL AND w.window_end <= l.newest - make_interval(secs => $5)
            FROM windows w JOIN limits l ON l.dma = w.dma
            WHERE (w.dma, w.window_start) IN (SELECT dma, ws FROM wanted)
            ORDER BY w.dma, w.window_start
            FOR UPDATE OF w
            """, [
                SQLArray.text(keys.map(\.dma)), SQLArray.text(keys.map { ISOTimestamp.format($0.windowStart) }),
                SQLArray.text(dmas), SQLArray.text(dmas.map { ISOTimestamp.format(newest[$0] ?? 0) }),
                String(graceSeconds),
            ])
        var expired = Set<WindowKey>()
        for row in result.rows where row[2] == "t" {
            if let dma = row[0], let start = row[1].flatMap({ Int64($0) }) { expired.insert(WindowKey(dma: dma, windowStart: start)) }
        }
        return expired
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
