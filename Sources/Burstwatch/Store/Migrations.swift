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
        Migration(version: 2, name: "002_roles", sql: roles),
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

    static let roles = """
-- burstwatch schema, version 2: least-privilege group roles.
-- Three NOLOGIN group roles hold exactly the privileges each process needs; an
-- operator creates one LOGIN user per process IN ROLE the matching group (README,
-- "Database roles"). `migrate` and `register` keep running as the schema owner.
--
--   burstwatch_ingest  writes readings (insert only), its ledger and window tables,
--                      the outbox; never updates or deletes readings, never touches
--                      detector_state or burst_events.
--   burstwatch_detect  reads readings, loggers, networks, windows; writes
--                      detector_state, burst_events and the outbox.
--   burstwatch_reader  reads what status, the map and alert exports show.
--
-- Roles belong to the whole cluster, grants to this database. A later migration that
-- adds a table must grant on it itself: nothing is granted by default.

-- Create the groups once per cluster. Needs CREATEROLE (or superuser) the first time
-- only; a migrating user without it fails here with the statements a superuser must
-- run. Two databases migrating at once may race to create a role: the loser carries on.
DO $$
DECLARE
    group_role text;
BEGIN
    FOREACH group_role IN ARRAY ARRAY['burstwatch_ingest', 'burstwatch_detect', 'burstwatch_reader'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = group_role) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
            EXCEPTION
                WHEN duplicate_object OR unique_violation THEN
                    NULL;
                WHEN insufficient_privilege THEN
                    RAISE EXCEPTION 'migration 002_roles: the group role % does not exist and % may not create roles', group_role, current_user
                        USING ERRCODE = 'insufficient_privilege',
                              HINT = 'As a superuser, run once per cluster: CREATE ROLE burstwatch_ingest NOLOGIN; CREATE ROLE burstwatch_detect NOLOGIN; CREATE ROLE burstwatch_reader NOLOGIN; then run burstwatch migrate again.';
            END;
        END IF;
    END LOOP;
END
$$;

-- Connecting, and finding the tables. Ingest stages each batch in temporary tables.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO burstwatch_ingest', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO burstwatch_detect, burstwatch_reader', current_database());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO burstwatch_ingest, burstwatch_detect, burstwatch_reader', current_schema());
END
$$;

-- Ingest: the registry to validate against; readings insert-only (SELECT for the
-- duplicate probe and the window completeness check); the ledger and window tables
-- (SELECT ... FOR UPDATE needs UPDATE); the outbox and its relay (DELETE once confirmed).
GRANT SELECT ON loggers TO burstwatch_ingest;
GRANT SELECT, INSERT ON readings TO burstwatch_ingest;
GRANT SELECT, INSERT, UPDATE ON files, windows, dma_clock TO burstwatch_ingest;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO burstwatch_ingest;
GRANT USAGE ON SEQUENCE outbox_id_seq TO burstwatch_ingest;

-- Detect: history and the network model; its own state and events; the outbox.
GRANT SELECT ON readings, loggers, networks, windows TO burstwatch_detect;
GRANT SELECT, INSERT, UPDATE ON detector_state, burst_events TO burstwatch_detect;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox TO burstwatch_detect;
GRANT USAGE ON SEQUENCE outbox_id_seq TO burstwatch_detect;

-- Reader: status, map and alert exports. Not the outbox or the detector's internals.
GRANT SELECT ON networks, loggers, readings, files, windows, burst_events TO burstwatch_reader;

"""
}
