#include "clibpq.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>

static void clibpq_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

void clibpq_silence_notices(PGconn *conn) {
    PQsetNoticeProcessor(conn, clibpq_ignore_notice, NULL);
}

int clibpq_wait_readable(int fd, int timeout_ms) {
    struct pollfd pfd;
    pfd.fd = fd;
    pfd.events = POLLIN;
    pfd.revents = 0;
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc < 0) {
        return errno == EINTR ? 0 : -1;
    }
    return rc > 0 ? 1 : 0;
}
