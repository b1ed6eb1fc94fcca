# shellcheck shell=bash disable=SC2034  # settings are used by the other lib files
# Shared settings and helpers for scripts/services and scripts/rabbitmqctl.
# Sourced, not executed. Callers run with `set -euo pipefail`.
#
# Everything the local services keep lives under one run directory, so that
# removing that directory resets the whole stack. Ports are overridable so the
# stack can sit beside a system PostgreSQL/RabbitMQ already using the defaults.

RUN_DIR="${BURSTWATCH_RUN_DIR:-/tmp/burstwatch-services}"
# Absolute path: the directory is handed to daemons that change directory.
RUN_DIR="$(realpath -m -- "$RUN_DIR")"

PG_PORT="${BURSTWATCH_PG_PORT:-5432}"
AMQP_PORT="${BURSTWATCH_AMQP_PORT:-5672}"
# RabbitMQ's own convention: distribution port = AMQP port + 20000.
AMQP_DIST_PORT="${BURSTWATCH_AMQP_DIST_PORT:-$((AMQP_PORT + 20000))}"
EPMD_PORT="${BURSTWATCH_EPMD_PORT:-4369}"
FTP_PORT="${BURSTWATCH_FTP_PORT:-2121}"
FTP_PASV_MIN="${BURSTWATCH_FTP_PASV_MIN:-30000}"
FTP_PASV_MAX="${BURSTWATCH_FTP_PASV_MAX:-39999}"
START_TIMEOUT="${BURSTWATCH_START_TIMEOUT:-120}"
# Opt-in TLS (BURSTWATCH_TLS=1, scripts/lib/tls.sh): a throwaway CA and certificates
# under the run directory, PostgreSQL with ssl=on, and a RabbitMQ TLS listener on
# AMQPS_PORT beside the plain one. Off by default: nothing changes without it.
TLS_ENABLED="${BURSTWATCH_TLS:-0}"
TLS_DIR="$RUN_DIR/tls"
AMQPS_PORT="${BURSTWATCH_AMQPS_PORT:-$((AMQP_PORT - 1))}"

LOOPBACK=127.0.0.1
UPLOAD_DIR="$RUN_DIR/ftp/upload"

# Variables a non-root caller may set; kept across the sudo re-exec.
PRESERVED_ENV="BURSTWATCH_RUN_DIR,BURSTWATCH_PG_PORT,BURSTWATCH_AMQP_PORT,BURSTWATCH_AMQP_DIST_PORT,BURSTWATCH_EPMD_PORT,BURSTWATCH_FTP_PORT,BURSTWATCH_FTP_PASV_MIN,BURSTWATCH_FTP_PASV_MAX,BURSTWATCH_START_TIMEOUT,BURSTWATCH_TLS,BURSTWATCH_AMQPS_PORT"

# Progress goes to stderr: stdout of `services start|env` is meant for `eval`.
log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Re-runs the calling script as root when needed. Root is needed because
# vsftpd must chroot anonymous sessions and PostgreSQL must be started as its
# own OS user. Usage: require_root "$0" "$@"
require_root() {
    local script="$1"; shift
    (( EUID == 0 )) && return 0
    command -v sudo >/dev/null || die "must run as root (sudo is not installed)"
    exec sudo --preserve-env="$PRESERVED_ENV" bash "$script" "$@"
}

# Prints the last lines of a log file, framed, to stderr.
show_log_tail() {
    local file="$1"
    if [[ -s "$file" ]]; then
        log "---- last lines of $file ----"
        tail -n 40 -- "$file" >&2
        log "---- end of $file ----"
    else
        log "(log $file is empty or missing)"
    fi
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_is_open() {
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$LOOPBACK" "$1" 2>/dev/null
}

# Refuses to start a service on a port another program already holds, which
# would otherwise surface later as a confusing "address in use" in a log.
require_free_port() {
    local port="$1" what="$2"
    if port_is_open "$port"; then
        die "$what: port $LOOPBACK:$port is already in use by another program (override with the BURSTWATCH_*_PORT variables)"
    fi
}

# True when PID is alive and its executable name is NAME (guards against a
# stale pid file whose number was reused by an unrelated process).
pid_is() {
    local pid="$1" name="$2"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name"* ]]
}

read_pid_file() { [[ -s "$1" ]] && tr -d '[:space:]' <"$1" || true; }

# Waits until PID has exited, up to SECONDS; returns 1 if it is still alive.
wait_for_exit() {
    local pid="$1" seconds="$2" i
    for ((i = 0; i < seconds * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    return 1
}

# The `export` lines that tell clients (and tests) where the services are.
print_env() {
    printf 'export %s=%q\n' \
        BURSTWATCH_RUN_DIR "$RUN_DIR" \
        BURSTWATCH_DATABASE_URL "postgresql://burstwatch@$LOOPBACK:$PG_PORT/burstwatch" \
        BURSTWATCH_AMQP_URL "amqp://guest:guest@$LOOPBACK:$AMQP_PORT/%2f" \
        BURSTWATCH_FTP_URL "ftp://$LOOPBACK:$FTP_PORT/upload/" \
        BURSTWATCH_UPLOAD_DIR "$UPLOAD_DIR"
    if [[ "$TLS_ENABLED" == 1 ]]; then
        # What the TLS integration tests (and a curious operator) need to connect.
        printf 'export %s=%q\n' \
            BURSTWATCH_TLS_CA_FILE "$TLS_DIR/ca.pem" \
            BURSTWATCH_TLS_OTHER_CA_FILE "$TLS_DIR/other-ca.pem" \
            BURSTWATCH_TLS_CLIENT_CERT "$TLS_DIR/client.pem" \
            BURSTWATCH_TLS_CLIENT_KEY "$TLS_DIR/client.key" \
            BURSTWATCH_TLS_AMQPS_PORT "$AMQPS_PORT"
    fi
}

# Creates the run directory. It must belong to root: daemons running as other
# users are given subdirectories of it, and vsftpd chroots into part of it.
prepare_run_dir() {
    mkdir -p -- "$RUN_DIR"
    [[ "$(stat -c %u -- "$RUN_DIR")" == 0 ]] ||
        die "$RUN_DIR exists but is not owned by root; remove it or set BURSTWATCH_RUN_DIR"
    chmod 755 -- "$RUN_DIR"
}
