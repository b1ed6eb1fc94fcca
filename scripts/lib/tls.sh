# shellcheck shell=bash
# Throwaway certificates for the opt-in TLS mode (BURSTWATCH_TLS=1). Sourced by
# scripts/services after lib/common.sh.
#
# One CA signs a server certificate (localhost, 127.0.0.1) used by PostgreSQL and
# RabbitMQ, and a client certificate for mutual TLS to RabbitMQ. A second,
# unrelated CA lets tests prove that verification really rejects a wrong CA.
# Test material only: made fresh per run directory, valid 30 days, never deployed.

tls_prepare() {
    [[ "$TLS_ENABLED" == 1 ]] || return 0
    if [[ -s "$TLS_DIR/client.pem" && -s "$TLS_DIR/other-ca.pem" ]]; then return 0; fi
    command -v openssl >/dev/null || die "tls: openssl is not installed (scripts/install-deps)"
    log "tls: making a throwaway CA and certificates in $TLS_DIR"
    rm -rf -- "$TLS_DIR"
    mkdir -p -- "$TLS_DIR"
    (
        cd "$TLS_DIR" || exit 1
        umask 022
        quiet() { "$@" >>openssl.log 2>&1 || { show_log_tail openssl.log; die "tls: $1 failed"; }; }
        for ca in ca other-ca; do
            quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca.key" -out "$ca.pem" -days 30 \
                -subj "/CN=burstwatch throwaway $ca" -addext basicConstraints=critical,CA:TRUE \
                -addext keyUsage=critical,keyCertSign,cRLSign
        done
        sign() {  # name, subject, extensions
            quiet openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
            printf '%s\n' "$3" >"$1.ext"
            quiet openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" -days 30 \
                -extfile "$1.ext"
            rm -f -- "$1.csr" "$1.ext"
        }
        sign server /CN=localhost $'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth'
        sign client /CN=burstwatch-client 'extendedKeyUsage=clientAuth'
        # The CA keys are only needed to sign; the client key must be readable by
        # tests running as any user (a throwaway key for a loopback test broker).
        rm -f -- ca.key other-ca.key ca.srl
        chmod 600 server.key
        chmod 644 client.key ./*.pem
    )
}
