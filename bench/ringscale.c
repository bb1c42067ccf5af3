// SPDX-License-Identifier: Apache-2.0
/* bench/ringscale.c: loader for bench/ringscale.bpf.c.
 *
 *   ringscale RINGSCALE.bpf.o [SECONDS]
 *
 * For each sample size (64 bytes: a ring reservation per record, as before
 * btrace batched; 8192: a full batch) and each number of writers from 1 to
 * the online CPUs, runs write_ring on that many CPUs at once (one pinned
 * thread each, BPF_PROG_TEST_RUN in a loop) for SECONDS (default 1) and
 * prints one line per run:
 *
 *   bytes B writers W samples/s S per-writer-ns N refused R
 *
 * The writers also stand in for the consumer: after each run of the program
 * a writer moves the ring's consumer position up to the producer's, so the
 * ring never fills (R, samples refused for want of room, should be 0).
 * Plain libbpf, built by bench/ring-scaling with  cc -O2 ringscale.c -lbpf -pthread. */
#define _GNU_SOURCE
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_WRITERS 256

struct run {
    int prog_fd;
    uint64_t args[2]; /* count, bytes: write_ring's context */
    volatile unsigned long *consumer_pos;
    const volatile unsigned long *producer_pos;
    atomic_int started;
    atomic_bool stop;
    atomic_int failed;
};

struct writer {
    struct run *run;
    int cpu;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *write_loop(void *arg) {
    struct writer *w = arg;
    struct run *run = w->run;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(w->cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0)
        atomic_store(&run->failed, EINVAL);
    atomic_fetch_add(&run->started, 1);
    while (!atomic_load(&run->stop)) {
        LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = run->args, .ctx_size_in = sizeof run->args,
                    .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = (unsigned)w->cpu);
        if (bpf_prog_test_run_opts(run->prog_fd, &opts) != 0) {
            atomic_store(&run->failed, errno);
            break;
        }
        __atomic_store_n(run->consumer_pos, __atomic_load_n(run->producer_pos, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
    }
    return NULL;
}

static uint64_t sum_slot(struct bpf_map *map, uint32_t slot, int ncpu) {
    uint64_t vals[MAX_WRITERS * 4];
    uint64_t sum = 0;
    if (ncpu > MAX_WRITERS * 4 ||
        bpf_map__lookup_elem(map, &slot, sizeof slot, vals, (size_t)ncpu * sizeof vals[0], 0) != 0)
        return 0;
    for (int i = 0; i < ncpu; i++)
        sum += vals[i];
    return sum;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: ringscale RINGSCALE.bpf.o [SECONDS]\n");
        return 2;
    }
    const double seconds = argc == 3 ? atof(argv[2]) : 1.0;
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj || bpf_object__load(obj) != 0) {
        fprintf(stderr, "ringscale: loading %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    struct bpf_program *prog = bpf_object__find_program_by_name(obj, "write_ring");
    struct bpf_map *ring = bpf_object__find_map_by_name(obj, "ring");
    struct bpf_map *outcomes = bpf_object__find_map_by_name(obj, "outcomes");
    const int ncpu = libbpf_num_possible_cpus();
    const long online = sysconf(_SC_NPROCESSORS_ONLN);
    const long page = sysconf(_SC_PAGESIZE);
    if (!prog || !ring || !outcomes || ncpu <= 0 || online <= 0) {
        fprintf(stderr, "ringscale: %s lacks write_ring, ring or outcomes\n", argv[1]);
        return 1;
    }
    struct run run = {.prog_fd = bpf_program__fd(prog)};
    run.consumer_pos = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(ring), 0);
    run.producer_pos = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, bpf_map__fd(ring), page);
    if (run.consumer_pos == MAP_FAILED || run.producer_pos == MAP_FAILED) {
        perror("ringscale: mapping the ring's positions");
        return 1;
    }
    const uint64_t ring_bytes = bpf_map__max_entries(ring);
    const int max_writers = online < MAX_WRITERS ? (int)online : MAX_WRITERS;
    const uint64_t sizes[] = {64, 8192};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        for (int writers = 1; writers <= max_writers; writers++) {
            /* Each run of the program fills at most a quarter of the ring
             * over all writers, so their moves of the consumer keep up. */
            run.args[0] = ring_bytes / 4 / (uint64_t)writers / (sizes[s] + 8);
            run.args[1] = sizes[s];
            atomic_store(&run.started, 0);
            atomic_store(&run.stop, false);
            const uint64_t written0 = sum_slot(outcomes, 0, ncpu), refused0 = sum_slot(outcomes, 1, ncpu);
            pthread_t threads[MAX_WRITERS];
            struct writer ws[MAX_WRITERS];
            for (int i = 0; i < writers; i++) {
                ws[i] = (struct writer){&run, i};
                pthread_create(&threads[i], NULL, write_loop, &ws[i]);
            }
            while (atomic_load(&run.started) < writers)
                sched_yield();
            const double t0 = now_s();
            usleep((useconds_t)(seconds * 1e6));
            atomic_store(&run.stop, true);
            for (int i = 0; i < writers; i++)
                pthread_join(threads[i], NULL);
            const double elapsed = now_s() - t0;
            if (atomic_load(&run.failed)) {
                fprintf(stderr, "ringscale: test run: %s\n", strerror(atomic_load(&run.failed)));
                return 1;
            }
            const uint64_t written = sum_slot(outcomes, 0, ncpu) - written0;
            const uint64_t refused = sum_slot(outcomes, 1, ncpu) - refused0;
            printf("bytes %llu writers %d samples/s %.0f per-writer-ns %.1f refused %llu\n",
                   (unsigned long long)sizes[s], writers, (double)written / elapsed,
                   elapsed * 1e9 * writers / (double)(written ? written : 1), (unsigned long long)refused);
            fflush(stdout);
        }
    }
    bpf_object__close(obj);
    return 0;
}
