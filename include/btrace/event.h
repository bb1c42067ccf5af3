/* Record layout shared by the BPF programs (bpf/) and the C++ consumer (src/).
 * Plain C with __u32/__u64 only, so it compiles on both sides without vmlinux.h. */
#ifndef BTRACE_EVENT_H
#define BTRACE_EVENT_H

#ifndef __VMLINUX_H__ /* the BPF side gets these types from vmlinux.h */
#include <linux/types.h>
#endif

#define BTRACE_COMM_LEN 16
#define BTRACE_MAX_ARGS 6

enum btrace_record_type {
	BTRACE_REC_SYSCALL = 1, /* a completed call, or one that never returns */
	BTRACE_REC_EXIT = 2,    /* a traced process (thread group) ended */
};

/* Every record starts with this; size covers the header, the body and any
 * length-prefixed payloads that follow, so the consumer can walk or skip it. */
struct btrace_hdr {
	__u16 type;
	__u16 flags;
	__u32 size;
	__u32 tgid;
	__u32 tid;
	__u64 ts_ns; /* CLOCK_MONOTONIC (bpf_ktime_get_ns) at sys_enter, or at the event */
	char comm[BTRACE_COMM_LEN];
};

/* btrace_syscall.hdr.flags */
#define BTRACE_SYS_NO_RETURN (1u << 0) /* exit/exit_group: reported at sys_enter */

struct btrace_syscall {
	struct btrace_hdr hdr;
	__s64 nr;
	__s64 ret;
	__u64 duration_ns;
	__u64 args[BTRACE_MAX_ARGS];
};

struct btrace_exit {
	struct btrace_hdr hdr;
	__u32 status; /* wait(2) status: (code << 8) or signal number | 0x80 core dump */
	__u32 pad;
};

/* A per-CPU batch of records (see bpf/batch.bpf.h). The consumer reads these
 * directly only after detaching, to collect what was never flushed. */
#define BTRACE_BATCH_BYTES 4096 /* a power of two: offsets are masked for the verifier */
#define BTRACE_BATCH_SLACK 512  /* room past BTRACE_BATCH_BYTES for the largest record */

struct btrace_batch {
	__u32 len;
	__u32 records;
	__u64 first_ts_ns;
	__u8 data[BTRACE_BATCH_BYTES + BTRACE_BATCH_SLACK];
};

/* Per-CPU counters of what the kernel side lost or could not pair. */
enum btrace_counter {
	BTRACE_CNT_RB_FULL = 0,      /* ring-buffer reserve failed: record lost */
	BTRACE_CNT_STASH_FULL = 1,   /* in-flight map full at sys_enter: record lost */
	BTRACE_CNT_MISSED_ENTER = 2, /* sys_exit with no stashed enter (e.g. in flight at attach) */
	BTRACE_CNT_MAX = 3,
};

/* Value in the targets map. */
enum btrace_target_state {
	BTRACE_TARGET_ACTIVE = 1,
	BTRACE_TARGET_AWAIT_EXEC = 2, /* launched child: start at its execve, not before */
};

#endif
