// SPDX-License-Identifier: GPL-2.0-only
/* Maps and small helpers shared by the programs in btrace.bpf.c. */
#ifndef BTRACE_MAPS_BPF_H
#define BTRACE_MAPS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "btrace/event.h"


/* Traced tgids (tids with --no-follow) -> enum btrace_target_state.
 * Sizes are set by the loader before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u8);
} targets SEC(".maps");

/* A bit per key of targets that may be in it: a thread outside the target
 * set (everyone else on the host) is turned away by an array lookup, not a
 * hash miss, at each call. Set before the hash entry, cleared after it; the
 * loader sizes it to pid_max. A key past the end may be a target. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} target_bits SEC(".maps");

static __always_inline bool may_be_target(__u32 key)
{
	__u32 word = key / 64;
	__u64 *bits = bpf_map_lookup_elem(&target_bits, &word);

	return !bits || (*bits & (1ull << (key % 64)));
}

/* The key's state in the target set, or NULL: the bits turn most others away
 * before the hash is searched. */
static __always_inline __u8 *target_state(__u32 key)
{
	return may_be_target(key) ? bpf_map_lookup_elem(&targets, &key) : NULL;
}

static __always_inline void mark_target(__u32 key, bool target)
{
	__u32 word = key / 64;
	__u64 *bits = bpf_map_lookup_elem(&target_bits, &word);

	if (!bits)
		return;
	if (target)
		__sync_fetch_and_or(bits, 1ull << (key % 64));
	else
		__sync_fetch_and_and(bits, ~(1ull << (key % 64)));
}

/* The call each target thread is in. Task storage, not a hash keyed by tid:
 * the lookup on every traced enter and exit costs a pointer walk instead of
 * a hash (~20 ns a call on a storm), a thread that is not traced pays a NULL
 * check, and a thread's slot dies with it (and moves with it when a non-leader
 * thread's execve takes the leader's pid). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct btrace_inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BTRACE_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __always_inline void count_n(enum btrace_counter which, __u64 n)
{
	__u32 key = which;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);

	if (value)
		*value += n; /* per-CPU slot: no atomics needed */
}

static __always_inline bool is_error_return(long ret)
{
	return ret < 0 && ret >= -BTRACE_MAX_ERRNO;
}

static __always_inline void count(enum btrace_counter which)
{
	count_n(which, 1);
}

#endif
