import Postgres

/// The schema migrations, in order. The text of each is also in schemas/sql/ for
/// people and other tools; a test keeps the two identical.
public enum Migrations {
    public struct Migration: Sendable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    public static let all: [Migration] = [
        Migration(version: 1, name: "001_initial", sql: initial),
    ]

    static let initial = """
-- burstwatch schema, version 1.
-- Readings and burst_events are read by other systems (CONTRACTS.md section 6);
-- every other table is internal.

-- The network models a registry refers to; the .inp text is kept verbatim so that
-- `detect` localises on exactly the model that was registered.
CREATE TABLE IF NOT EXISTS networks (
    name        text PRIMARY KEY,
    inp         text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- The logger registry: one row per logger channel (loggers.csv, CONTRACTS.md section 2).
CREATE TABLE IF NOT EXISTS loggers (
    logger_id   text NOT NULL,
    channel     text NOT NULL,
    quantity    text NOT NULL CHECK (quantity IN ('flow', 'pressure')),
    element     text NOT NULL,
    dma         text NOT NULL,
    sign        double precision,
    unit        text NOT NULL,
    network     text REFERENCES networks (name) ON DELETE SET NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (logger_id, channel)
);
CREATE INDEX IF NOT EXISTS loggers_dma ON loggers (dma);

-- One row per reading, value in l/s (flow) or m (pressure). The key makes
-- redelivery harmless: a reading is never inserted twice.
CREATE TABLE IF NOT EXISTS readings (
    logger_id   text NOT NULL,
    channel     text NOT NULL,
    ts          timestamptz NOT NULL,
    value       double precision NOT NULL,
    PRIMARY KEY (logger_id, channel, ts)
);

-- The file ledger, keyed by the SHA-256 of the file's bytes.
CREATE TABLE IF NOT EXISTS files (
    sha256          text PRIMARY KEY,
    file_name       text NOT NULL,
    source          text,
    size_bytes      bigint NOT NULL,
    received_at     timestamptz,
    ingested_at     timestamptz NOT NULL DEFAULT now(),
    status          text NOT NULL CHECK (status IN ('ingested', 'partial', 'rejected')),
    rows_good       integer NOT NULL DEFAULT 0,
    rows_inserted   integer NOT NULL DEFAULT 0,
    rows_bad        integer NOT NULL DEFAULT 0,
    deliveries      integer NOT NULL DEFAULT 1,
    reason          text,
    errors          jsonb NOT NULL DEFAULT '[]'
);

-- Window progress per DMA and 15-minute window: created by the first reading that
-- lands in it, announced exactly once (announced_at set in the same transaction that
-- writes the window-complete message to the outbox).
CREATE TABLE IF NOT EXISTS windows (
    dma           text NOT NULL,
    window_start  timestamptz NOT NULL,
    window_end    timestamptz NOT NULL,
    received      integer NOT NULL DEFAULT 0,
    announced_at  timestamptz,
    reason        text,
    PRIMARY KEY (dma, window_start)
);
CREATE INDEX IF NOT EXISTS windows_open ON windows (dma, window_end) WHERE announced_at IS NULL;

-- The newest data time seen per DMA: drives the grace period (data time, not wall time).
CREATE TABLE IF NOT EXISTS dma_clock (
    dma        text PRIMARY KEY,
    newest_ts  timestamptz NOT NULL
);

-- Messages that must follow a database change. Written in the same transaction as
-- the change, deleted by the relay only after the broker confirmed them.
CREATE TABLE IF NOT EXISTS outbox (
    id            bigserial PRIMARY KEY,
    exchange      text NOT NULL,
    routing_key   text NOT NULL,
    message_id    text NOT NULL,
    body          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The detector's state per DMA between windows (JSON of the pure state machine).
CREATE TABLE IF NOT EXISTS detector_state (
    dma          text PRIMARY KEY,
    last_window  timestamptz,
    state        jsonb NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- One row per burst event with its latest state and area of interest.
CREATE TABLE IF NOT EXISTS burst_events (
    event_id            text PRIMARY KEY,
    dma                 text NOT NULL,
    state               text NOT NULL CHECK (state IN ('opened', 'updated', 'closed')),
    opened_at           timestamptz NOT NULL,
    detected_at         timestamptz NOT NULL,
    start_estimate      timestamptz,
    flow_increase_lps   double precision,
    confidence          double precision,
    area_of_interest    jsonb,
    last_message        jsonb NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS burst_events_open ON burst_events (dma) WHERE state <> 'closed';

"""
}
