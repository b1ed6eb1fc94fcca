import Detection
import Foundation
import Postgres
import Readings

/// Keeps `burst_events` (one row per event with its latest state, CONTRACTS.md
/// section 6) and puts each event on the outbox for the alerts exchange. Must run
/// inside the transaction that advanced the detector's state.
struct BurstEventStore {
    let connection: PGConnection
    let alertsExchange: String

    func record(_ events: [BurstEvent]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var messages: [OutboxMessage] = []
        for var event in events {
            event.publishedAt = Int64(Date().timeIntervalSince1970) * 1_000_000
            let body = String(decoding: try encoder.encode(event), as: UTF8.self)
            let area = try event.areaOfInterest.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
            let written = try connection.execute("""
                INSERT INTO burst_events (event_id, dma, state, opened_at, detected_at, start_estimate,
                                          flow_increase_lps, confidence, area_of_interest, last_message)
                VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8::jsonb, $9::jsonb)
                ON CONFLICT (event_id) DO UPDATE SET
                    state = EXCLUDED.state, detected_at = EXCLUDED.detected_at,
                    start_estimate = EXCLUDED.start_estimate, flow_increase_lps = EXCLUDED.flow_increase_lps,
                    confidence = EXCLUDED.confidence,
                    area_of_interest = coalesce(EXCLUDED.area_of_interest, burst_events.area_of_interest),
                    last_message = EXCLUDED.last_message, updated_at = now()
                WHERE EXCLUDED.state <> 'opened'
                RETURNING event_id
                """, [event.eventID, event.dma, event.state.rawValue, ISOTimestamp.format(event.detectedAt),
                      ISOTimestamp.format(event.startEstimate), String(event.flowIncreaseLps), String(event.confidence),
                      area, body])
            // An `opened` for an event that exists already is never published again.
            guard !written.rows.isEmpty else { continue }
            messages.append(OutboxMessage(exchange: alertsExchange, routingKey: event.routingKey,
                                          messageID: "\(event.eventID):\(event.state.rawValue):\(event.detectedAt)", body: body))
        }
        try Outbox.enqueue(on: connection, messages: messages)
    }
}
