// SPDX-License-Identifier: GPL-2.0-only
/* Kernel side of btrace: pair raw_syscalls enter/exit per thread for the
 * target set, time the call here, and emit one record per completed call. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "btrace/event.h"
#include "maps.bpf.h"
#include "batch.bpf.h"
#include "capture.bpf.h"
#include "filter.bpf.h"
#include "summary.bpf.h"
#include "sched.bpf.h"
#include "stack.bpf.h"
#include "syscall_regs.bpf.h"

/* GPL-2.0-only: "GPL v2" is among the licenses the kernel takes as GPL-compatible,
 * which the GPL-only helpers used here (bpf_probe_read_*, ring buffer, task storage) need. */
char LICENSE[] SEC("license") = "GPL v2";

/* Set by the loader between open and load (folded by the verifier). */
const volatile bool follow = true; /* children and threads join the target set */
const volatile __s64 nr_exit = -1;
const volatile __s64 nr_exit_group = -1;
const volatile __s64 nr_execve = -1;
const volatile __s64 nr_execveat = -1;
/* monitor: histograms count every call, records go out for outliers only */
const volatile bool summarize_all = false;

#define SIGNAL_GROUP_EXIT 0x00000004 /* include/linux/sched/signal.h */
#define SEND_SIG_PRIV 1ul /* include/linux/sched/signal.h: (kernel_siginfo *)1, SEND_SIG_NOINFO is 0 */
#define SI_USER 0
#define SI_KERNEL 0x80

/* A new image starts with cleared registers: execve's arguments are kept
 * from sys_enter, and a command starts being traced at its execve. */
static __always_inline bool is_execve(long nr)
{
	return nr == nr_execve || nr == nr_execveat;
}

/* bpf_get_current_pid_tgid()'s value, from two loads instead of a helper call. */
static __always_inline __u64 task_pid_tgid(const struct task_struct *task)
{
	return (__u64)task->tgid << 32 | (__u32)task->pid;
}

static __always_inline __u32 target_key(__u64 pid_tgid)
{
	return follow ? (__u32)(pid_tgid >> 32) : (__u32)pid_tgid;
}

/* The current task is passed in, here and below, rather than asked for again:
 * each bpf_get_current_task_btf() is a helper call. */
static __always_inline void fill_hdr(struct btrace_hdr *hdr, __u16 type, __u32 size, __u64 pid_tgid,
				     __u64 ts_ns, struct task_struct *task)
{
	hdr->type = type;
	hdr->flags = 0;
	hdr->size = size;
	hdr->tgid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->ts_ns = ts_ns;
	/* Two loads from the task, cheaper than bpf_get_current_comm()'s copy. */
	__builtin_memcpy(hdr->comm, task->comm, sizeof(hdr->comm));
}

/* The current thread's slot; with create, made (zeroed) if it has none. */
static __always_inline struct btrace_inflight *inflight_slot(struct task_struct *task, bool create)
{
	return bpf_task_storage_get(&inflight, task, 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* A record reported from sys_enter at now_ns: exit/exit_group, which never
 * reach sys_exit, and the enter part of a call that passes memory in (read
 * now, as the kernel reads it: by sys_exit a racing thread may have rewritten
 * it, and execve's is gone). Returns whether it was made. call (an enter
 * part's): where it went, and what could not be read yet (see
 * capture_payloads). */
static __always_inline bool emit_from_enter(struct task_struct *task, __u64 pid_tgid, __s64 nr, __u16 flags,
					    __u64 now_ns, struct btrace_inflight *call)
{
	struct btrace_batch *b = this_cpu_batch();

	if (!b)
		return false;
	__u32 start = batch_start(b, now_ns);
	struct btrace_syscall *rec = batch_at(b, start);
	read_syscall_args(task, rec->args);
	rec->nr = nr;
	rec->ret = 0;
	rec->duration_ns = 0;
	__u32 size = sizeof(*rec);
	if (call) {
		size = capture_payloads(start, size, nr, rec->args, 0, CAPTURE_AT_ENTER, &call->read_again, 0);
		call->enter_cpu = bpf_get_smp_processor_id();
		call->enter_lost = b->lost_batches; /* before the commit, which may flush this batch */
	} else if (user_stacks) {
		size = user_stack_payload(b, task, start, size); /* exit, exit_group */
	}
	fill_hdr(&rec->hdr, BTRACE_REC_SYSCALL, size, pid_tgid, now_ns, task);
	rec->hdr.flags = flags;
	batch_commit(b, size, now_ns);
	return true;
}

/* A call that cannot be followed (no in-flight slot): lost, as a record
 * would be, if the selection shows it or it may change fds. */
static __always_inline void note_lost_call(__u64 pid_tgid, long id)
{
	enum call_selection selection = syscall_selection(id);
	struct btrace_batch *b = this_cpu_batch();

	count(BTRACE_CNT_STASH_FULL);
	if (!b || !records_enabled || selection == CALL_SKIPPED)
		return;
	loss_note(b, bpf_ktime_get_ns(), selection == CALL_SHOWN ? id : -1, pid_tgid >> 32, call_changes(id, 0));
}

/* A thread's first call since tracing began (or since it was created): a
 * slot for it if its process (or, with --no-follow, itself) is a target. */
static __always_inline struct btrace_inflight *first_call_slot(struct task_struct *task, __u64 pid_tgid, long id)
{
	__u32 key = target_key(pid_tgid);
	__u8 *state = target_state(key);
	struct btrace_inflight *slot;

	if (!state && !selected_without_targets(pid_tgid))
		return NULL;
	if (state && *state == BTRACE_TARGET_AWAIT_EXEC) {
		if (!is_execve(id))
			return NULL;
		*state = BTRACE_TARGET_ACTIVE;
	}
	slot = inflight_slot(task, true);
	if (!slot)
		note_lost_call(pid_tgid, id);
	return slot;
}

/* raw_tp, not tp_btf: attaching needs no lookup in the kernel's BTF, so
 * libbpf parses none (with a cached BTF subset for CO-RE, see the loader):
 * ~20 ms less at every start. Typed pointers come from helpers instead. */
SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	long id = ctx->args[1];
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = task_pid_tgid(task);
	struct btrace_inflight *call;

	if (id == -1) /* not a syscall: a tracer (ptrace) cancelled it, or syscall(-1) */
		return 0;
	/* A slot means a target thread, so traced calls cost one lookup here. */
	call = inflight_slot(task, false);
	if (!call && !(call = first_call_slot(task, pid_tgid, id)))
		return 0;
	enum call_selection selection = syscall_selection(id);
	if (selection == CALL_SHOWN && idle_futex_wait(task, id))
		selection = CALL_SKIPPED;
	if (selection == CALL_SKIPPED && !summarize_all) {
		call->ts_ns = 0;
		call->nr = BTRACE_NR_SKIPPED;
		return 0;
	}
	/* From here CALL_SKIPPED is the monitor's: counted in the histograms, never sent. */
	if (id == nr_exit || id == nr_exit_group) { /* never CALL_FDS_ONLY: not fd calls */
		bool selected = selection == CALL_SHOWN && unfinished_selected();
		if (summary_enabled && (selected || summarize_all))
			summary_add(pid_tgid, id, 0, 0, NULL);
		if (records_enabled && selected)
			emit_from_enter(task, pid_tgid, id, BTRACE_SYS_NO_RETURN, bpf_ktime_get_ns(), NULL);
		return 0;
	}
	if (is_execve(id))
		read_syscall_args(task, call->args); /* for sys_exit: see call_args() */

	call->nr = id;
	call->flags = selection == CALL_FDS_ONLY ? BTRACE_SYS_FDS_ONLY
		     : selection == CALL_SKIPPED ? BTRACE_INFLIGHT_COUNT_ONLY
						 : 0;
	/* Before what read_at_enter reads: the consumer takes those as read
	 * after the call started (an fd another thread reopened before it). */
	__u64 now_ns = bpf_ktime_get_ns();
	call->read_again = 0;
	if (selection == CALL_SHOWN && records_enabled) {
		const struct btrace_capture_spec *spec = read_at_enter(task, call, id);
		/* execve's input is gone by its exit */
		if (spec && spec->enter_items && (!shown_by_completion() || is_execve(id)) &&
		    emit_from_enter(task, pid_tgid, id, BTRACE_SYS_ENTER_PART, now_ns, call))
			call->flags |= BTRACE_SYS_INPUT_AT_ENTER;
		if (is_execve(id))
			call->read_again = 0; /* what it could not read is gone by sys_exit */
	}
	sched_start(call, now_ns);
	call->kernel_stack = BTRACE_NO_KERNEL_STACK;
	call->ts_ns = now_ns;
	return 0;
}

/* Whether the call's enter part may have been lost with its batch (the ring
 * had no room): that CPU has lost a batch since the part went into it. A
 * thread that moved to another CPU flushed that batch as it left, so by its
 * sys_exit the part is out or lost; one that stayed has it in the same batch
 * as its completion, which is then lost with it or not at all. */
static __always_inline bool enter_part_lost(const struct btrace_inflight *call)
{
	__u32 zero = 0;
	const struct btrace_batch *b = bpf_map_lookup_percpu_elem(&batches, &zero, call->enter_cpu);

	return !b || b->lost_batches != call->enter_lost;
}

/* The arguments as they were at sys_enter, read from the registers here
 * rather than copied at sys_enter for every call: they hold them throughout
 * the call (signal delivery and syscall restart rewrite them only after
 * sys_exit). execve, which loads a new image with cleared registers, keeps
 * them in its slot. */
static __always_inline void call_args(struct task_struct *task, const struct btrace_inflight *call, __u64 *args)
{
	if (is_execve(call->nr))
		__builtin_memcpy(args, call->args, sizeof(call->args));
	else
		read_syscall_args(task, args);
}

SEC("raw_tp/sys_exit")
int on_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	long ret = ctx->args[1];
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = task_pid_tgid(task);
	struct btrace_syscall *rec;
	struct btrace_inflight *call;
	struct btrace_batch *b;

	/* Only target threads have a slot, so one lookup filters everyone else. */
	call = inflight_slot(task, false);
	if (!call)
		return 0;
	if (!call->ts_ns) {
		if (call->nr != BTRACE_NR_SKIPPED)
			count(BTRACE_CNT_MISSED_ENTER);
		return 0;
	}
	__u64 now_ns = bpf_ktime_get_ns();
	__u64 duration_ns = now_ns - call->ts_ns;
	bool shown = !(call->flags & (BTRACE_SYS_FDS_ONLY | BTRACE_INFLIGHT_COUNT_ONLY)) &&
		     completion_selected(ret, duration_ns);
	sched_close(call, now_ns);
	if (summary_enabled && (shown || summarize_all))
		summary_add(pid_tgid, call->nr, ret, duration_ns, call_split(call));
	bool fds_only = !shown && changed_fds(call->nr, ret);
	if (!shown && !fds_only)
		goto out;
	if (!records_enabled || !(b = this_cpu_batch()))
		goto out;
	__u32 start = batch_start(b, now_ns);
	rec = batch_at(b, start);
	rec->nr = call->nr;
	rec->ret = ret;
	rec->duration_ns = duration_ns;
	call_args(task, call, rec->args);
	/* the consumer waits for no part that is lost: what it held is read now */
	if ((call->flags & BTRACE_SYS_INPUT_AT_ENTER) && enter_part_lost(call))
		call->flags &= ~BTRACE_SYS_INPUT_AT_ENTER;
	/* an fd-only record needs the fds described, not the argument memory;
	 * without an enter part, what was passed in is read now (execve's is gone) */
	enum capture_phase phase = fds_only ? CAPTURE_FDS_ONLY
				 : (call->flags & BTRACE_SYS_INPUT_AT_ENTER) || is_execve(call->nr) ? CAPTURE_AT_EXIT
												  : CAPTURE_ALL_AT_EXIT;
	/* what was passed in, read now, may have been rewritten since the kernel
	 * read it, if another thread shares the memory */
	__u16 again_mark = (call->read_again || phase == CAPTURE_ALL_AT_EXIT) && task->mm->mm_users.counter > 1
				   ? BTRACE_PAYLOAD_AFTER_CALL
				   : 0;
	__u32 size = capture_payloads(start, sizeof(*rec), call->nr, rec->args, ret, phase, &call->read_again,
				      again_mark);
	if (user_stacks && ret == 0 && is_execve(call->nr))
		size = exec_image_payloads(b, task, start, size);
	if (shown) {
		size = socklen_payload(b, call, rec->args, ret, start, size);
		size = passed_in_payload(b, call, start, size);
		size = fd_seen_payload(b, task, call, start, size);
		if (!sched_all_on_cpu(call_split(call)))
			size = sched_payload(b, call_split(call), start, size);
		size = kernel_stack_payload(b, call, start, size);
		if (user_stacks)
			size = user_stack_payload(b, task, start, size); /* last: past CURSOR_MASK */
	}
	fill_hdr(&rec->hdr, BTRACE_REC_SYSCALL, size, pid_tgid, call->ts_ns, task);
	rec->hdr.flags = (call->flags & ~BTRACE_INFLIGHT_OWN) | (fds_only ? BTRACE_SYS_FDS_ONLY : 0) |
			 (shown && sched_all_on_cpu(call_split(call)) ? BTRACE_SYS_SCHED_ON_CPU : 0);
	batch_commit(b, size, now_ns);
out:
	call->ts_ns = 0; /* consumed */
	return 0;
}

/* Without --sched (on_sched_switch_split does this too with it). */
SEC("raw_tp/sched_switch")
int on_sched_switch(void *ctx)
{
	batch_flush_on_switch();
	note_kernel_stack(ctx);
	return 0;
}

/* Run by the consumer on a CPU (BPF_PROG_TEST_RUN with BPF_F_TEST_RUN_ON_CPU,
 * an interrupt there) whose held-back records keep everything after them
 * from being printed: a thread busy in user space neither calls nor switches. */
SEC("raw_tp")
int flush_cpu(void *ctx)
{
	struct btrace_batch *b = this_cpu_batch();

	if (b && !b->busy)
		batch_flush_now(b);
	return 0;
}

/* The child inherits the parent's fds: the consumer copies its table. The
 * batch goes out at once, before the child can run (it is woken after this
 * tracepoint) and produce records on another CPU. */
static __always_inline void emit_fork(__u32 child_tgid)
{
	struct btrace_batch *b = this_cpu_batch();
	__u64 now_ns = bpf_ktime_get_ns();

	if (!b)
		return;
	__u32 start = batch_start(b, now_ns);
	struct btrace_fork *rec = batch_at(b, start);
	fill_hdr(&rec->hdr, BTRACE_REC_FORK, sizeof(*rec), bpf_get_current_pid_tgid(), now_ns, bpf_get_current_task_btf());
	rec->child_tgid = child_tgid;
	rec->pad = 0;
	batch_commit(b, sizeof(*rec), now_ns);
	batch_flush_now(b);
}

/* -e signal=: bit sig - 1 for each signal shown. */
const volatile __u64 signals_shown = ~0ull;

static __always_inline bool signal_shown(int sig)
{
	return sig >= 1 && sig <= 64 && (signals_shown & (1ull << (sig - 1)));
}

/* A signal's siginfo from the kernel's, or for its two stand-ins made as the
 * kernel makes it: SEND_SIG_NOINFO as kill(2) from the current task would,
 * SEND_SIG_PRIV as the kernel's own. */
static __always_inline void read_siginfo(__u8 *siginfo, int sig, const void *info)
{
	__builtin_memset(siginfo, 0, BTRACE_SIGINFO_BYTES);
	if ((unsigned long)info > SEND_SIG_PRIV) {
		bpf_probe_read_kernel(siginfo, BTRACE_SIGINFO_BYTES, info);
		return;
	}
	__s32 *head = (__s32 *)siginfo;
	head[0] = sig;
	head[2] = info ? SI_KERNEL : SI_USER;
	if (!info) {
		head[4] = bpf_get_current_pid_tgid() >> 32;
		head[5] = (__u32)bpf_get_current_uid_gid();
	}
}

/* A signal delivered to a traced thread, as its handler is about to run or
 * its default action taken: strace's --- SIGCHLD {...} --- line. A group
 * exit's SIGKILL comes without siginfo: on_signal_generate told of it. */
SEC("raw_tp/signal_deliver")
int on_signal(struct bpf_raw_tracepoint_args *ctx)
{
	int sig = ctx->args[0];
	const void *info = (const void *)ctx->args[1];
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 key = target_key(pid_tgid);
	__u8 *state;

	if (!info || !signal_shown(sig))
		return 0;
	state = target_state(key);
	if (state ? *state != BTRACE_TARGET_ACTIVE : !selected_without_targets(pid_tgid))
		return 0;
	struct btrace_batch *b = this_cpu_batch();
	__u64 now_ns = bpf_ktime_get_ns();
	if (!b)
		return 0;
	__u32 start = batch_start(b, now_ns);
	struct btrace_signal *rec = batch_at(b, start);
	fill_hdr(&rec->hdr, BTRACE_REC_SIGNAL, sizeof(*rec), pid_tgid, now_ns, bpf_get_current_task_btf());
	rec->signo = sig;
	rec->pad = 0;
	read_siginfo(rec->siginfo, sig, info);
	batch_commit(b, sizeof(*rec), now_ns);
	return 0;
}

/* A fatal signal with no handler and no core dump is never delivered: as it
 * is sent, the kernel starts the group's exit (SIGNAL_GROUP_EXIT, with the
 * signal as the exit code) and the process dies without running again. Its
 * line is kept here, from the sender's context (possibly an interrupt: a
 * timer's SIGALRM, so no batch is touched), and sent by on_process_exit
 * ahead of the exit line, after the group's last calls: strace's
 * --- SIGTERM {si_pid=...} ---, which tells who killed the process (SIGKILL
 * too, which strace cannot show). Keyed by tgid. */
struct fatal_signal {
	__u64 ts_ns;
	__u32 tid;
	__s32 signo;
	char comm[BTRACE_COMM_LEN];
	__u8 siginfo[BTRACE_SIGINFO_BYTES];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH); /* preallocated: updates are safe in interrupts */
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct fatal_signal);
} fatal_signals SEC(".maps");

SEC("raw_tp/signal_generate")
int on_signal_generate(struct bpf_raw_tracepoint_args *ctx)
{
	int sig = ctx->args[0];
	const void *info = (const void *)ctx->args[1];
	struct task_struct *task = (struct task_struct *)ctx->args[2];
	int result = ctx->args[4];

	/* LOSE_INFO: delivered, past RLIMIT_SIGPENDING, with a stand-in siginfo */
	if ((result != TRACE_SIGNAL_DELIVERED && result != TRACE_SIGNAL_LOSE_INFO) || !signal_shown(sig))
		return 0;
	struct signal_struct *signal = BPF_CORE_READ(task, signal);
	if (!(BPF_CORE_READ(signal, flags) & SIGNAL_GROUP_EXIT) || BPF_CORE_READ(signal, group_exit_code) != sig)
		return 0;
	__u32 tgid = BPF_CORE_READ(task, tgid), tid = BPF_CORE_READ(task, pid);
	__u32 key = follow ? tgid : tid;
	__u8 *state = target_state(key);
	/* system-wide: every process but btrace (its --comm and --cgroup ask of
	 * the current task, the sender here, so only plain -a) */
	bool everyone = system_wide && !comm_filter[0] && !cgroup_id && tgid != self_tgid;
	if (state ? *state != BTRACE_TARGET_ACTIVE : !everyone)
		return 0;
	struct fatal_signal fatal = { .ts_ns = bpf_ktime_get_ns(), .tid = tid, .signo = sig };
	BPF_CORE_READ_INTO(&fatal.comm, task, comm);
	read_siginfo(fatal.siginfo, sig, info);
	if (bpf_map_update_elem(&fatal_signals, &tgid, &fatal, BPF_ANY))
		count(BTRACE_CNT_FATAL_SIGNALS_FULL);
	return 0;
}

/* The line of the fatal signal that ended the group, if one did. b: this
 * CPU's batch, where a loss is noted. */
static __always_inline void emit_fatal_signal(struct btrace_batch *b, __u32 tgid)
{
	struct fatal_signal *fatal = bpf_map_lookup_elem(&fatal_signals, &tgid);
	struct btrace_signal *rec;

	if (!fatal)
		return;
	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (rec) {
		rec->hdr.type = BTRACE_REC_SIGNAL;
		rec->hdr.flags = 0;
		rec->hdr.size = sizeof(*rec);
		rec->hdr.tgid = tgid;
		rec->hdr.tid = fatal->tid;
		rec->hdr.ts_ns = fatal->ts_ns;
		__builtin_memcpy(rec->hdr.comm, fatal->comm, sizeof(rec->hdr.comm));
		rec->signo = fatal->signo;
		rec->pad = 0;
		__builtin_memcpy(rec->siginfo, fatal->siginfo, sizeof(rec->siginfo));
		bpf_ringbuf_submit(rec, 0);
	} else {
		count(BTRACE_CNT_RB_FULL);
		if (b)
			loss_note(b, fatal->ts_ns, -1, 0, 0);
	}
	bpf_map_delete_elem(&fatal_signals, &tgid);
}

/* A child (process or thread) gets its in-flight slot at its first call: its
 * first sys_exit, fork's return in it, finds none and is ignored. */
SEC("raw_tp/sched_process_fork")
int on_fork(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *child = (struct task_struct *)ctx->args[1];
	__u32 parent_tgid = bpf_get_current_pid_tgid() >> 32; /* the parent is current */
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	__u8 *state;

	if (!follow)
		return 0;
	if (!(state = target_state(parent_tgid)))
		return 0;
	if (child_tgid != parent_tgid) {
		mark_target(child_tgid, true);
		if (bpf_map_update_elem(&targets, &child_tgid, state, BPF_ANY))
			return 0; /* target set full: the child is not traced, its exits won't count */
	}
	if (child_tgid != parent_tgid)
		emit_fork(child_tgid);
	return 0;
}

static __always_inline void leave_targets(__u32 key)
{
	bpf_map_delete_elem(&targets, &key);
	mark_target(key, false);
}

/* wait(2) status of the thread group whose last thread is exiting. Read
 * with BPF_CORE_READ, not as trusted pointers: the verifier checks each
 * pointer load from a trusted pointer with linear searches of the kernel's
 * BTF by name, ~1 ms each at load time, for a program run once per exit. */
static __always_inline __u32 group_exit_status(struct task_struct *task)
{
	struct signal_struct *signal = BPF_CORE_READ(task, signal);

	if (BPF_CORE_READ(signal, flags) & SIGNAL_GROUP_EXIT)
		return BPF_CORE_READ(signal, group_exit_code);
	return BPF_CORE_READ(task, group_leader, exit_code);
}

SEC("raw_tp/sched_process_exit")
int on_process_exit(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf(); /* the exiting thread */
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 key = target_key(pid_tgid);
	struct btrace_exit *rec;
	struct btrace_batch *b;

	/* System-wide, selected processes are not in the targets map; their exit
	 * lines still let the consumer drop what it keeps for them. */
	if (!target_state(key) && !selected_without_targets(pid_tgid))
		return 0;
	b = this_cpu_batch();
	if (b)
		batch_flush_now(b); /* the thread's last calls come before its exit line */
	if (!follow)
		leave_targets(key);
	if (BPF_CORE_READ(task, signal, live.counter) != 0) /* other threads live on */
		return 0;
	if (follow)
		leave_targets(key);
	if (!records_enabled) /* -c: the summary is all there is */
		return 0;
	emit_fatal_signal(b, pid_tgid >> 32);
	__u64 now_ns = bpf_ktime_get_ns();
	rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);
	if (!rec) {
		count(BTRACE_CNT_RB_FULL);
		if (b)
			loss_note(b, now_ns, -1, 0, 0);
		return 0;
	}
	fill_hdr(&rec->hdr, BTRACE_REC_EXIT, sizeof(*rec), pid_tgid, now_ns, task);
	rec->status = group_exit_status(task);
	rec->pad = 0;
	/* Always wake: the consumer may be waiting for its last target to end. */
	bpf_ringbuf_submit(rec, BPF_RB_FORCE_WAKEUP);
	return 0;
}
