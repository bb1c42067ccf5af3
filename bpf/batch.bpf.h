// SPDX-License-Identifier: GPL-2.0-only
/* Per-CPU record batches: records are appended to this CPU's batch and the
 * batch goes to the ring buffer in one bpf_ringbuf_output. One ring-buffer
 * reservation per record takes a lock and costs ~100 ns, a quarter of a
 * traced syscall's cost on a storm; per batch it is noise.
 *
 * Order: a batch is flushed when it is full, when it is older than
 * BATCH_MAX_AGE_NS at the next append, when a task is switched out on this
 * CPU (so a thread's records are out before it can run elsewhere: per-thread
 * order is exact), and before a process exit record. Records of different
 * CPUs interleave at batch granularity. */
#ifndef BTRACE_BATCH_BPF_H
#define BTRACE_BATCH_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "btrace/event.h"
#include "maps.bpf.h"

#define BATCH_BYTES BTRACE_BATCH_BYTES

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct btrace_batch);
} batches SEC(".maps");

const volatile __u64 wakeup_bytes = 1 << 20; /* wake the consumer only past this backlog */
#define BATCH_MAX_AGE_NS 2000000

static __always_inline struct btrace_batch *this_cpu_batch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&batches, &zero);
}

/* Wake the consumer only when the backlog is large: it polls on a short
 * timeout anyway, and a wakeup per write costs ~8x on a syscall storm. */
static __always_inline __u64 submit_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									      : BPF_RB_NO_WAKEUP;
}

static __always_inline void batch_flush(struct btrace_batch *b)
{
	__u64 len = b->len;

	if (len == 0)
		return;
	barrier_var(len); /* keep the bound check on the register passed below */
	if (len > sizeof(b->data))
		len = sizeof(b->data);
	barrier_var(len);
	if (bpf_ringbuf_output(&events, b->data, len, submit_flags()))
		count_n(BTRACE_CNT_RB_FULL, b->records);
	b->len = 0;
	b->records = 0;
	b->first_ts_ns = 0;
}

/* Where the next record starts. Below BATCH_BYTES by construction (a batch is
 * flushed once it reaches that), so a record of up to BTRACE_RECORD_MAX fits. */
static __always_inline __u32 batch_start(const struct btrace_batch *b)
{
	return b->len & (BATCH_BYTES - 1);
}

static __always_inline void *batch_at(struct btrace_batch *b, __u32 start)
{
	return b->data + (start & (BATCH_BYTES - 1));
}

static __always_inline void batch_commit(struct btrace_batch *b, __u32 size, __u64 now_ns)
{
	b->len += size;
	b->records++;
	if (!b->first_ts_ns)
		b->first_ts_ns = now_ns;
	if (b->len >= BATCH_BYTES || now_ns - b->first_ts_ns > BATCH_MAX_AGE_NS)
		batch_flush(b);
}

#endif
