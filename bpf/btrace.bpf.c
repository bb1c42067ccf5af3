// SPDX-License-Identifier: GPL-2.0
/* Kernel side of btrace: pair raw_syscalls enter/exit per thread for the
 * target set, time the call here, and emit one record per completed call. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "btrace/event.h"
#include "maps.bpf.h"
#include "syscall_regs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader between open and load (folded by the verifier). */
const volatile bool follow = true;        /* children and threads join the target set */
const volatile __u64 wakeup_bytes = 1 << 20; /* wake the consumer only past this backlog */
const volatile __s64 nr_exit = -1;
const volatile __s64 nr_exit_group = -1;
const volatile __s64 nr_execve = -1;
const volatile __s64 nr_execveat = -1;

#define SIGNAL_GROUP_EXIT 0x00000004 /* include/linux/sched/signal.h */

static __always_inline __u32 target_key(__u64 pid_tgid)
{
	return follow ? (__u32)(pid_tgid >> 32) : (__u32)pid_tgid;
}

/* Batch wakeups: one per record costs ~8x on a syscall storm. */
static __always_inline __u64 submit_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ? BPF_RB_FORCE_WAKEUP
									      : BPF_RB_NO_WAKEUP;
}

static __always_inline void fill_hdr(struct btrace_hdr *hdr, __u16 type, __u32 size, __u64 pid_tgid,
				     __u64 ts_ns)
{
	hdr->type = type;
	hdr->flags = 0;
	hdr->size = size;
	hdr->tgid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->ts_ns = ts_ns;
	bpf_get_current_comm(hdr->comm, sizeof(hdr->comm));
}

/* exit/exit_group never reach sys_exit: report them from sys_enter. */
static __always_inline void emit_no_return(__u64 pid_tgid, __s64 nr, const __u64 *args, __u64 ts_ns)
{
	struct btrace_syscall *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (!rec) {
		count(BTRACE_CNT_RB_FULL);
		return;
	}
	fill_hdr(&rec->hdr, BTRACE_REC_SYSCALL, sizeof(*rec), pid_tgid, ts_ns);
	rec->hdr.flags = BTRACE_SYS_NO_RETURN;
	rec->nr = nr;
	rec->ret = 0;
	rec->duration_ns = 0;
	__builtin_memcpy(rec->args, args, sizeof(rec->args));
	bpf_ringbuf_submit(rec, submit_flags());
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 key = target_key(pid_tgid);
	__u8 *state;

	if (id == -1) /* not a syscall: e.g. a ptrace'd or seccomp-skipped entry */
		return 0;
	state = bpf_map_lookup_elem(&targets, &key);
	if (!state)
		return 0;
	if (*state == BTRACE_TARGET_AWAIT_EXEC) {
		if (id != nr_execve && id != nr_execveat)
			return 0;
		*state = BTRACE_TARGET_ACTIVE;
	}

	struct inflight call = { .ts_ns = bpf_ktime_get_ns(), .nr = id };
	read_syscall_args(regs, call.args);

	if (id == nr_exit || id == nr_exit_group) {
		emit_no_return(pid_tgid, id, call.args, call.ts_ns);
		return 0;
	}
	__u32 tid = (__u32)pid_tgid;
	if (bpf_map_update_elem(&inflight, &tid, &call, BPF_ANY))
		count(BTRACE_CNT_STASH_FULL);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(on_sys_exit, struct pt_regs *regs, long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 key = target_key(pid_tgid);
	__u32 tid = (__u32)pid_tgid;
	struct btrace_syscall *rec;
	struct inflight *call;
	__u8 *state;

	state = bpf_map_lookup_elem(&targets, &key);
	if (!state || *state != BTRACE_TARGET_ACTIVE)
		return 0;
	call = bpf_map_lookup_elem(&inflight, &tid);
	if (!call) {
		count(BTRACE_CNT_MISSED_ENTER);
		return 0;
	}
	if (call->nr == INFLIGHT_FORK_CHILD)
		goto out;

	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count(BTRACE_CNT_RB_FULL);
		goto out;
	}
	fill_hdr(&rec->hdr, BTRACE_REC_SYSCALL, sizeof(*rec), pid_tgid, call->ts_ns);
	rec->nr = call->nr;
	rec->ret = ret;
	rec->duration_ns = bpf_ktime_get_ns() - call->ts_ns;
	__builtin_memcpy(rec->args, call->args, sizeof(rec->args));
	bpf_ringbuf_submit(rec, submit_flags());
out:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = parent->tgid;
	__u32 child_tgid = child->tgid;
	__u32 child_tid = child->pid;
	__u8 *state;

	if (!follow)
		return 0;
	state = bpf_map_lookup_elem(&targets, &parent_tgid);
	if (!state)
		return 0;
	if (child_tgid != parent_tgid && bpf_map_update_elem(&targets, &child_tgid, state, BPF_ANY))
		return 0; /* target set full: the child is not traced, its exits won't count */

	struct inflight marker = { .nr = INFLIGHT_FORK_CHILD };
	if (bpf_map_update_elem(&inflight, &child_tid, &marker, BPF_ANY))
		count(BTRACE_CNT_STASH_FULL);
	return 0;
}

/* wait(2) status of the thread group whose last thread is exiting. */
static __always_inline __u32 group_exit_status(struct task_struct *task)
{
	struct signal_struct *signal = task->signal;

	if (signal->flags & SIGNAL_GROUP_EXIT)
		return signal->group_exit_code;
	return task->group_leader->exit_code;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u32 key = target_key(pid_tgid);
	struct btrace_exit *rec;

	/* A thread killed mid-call never reaches sys_exit. */
	bpf_map_delete_elem(&inflight, &tid);
	if (!bpf_map_lookup_elem(&targets, &key))
		return 0;
	if (!follow)
		bpf_map_delete_elem(&targets, &key);
	if (task->signal->live.counter != 0) /* other threads live on */
		return 0;
	if (follow)
		bpf_map_delete_elem(&targets, &key);

	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count(BTRACE_CNT_RB_FULL);
		return 0;
	}
	fill_hdr(&rec->hdr, BTRACE_REC_EXIT, sizeof(*rec), pid_tgid, bpf_ktime_get_ns());
	rec->status = group_exit_status(task);
	rec->pad = 0;
	/* Always wake: the consumer may be waiting for its last target to end. */
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	return 0;
}
