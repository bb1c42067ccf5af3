// SPDX-License-Identifier: Apache-2.0
/* bench/floor.c: loader for the counting floor (bench/floor.bpf.c).
 *
 *   floor FLOOR.bpf.o -- COMMAND [ARGS...]
 *
 * Opens and loads the BPF object, attaches every program in it, runs COMMAND
 * as a child and waits for it, detaches, and prints on stderr
 *
 *   floor: N sys_enter, M sys_exit
 *
 * (every process's syscalls while attached, not only COMMAND's).  Exits with
 * COMMAND's exit status (128+signal if it was killed).  No skeleton: plain
 * libbpf, built by bench/run with  cc -O2 floor.c -lbpf. */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINKS 8

static uint64_t sum_slot(struct bpf_map *map, uint32_t slot, int ncpu) {
    uint64_t *vals = calloc((size_t)ncpu, sizeof *vals);
    uint64_t sum = 0;
    if (!vals)
        return 0;
    if (bpf_map__lookup_elem(map, &slot, sizeof slot, vals, (size_t)ncpu * sizeof *vals, 0) == 0)
        for (int i = 0; i < ncpu; i++)
            sum += vals[i];
    else
        fprintf(stderr, "floor: reading counter %u: %s\n", slot, strerror(errno));
    free(vals);
    return sum;
}

int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: floor FLOOR.bpf.o -- COMMAND [ARGS...]\n");
        return 2;
    }
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj) {
        fprintf(stderr, "floor: open %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    int err = bpf_object__load(obj);
    if (err) {
        fprintf(stderr, "floor: load %s: %s\n", argv[1], strerror(-err));
        return 1;
    }
    struct bpf_link *links[MAX_LINKS];
    int nlinks = 0;
    struct bpf_program *prog;
    bpf_object__for_each_program(prog, obj) {
        if (nlinks == MAX_LINKS) {
            fprintf(stderr, "floor: too many programs\n");
            return 1;
        }
        struct bpf_link *l = bpf_program__attach(prog);
        if (!l) {
            fprintf(stderr, "floor: attach %s: %s\n", bpf_program__name(prog), strerror(errno));
            return 1;
        }
        links[nlinks++] = l;
    }
    struct bpf_map *map = bpf_object__find_map_by_name(obj, "floor_counts");
    int ncpu = libbpf_num_possible_cpus();
    if (!map || ncpu <= 0) {
        fprintf(stderr, "floor: no floor_counts map or CPU count\n");
        return 1;
    }

    pid_t child = fork();
    if (child < 0) {
        perror("floor: fork");
        return 1;
    }
    if (child == 0) {
        execvp(argv[3], &argv[3]);
        fprintf(stderr, "floor: exec %s: %s\n", argv[3], strerror(errno));
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("floor: waitpid");
            return 1;
        }
    }
    for (int i = 0; i < nlinks; i++)
        bpf_link__destroy(links[i]);
    uint64_t enter = sum_slot(map, 0, ncpu), exit_ = sum_slot(map, 1, ncpu);
    fprintf(stderr, "floor: %llu sys_enter, %llu sys_exit\n", (unsigned long long)enter,
            (unsigned long long)exit_);
    bpf_object__close(obj);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}
