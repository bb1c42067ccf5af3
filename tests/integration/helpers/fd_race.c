// SPDX-License-Identifier: Apache-2.0
// Thread A (pinned to CPU 0) closes fd 3 and reopens it on fA or fB in turn;
// thread B (CPU 1) preads fd 3 meanwhile. argv: a dir holding fA ("AAAA")
// and fB ("BBBB"), then the rounds. A line naming fA must show "AAAA".
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static char fa[4096], fb[4096];
static atomic_int done;
static int rounds = 20000;
static void pin(int cpu) { cpu_set_t s; CPU_ZERO(&s); CPU_SET(cpu, &s); sched_setaffinity(0, sizeof s, &s); }
static void *reopen(void *arg) {
    (void)arg; pin(0);
    for (int i = 0; i < rounds; i++) {
        close(3);
        if (open(i % 2 ? fb : fa, O_RDONLY) != 3) { perror("open"); exit(1); }
    }
    atomic_store(&done, 1);
    return NULL;
}
static void *reader(void *arg) {
    (void)arg; pin(1); char buf[4];
    while (!atomic_load(&done)) pread(3, buf, 4, 0);
    return NULL;
}
int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (argc > 2) rounds = atoi(argv[2]);
    snprintf(fa, sizeof fa, "%s/fA", argv[1]); snprintf(fb, sizeof fb, "%s/fB", argv[1]);
    close(3);
    if (open(fa, O_RDONLY) != 3) { perror("open"); return 1; }
    pthread_t a, b;
    pthread_create(&b, NULL, reader, NULL);
    pthread_create(&a, NULL, reopen, NULL);
    pthread_join(a, NULL); pthread_join(b, NULL);
    return 0;
}
