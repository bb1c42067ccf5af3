// SPDX-License-Identifier: GPL-2.0-only
/* -k: what the consumer needs to tell which code made a call shown. The
 * kernel cannot walk a stack built without frame pointers (most of Debian,
 * libc included), so it copies the user registers and the top of the user
 * stack, and the consumer unwinds them with DWARF CFI (perf's --call-graph
 * dwarf). For symbols it needs the process's mappings: the mmap and munmap
 * calls are sent (maps_words), and a successful execve carries the new
 * image's executable and where the kernel loaded it and its interpreter. */
#ifndef BTRACE_STACK_BPF_H
#define BTRACE_STACK_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "btrace/event.h"
#include "batch.bpf.h"
#include "capture.bpf.h"
#include "fd_desc.bpf.h"
#include "maps.bpf.h"

const volatile bool user_stacks = false;
const volatile __u32 stack_copy_max = BTRACE_STACK_COPY_MAX; /* --stack-size */
const volatile bool kernel_stacks_on = false; /* --kernel-stack */

/* Entries are never deleted nor replaced (no BPF_F_REUSE_STACKID), so an id
 * the consumer reads later still holds the stack it was given for. */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 1); /* the loader sizes it with --kernel-stack */
	__type(key, __u32);
	__uint(value_size, BTRACE_KERNEL_STACK_DEPTH * sizeof(__u64));
} kernel_stacks SEC(".maps");

/* At a switch: the kernel stack of the current task's call in flight, as it
 * leaves the CPU (the last one before sys_exit is sent). */
static __always_inline void note_kernel_stack(void *ctx)
{
	if (!kernel_stacks_on)
		return;
	struct btrace_inflight *call = bpf_task_storage_get(&inflight, bpf_get_current_task_btf(), 0, 0);
	if (call && call->ts_ns)
		call->kernel_stack = bpf_get_stackid(ctx, &kernel_stacks, 0);
}

/* sys_exit of a call shown: its BTRACE_PAYLOAD_KERNEL_STACK, if it left the CPU. */
static __always_inline __u32 kernel_stack_payload(struct btrace_batch *b, const struct btrace_inflight *call,
						  __u32 start, __u32 size)
{
	if (!kernel_stacks_on || call->kernel_stack == BTRACE_NO_KERNEL_STACK)
		return size;
	struct btrace_payload *p = payload_after(b, start, size);
	*(__s32 *)(p + 1) = call->kernel_stack;
	return size + payload_header(p, BTRACE_PAYLOAD_KERNEL_STACK, 0, sizeof(__s32), 0, 0);
}

static __always_inline void read_user_regs(struct task_struct *task, struct btrace_user_stack *us)
{
	const struct pt_regs *regs = (const struct pt_regs *)bpf_task_pt_regs(task);

#if defined(__TARGET_ARCH_x86)
	us->regs[0] = regs->ax; /* the result by sys_exit: no unwind rule reads it */
	us->regs[1] = regs->dx;
	us->regs[2] = regs->cx;
	us->regs[3] = regs->bx;
	us->regs[4] = regs->si;
	us->regs[5] = regs->di;
	us->regs[6] = regs->bp;
	us->regs[7] = regs->sp;
	us->regs[8] = regs->r8;
	us->regs[9] = regs->r9;
	us->regs[10] = regs->r10;
	us->regs[11] = regs->r11;
	us->regs[12] = regs->r12;
	us->regs[13] = regs->r13;
	us->regs[14] = regs->r14;
	us->regs[15] = regs->r15;
	us->regs[16] = regs->ip;
	us->sp = regs->sp;
#elif defined(__TARGET_ARCH_arm64)
	for (int i = 0; i < 31; i++)
		us->regs[i] = regs->regs[i];
	us->regs[31] = regs->sp;
	us->regs[32] = regs->pc;
	us->sp = regs->sp;
#endif
}

#if defined(__TARGET_ARCH_x86)
#define USER_REGS 17
#else
#define USER_REGS 33
#endif

#define STACK_READ_TRIES 4

struct stack_vma {
	__u64 end;
};

static long stack_vma_end(struct task_struct *task, struct vm_area_struct *vma, void *ctx)
{
	((struct stack_vma *)ctx)->end = vma->vm_end;
	return 0;
}

/* sys_exit of a call shown: the BTRACE_PAYLOAD_USER_STACK payload at size,
 * last in the record: up to stack_copy_max bytes from sp, cut at the end of
 * the stack's mapping (past it a read would fail whole). A subprogram, as
 * exec_image_payloads: inlined, their locals would push on_sys_exit's stack
 * past the 512 bytes a call chain may use. */
static __noinline __u32 user_stack_payload(struct btrace_batch *b, struct task_struct *task, __u32 start,
						__u32 size)
{
	struct btrace_payload *p = payload_after(b, start, size);
	struct btrace_user_stack *us = (struct btrace_user_stack *)(p + 1);
	struct stack_vma vma = {};
	__u16 flags = 0;

	read_user_regs(task, us);
	us->start_stack = task->mm->start_stack;
	__u64 sp = us->sp;
	__u64 len = 0;
	if (!bpf_find_vma(task, sp, stack_vma_end, &vma, 0) && vma.end > sp) {
		/* Nothing an unwind reads lies above the first frame: the main
		 * thread's starts at argc (start_stack: argv, the environment and
		 * the auxv are above); a glibc thread's below its thread pointer
		 * (struct pthread tops its stack mapping). */
		__u64 top = vma.end, start_stack = us->start_stack;
		if (start_stack > sp && start_stack < top)
			top = start_stack + 16;
#if defined(__TARGET_ARCH_x86)
		__u64 thread_pointer = task->thread.fsbase;
		if (thread_pointer > sp && thread_pointer < top)
			top = thread_pointer;
#endif
		len = top - sp;
		if (len > stack_copy_max)
			flags = BTRACE_PAYLOAD_TRUNCATED;
	}
	len = bounded(len, stack_copy_max);
	/* A page of it not present fails the whole read (a BPF program cannot
	 * fault it in): less is read, from sp, which the innermost frames need
	 * most. */
	for (int i = 0; i < STACK_READ_TRIES && len; i++) {
		len = bounded(len, BTRACE_STACK_COPY_MAX);
		if (!bpf_probe_read_user(us + 1, len, (const void *)sp))
			break;
		flags = BTRACE_PAYLOAD_TRUNCATED;
		len = i + 1 < STACK_READ_TRIES ? len / 2 : 0;
	}
	if (!len)
		flags = BTRACE_PAYLOAD_FAULT;
	return size + payload_header(p, BTRACE_PAYLOAD_USER_STACK, 0, sizeof(*us) + len, flags, USER_REGS);
}

/* sys_exit of a successful execve: the BTRACE_PAYLOAD_EXE and
 * BTRACE_PAYLOAD_AUXV payloads at size. */
static __noinline __u32 exec_image_payloads(struct btrace_batch *b, struct task_struct *task, __u32 start,
						 __u32 size)
{
	struct describe_job job = { .start = start, .cursor = size, .fd = -1, .exe = 1 };
	int next = describe_fd(&job);
	__u32 auxv_size = bpf_core_field_size(struct mm_struct, saved_auxv);

	if (next > 0 && next <= CURSOR_MASK)
		size = next;
	if (auxv_size > BTRACE_STRUCT_MAX || size + PAYLOAD_ROOM(BTRACE_STRUCT_MAX) > CURSOR_MASK)
		return size;
	barrier_var(size); /* keep payload_after's mask: the check above does not bound it for the verifier */
	struct btrace_payload *p = payload_after(b, start, size);
	struct mm_struct *mm = task->mm;
	auxv_size = bounded(auxv_size, BTRACE_STRUCT_MAX);
	if (bpf_probe_read_kernel(p + 1, auxv_size, &mm->saved_auxv))
		return size;
	return size + payload_header(p, BTRACE_PAYLOAD_AUXV, 0, auxv_size, 0, 0);
}

#endif
