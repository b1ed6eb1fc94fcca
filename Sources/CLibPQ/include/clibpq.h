// The libpq client API (Debian libpq-dev), plus the few helpers in clibpq.c that are
// simpler to write in C than to call from Swift.
#ifndef CLIBPQ_H
#define CLIBPQ_H

// libpq-fe.h includes "postgres_ext.h" from its own folder, so no extra -I is needed.
#include <postgresql/libpq-fe.h>

/// Installs a notice processor that drops server NOTICE/WARNING messages. libpq's
/// default prints them to stderr, which would interleave with our structured logs
/// (migrations with IF NOT EXISTS produce many harmless notices).
void clibpq_silence_notices(PGconn *conn);

/// Waits until `fd` is readable, for at most `timeout_ms` milliseconds.
/// Returns 1 when readable (or hung up / in error, so the caller's next read reports
/// the reason), 0 on timeout or when a signal interrupted the wait (the caller
/// recomputes its remaining time and calls again), -1 on a poll() failure (see errno).
int clibpq_wait_readable(int fd, int timeout_ms);

#endif
