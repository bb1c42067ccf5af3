// SPDX-License-Identifier: GPL-2.0-only
/* The six syscall arguments from the user pt_regs. raw_tp hands the
 * tracepoint's regs over untyped; the task's own pt_regs are the same frame,
 * typed, so these are direct (CO-RE relocated) loads, no probe_read each. */
#ifndef BTRACE_SYSCALL_REGS_BPF_H
#define BTRACE_SYSCALL_REGS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

static __always_inline void read_syscall_args(struct task_struct *task, __u64 *args)
{
	const struct pt_regs *regs = (const struct pt_regs *)bpf_task_pt_regs(task);

#if defined(__TARGET_ARCH_x86)
	args[0] = regs->di;
	args[1] = regs->si;
	args[2] = regs->dx;
	args[3] = regs->r10;
	args[4] = regs->r8;
	args[5] = regs->r9;
#elif defined(__TARGET_ARCH_arm64)
	/* x0 is overwritten by the return value; the kernel keeps arg 0 in orig_x0 */
	args[0] = regs->orig_x0;
	args[1] = regs->regs[1];
	args[2] = regs->regs[2];
	args[3] = regs->regs[3];
	args[4] = regs->regs[4];
	args[5] = regs->regs[5];
#else
#error "btrace: unsupported architecture"
#endif
}

#endif
