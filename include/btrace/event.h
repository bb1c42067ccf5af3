// SPDX-License-Identifier: Apache-2.0 OR GPL-2.0-only
/* Record layout shared by the BPF programs (bpf/) and the C++ consumer (src/).
 * Plain C with __u32/__u64 only, so it compiles on both sides without vmlinux.h. */
#ifndef BTRACE_EVENT_H
#define BTRACE_EVENT_H

#ifndef __VMLINUX_H__ /* the BPF side gets these types from vmlinux.h */
#include <linux/types.h>
#endif

#define BTRACE_COMM_LEN 16
#define BTRACE_MAX_ERRNO 4095 /* a syscall fails with -1..-4095 */
#define BTRACE_EINPROGRESS 115 /* a non-blocking connect under way: its fd already has a peer */
#define BTRACE_MAX_ARGS 6

enum btrace_record_type {
	BTRACE_REC_SYSCALL = 1, /* a completed call, or one that never returns */
	BTRACE_REC_EXIT = 2,    /* a traced process (thread group) ended */
	BTRACE_REC_FORK = 3,    /* a traced process made a child process (not a thread) */
	BTRACE_REC_SIGNAL = 4,  /* a signal delivered to a traced thread */
	BTRACE_REC_LOSS = 5,    /* records one CPU could not deliver (struct btrace_loss) */
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

/* The order of records: a call by its completion (its line is printed then,
 * as strace prints it), anything else by when it happened. Each CPU makes
 * its records in this order; the consumer merges the CPUs by it. */
static inline __u64 btrace_order_ns(const struct btrace_hdr *hdr, __u64 duration_ns)
{
	return hdr->ts_ns + (hdr->type == BTRACE_REC_SYSCALL ? duration_ns : 0);
}

/* btrace_syscall.hdr.flags */
#define BTRACE_SYS_NO_RETURN (1u << 0)  /* exit/exit_group: reported at sys_enter */
#define BTRACE_SYS_ENTER_PART (1u << 1) /* the memory a call passes in, read at sys_enter (as the
					 * kernel reads it, before a racing thread can rewrite it):
					 * its completion follows with the same tid (execve's: the
					 * tgid) and ts_ns, flagged BTRACE_SYS_INPUT_AT_ENTER */
#define BTRACE_SYS_STARTED_BEFORE (1u << 2) /* in flight when tracing began: the
					     * duration is a lower bound */
#define BTRACE_SYS_FDS_ONLY (1u << 3) /* a call the filters leave out, sent because it
				       * changed fds: for the fd table, never shown */
#define BTRACE_SYS_INPUT_AT_ENTER (1u << 4) /* its passed-in memory is in the enter part before it */
#define BTRACE_SYS_SCHED_ON_CPU (1u << 5) /* --sched: the call never left its CPU (no switch, no
					   * wakeup): all on-CPU, sent as this flag, not a payload */

/* Payloads (struct btrace_payload + bytes, each padded to 8) follow the fixed
 * part up to hdr.size. */
struct btrace_syscall {
	struct btrace_hdr hdr;
	__s64 nr;
	__s64 ret;
	__u64 duration_ns;
	__u64 args[BTRACE_MAX_ARGS];
};

/* What the kernel side reads from user memory for an argument. */
enum btrace_capture_how {
	BTRACE_CAP_NONE = 0,
	BTRACE_CAP_PATH,           /* NUL-terminated, up to BTRACE_PATH_MAX */
	BTRACE_CAP_STR,            /* NUL-terminated, up to string_max */
	BTRACE_CAP_BUF_ARG,        /* args[len_arg] bytes, up to data_max */
	BTRACE_CAP_BUF_RET,        /* ret bytes when ret > 0 (at most args[len_arg] when set), up to data_max */
	BTRACE_CAP_STRUCT_IN,      /* size bytes, times args[len_arg] when len_arg is set */
	BTRACE_CAP_STRUCT_OUT,     /* as STRUCT_IN, only when ret >= 0; count bounded by ret */
	BTRACE_CAP_SOCKADDR_IN,    /* args[len_arg] bytes, up to BTRACE_SOCKADDR_MAX */
	BTRACE_CAP_SOCKADDR_OUT,   /* *(int *)args[len_arg] bytes when ret >= 0 */
	BTRACE_CAP_ARGV,           /* NULL-terminated array of strings */
	BTRACE_CAP_ENVP,           /* NULL-terminated array: counted only */
	BTRACE_CAP_IOVEC_IN,       /* args[len_arg] iovecs: lengths, data up to data_max */
	BTRACE_CAP_IOVEC_OUT,      /* as IOVEC_IN, data up to ret */
	BTRACE_CAP_FD_DESC,        /* what an fd refers to after the call: struct btrace_fd_desc */
	BTRACE_CAP_MSGHDR_IN,      /* struct user_msghdr, then its name and iovecs (data up to data_max) */
	BTRACE_CAP_MSGHDR_OUT,     /* as MSGHDR_IN after a successful call, data up to ret */
	BTRACE_CAP_DIRENTS,        /* the entries in ret bytes of dirents: counted only */
	BTRACE_CAP_SOCKLEN,        /* a socklen_t * in/out length (btrace_capture_spec.socklen_arg): the
				    * __u32 it held at sys_enter, then, after a successful call, the __u32 after */
	BTRACE_CAP_FDSET,          /* an fd_set of args[len_arg] bits, in longs, when ret != 0 */
	BTRACE_CAP_BLOCKED_MASK,   /* the task's blocked signals after the call (rt_sigreturn restored them) */
	BTRACE_CAP_PASSED_IN,      /* what an argument pointed to at sys_enter, which the kernel rewrites
				    * (select's fd sets, a timeout): read into the slot (btrace_capture_spec
				    * .fdsets_arg, .timeout_arg), sent at sys_exit */
};

/* Which fds a successful call creates or changes (btrace_capture_spec.describe). */
enum btrace_describe {
	BTRACE_DESCRIBE_NONE = 0,
	BTRACE_DESCRIBE_RET,     /* the returned fd (open, socket, accept, dup ...) */
	BTRACE_DESCRIBE_ARG,     /* args[describe_arg] (connect, bind, listen) */
	BTRACE_DESCRIBE_PAIR,    /* the int[2] at args[describe_arg] (pipe, socketpair) */
};

#define BTRACE_MAX_CAPTURES 4
#define BTRACE_PATH_MAX 4096
#define BTRACE_STRING_MAX 4096   /* the largest -s */
#define BTRACE_SOCKADDR_MAX 128
#define BTRACE_STRUCT_MAX 512    /* one STRUCT_* capture, all elements */
#define BTRACE_ARGV_MAX 32       /* strings captured per argv (strace's default) */
#define BTRACE_ENVP_MAX 256      /* envp pointers counted */
#define BTRACE_IOV_MAX 8         /* iovecs captured per call */
#define BTRACE_DIRENTS_MAX 4096  /* dirents counted per getdents */

/* Per syscall number: up to BTRACE_MAX_CAPTURES captures, filled by the
 * loader from the syscall table. */
struct btrace_capture {
	__u8 how; /* enum btrace_capture_how; NONE ends the list */
	__u8 arg;
	__u8 len_arg; /* 0xff: none */
	__u8 at_enter; /* memory passed in: read at sys_enter, into the enter part (else at
			* sys_exit, for a call in flight at attach: not execve's, gone by then) */
	__u16 size;   /* STRUCT_*: bytes per element */
	__u8 when_arg; /* 0xff: every call; else only the operations (fcntl's F_SETLK) */
	__u8 pad;
	__u32 when_mask; /* whose (args[when_arg] & when_mask) - when_base */
	__u32 when_base; /* (ioctl's TCGETS, 0x5401: 0x5400) */
	__u64 when_values; /* is a bit set here (below 64) */
};

struct btrace_capture_spec {
	struct btrace_capture items[BTRACE_MAX_CAPTURES];
	__u8 describe;     /* enum btrace_describe */
	__u8 describe_arg;
	__u8 named_fd_arg; /* 1 + the fd argument shown by name (BTRACE_PAYLOAD_FD_SEEN); 0: none */
	__u8 socklen_arg;  /* 1 + a socklen_t * in/out argument (BTRACE_CAP_SOCKLEN); 0: none */
	__u8 fdsets_arg;   /* 1 + the first of three fd_set * arguments of args[0] bits (select); 0: none */
	__u8 timeout_arg;  /* 1 + a timeout the kernel rewrites with the time left; 0: none */
	__u8 enter_items;  /* how many of items are at_enter */
	__u8 pad;
};

/* Bits of each fd set read as passed in (fds below 256); strace reads them all. */
#define BTRACE_FDSET_WORDS 4

/* What select, pselect6 and ppoll are passed that the kernel rewrites before
 * sys_exit, read at sys_enter into the call's slot. */
struct btrace_passed_in {
	__u64 sets[3][BTRACE_FDSET_WORDS];
	__u8 timeout[16]; /* struct __kernel_timespec or __kernel_old_timeval */
	__u32 present;    /* BTRACE_PASSED_SET(k), BTRACE_PASSED_TIMEOUT: read */
	__u32 pad;
};
#define BTRACE_PASSED_SET(k) (1u << (k))
#define BTRACE_PASSED_TIMEOUT (1u << 3)

/* BTRACE_CAP_FD_DESC payloads carry this arg marker instead of an argument index. */
#define BTRACE_PAYLOAD_FD_DESC 0x80
/* A MSGHDR capture's parts after the struct itself: the name (a sockaddr) and
 * the iovecs (as an IOVEC payload). */
#define BTRACE_PAYLOAD_MSG_NAME 0x81
#define BTRACE_PAYLOAD_MSG_IOV 0x82
/* --sched: where the call's time went (struct btrace_sched), last in the record. */
#define BTRACE_PAYLOAD_SCHED 0x83
/* The file behind the named fd argument as the call began and ended (struct btrace_fd_seen). */
#define BTRACE_PAYLOAD_FD_SEEN 0x84
/* A struct btrace_passed_in payload carries this arg marker. */
#define BTRACE_PAYLOAD_PASSED_IN 0x85
/* -k: struct btrace_user_stack, then the copy of the user stack from its sp;
 * last in the record, past the CURSOR_MASK bound of the other payloads. */
#define BTRACE_PAYLOAD_USER_STACK 0x86
/* -k, a successful execve: the new image's executable (a btrace_fd_desc of
 * fd -1) and the kernel's saved auxv (AT_PHDR, AT_BASE: where it and its
 * interpreter were loaded), so the consumer knows the mappings the kernel
 * made, which no mmap record tells. */
#define BTRACE_PAYLOAD_EXE 0x87
#define BTRACE_PAYLOAD_AUXV 0x88
/* --kernel-stack: where in the kernel the call last left its CPU (blocked or
 * preempted): an __s32, its id in the kernel_stacks map (a negative error if
 * the stack could not be kept). Not sent for a call that never left it. */
#define BTRACE_PAYLOAD_KERNEL_STACK 0x89
#define BTRACE_KERNEL_STACK_DEPTH 127 /* PERF_MAX_STACK_DEPTH */
#define BTRACE_MSGHDR_SIZE 56 /* struct user_msghdr on 64-bit */

enum btrace_fd_kind {
	BTRACE_FD_UNKNOWN = 0,
	BTRACE_FD_FILE,   /* name: path components, leaf first, each NUL-terminated */
	BTRACE_FD_SOCKET, /* AF_UNIX: name = bound path, name2 = the peer's */
	BTRACE_FD_PIPE,
	BTRACE_FD_ANON,   /* name: the anon inode's name, e.g. "[eventfd]" */
};

/* A BTRACE_CAP_FD_DESC payload: this, then name_len + name2_len bytes. */
struct btrace_fd_desc {
	__s32 fd;
	__u8 kind;
	__u8 cloexec;
	__u16 family;
	__u64 inode;
	__u16 type;
	__u16 protocol;
	__u16 local_port;  /* host order */
	__u16 remote_port; /* host order */
	__u8 state;
	__u8 truncated;    /* the path walk stopped before the root */
	__u16 name_len;
	__u16 name2_len;
	__u8 deleted;      /* the file is unlinked (a memfd always): " (deleted)" as in /proc */
	__u8 pad;
	__u8 local_addr[16]; /* network order; IPv4 in the first 4 bytes */
	__u8 remote_addr[16];
	__u32 dev;         /* the inode's filesystem (the kernel's dev_t: major << 20 | minor) */
	__u32 pad2;
};

/* Which file an fd held: no two files open at once have the same. ino 0: none. */
struct btrace_file_id {
	__u64 ino;
	__u32 dev; /* as btrace_fd_desc.dev */
	__u32 pad;
};

/* A BTRACE_PAYLOAD_FD_SEEN payload, sent for calls of processes whose threads
 * share their fd table: the file behind the named fd argument when the call
 * began and when it ended. Another thread may close and reopen that fd while
 * the call runs; the call used one of these (or, if one is none, the other),
 * so the consumer can name the fd by it rather than leave it unknown. */
struct btrace_fd_seen {
	__s32 fd;
	__u32 pad;
	struct btrace_file_id at_enter;
	struct btrace_file_id at_exit;
};

/* -k: what a DWARF unwind in the consumer starts from (perf's --call-graph
 * dwarf): the user registers as the call entered, in the architecture's DWARF
 * numbering (x86_64: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip; arm64:
 * x0-x30 sp pc), then up to BTRACE_STACK_COPY_MAX bytes of the stack from sp,
 * up to the end of its mapping. The payload's count: the registers filled. */
#define BTRACE_USER_REGS_MAX 33
/* With the payload and register headers, it fits past the last record
 * offset the other payloads can reach (2 x CURSOR_MASK) in the batch. */
#define BTRACE_STACK_COPY_MAX 7672
struct btrace_user_stack {
	__u64 regs[BTRACE_USER_REGS_MAX];
	__u64 sp;
	__u64 start_stack; /* the process image's (mm->start_stack, /proc/PID/stat's startstack):
			    * mappings read from /proc are of this image only if it matches */
};

/* btrace_payload.flags */
#define BTRACE_PAYLOAD_TRUNCATED (1u << 0) /* more was there than was captured */
#define BTRACE_PAYLOAD_FAULT (1u << 1)     /* reading user memory failed */
/* memory passed in that sys_enter could not read (not paged in yet: a BPF
 * program cannot fault it in), read at sys_exit in a process whose memory
 * another thread shares: it may have been rewritten after the kernel read it */
#define BTRACE_PAYLOAD_AFTER_CALL (1u << 2)

struct btrace_payload {
	__u8 arg;
	__u8 how;
	__u16 len;   /* bytes that follow (then padding to 8) */
	__u16 flags;
	__u16 count; /* ARGV: strings; ENVP: pointers; IOVEC: entries; STRUCT: elements */
};

/* One iovec inside an IOVEC payload: then `captured` bytes, padded to 8. */
struct btrace_iov {
	__u64 iov_len;
	__u32 captured;
	__u32 pad;
};

/* The kernel's siginfo: si_signo, si_errno, si_code and the fields union,
 * laid out as the user's siginfo_t begins. */
#define BTRACE_SIGINFO_BYTES 48

struct btrace_signal {
	struct btrace_hdr hdr; /* the thread it is delivered to */
	__s32 signo;
	__u32 pad;
	__u8 siginfo[BTRACE_SIGINFO_BYTES];
};

/* What one CPU could not deliver since its last record that went out: sent
 * ahead of that CPU's next records, ordered at the first one lost, so the
 * gap is marked where it is. Only the calls the selection shows count as
 * calls; fd-only, fork, exit and signal records as others. */
#define BTRACE_LOSS_TGIDS 8
struct btrace_loss {
	struct btrace_hdr hdr; /* ts_ns: the first lost record's order; tgid, tid 0 */
	__u32 calls;
	__u32 others;
	/* Processes whose fds or mappings (-k) may have changed in the gap
	 * (lost calls that change them, or a lost fork's child), with what may
	 * have changed (btrace_loss_change bits); every traced process for the
	 * bits in overflow_changes. */
	__u32 tgid_count;
	__u32 overflow_changes;
	__u32 tgids[BTRACE_LOSS_TGIDS];
	__u8 changes[BTRACE_LOSS_TGIDS];
};

enum btrace_loss_change {
	BTRACE_LOSS_FDS = 1,
	BTRACE_LOSS_MAPPINGS = 2,
};

/* Per CPU, in an mmapped array: the order of the oldest record this CPU
 * holds back (in its batch, or lost and not yet reported), 0 if none. The
 * consumer prints nothing past the oldest of these. Padded to a cache line. */
struct btrace_cpu_pending {
	__u64 since_ns;
	__u64 pad[7];
};

struct btrace_fork {
	struct btrace_hdr hdr; /* the parent */
	__u32 child_tgid;
	__u32 pad;
};

/* --sched: what a call in flight is doing right now (btrace_inflight.sched_state). */
enum btrace_sched_state {
	BTRACE_SCHED_NONE = 0,    /* not followed: split off, or in flight when tracing began */
	BTRACE_SCHED_RUNNING = 1, /* on a CPU */
	BTRACE_SCHED_BLOCKED = 2, /* off CPU and not runnable: sleeping on something */
	BTRACE_SCHED_RUNQ = 3,    /* runnable, waiting for a CPU */
};

/* Who woke a call that blocked (btrace_sched.waker_kind). */
enum btrace_waker_kind {
	BTRACE_WAKER_NONE = 0,    /* never blocked, or woken before it was off the CPU */
	BTRACE_WAKER_TASK = 1,    /* waker_tid / waker_comm */
	BTRACE_WAKER_IRQ = 2,     /* an interrupt (hard or soft) on an idle CPU */
	BTRACE_WAKER_UNSEEN = 3,  /* it ran again, but its wakeup was not seen (the kernel skips a
				   * tracing program that is already running on that CPU) */
};

/* A BTRACE_PAYLOAD_SCHED payload: the call's duration split by what the
 * thread was doing; the three parts add up to the duration. */
struct btrace_sched {
	__u64 cpu_ns;     /* running */
	__u64 blocked_ns; /* sleeping, not runnable */
	__u64 runq_ns;    /* runnable, not running: CPU contention */
	__u32 switches;   /* times the thread left the CPU during the call */
	__u32 waker_tid;
	__u8 waker_kind;  /* enum btrace_waker_kind: the last wakeup */
	__u8 pad[7];
	char waker_comm[BTRACE_COMM_LEN];
};

/* The in-flight map's value: a call between sys_enter and sys_exit, keyed by
 * tid. Userspace writes one for each call already in flight at attach. */
struct btrace_inflight {
	__u64 ts_ns; /* 0: no call in flight */
	__s64 nr;    /* BTRACE_NR_SKIPPED: the next sys_exit is ignored */
	__u64 args[BTRACE_MAX_ARGS]; /* execve only: the others are read at sys_exit */
	__u32 flags; /* BTRACE_SYS_* copied to the record, or BTRACE_INFLIGHT_COUNT_ONLY */
	__u32 sched_state; /* enum btrace_sched_state, since sched_since_ns */
	__u64 sched_since_ns;
	struct btrace_sched sched; /* so far */
	__u32 read_again; /* bit i: the capture spec's item i faulted at sys_enter: read at sys_exit */
	__s32 seen_fd;  /* with BTRACE_INFLIGHT_FD_SEEN: the named fd argument, */
	struct btrace_file_id seen_at_enter; /* and what it held at sys_enter */
	__u32 socklen_in; /* with BTRACE_INFLIGHT_SOCKLEN: *args[socklen_at] at sys_enter */
	__u32 socklen_at;
	__u32 enter_cpu;  /* with BTRACE_SYS_INPUT_AT_ENTER: the CPU whose batch took the enter part, */
	__u32 enter_lost; /* and its lost_batches then: if that changed, the part may be lost */
	struct btrace_passed_in passed_in; /* with BTRACE_INFLIGHT_PASSED_IN */
	__s32 kernel_stack; /* --kernel-stack: the stack id of its last switch-out, a negative
			     * error, or BTRACE_NO_KERNEL_STACK: it never left the CPU */
	__u32 pad;
};
#define BTRACE_NO_KERNEL_STACK (-0x7fffffff)

/* btrace_inflight.flags: a call the monitor's selection leaves out (-e trace=,
 * idle waits), timed for its histograms only and never sent. */
#define BTRACE_INFLIGHT_COUNT_ONLY (1u << 31)
/* btrace_inflight.flags: seen_fd and seen_at_enter were read for this call. */
#define BTRACE_INFLIGHT_FD_SEEN (1u << 30)
/* btrace_inflight.flags: socklen_in was read for this call. */
#define BTRACE_INFLIGHT_SOCKLEN (1u << 29)
/* btrace_inflight.flags: passed_in was read for this call. */
#define BTRACE_INFLIGHT_PASSED_IN (1u << 28)
/* The slot's own flags, which stay out of the record. */
#define BTRACE_INFLIGHT_OWN \
	(BTRACE_INFLIGHT_COUNT_ONLY | BTRACE_INFLIGHT_FD_SEEN | BTRACE_INFLIGHT_SOCKLEN | BTRACE_INFLIGHT_PASSED_IN)

/* A fork child's first sys_exit is the return from clone, which it never entered. */
/* A call -e trace= leaves out: its sys_exit is expected and ignored. */
#define BTRACE_NR_SKIPPED (-2)

struct btrace_exit {
	struct btrace_hdr hdr;
	__u32 status; /* wait(2) status: (code << 8) or signal number | 0x80 core dump */
	__u32 pad;
};

/* A per-CPU batch of records (see bpf/batch.bpf.h). The consumer reads these
 * directly only after detaching, to collect what was never flushed. */
#define BTRACE_BATCH_BYTES 8192 /* flushed once this full; a power of two (verifier masks);
                                * with the record room, under the 32K per-CPU value limit */
#define BTRACE_RECORD_MAX 16384  /* room past the batch's last start offset: a record is at most
                                * half of it (the capture cursor's mask), the rest absorbs
                                * the masked writes the verifier cannot bound tighter */

struct btrace_batch {
	__u32 len;
	__u32 records;
	__u64 first_ts_ns;
	__u32 busy; /* a record is being written: a flush run on this CPU (an IPI) must wait */
	__u32 lost_batches; /* batches the ring had no room for, so far */
	struct btrace_loss loss; /* loss.calls + loss.others > 0: a loss not yet reported */
	__u8 data[BTRACE_BATCH_BYTES + BTRACE_RECORD_MAX];
};

/* Syscall numbers that are traced (-e trace=): bit nr of words[nr / 64]. While
 * filters are on, the calls in fd_words that the filters leave out are still
 * sent as BTRACE_SYS_FDS_ONLY records, so that fd names stay right. */
#define BTRACE_NR_MAX 1024
struct btrace_syscall_set {
	__u64 words[BTRACE_NR_MAX / 64];
	__u64 fd_words[BTRACE_NR_MAX / 64]; /* calls that create, close or change fds */
	__u64 maps_words[BTRACE_NR_MAX / 64]; /* -k: calls that map or unmap memory, sent
					       * alike so stacks can be symbolized */
};

/* -e status= (and -z, -Z, --failure): which completions are shown. */
#define BTRACE_STATUS_SUCCESSFUL (1u << 0)
#define BTRACE_STATUS_FAILED (1u << 1)
#define BTRACE_STATUS_UNFINISHED (1u << 2) /* exit/exit_group: never return */
#define BTRACE_STATUS_ALL 7u
#define BTRACE_ERRNO_FILTER_MAX 8

/* Summary statistics (-c, -S), kept in the kernel so they are exact even
 * when records are lost. Key: the syscall and, with --summary-by, who made it. */
#define BTRACE_HIST_BUCKETS 40 /* log2(ns): bucket b holds [2^(b-1), 2^b) ns, b = 0 for 0 ns */
struct btrace_stats_key {
	__u32 nr;
	__u32 id;     /* 0, the tgid or the tid; in the errors map, the errno */
	__u64 cgroup; /* BY_CGROUP: the cgroup v2 id */
	char comm[BTRACE_COMM_LEN]; /* BY_COMM */
};

struct btrace_stats {
	__u64 calls;
	__u64 errors;
	__u64 total_ns;
	__u64 min_ns;
	__u64 max_ns;
	__u64 hist[BTRACE_HIST_BUCKETS];
	char comm[BTRACE_COMM_LEN];
};

/* --sched with a summary (or the monitor): per key of the statistics, the
 * calls' on-CPU, blocked and runqueue time, in totals and log2 histograms. */
enum btrace_sched_part { BTRACE_PART_CPU = 0, BTRACE_PART_BLOCKED = 1, BTRACE_PART_RUNQ = 2, BTRACE_PARTS = 3 };
struct btrace_sched_stats {
	__u64 calls;
	__u64 switches;
	__u64 total_ns[BTRACE_PARTS];
	__u64 hist[BTRACE_PARTS][BTRACE_HIST_BUCKETS];
};

/* A slot of the per-CPU cache in front of the keyed statistics map: a key's
 * calls on one CPU are counted here for good once the key has the slot
 * (calls > 0), or in the map when another key took it first. */
struct btrace_cached_stats {
	struct btrace_stats_key key;
	struct btrace_stats stats;
};

#define BTRACE_STATS_CACHE_SLOTS 512 /* per CPU; a power of two */

enum btrace_summary_by {
	BTRACE_SUMMARY_BY_SYSCALL = 0,
	BTRACE_SUMMARY_BY_PROCESS = 1,
	BTRACE_SUMMARY_BY_THREAD = 2,
	BTRACE_SUMMARY_BY_COMM = 3,   /* monitor: per (syscall, command name) */
	BTRACE_SUMMARY_BY_CGROUP = 4, /* monitor: per (syscall, cgroup) */
};

/* Per-CPU counters of what the kernel side lost or could not pair. */
enum btrace_counter {
	BTRACE_CNT_RB_FULL = 0,      /* ring-buffer reserve failed: record lost */
	BTRACE_CNT_STASH_FULL = 1,   /* no in-flight slot for the thread (out of memory): call lost */
	BTRACE_CNT_MISSED_ENTER = 2, /* sys_exit of a traced thread with no sys_enter: a call the kernel
				      * turned away before its enter tracepoint (seccomp, ptrace), or nr -1
				      * (sys_enter ignores it). Detaching takes sys_exit first, so that
				      * calls starting meanwhile are not counted. */
	BTRACE_CNT_STATS_FULL = 3,   /* summary map full: a call not counted */
	BTRACE_CNT_STATS_KEYS = 4,   /* keys inserted into the stats map (LRU: minus live keys = evicted) */
	BTRACE_CNT_ERROR_KEYS = 5,   /* keys inserted into the errors map */
	BTRACE_CNT_FATAL_SIGNALS_FULL = 6, /* a fatal signal's line lost: too many groups dying at once */
	BTRACE_CNT_MAX = 7,
};

/* Value in the targets map. */
enum btrace_target_state {
	BTRACE_TARGET_ACTIVE = 1,
	BTRACE_TARGET_AWAIT_EXEC = 2, /* launched child: start at its execve, not before */
};

#endif
