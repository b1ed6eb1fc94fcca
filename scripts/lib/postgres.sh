# shellcheck shell=bash
# PostgreSQL 15 as an ordinary process. Sourced by scripts/services after
# lib/common.sh.
#
# PostgreSQL refuses to run as root, so every server-side command runs as the
# `postgres` OS user, which owns $PG_BASE. Authentication is `trust` for the
# socket and loopback: a development/test setup, never a deployment.

PG_BIN=/usr/lib/postgresql/15/bin
PG_BASE="$RUN_DIR/postgres"
PG_DATA="$PG_BASE/data"
PG_SOCKET_DIR="$PG_BASE/socket"
PG_LOG="$PG_BASE/postgres.log"
PG_OS_USER=postgres

as_postgres() { runuser -u "$PG_OS_USER" -- "$@"; }

pg_is_running() {
    [[ -f "$PG_DATA/PG_VERSION" ]] && as_postgres "$PG_BIN/pg_ctl" status -D "$PG_DATA" >/dev/null 2>&1
}

# Runs SQL as the bootstrap superuser over the unix socket; prints tuples only.
pg_sql() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -tA \
        -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres -c "$1"
}

pg_init_cluster() {
    log "postgresql: creating cluster in $PG_DATA"
    # --no-locale: C collation everywhere, so results never depend on the
    # machine's locale; UTF8 because logger files are UTF-8.
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust \
        --encoding=UTF8 --no-locale >"$PG_BASE/initdb.log" 2>&1 || {
        show_log_tail "$PG_BASE/initdb.log"
        die "postgresql: initdb failed"
    }
    # Test-machine tuning. fsync stays on: tests must see real durability.
    # Address, port and socket are given on the command line at each start
    # instead, so changing BURSTWATCH_PG_PORT needs no new cluster.
    cat >>"$PG_DATA/postgresql.conf" <<'EOF'

# --- burstwatch development settings (scripts/lib/postgres.sh) ---
shared_buffers = 64MB
max_connections = 100
timezone = 'UTC'
log_timezone = 'UTC'
log_min_duration_statement = 5000
EOF
}

# One role must prove that a wrong password is refused (Tests/PostgresTests): it
# alone logs in with a password, so its line must come before the trust lines.
# Also applied to clusters made before this line existed.
# Likewise every member of the group burstwatch_password_required: the security
# tests create least-privilege login users in it to prove passwords are checked
# and never logged.
pg_require_password_for_test_role() {
    local hba="$PG_DATA/pg_hba.conf" changed=0
    if ! grep -q '^host all burstwatch_pwtest ' "$hba"; then
        sed -i '1i host all burstwatch_pwtest 127.0.0.1/32 scram-sha-256' "$hba"
        changed=1
    fi
    if ! grep -q '^host all +burstwatch_password_required ' "$hba"; then
        sed -i '1i host all +burstwatch_password_required 127.0.0.1/32 scram-sha-256' "$hba"
        changed=1
    fi
    if ((changed)) && pg_is_running; then as_postgres "$PG_BIN/pg_ctl" reload -D "$PG_DATA" >/dev/null; fi
    return 0
}

# With BURSTWATCH_TLS=1: ssl=on with the throwaway server certificate (its key must
# belong to the postgres user). Plain connections keep working; clients choose
# with sslmode.
pg_tls_options() {
    [[ "$TLS_ENABLED" == 1 ]] || return 0
    mkdir -p -- "$PG_BASE/tls"
    cp -- "$TLS_DIR/server.pem" "$TLS_DIR/server.key" "$PG_BASE/tls/"
    chown -R "$PG_OS_USER:" -- "$PG_BASE/tls"
    chmod 600 -- "$PG_BASE/tls/server.key"
    printf ' -c ssl=on -c ssl_cert_file=%s -c ssl_key_file=%s' "$PG_BASE/tls/server.pem" "$PG_BASE/tls/server.key"
}

pg_start() {
    if pg_is_running; then
        pg_require_password_for_test_role
        log "postgresql: already running on $LOOPBACK:$PG_PORT"
        return 0
    fi
    require_free_port "$PG_PORT" postgresql
    mkdir -p -- "$PG_BASE" "$PG_SOCKET_DIR"
    chown "$PG_OS_USER:" -- "$PG_BASE" "$PG_SOCKET_DIR"
    # A data directory without PG_VERSION is a half-made cluster: start over.
    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        rm -rf -- "$PG_DATA"
        pg_init_cluster
    fi
    pg_require_password_for_test_role
    touch -- "$PG_LOG" && chown "$PG_OS_USER:" -- "$PG_LOG"

    local tls_options; tls_options="$(pg_tls_options)"
    log "postgresql: starting on $LOOPBACK:$PG_PORT${tls_options:+ (ssl=on)}"
    # setsid: the server must not share the caller's process group, or a
    # Ctrl-C aimed at `swift test` would also shut the database down.
    # cd /: the postgres user may not be able to read the caller's directory.
    (cd / && setsid -w runuser -u "$PG_OS_USER" -- "$PG_BIN/pg_ctl" start \
        -D "$PG_DATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" \
        -o "-c listen_addresses=$LOOPBACK -p $PG_PORT -k '$PG_SOCKET_DIR'$tls_options" \
        >/dev/null 2>>"$PG_LOG" </dev/null) || {
        show_log_tail "$PG_LOG"
        die "postgresql: did not start"
    }
    pg_create_app_database
}

# Role and database `burstwatch`, created once. Superuser keeps tests free to
# create extensions and temporary schemas; development only.
pg_create_app_database() {
    if [[ -z "$(pg_sql "SELECT 1 FROM pg_roles WHERE rolname = 'burstwatch'")" ]]; then
        pg_sql "CREATE ROLE burstwatch LOGIN SUPERUSER"
    fi
    if [[ -z "$(pg_sql "SELECT 1 FROM pg_database WHERE datname = 'burstwatch'")" ]]; then
        pg_sql "CREATE DATABASE burstwatch OWNER burstwatch"
    fi
}

pg_stop() {
    if ! pg_is_running; then
        log "postgresql: not running"
        return 0
    fi
    log "postgresql: stopping"
    # fast: roll back open transactions and disconnect clients; no waiting for
    # idle test connections to go away by themselves.
    (cd / && as_postgres "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null) || {
        show_log_tail "$PG_LOG"
        die "postgresql: did not stop"
    }
}

pg_status() {
    if pg_is_running; then
        printf 'postgresql  running  %s:%s  data %s\n' "$LOOPBACK" "$PG_PORT" "$PG_DATA"
    else
        printf 'postgresql  stopped\n'
        return 1
    fi
}
