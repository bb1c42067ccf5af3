// SPDX-License-Identifier: GPL-2.0-only
/* Per-syscall statistics and log2 latency histograms in the kernel (-c, -S):
 * exact whatever the event stream loses, and with -c no per-call record is
 * sent at all. */
#ifndef BTRACE_SUMMARY_BPF_H
#define BTRACE_SUMMARY_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "btrace/event.h"
#include "maps.bpf.h"

const volatile bool summary_enabled = false;
const volatile bool records_enabled = true; /* false with -c: statistics only */
const volatile __u32 summary_by = BTRACE_SUMMARY_BY_SYSCALL;
const volatile bool count_errnos = false; /* monitor: failures by errno in the errors map */

/* Not preallocated: 16K per-CPU elements up front cost ~20 ms of start-up,
 * and keys are inserted once each. The loader preallocates it for keyed
 * summaries (--summary-by), whose bursts of new keys an allocating map fails. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct btrace_stats_key);
	__type(value, struct btrace_stats);
} stats SEC(".maps");

/* By syscall (-c's default): a slot per syscall number, no hashing on the
 * hot path. The loader sizes it to the syscall table, or to 1 when unused. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct btrace_stats);
} stats_by_nr SEC(".maps");

/* Keyed statistics first go to this per-CPU, direct-mapped cache: a slot is
 * the first key to hash there on that CPU, for good (never evicted, so every
 * call is counted in one place, and what userspace sums only grows). A hit
 * costs a multiply-add hash and an array lookup instead of a lookup of the
 * 32-byte key in the (LRU) hash map: the monitor's storm went from 2.13x to
 * 2.04x. Keys that find their slot taken fall back to the map. The loader
 * sizes it to 1 when unused. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BTRACE_STATS_CACHE_SLOTS);
	__type(key, __u32);
	__type(value, struct btrace_cached_stats);
} stats_cache SEC(".maps");

/* Monitor: failed calls per (syscall, group, errno). The loader makes it (and
 * stats) LRU there, since commands and cgroups are unbounded. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct btrace_stats_key);
	__type(value, __u64);
} errors SEC(".maps");

/* --sched: struct btrace_sched_stats by the same keys as stats. The loader
 * sizes it (1 when unused) and makes it LRU for the monitor. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct btrace_stats_key);
	__type(value, struct btrace_sched_stats);
} sched_stats SEC(".maps");

/* floor(log2(v)) + 1 for v > 0, 0 for 0; capped to the last bucket. */
static __always_inline __u32 hist_bucket(__u64 v)
{
	__u32 b = 0;

	if (!v)
		return 0;
	if (v >> 32) { v >>= 32; b += 32; }
	if (v >> 16) { v >>= 16; b += 16; }
	if (v >> 8) { v >>= 8; b += 8; }
	if (v >> 4) { v >>= 4; b += 4; }
	if (v >> 2) { v >>= 2; b += 2; }
	if (v >> 1) { b += 1; }
	b += 1;
	return b < BTRACE_HIST_BUCKETS ? b : BTRACE_HIST_BUCKETS - 1;
}

static __always_inline void count_errno(struct btrace_stats_key key, long ret)
{
	static const __u64 zero;
	__u64 *n;

	key.id = -ret;
	n = bpf_map_lookup_elem(&errors, &key);
	if (!n) {
		if (!bpf_map_update_elem(&errors, &key, &zero, BPF_NOEXIST))
			count(BTRACE_CNT_ERROR_KEYS);
		n = bpf_map_lookup_elem(&errors, &key);
		if (!n)
			return;
	}
	__sync_fetch_and_add(n, 1);
}

static __always_inline bool same_key(const struct btrace_stats_key *a, const struct btrace_stats_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

/* The key's statistics in this CPU's cache: its slot, or a free slot it takes. */
static __always_inline struct btrace_stats *cached_stats(const struct btrace_stats_key *key)
{
	const __u64 *w = (const __u64 *)key;
	/* multiply-add of the key's words; the top bits pick the slot */
	__u64 h = w[0] * 0x9e3779b97f4a7c15ull + w[1] * 0xc2b2ae3d27d4eb4full + w[2] * 0x165667b19e3779f9ull +
		  w[3] * 0xd6e8feb86659fd93ull;
	__u32 slot = h >> (64 - __builtin_ctz(BTRACE_STATS_CACHE_SLOTS));
	struct btrace_cached_stats *c = bpf_map_lookup_elem(&stats_cache, &slot);

	if (!c)
		return NULL;
	if (!c->stats.calls) {
		c->key = *key;
		return &c->stats;
	}
	return same_key(&c->key, key) ? &c->stats : NULL;
}

/* The statistics slot of a call, made on first use when keyed. */
static __always_inline struct btrace_stats *stats_slot(struct btrace_stats_key *key, __u64 pid_tgid)
{
	static const struct btrace_stats empty;
	struct btrace_stats *s;

	if (summary_by == BTRACE_SUMMARY_BY_SYSCALL)
		return bpf_map_lookup_elem(&stats_by_nr, &key->nr); /* NULL past the table */
	if (summary_by == BTRACE_SUMMARY_BY_PROCESS)
		key->id = pid_tgid >> 32;
	else if (summary_by == BTRACE_SUMMARY_BY_THREAD)
		key->id = (__u32)pid_tgid;
	else if (summary_by == BTRACE_SUMMARY_BY_COMM)
		__builtin_memcpy(key->comm, bpf_get_current_task_btf()->comm, sizeof(key->comm));
	else if (summary_by == BTRACE_SUMMARY_BY_CGROUP)
		key->cgroup = bpf_get_current_cgroup_id();
	s = cached_stats(key);
	if (s)
		return s;
	s = bpf_map_lookup_elem(&stats, key);
	if (s)
		return s;
	if (!bpf_map_update_elem(&stats, key, &empty, BPF_NOEXIST))
		count(BTRACE_CNT_STATS_KEYS);
	return bpf_map_lookup_elem(&stats, key);
}

static __always_inline void sched_part_add(struct btrace_sched_stats *s, int part, __u64 ns)
{
	__u32 bucket = hist_bucket(ns);

	s->total_ns[part] += ns;
	s->hist[part][bucket < BTRACE_HIST_BUCKETS ? bucket : 0]++;
}

static __always_inline void sched_stats_add(const struct btrace_stats_key *key, const struct btrace_sched *sched)
{
	static const struct btrace_sched_stats empty;
	struct btrace_sched_stats *s = bpf_map_lookup_elem(&sched_stats, key);

	if (!s) {
		bpf_map_update_elem(&sched_stats, key, &empty, BPF_NOEXIST);
		if (!(s = bpf_map_lookup_elem(&sched_stats, key))) {
			count(BTRACE_CNT_STATS_FULL);
			return;
		}
	}
	s->calls++;
	s->switches += sched->switches;
	sched_part_add(s, BTRACE_PART_CPU, sched->cpu_ns);
	sched_part_add(s, BTRACE_PART_BLOCKED, sched->blocked_ns);
	sched_part_add(s, BTRACE_PART_RUNQ, sched->runq_ns);
}

/* sched: the call's split (--sched), or NULL. */
static __always_inline void summary_add(__u64 pid_tgid, long nr, long ret, __u64 duration_ns,
					const struct btrace_sched *sched)
{
	struct btrace_stats_key key = { .nr = nr };
	struct btrace_stats *s = stats_slot(&key, pid_tgid);

	if (!s) {
		count(BTRACE_CNT_STATS_FULL);
		return;
	}
	/* A new key's slots on the other CPUs start zeroed, not with this
	 * CPU's value: a slot's first call sets its minimum. */
	if (!s->calls || duration_ns < s->min_ns)
		s->min_ns = duration_ns;
	s->calls++;
	if (is_error_return(ret)) {
		s->errors++;
		if (count_errnos)
			count_errno(key, ret);
	}
	s->total_ns += duration_ns;
	if (duration_ns > s->max_ns)
		s->max_ns = duration_ns;
	__u32 bucket = hist_bucket(duration_ns);
	s->hist[bucket < BTRACE_HIST_BUCKETS ? bucket : 0]++;
	if (summary_by == BTRACE_SUMMARY_BY_PROCESS || summary_by == BTRACE_SUMMARY_BY_THREAD)
		__builtin_memcpy(s->comm, bpf_get_current_task_btf()->comm, sizeof(s->comm));
	if (sched)
		sched_stats_add(&key, sched);
}

#endif
