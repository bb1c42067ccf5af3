// SPDX-License-Identifier: GPL-2.0-only
/* Selection in the kernel, so that what the user filtered out never reaches
 * the ring buffer: the syscall set (-e trace=), system-wide/comm/cgroup target
 * selection, and at sys_exit status, errno and duration (-e status=, --errno,
 * --duration). */
#ifndef BTRACE_FILTER_BPF_H
#define BTRACE_FILTER_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "btrace/event.h"
#include "syscall_regs.bpf.h"

const volatile bool filter_syscalls = false;
const volatile __u32 status_mask = BTRACE_STATUS_ALL;
const volatile __u64 min_duration_ns = 0;
const volatile __u32 errno_count = 0;
/* monitor --errors: a failed call is an outlier whatever its duration */
const volatile bool failures_are_outliers = false;
const volatile __s32 errno_filter[BTRACE_ERRNO_FILTER_MAX] = {};
/* Target selection beyond the targets map: -a, --comm, --cgroup. */
const volatile bool system_wide = false;
const volatile __u32 self_tgid = 0; /* btrace itself: never traced */
const volatile char comm_filter[BTRACE_COMM_LEN] = {};
const volatile __u64 cgroup_id = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct btrace_syscall_set);
} syscall_set SEC(".maps");

/* While filters leave calls out, those that change fds are still sent (as
 * BTRACE_SYS_FDS_ONLY records) so the fds of the calls shown keep their names;
 * with -k, those that change mappings too, so their stacks can be symbolized. */
const volatile bool track_fds = false;

enum call_selection {
	CALL_SKIPPED,   /* left out: its sys_exit is ignored */
	CALL_SHOWN,
	CALL_FDS_ONLY,  /* left out, but its effect on fds is sent */
};

static __always_inline bool in_set(const __u64 *words, long nr)
{
	__u64 bit = nr; /* unsigned: BPF has no signed division */
	return words[(bit / 64) & (BTRACE_NR_MAX / 64 - 1)] & (1ull << (bit % 64));
}

/* The set, for a number it can hold. */
static __always_inline struct btrace_syscall_set *syscall_set_for(long nr)
{
	__u32 zero = 0;

	return nr >= 0 && nr < BTRACE_NR_MAX ? bpf_map_lookup_elem(&syscall_set, &zero) : NULL;
}

static __always_inline enum call_selection syscall_selection(long nr)
{
	struct btrace_syscall_set *set;

	if (!filter_syscalls)
		return CALL_SHOWN;
	if (!(set = syscall_set_for(nr)))
		return CALL_SKIPPED;
	if (in_set(set->words, nr))
		return CALL_SHOWN;
	return track_fds && (in_set(set->fd_words, nr) || in_set(set->maps_words, nr)) ? CALL_FDS_ONLY : CALL_SKIPPED;
}

/* monitor without --include-idle: futex waits with a timeout are idle by
 * design (condition variables and thread pools waking now and then to look
 * for work); untimed waits stay, they may be lock contention. The other idle
 * waits (epoll_wait, poll, ...) are whole syscalls, left out of the set. */
const volatile bool timed_futex_waits_idle = false;
const volatile __s64 nr_futex = -1;
const volatile __s64 nr_futex_wait = -1;
const volatile __s64 nr_futex_waitv = -1;

#define FUTEX_WAIT 0
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

/* The registers are read only for the futex calls. */
static __always_inline bool idle_futex_wait(struct task_struct *task, long nr)
{
	__u64 args[BTRACE_MAX_ARGS];

	if (!timed_futex_waits_idle || (nr != nr_futex && nr != nr_futex_wait && nr != nr_futex_waitv))
		return false;
	read_syscall_args(task, args);
	if (nr == nr_futex_waitv) /* (waiters, nr_futexes, flags, timeout, clockid) */
		return args[3] != 0;
	if (nr == nr_futex_wait) /* (uaddr, val, mask, flags, timeout, clockid) */
		return args[4] != 0;
	__u32 cmd = (__u32)args[1] & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	return args[3] && (cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI);
}

/* What a completed call may have changed (btrace_loss_change bits): only
 * calls that succeeded did, and a connect under way. The loader fills
 * fd_words whatever the filters, and maps_words with -k (a loss reports the
 * processes whose fds or mappings may have changed). */
static __always_inline __u8 call_changes(long nr, long ret)
{
	struct btrace_syscall_set *set;

	if (is_error_return(ret) && ret != -BTRACE_EINPROGRESS)
		return 0;
	if (!(set = syscall_set_for(nr)))
		return 0;
	/* Without branches: each would fork the verifier's states by the value,
	 * in every program that walks a lost batch (start-up doubled). */
	__u64 bit = nr;
	__u64 fds = set->fd_words[(bit / 64) & (BTRACE_NR_MAX / 64 - 1)] >> (bit % 64);
	__u64 maps = set->maps_words[(bit / 64) & (BTRACE_NR_MAX / 64 - 1)] >> (bit % 64);
	return (fds & 1) * BTRACE_LOSS_FDS | (maps & (ret >= 0)) * BTRACE_LOSS_MAPPINGS;
}

/* Whether a completed call that is not shown goes out for its effect on fds
 * (or, with -k, on the process's mappings). */
static __always_inline bool changed_fds(long nr, long ret)
{
	return track_fds && call_changes(nr, ret);
}

/* -a / --comm / --cgroup: is the current task selected without being in the
 * targets map? Asked while a thread has no slot: once for a selected thread
 * (it gets one), at every call of a rejected one. */
static __always_inline bool selected_without_targets(__u64 pid_tgid)
{
	if (!system_wide || (__u32)(pid_tgid >> 32) == self_tgid)
		return false;
	if (cgroup_id && bpf_get_current_cgroup_id() != cgroup_id)
		return false;
	if (comm_filter[0]) {
		char comm[BTRACE_COMM_LEN];
		bpf_get_current_comm(comm, sizeof(comm));
		for (int i = 0; i < BTRACE_COMM_LEN; i++) {
			if (comm[i] != comm_filter[i])
				return false;
			if (!comm[i])
				break;
		}
	}
	return true;
}

/* Whether a call that never returns (exit, exit_group) passes -e status=:
 * it is unfinished, with no duration to compare with --duration. */
static __always_inline bool unfinished_selected(void)
{
	return (status_mask & BTRACE_STATUS_UNFINISHED) && !min_duration_ns;
}

/* Whether only a call's completion says if it is shown (--duration, the
 * monitor's --slow, -Z, --errno): then what it was passed is read at its exit,
 * for the few shown, instead of sent at entry for every call. */
static __always_inline bool shown_by_completion(void)
{
	const __u32 completed = BTRACE_STATUS_SUCCESSFUL | BTRACE_STATUS_FAILED;

	return min_duration_ns || (status_mask & completed) != completed || errno_count;
}

/* Whether a completed call passes -e status=, --errno and --duration. */
static __always_inline bool completion_selected(long ret, __u64 duration_ns)
{
	bool failed = is_error_return(ret);

	if (failures_are_outliers && failed)
		return true;
	if (duration_ns < min_duration_ns)
		return false;
	if (!(status_mask & (failed ? BTRACE_STATUS_FAILED : BTRACE_STATUS_SUCCESSFUL)))
		return false;
	if (failed && errno_count) {
		for (int i = 0; i < BTRACE_ERRNO_FILTER_MAX; i++)
			if (i < errno_count && errno_filter[i] == -ret)
				return true;
		return false;
	}
	return true;
}

#endif
