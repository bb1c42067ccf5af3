// SPDX-License-Identifier: Apache-2.0
/* bench/threads.c: two threads, each pinned to its own CPU (0 and 1), each
 * making N getppid() syscalls as fast as it can.  A tracer has to keep up with
 * syscalls arriving on two CPUs at once, while its consumer competes with them
 * for those same CPUs.
 *
 *   threads N      ->  2*N getppid calls, then "threads: done 2 x N getppid" on stderr
 *
 * Compiled by bench/run (cc -O2 -pthread) into its temp dir.  Both threads
 * start together (barrier) so the two streams overlap. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long n_calls;
static pthread_barrier_t start;

static void *worker(void *arg) {
    int cpu = (int)(long)arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int err = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (err) {
        fprintf(stderr, "threads: cannot pin to CPU %d: %s\n", cpu, strerror(err));
        exit(1);
    }
    pthread_barrier_wait(&start);
    for (long i = 0; i < n_calls; i++)
        syscall(SYS_getppid);  /* not the libc wrapper: no caching, ever */
    return NULL;
}

int main(int argc, char **argv) {
    char *end = NULL;
    if (argc != 2 || (n_calls = strtol(argv[1], &end, 10)) < 1 || *end) {
        fprintf(stderr, "usage: threads N   (N getppid calls in each of 2 threads, on CPU 0 and 1)\n");
        return 2;
    }
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
        fprintf(stderr, "threads: needs at least 2 online CPUs\n");
        return 1;
    }
    pthread_t t[2];
    pthread_barrier_init(&start, NULL, 2);
    for (long i = 0; i < 2; i++) {
        int err = pthread_create(&t[i], NULL, worker, (void *)i);
        if (err) {
            fprintf(stderr, "threads: pthread_create: %s\n", strerror(err));
            return 1;
        }
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    fprintf(stderr, "threads: done 2 x %ld getppid\n", n_calls);
    return 0;
}
