// SPDX-License-Identifier: GPL-2.0-only
/* bench/floor.bpf.c: the counting floor.  The least a BPF syscall tracer can
 * do: hook raw_syscalls sys_enter and sys_exit (raw_tp, like btrace) and
 * increment a per-CPU counter, for every syscall of every process.  No
 * filtering, no ring buffer, no user-space consumer.  Whatever btrace costs
 * beyond this is the price of its filtering, capture and output.
 *
 * Built by bench/run:  clang -target bpf -O2 -g -I vmlinux/<arch> -c floor.bpf.c
 * Loaded by bench/floor.c. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

/* GPL-2.0-only: "GPL v2" is among the licenses the kernel takes as GPL-compatible,
 * which the GPL-only helpers used here (bpf_probe_read_*, ring buffer, task storage) need. */
char LICENSE[] SEC("license") = "GPL v2";

/* Slot 0: sys_enter, slot 1: sys_exit.  Per-CPU, so no atomics. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} floor_counts SEC(".maps");

static __always_inline void bump(__u32 slot) {
    __u64 *c = bpf_map_lookup_elem(&floor_counts, &slot);
    if (c)
        (*c)++;
}

SEC("raw_tp/sys_enter")
int floor_enter(void *ctx) {
    bump(0);
    return 0;
}

SEC("raw_tp/sys_exit")
int floor_exit(void *ctx) {
    bump(1);
    return 0;
}
