// SPDX-License-Identifier: Apache-2.0
// poll, ppoll, select and pselect6 with known results, for their decoding:
// a pipe with one byte in it is readable (fd 3 reads, fd 4 writes), an
// empty one is not, so each call's ready set and timeout are fixed.
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// x86_64's select takes a timeval; arm64 has only pselect6 (glibc's select on both).
#ifdef SYS_select
#define SELECT(n, in, out, ex, tv) syscall(SYS_select, n, in, out, ex, tv)
#else
#define SELECT(n, in, out, ex, tv) select(n, in, out, ex, tv)
#endif

int main(void) {
    int full[2], empty[2];
    if (pipe(full) || pipe(empty) || write(full[1], "x", 1) != 1)
        return 1;

    struct pollfd fds[3] = {{full[0], POLLIN, 0}, {empty[0], POLLIN, 0}, {full[1], POLLOUT, 0}};
    poll(fds, 3, 1000);                    // = 2: fd 3 readable, fd 4 writable
    poll(&fds[1], 1, 0);                   // = 0 (Timeout)
    struct timespec ts = {1, 0};
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    ppoll(fds, 1, &ts, &mask);             // = 1, left about 1 s
    ts.tv_sec = 0;
    ts.tv_nsec = 1000;
    ppoll(&fds[1], 1, &ts, NULL);          // = 0 (Timeout)

    fd_set in, out;
    FD_ZERO(&in);
    FD_ZERO(&out);
    FD_SET(full[0], &in);
    FD_SET(empty[0], &in);
    FD_SET(full[1], &out);
    struct timeval tv = {1, 0};
    SELECT(full[1] + 1, &in, &out, NULL, &tv);  // = 2 (in [3], out [4], left ...)
    FD_ZERO(&in);
    FD_SET(empty[0], &in);
    tv.tv_sec = 0;
    tv.tv_usec = 1000;
    SELECT(empty[0] + 1, &in, NULL, NULL, &tv);  // = 0 (Timeout)
    FD_ZERO(&in);
    FD_SET(full[0], &in);
    ts.tv_sec = 1;
    ts.tv_nsec = 0;

    syscall(SYS_pselect6, full[0] + 1, &in, NULL, NULL, &ts, NULL);  // = 1 (in [3], left ...)
    FD_ZERO(&in);
    FD_SET(full[0], &in);
    SELECT(full[0] + 1, &in, NULL, NULL, NULL);  // = 1 (in [3])
    FD_SET(9, &in);                              // not open: nothing is written back
    SELECT(10, &in, NULL, NULL, NULL);           // = -1 EBADF, shows [3 9]
    SELECT(-1, NULL, NULL, NULL, NULL);          // = -1 EINVAL
    return 0;
}
