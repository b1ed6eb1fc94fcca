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
