// SPDX-License-Identifier: Apache-2.0
// Calls that pass or fill process and time structs, each once with known
// values, for their decoding against strace: sigaltstack's stack_t, rusage
// (getrusage, wait4), CPU masks, utimensat's times, the mask rt_sigreturn
// restores, itimervals, struct tms and the group list.
// argv[1]: a scratch file to set times on.
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_signal(int sig) { (void)sig; }

int main(int argc, char** argv) {
    if (argc != 2)
        return 2;
    static char alt[65536];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0}, old;
    sigaltstack(&ss, &old);   // {ss_sp=ADDR, ss_flags=0, ss_size=65536}, {ss_sp=NULL, ss_flags=SS_DISABLE, ...}
    sigaltstack(NULL, &old);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    pid_t child = fork();
    if (child == 0)
        _exit(3);
    int status;
    wait4(child, &status, 0, &ru);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof(set), &set);  // [0]
    sched_getaffinity(0, sizeof(set), &set);  // [0] again
    int fd = open(argv[1], O_CREAT | O_WRONLY | O_TRUNC, 0644);
    const struct timespec times_set[2] = {{1700000000, 5}, {0, UTIME_OMIT}};
    utimensat(AT_FDCWD, argv[1], times_set, 0);
    const struct timespec times_now[2] = {{0, UTIME_NOW}, {1, 0}};
    futimens(fd, times_now);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    raise(SIGUSR1);  // rt_sigreturn({mask=[TERM]})
    struct itimerval timer = {{0, 0}, {500, 0}}, previous;
    setitimer(ITIMER_REAL, &timer, &previous);
    timer.it_value.tv_sec = 0;
    setitimer(ITIMER_REAL, &timer, &previous);  // disarms it: previous holds the time left
    struct tms tms;
    times(&tms);
    gid_t groups[64];
    getgroups(64, groups);
    unlink(argv[1]);
    return 0;
}
