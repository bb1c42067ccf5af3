// SPDX-License-Identifier: GPL-2.0-only
/* --sched: each call's duration split into on-CPU, blocked and runqueue time,
 * the times it left the CPU, and who woke it. The split lives in the call's
 * in-flight slot: sys_enter starts it running, sched_switch and sched_waking
 * move it between parts, sys_exit closes it and sends it as the record's
 * BTRACE_PAYLOAD_SCHED payload. Threads with no call in flight cost these
 * programs one task-storage lookup (a NULL check) and nothing else. The
 * programs are loaded only with --sched (the loader switches them off). */
#ifndef BTRACE_SCHED_BPF_H
#define BTRACE_SCHED_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "btrace/event.h"
#include "maps.bpf.h"
#include "batch.bpf.h"
#include "capture.bpf.h"
#include "stack.bpf.h"

const volatile bool sched_split = false;

#define TASK_RUNNING 0x0000
#define TASK_WAKING 0x0200

/* A call starts on the CPU, at sys_enter. */
static __always_inline void sched_start(struct btrace_inflight *call, __u64 now_ns)
{
	if (!sched_split)
		return;
	call->sched_state = BTRACE_SCHED_RUNNING;
	call->sched_since_ns = now_ns;
	__builtin_memset(&call->sched, 0, sizeof(call->sched));
}

/* Closes the current part at now_ns: its time goes where the thread was. */
static __always_inline void sched_account(struct btrace_inflight *call, __u64 now_ns)
{
	__u64 part_ns = now_ns - call->sched_since_ns;

	if (call->sched_state == BTRACE_SCHED_RUNNING)
		call->sched.cpu_ns += part_ns;
	else if (call->sched_state == BTRACE_SCHED_BLOCKED)
		call->sched.blocked_ns += part_ns;
	else
		call->sched.runq_ns += part_ns;
	call->sched_since_ns = now_ns;
}

/* The task's call in flight, if its split is being kept: not for a thread
 * outside the trace, between calls, nor for a call in flight at attach. */
static __always_inline struct btrace_inflight *split_call(struct task_struct *task)
{
	struct btrace_inflight *call = bpf_task_storage_get(&inflight, task, 0, 0);

	return call && call->ts_ns && call->sched_state != BTRACE_SCHED_NONE ? call : NULL;
}

/* The waker is the current task, or an interrupt when that is the idle task
 * (which wakes no one from its own context). An interrupt taken while a task
 * runs is not told apart from that task: preempt_count, which says so, is a
 * per-CPU variable that BPF can read only through kallsyms, which kernels
 * without CONFIG_KALLSYMS_ALL (this one) do not list. */
static __always_inline void note_waker(struct btrace_sched *sched)
{
	struct task_struct *waker = bpf_get_current_task_btf();

	if (waker->pid == 0) {
		sched->waker_kind = BTRACE_WAKER_IRQ;
		return;
	}
	sched->waker_kind = BTRACE_WAKER_TASK;
	sched->waker_tid = waker->pid;
	__builtin_memcpy(sched->waker_comm, waker->comm, sizeof(sched->waker_comm));
}

/* tp_btf, not raw_tp: task storage needs the tasks as typed pointers, and
 * sched_switch's next is only an argument. "btrace_tp_btf": attached by an
 * ID the loader caches, not by libbpf's search of the whole kernel BTF. The
 * records a switched-out task leaves are flushed as on_sched_switch does. */
SEC("btrace_tp_btf/sched_switch")
int BPF_PROG(on_sched_switch_split, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct btrace_inflight *call;
	__u64 now_ns = 0;

	batch_flush_on_switch();
	note_kernel_stack(ctx);
	if ((call = split_call(prev))) {
		now_ns = bpf_ktime_get_ns();
		sched_account(call, now_ns);
		/* Preempted, a sleep undone (a signal pending), or woken while
		 * still going to sleep (TASK_WAKING): runnable. __state, not the
		 * tracepoint's prev_state (Linux 5.18+): the kernel changes it
		 * when the sleep is undone or the wakeup comes. */
		unsigned int state = prev->__state;
		call->sched_state = preempt || state == TASK_RUNNING || state == TASK_WAKING ? BTRACE_SCHED_RUNQ
											      : BTRACE_SCHED_BLOCKED;
		call->sched.switches++;
	}
	if ((call = split_call(next))) {
		sched_account(call, now_ns ? now_ns : bpf_ktime_get_ns());
		if (call->sched_state == BTRACE_SCHED_BLOCKED) /* its wakeup was missed: its runq time is in blocked */
			call->sched.waker_kind = BTRACE_WAKER_UNSEEN;
		call->sched_state = BTRACE_SCHED_RUNNING;
	}
	return 0;
}

/* In the waker's context (sched_wakeup may run on the woken task's CPU, in
 * whatever runs there). It fires only for a task that set a sleeping state,
 * which may not have left its CPU yet (try_to_wake_up can run while the
 * sleeper is still inside __schedule): then it leaves runnable, and this is
 * still who woke it. */
SEC("btrace_tp_btf/sched_waking")
int BPF_PROG(on_sched_waking, struct task_struct *task)
{
	struct btrace_inflight *call = split_call(task);

	if (!call || call->sched_state == BTRACE_SCHED_RUNQ)
		return 0;
	note_waker(&call->sched);
	if (call->sched_state != BTRACE_SCHED_BLOCKED)
		return 0; /* still on its CPU: sched_switch sees TASK_WAKING, or no switch comes */
	sched_account(call, bpf_ktime_get_ns());
	call->sched_state = BTRACE_SCHED_RUNQ;
	return 0;
}

/* The call's split, or NULL if none is kept. Read from the slot where it is
 * used, not kept in a register: a pointer that may be NULL, live through
 * on_sys_exit, made the verifier check the rest of it twice. */
static __always_inline const struct btrace_sched *call_split(const struct btrace_inflight *call)
{
	return sched_split && call->sched_state != BTRACE_SCHED_NONE ? &call->sched : NULL;
}

/* At sys_exit (now_ns): closes the call's split, if one is kept. */
static __always_inline void sched_close(struct btrace_inflight *call, __u64 now_ns)
{
	if (!call_split(call))
		return;
	sched_account(call, now_ns);
	/* Still blocked: neither its wakeup nor its switch back in was seen (a
	 * tracing program does not run nested in itself on a CPU): unknown, not none. */
	if (call->sched_state == BTRACE_SCHED_BLOCKED && call->sched.waker_kind == BTRACE_WAKER_NONE)
		call->sched.waker_kind = BTRACE_WAKER_UNSEEN;
}

/* A call that never left its CPU, and no wakeup found on it, ran for all of
 * its duration: its record says so with BTRACE_SYS_SCHED_ON_CPU instead of
 * the payload, 64 bytes less for most calls of a storm. */
static __always_inline bool sched_all_on_cpu(const struct btrace_sched *sched)
{
	return sched && !sched->switches && sched->waker_kind == BTRACE_WAKER_NONE;
}

/* Appends the split (if any) to the record at start (size bytes so far);
 * returns the record's new size. A subprogram: inlined, its copy's spills
 * pushed on_sys_exit's stack, with -k's, past the 512 bytes of a call chain. */
static __noinline __u32 sched_payload(struct btrace_batch *b, const struct btrace_sched *sched, __u32 start,
					   __u32 size)
{
	if (!sched)
		return size;
	struct btrace_payload *p = payload_after(b, start, size);
	__builtin_memcpy(p + 1, sched, sizeof(*sched));
	return size + payload_header(p, BTRACE_PAYLOAD_SCHED, 0, sizeof(*sched), 0, 0);
}

#endif
