// SPDX-License-Identifier: GPL-2.0-only
/* bench/ringscale.bpf.c: what the one BPF ring buffer that every CPU writes
 * to costs as the writing CPUs grow.  write_ring puts COUNT samples of BYTES
 * into the ring, each the way btrace flushes a batch: one bpf_ringbuf_output
 * of a per-CPU buffer (a reservation under the ring's lock, a copy, a commit).
 * Run by bench/ringscale.c with BPF_PROG_TEST_RUN on several CPUs at once;
 * COUNT and BYTES are the test run's context (raw_tp arguments).
 *
 * Built by bench/ring-scaling:  clang -target bpf -O2 -g -c ringscale.bpf.c */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL v2";

#define SAMPLE_MAX 8192 /* BTRACE_BATCH_BYTES */

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1 << 26);
} ring SEC(".maps");

struct ring_sample {
    __u8 data[SAMPLE_MAX];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct ring_sample);
} samples SEC(".maps");

/* Slot 0: samples written, slot 1: samples the full ring refused. */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} outcomes SEC(".maps");

static long write_one(__u32 i, void *bytes_arg) {
    __u32 zero = 0, bytes = *(__u32 *)bytes_arg;
    struct ring_sample *s = bpf_map_lookup_elem(&samples, &zero);

    if (!s || bytes == 0 || bytes > SAMPLE_MAX)
        return 1;
    __u32 slot = bpf_ringbuf_output(&ring, s, bytes, BPF_RB_NO_WAKEUP) ? 1 : 0;
    __u64 *n = bpf_map_lookup_elem(&outcomes, &slot);
    if (n)
        (*n)++;
    return 0;
}

SEC("raw_tp")
int write_ring(__u64 *ctx) {
    __u32 count = ctx[0], bytes = ctx[1];

    bpf_loop(count, write_one, &bytes, 0);
    return 0;
}
