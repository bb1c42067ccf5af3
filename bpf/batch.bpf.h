// SPDX-License-Identifier: GPL-2.0-only
/* Per-CPU record batches: records are appended to this CPU's batch and the
 * batch goes to the ring buffer in one bpf_ringbuf_output. One ring-buffer
 * reservation per record takes a lock and costs ~100 ns, a quarter of a
 * traced syscall's cost on a storm; per batch it is noise.
 *
 * Order: a batch is flushed when it is full, when it is older than
 * BATCH_MAX_AGE_NS at the next append, when a task is switched out on this
 * CPU, before a process exit record, and when the consumer asks (flush_cpu).
 * Each CPU's records are in order (btrace_order_ns); while a CPU holds
 * records back, cpu_pending says since when, so the consumer can merge the
 * CPUs into one order without waiting longer than it must.
 *
 * Losses: a batch the ring buffer has no room for is walked and summed into
 * the CPU's struct btrace_loss (calls by syscall, other records, the
 * processes whose fds may have changed), which goes out ahead of the CPU's
 * next records: the consumer marks the gap where it is. */
#ifndef BTRACE_BATCH_BPF_H
#define BTRACE_BATCH_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "btrace/event.h"
#include "maps.bpf.h"
#include "filter.bpf.h"

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

/* Indexed by CPU; sized to the possible CPUs by the loader, mmapped by the consumer. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct btrace_cpu_pending);
} cpu_pending SEC(".maps");

/* Calls the selection shows that were lost, by syscall number. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BTRACE_NR_MAX);
	__type(key, __u32);
	__type(value, __u64);
} lost_calls SEC(".maps");

static __always_inline void publish_pending(__u64 since_ns)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct btrace_cpu_pending *p = bpf_map_lookup_elem(&cpu_pending, &cpu);

	if (p)
		p->since_ns = since_ns;
}

static __always_inline bool loss_pending(const struct btrace_batch *b)
{
	return b->loss.calls || b->loss.others;
}

/* Global: inlined in the loss walk, its search's branches forked the
 * verifier's states (~11K more checked instructions per program). */
__noinline int loss_add_tgid(struct btrace_loss *loss, __u32 tgid, __u8 changes)
{
	if (!loss)
		return 0;
	for (int i = 0; i < BTRACE_LOSS_TGIDS; i++) {
		if (i < loss->tgid_count && loss->tgids[i] == tgid) {
			loss->changes[i] |= changes;
			return 0;
		}
	}
	if (loss->tgid_count < BTRACE_LOSS_TGIDS) {
		__u32 at = loss->tgid_count++ & (BTRACE_LOSS_TGIDS - 1);
		loss->tgids[at] = tgid;
		loss->changes[at] = changes;
	} else {
		loss->overflow_changes |= changes;
	}
	return 0;
}

/* One record that will not reach the consumer, by which tgid's fds or
 * mappings may have changed (changes: btrace_loss_change bits, 0: none). */
static __always_inline void loss_note(struct btrace_batch *b, __u64 order_ns, long call_nr, __u32 tgid, __u8 changes)
{
	struct btrace_loss *loss = &b->loss;

	if (!loss_pending(b)) {
		loss->hdr.ts_ns = order_ns;
		publish_pending(order_ns);
	}
	if (call_nr >= 0) {
		__u32 key = call_nr;
		__u64 *n = bpf_map_lookup_elem(&lost_calls, &key);
		if (n)
			*n += 1;
		loss->calls++;
	} else {
		loss->others++;
	}
	if (changes)
		loss_add_tgid(loss, tgid, changes);
}

struct lost_walk {
	struct btrace_batch *b;
	__u32 at;
};

static long note_lost_record(__u32 i, void *ctx)
{
	struct lost_walk *w = ctx;
	struct btrace_batch *b = w->b;

	if (w->at >= b->len || w->at >= BATCH_BYTES)
		return 1;
	void *at = b->data + (w->at & (BATCH_BYTES - 1));
	struct btrace_hdr *hdr = at;
	__u32 size = hdr->size;
	if (size < sizeof(*hdr))
		return 1;
	if (hdr->type == BTRACE_REC_SYSCALL) {
		struct btrace_syscall *rec = at;
		bool shown = !(hdr->flags & (BTRACE_SYS_FDS_ONLY | BTRACE_SYS_ENTER_PART));
		bool completed = !(hdr->flags & (BTRACE_SYS_ENTER_PART | BTRACE_SYS_NO_RETURN));
		loss_note(b, btrace_order_ns(hdr, rec->duration_ns), shown ? rec->nr : -1, hdr->tgid,
			  completed ? call_changes(rec->nr, rec->ret) : 0);
	} else if (hdr->type == BTRACE_REC_FORK) {
		struct btrace_fork *rec = at; /* the child never got its copy of the fds and mappings */
		loss_note(b, hdr->ts_ns, -1, rec->child_tgid, BTRACE_LOSS_FDS | BTRACE_LOSS_MAPPINGS);
	} else {
		loss_note(b, hdr->ts_ns, -1, 0, 0);
	}
	w->at += size;
	return 0;
}

/* Global, not inlined: the verifier checks a global function once per
 * program, not once per call site with each caller's state. Inlined, its
 * loss walk cost ~13K checked instructions at each of on_sys_enter's call
 * sites. */
__noinline int batch_flush(struct btrace_batch *b)
{
	if (!b)
		return 0;
	__u64 len = b->len;

	/* An earlier loss is told first; if it cannot be yet, this CPU's
	 * pending time stays at the gap, so nothing later is printed before it. */
	if (loss_pending(b)) {
		b->loss.hdr.type = BTRACE_REC_LOSS;
		b->loss.hdr.size = sizeof(b->loss);
		if (!bpf_ringbuf_output(&events, &b->loss, sizeof(b->loss), BPF_RB_FORCE_WAKEUP))
			__builtin_memset(&b->loss, 0, sizeof(b->loss));
	}
	if (len != 0) {
		barrier_var(len); /* keep the bound check on the register passed below */
		if (len > sizeof(b->data))
			len = sizeof(b->data);
		barrier_var(len);
		if (bpf_ringbuf_output(&events, b->data, len, submit_flags())) {
			struct lost_walk walk = { .b = b };
			count_n(BTRACE_CNT_RB_FULL, b->records);
			b->lost_batches++;
			bpf_loop(BATCH_BYTES / sizeof(struct btrace_hdr) + 1, note_lost_record, &walk, 0);
		}
		b->len = 0;
		b->records = 0;
		b->first_ts_ns = 0;
	}
	publish_pending(loss_pending(b) ? b->loss.hdr.ts_ns : 0);
	return 0;
}

/* A flush from outside the append path (switch, fork, exit, flush_cpu),
 * marked busy so that a flush_cpu run by an interrupt leaves it alone. */
static __always_inline void batch_flush_now(struct btrace_batch *b)
{
	b->busy = 1;
	batch_flush(b);
	b->busy = 0;
}

/* A task leaving this CPU may next run on another: its records go first. */
static __always_inline void batch_flush_on_switch(void)
{
	struct btrace_batch *b = this_cpu_batch();

	if (b && (b->len || loss_pending(b)))
		batch_flush_now(b);
}

/* Where the next record starts, ordered at order_ns. Below BATCH_BYTES by
 * construction (a batch is flushed once it reaches that), so a record of up
 * to BTRACE_RECORD_MAX fits. Until batch_commit the batch is busy. */
static __always_inline __u32 batch_start(struct btrace_batch *b, __u64 order_ns)
{
	b->busy = 1;
	if (!b->len && !loss_pending(b))
		publish_pending(order_ns);
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
	b->busy = 0;
}

#endif
