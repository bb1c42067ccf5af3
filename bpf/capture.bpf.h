// SPDX-License-Identifier: GPL-2.0-only
/* Reading argument memory (paths, strings, buffers, structs, argv, iovecs,
 * sockaddrs) into a record's payloads, driven by a per-syscall spec map that
 * the loader fills from the syscall table: no syscall is named here.
 *
 * Payloads are written straight into this CPU's batch after the record's
 * fixed part. Every write is at batch_at(start) + (cursor & CURSOR_MASK) with
 * a bounded size, so the verifier can prove it stays inside the batch. */
#ifndef BTRACE_CAPTURE_BPF_H
#define BTRACE_CAPTURE_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "btrace/event.h"
#include "batch.bpf.h"
#include "syscall_regs.bpf.h"

#define CURSOR_MASK (BTRACE_RECORD_MAX / 2 - 1)
/* A payload may start only while this much room is left before CURSOR_MASK:
 * its header, max bytes and a string's NUL, padded to 8 as close_payload pads. */
#define PAYLOAD_ROOM(max) ((((max) + 8) & ~7ull) + sizeof(struct btrace_payload))

const volatile __u32 string_max = 256; /* -s: strings and buffers */
/* Bytes read of each data buffer (read/write/send/recv, iovecs, a msghdr's
 * data): -s, or 0 where data is not shown (the monitor; --no-data), so that
 * nothing of it is read and the buffer shows as ""... */
const volatile __u32 data_max = 256;
const volatile bool capture_enabled = true; /* --raw or -c: off */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BTRACE_NR_MAX);
	__type(key, __u32);
	__type(value, struct btrace_capture_spec);
} capture_specs SEC(".maps");

struct capture_ctx {
	struct btrace_batch *b;
	__u32 start;   /* the record's offset in the batch */
	__u32 cursor;  /* bytes of the record written so far */
	const __u64 *args;
	long ret;
};

static __always_inline __u64 arg_at(const __u64 *args, __u8 i)
{
	return i < BTRACE_MAX_ARGS ? args[i] : 0;
}

static __always_inline __u8 *at_cursor(struct capture_ctx *c, __u32 cursor)
{
	return (__u8 *)batch_at(c->b, c->start) + (cursor & CURSOR_MASK);
}

static __always_inline bool has_room(const struct capture_ctx *c, __u32 max)
{
	return c->cursor + PAYLOAD_ROOM(max) <= CURSOR_MASK;
}

static __always_inline __u64 bounded(__u64 value, __u64 max)
{
	barrier_var(value);
	if (value > max)
		value = max;
	barrier_var(value);
	return value;
}

static __always_inline __u32 pad8(__u32 n)
{
	return (n + 7) & ~7u;
}

/* Fills a payload header; returns how far the cursor moves past it and its
 * len bytes of data. */
static __always_inline __u32 payload_header(struct btrace_payload *p, __u8 arg, __u8 how, __u32 len, __u16 flags,
					    __u16 count)
{
	p->arg = arg;
	p->how = how;
	p->len = len;
	p->flags = flags;
	p->count = count;
	return sizeof(*p) + pad8(len);
}

/* Where a payload goes that follows the record at start (size bytes so far),
 * for the parts the record's own call adds after its captures. Records end
 * below CURSOR_MASK: the mask only shows the verifier. */
static __always_inline struct btrace_payload *payload_after(struct btrace_batch *b, __u32 start, __u32 size)
{
	return (struct btrace_payload *)((__u8 *)batch_at(b, start) + (size & CURSOR_MASK));
}

/* Writes the payload header at the cursor and advances past header + data. */
static __always_inline void close_payload(struct capture_ctx *c, const struct btrace_capture *item,
					  __u32 len, __u16 flags, __u16 count)
{
	struct btrace_payload *p = (struct btrace_payload *)at_cursor(c, c->cursor);

	c->cursor += payload_header(p, item->arg, item->how, len, flags, count);
}

static __always_inline void capture_str(struct capture_ctx *c, const struct btrace_capture *item,
					__u64 max)
{
	const void *src = (const void *)arg_at(c->args, item->arg);
	__u8 *dst = at_cursor(c, c->cursor + sizeof(struct btrace_payload));
	long n;

	if (!src)
		return; /* NULL: the raw argument says it all */
	/* STR reads -s plus one byte to tell a cut string from one that fits */
	n = bpf_probe_read_user_str(dst, bounded(max, BTRACE_STRING_MAX + 1), src);
	if (n < 0) {
		close_payload(c, item, 0, BTRACE_PAYLOAD_FAULT, 0);
		return;
	}
	/* n counts the NUL; a string that filled the buffer may go on */
	close_payload(c, item, n > 0 ? n - 1 : 0, (__u64)n >= max ? BTRACE_PAYLOAD_TRUNCATED : 0, 0);
}

static __always_inline void capture_bytes(struct capture_ctx *c, const struct btrace_capture *item,
					  const void *src, __u64 len, __u64 max, __u16 count)
{
	__u64 take = bounded(len, max);
	__u8 *dst = at_cursor(c, c->cursor + sizeof(struct btrace_payload));

	if (!src)
		return;
	take = bounded(take, BTRACE_STRING_MAX);
	if (take && bpf_probe_read_user(dst, take, src)) {
		close_payload(c, item, 0, BTRACE_PAYLOAD_FAULT, count);
		return;
	}
	close_payload(c, item, take, len > take ? BTRACE_PAYLOAD_TRUNCATED : 0, count);
}

/* State of one argv/envp walk; bpf_loop() verifies the step once rather
 * than once per element. */
struct argv_walk {
	const __u64 *argv;
	__u32 start;      /* the record's offset in the batch */
	__u32 string_at;  /* cursor where the next string goes */
	__u16 count;
	__u16 flags;
	bool strings;     /* argv: keep the strings; envp: count only */
	bool ended;       /* reached the NULL that ends the array */
};

static long argv_step(__u32 i, void *ctx)
{
	struct argv_walk *w = ctx;
	__u64 ptr = 0;

	if (w->strings && i >= BTRACE_ARGV_MAX)
		return 1;
	if (bpf_probe_read_user(&ptr, sizeof(ptr), &w->argv[i])) {
		w->flags |= BTRACE_PAYLOAD_FAULT;
		return 1;
	}
	if (!ptr) {
		w->ended = true;
		return 1;
	}
	w->count++;
	if (!w->strings)
		return 0;
	struct btrace_batch *b = this_cpu_batch();
	if (!b || w->string_at + string_max + 2 > CURSOR_MASK) {
		w->flags |= BTRACE_PAYLOAD_TRUNCATED;
		return 1;
	}
	__u8 *dst = (__u8 *)batch_at(b, w->start) + (w->string_at & CURSOR_MASK);
	/* -s plus one byte: an element that long was cut (the consumer shows -s and "...") */
	long n = bpf_probe_read_user_str(dst, bounded(string_max + 2, BTRACE_STRING_MAX + 2), (const void *)ptr);
	if (n < 0) {
		w->flags |= BTRACE_PAYLOAD_FAULT;
		return 1;
	}
	w->string_at += n; /* strings stay NUL-separated */
	return 0;
}

static __always_inline void capture_argv(struct capture_ctx *c, const struct btrace_capture *item,
					 bool strings)
{
	struct argv_walk w = {
		.argv = (const __u64 *)arg_at(c->args, item->arg),
		.start = c->start,
		.string_at = c->cursor + sizeof(struct btrace_payload),
		.strings = strings,
	};

	if (!w.argv)
		return;
	bpf_loop(BTRACE_ENVP_MAX, argv_step, &w, 0);
	if (!w.ended) /* stopped early: more elements than were captured */
		w.flags |= BTRACE_PAYLOAD_TRUNCATED;
	close_payload(c, item, w.string_at - c->cursor - sizeof(struct btrace_payload), w.flags, w.count);
}

/* State of one dirent count: getdents's records are chained by d_reclen,
 * at the same offset in linux_dirent and linux_dirent64. */
struct dirent_walk {
	const __u8 *buf;
	__u64 len;
	__u64 off;
	__u16 count;
	__u16 flags;
};

#define BTRACE_DIRENT_RECLEN_OFF 16

static long dirent_step(__u32 i, void *ctx)
{
	struct dirent_walk *w = ctx;
	__u16 reclen = 0;

	if (w->off >= w->len)
		return 1;
	if (bpf_probe_read_user(&reclen, sizeof(reclen), w->buf + w->off + BTRACE_DIRENT_RECLEN_OFF) || !reclen) {
		w->flags |= BTRACE_PAYLOAD_FAULT;
		return 1;
	}
	w->off += reclen;
	w->count++;
	return 0;
}

static __always_inline void capture_dirents(struct capture_ctx *c, const struct btrace_capture *item)
{
	struct dirent_walk w = {.buf = (const __u8 *)arg_at(c->args, item->arg), .len = c->ret};

	bpf_loop(BTRACE_DIRENTS_MAX, dirent_step, &w, 0);
	if (!w.flags && w.off < w.len) /* more entries than were counted */
		w.flags |= BTRACE_PAYLOAD_TRUNCATED;
	close_payload(c, item, 0, w.flags, w.count);
}

/* State of one iovec walk (bpf_loop step). */
struct iovec_walk {
	const struct iovec *iov;
	__u64 iovcnt;
	__u64 budget;     /* data bytes still to capture */
	__u32 start;      /* the record's offset in the batch */
	__u32 entry_at;   /* cursor of the next btrace_iov */
	__u16 count;
	__u16 flags;
};

/* The walk's state lives in a per-CPU map, not on the stack: the verifier
 * then knows nothing of its values at a step and checks the step once,
 * instead of once per iteration with ever-different ranges (8K of the 12K
 * instructions it checked for sys_exit, at every start). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iovec_walk);
} iovec_walks SEC(".maps");

static long iovec_step(__u32 i, void *ctx)
{
	__u32 zero = 0;
	struct iovec_walk *w = bpf_map_lookup_elem(&iovec_walks, &zero);
	struct iovec v;

	if (!w || i >= w->iovcnt)
		return 1;
	if (bpf_probe_read_user(&v, sizeof(v), &w->iov[i])) {
		w->flags |= BTRACE_PAYLOAD_FAULT;
		return 1;
	}
	struct btrace_batch *b = this_cpu_batch();
	if (!b || w->entry_at + sizeof(struct btrace_iov) + data_max > CURSOR_MASK) {
		w->flags |= BTRACE_PAYLOAD_TRUNCATED;
		return 1;
	}
	__u8 *base = batch_at(b, w->start);
	struct btrace_iov *hdr = (struct btrace_iov *)(base + (w->entry_at & CURSOR_MASK));
	__u64 take = bounded(bounded(v.iov_len, w->budget), BTRACE_STRING_MAX);
	__u8 *dst = base + ((w->entry_at + sizeof(*hdr)) & CURSOR_MASK);
	if (take && bpf_probe_read_user(dst, take, v.iov_base)) {
		w->flags |= BTRACE_PAYLOAD_FAULT;
		take = 0;
	}
	hdr->iov_len = v.iov_len;
	hdr->captured = take;
	hdr->pad = 0;
	w->budget -= take;
	w->entry_at += sizeof(*hdr) + pad8(take);
	w->count++;
	return 0;
}

static __always_inline void capture_iovec_at(struct capture_ctx *c, const struct btrace_capture *item,
					     const struct iovec *iov, __u64 iovcnt, __u64 budget)
{
	__u32 zero = 0;
	struct iovec_walk *w = bpf_map_lookup_elem(&iovec_walks, &zero);

	if (!w || !iov)
		return;
	*w = (struct iovec_walk){
		.iov = iov,
		.iovcnt = iovcnt,
		.budget = budget,
		.start = c->start,
		.entry_at = c->cursor + sizeof(struct btrace_payload),
		.flags = iovcnt > BTRACE_IOV_MAX ? BTRACE_PAYLOAD_TRUNCATED : 0,
	};
	bpf_loop(BTRACE_IOV_MAX, iovec_step, NULL, 0);
	close_payload(c, item, w->entry_at - c->cursor - sizeof(struct btrace_payload), w->flags, w->count);
}

static __always_inline void capture_iovec(struct capture_ctx *c, const struct btrace_capture *item,
					  __u64 budget)
{
	capture_iovec_at(c, item, (const struct iovec *)arg_at(c->args, item->arg), arg_at(c->args, item->len_arg),
			 budget);
}

/* sendmsg/recvmsg: the msghdr as the call left it, then its name and its
 * iovecs as payloads of their own (the same forms as the other calls'). */
static __always_inline void capture_msghdr(struct capture_ctx *c, const struct btrace_capture *item, __u64 budget)
{
	const void *src = (const void *)arg_at(c->args, item->arg);
	struct user_msghdr m;

	_Static_assert(sizeof(m) == BTRACE_MSGHDR_SIZE, "the user's msghdr, as the consumer reads it");
	if (!src)
		return;
	if (bpf_probe_read_user(&m, sizeof(m), src)) {
		close_payload(c, item, 0, BTRACE_PAYLOAD_FAULT, 0);
		return;
	}
	bpf_probe_read_kernel(at_cursor(c, c->cursor + sizeof(struct btrace_payload)), sizeof(m), &m);
	close_payload(c, item, sizeof(m), 0, 0);
	struct btrace_capture part = *item;
	if (m.msg_name && has_room(c, BTRACE_SOCKADDR_MAX)) {
		part.arg = BTRACE_PAYLOAD_MSG_NAME;
		part.how = BTRACE_CAP_SOCKADDR_IN;
		capture_bytes(c, &part, m.msg_name, m.msg_namelen < 0 ? 0 : m.msg_namelen, BTRACE_SOCKADDR_MAX, 0);
	}
	if (has_room(c, bounded(data_max, BTRACE_STRING_MAX))) {
		part.arg = BTRACE_PAYLOAD_MSG_IOV;
		part.how = item->how == BTRACE_CAP_MSGHDR_IN ? BTRACE_CAP_IOVEC_IN : BTRACE_CAP_IOVEC_OUT;
		capture_iovec_at(c, &part, m.msg_iov, m.msg_iovlen, budget);
	}
}

static __always_inline void capture_one(struct capture_ctx *c, const struct btrace_capture *item)
{
	const __u64 *args = c->args;
	__u64 smax = bounded(string_max, BTRACE_STRING_MAX);
	__u64 dmax = bounded(data_max, BTRACE_STRING_MAX);
	__u64 count = item->len_arg < BTRACE_MAX_ARGS ? arg_at(args, item->len_arg) : 1;

	switch (item->how) {
	case BTRACE_CAP_PATH:
		if (has_room(c, BTRACE_PATH_MAX))
			capture_str(c, item, BTRACE_PATH_MAX);
		break;
	case BTRACE_CAP_ARGV:
	case BTRACE_CAP_ENVP:
		if (has_room(c, BTRACE_STRING_MAX))
			capture_argv(c, item, item->how == BTRACE_CAP_ARGV);
		break;
	case BTRACE_CAP_STR:
		if (has_room(c, smax))
			capture_str(c, item, smax + 1);
		break;
	case BTRACE_CAP_BUF_ARG:
		if (has_room(c, dmax))
			capture_bytes(c, item, (const void *)arg_at(args, item->arg), arg_at(args, item->len_arg), dmax, 0);
		break;
	case BTRACE_CAP_BUF_RET: {
		/* what the kernel wrote: its result, but never past the buffer's
		 * size (recvfrom's MSG_TRUNC returns the datagram's whole length) */
		__u64 wrote = c->ret;
		if (item->len_arg < BTRACE_MAX_ARGS && wrote > arg_at(args, item->len_arg))
			wrote = arg_at(args, item->len_arg);
		if (c->ret >= 0 && has_room(c, dmax))
			capture_bytes(c, item, (const void *)arg_at(args, item->arg), wrote, dmax, 0);
		break;
	}
	case BTRACE_CAP_STRUCT_OUT:
		if (c->ret < 0)
			break;
		if (item->len_arg < BTRACE_MAX_ARGS && (__u64)c->ret < count)
			count = c->ret; /* epoll_wait: only the filled elements */
		/* fall through */
	case BTRACE_CAP_STRUCT_IN:
		if (has_room(c, BTRACE_STRUCT_MAX))
			capture_bytes(c, item, (const void *)arg_at(args, item->arg), count * item->size,
				      BTRACE_STRUCT_MAX, bounded(count, 0xffff));
		break;
	case BTRACE_CAP_FDSET: {
		/* n bits, which the kernel reads and writes in whole longs; a
		 * timeout (0) rewrote the set empty and shows no fds */
		__s32 nfds = (__s32)arg_at(args, item->len_arg);

		if (c->ret != 0 && nfds > 0 && has_room(c, BTRACE_STRUCT_MAX))
			capture_bytes(c, item, (const void *)arg_at(args, item->arg), ((__u64)nfds + 63) / 64 * 8,
				      BTRACE_STRUCT_MAX, 0);
		break;
	}
	case BTRACE_CAP_SOCKADDR_IN:
		if (has_room(c, BTRACE_SOCKADDR_MAX))
			capture_bytes(c, item, (const void *)arg_at(args, item->arg), arg_at(args, item->len_arg),
				      BTRACE_SOCKADDR_MAX, 0);
		break;
	case BTRACE_CAP_SOCKADDR_OUT: {
		int addrlen = 0;
		if (c->ret < 0 || !has_room(c, BTRACE_SOCKADDR_MAX) ||
		    bpf_probe_read_user(&addrlen, sizeof(addrlen), (const void *)arg_at(args, item->len_arg)))
			break;
		capture_bytes(c, item, (const void *)arg_at(args, item->arg), addrlen < 0 ? 0 : addrlen,
			      BTRACE_SOCKADDR_MAX, 0);
		break;
	}
	case BTRACE_CAP_IOVEC_IN:
		if (has_room(c, dmax))
			capture_iovec(c, item, dmax);
		break;
	case BTRACE_CAP_IOVEC_OUT:
		if (c->ret > 0 && has_room(c, dmax))
			capture_iovec(c, item, bounded(c->ret, dmax));
		break;
	case BTRACE_CAP_DIRENTS:
		if (c->ret >= 0 && has_room(c, 0))
			capture_dirents(c, item);
		break;
	case BTRACE_CAP_BLOCKED_MASK:
		if (has_room(c, sizeof(__u64))) {
			*(__u64 *)at_cursor(c, c->cursor + sizeof(struct btrace_payload)) =
				bpf_get_current_task_btf()->blocked.sig[0];
			close_payload(c, item, sizeof(__u64), 0, 0);
		}
		break;
	}
}

/* One capture, as a global (non-static) function: the verifier checks it once
 * on its own instead of once per inlined copy, which for four items with
 * argv and iovec loops would exceed its budget. Global functions see their
 * pointer argument as plain memory, so the batch is looked up again here,
 * and the arguments are read from the record there rather than copied. */
struct capture_job {
	__s64 ret;
	__u32 start;
	__u32 cursor;
	struct btrace_capture item;
};

/* The job's context in this CPU's batch (the record's arguments are there). */
static __always_inline bool job_ctx(const struct capture_job *job, struct capture_ctx *c)
{
	struct btrace_batch *b = this_cpu_batch();

	if (!b)
		return false;
	*c = (struct capture_ctx){
		.b = b, .start = job->start, .cursor = job->cursor,
		.args = ((const struct btrace_syscall *)batch_at(b, job->start))->args, .ret = job->ret
	};
	return true;
}

/* sendmsg/recvmsg's msghdr, as a global function of its own: the verifier
 * checks it apart from the other kinds, not once per state they leave. */
__noinline int capture_msghdr_item(struct capture_job *job)
{
	struct capture_ctx c;

	if (!job)
		return 0;
	if (!job_ctx(job, &c))
		return job->cursor;
	__u64 dmax = bounded(data_max, BTRACE_STRING_MAX);
	bool out = job->item.how == BTRACE_CAP_MSGHDR_OUT;

	if ((out && c.ret < 0) || !has_room(&c, BTRACE_MSGHDR_SIZE))
		return c.cursor;
	capture_msghdr(&c, &job->item, out ? bounded(c.ret, dmax) : dmax);
	return c.cursor;
}

__noinline int capture_item(struct capture_job *job)
{
	struct capture_ctx c;

	if (!job)
		return 0;
	if (!job_ctx(job, &c))
		return job->cursor;
	capture_one(&c, &job->item);
	return c.cursor;
}

#include "fd_desc.bpf.h"

static __always_inline __u32 describe_one(__u32 start, __u32 cursor, __s64 fd)
{
	struct describe_job job = { .start = start, .cursor = cursor, .fd = fd };
	int next = describe_fd(&job);

	return next < 0 || next > CURSOR_MASK ? cursor : next;
}

/* Descriptions of the fds a successful call created or changed. */
static __always_inline __u32 describe_fds(const struct btrace_capture_spec *spec, __u32 start, __u32 cursor,
					  const __u64 *args, long ret)
{
	int pair[2];

	switch (spec->describe) {
	case BTRACE_DESCRIBE_RET:
		return describe_one(start, cursor, ret);
	case BTRACE_DESCRIBE_ARG:
		return describe_one(start, cursor, (int)arg_at(args, spec->describe_arg));
	case BTRACE_DESCRIBE_PAIR:
		if (bpf_probe_read_user(pair, sizeof(pair), (const void *)arg_at(args, spec->describe_arg)))
			return cursor;
		cursor = describe_one(start, cursor, pair[0]);
		return describe_one(start, cursor, pair[1]);
	}
	return cursor;
}

enum capture_phase {
	CAPTURE_AT_ENTER,    /* the memory passed in (the at_enter items), for the enter part */
	CAPTURE_AT_EXIT,     /* the other items, and the fds the call made */
	CAPTURE_ALL_AT_EXIT, /* all items: no enter part was sent (a call in flight at attach) */
	CAPTURE_FDS_ONLY,    /* at sys_exit, only the fds (a call sent for the fd table) */
};

/* Whether the call is an operation the item is read for (fcntl's F_SETLK:
 * its struct flock); most items are read for every call. */
static __always_inline bool operation_captures(const struct btrace_capture *item, const __u64 *args)
{
	if (item->when_arg == 0xff)
		return true;
	__u64 value = (arg_at(args, item->when_arg) & item->when_mask) - item->when_base; /* below: wraps past 64 */
	return value < 64 && ((item->when_values >> value) & 1);
}

/* The payloads one item wrote between from and to (a msghdr writes three):
 * whether any faulted; each gets the flags `mark`. */
static __always_inline bool item_payloads(__u32 start, __u32 from, __u32 to, __u16 mark)
{
	struct btrace_batch *b = this_cpu_batch();
	bool faulted = false;

	if (!b)
		return false;
	for (int k = 0; k < 3 && from + sizeof(struct btrace_payload) <= to; k++) {
		struct btrace_payload *p = (struct btrace_payload *)((__u8 *)batch_at(b, start) + (from & CURSOR_MASK));
		faulted |= p->flags & BTRACE_PAYLOAD_FAULT;
		p->flags |= mark;
		from += sizeof(*p) + pad8(p->len);
	}
	return faulted;
}

/* Captures the spec's items for this phase after the fixed part at `start`;
 * returns the record's total size. read_again: bit i for item i read at
 * sys_enter that faulted there (memory not paged in yet, which a BPF program
 * cannot fault in): set at CAPTURE_AT_ENTER, and read again at
 * CAPTURE_AT_EXIT. An item passed in read at sys_exit gets the flags
 * again_mark. */
static __always_inline __u32 capture_payloads(__u32 start, __u32 fixed_size, __s64 nr, const __u64 *args,
					      long ret, enum capture_phase phase, __u32 *read_again,
					      __u16 again_mark)
{
	bool at_enter = phase == CAPTURE_AT_ENTER;
	struct capture_job job = { .ret = ret, .start = start, .cursor = fixed_size };
	__u32 key = nr;
	struct btrace_capture_spec *spec;

	if (!capture_enabled || !(spec = bpf_map_lookup_elem(&capture_specs, &key)))
		return fixed_size;
	for (int i = 0; i < BTRACE_MAX_CAPTURES && phase != CAPTURE_FDS_ONLY; i++) {
		job.item = spec->items[i];
		if (job.item.how == BTRACE_CAP_NONE)
			break;
		bool again = job.item.at_enter && ((phase == CAPTURE_AT_EXIT && (*read_again & (1u << i))) ||
						   phase == CAPTURE_ALL_AT_EXIT);
		if ((phase != CAPTURE_ALL_AT_EXIT && job.item.at_enter != at_enter && !again) ||
		    !operation_captures(&job.item, args))
			continue;
		bool msghdr = job.item.how == BTRACE_CAP_MSGHDR_IN || job.item.how == BTRACE_CAP_MSGHDR_OUT;
		int next = msghdr ? capture_msghdr_item(&job) : capture_item(&job);
		if (next < 0 || next > CURSOR_MASK) /* cannot happen: has_room() bounds it */
			break;
		if ((at_enter || again) && item_payloads(start, job.cursor, next, again ? again_mark : 0) && at_enter)
			*read_again |= 1u << i;
		job.cursor = next;
	}
	if (!at_enter && spec->describe &&
	    (ret >= 0 || (spec->describe == BTRACE_DESCRIBE_ARG && ret == -BTRACE_EINPROGRESS)))
		job.cursor = describe_fds(spec, start, job.cursor, args, ret);
	return job.cursor;
}

/* select's fd sets (fds below 64 * BTRACE_FDSET_WORDS) and the timeout of
 * select, pselect6 and ppoll, as passed in: the kernel rewrites them. */
static __always_inline void read_passed_in(struct btrace_inflight *call, const struct btrace_capture_spec *spec,
					   const __u64 *args)
{
	struct btrace_passed_in *in = &call->passed_in;
	__s32 nfds = (__s32)args[0];

	in->present = 0;
	if (spec->fdsets_arg && nfds > 0) {
		__u32 words = bounded(((__u64)nfds + 63) / 64, BTRACE_FDSET_WORDS);
		for (int k = 0; k < 3; k++) {
			const void *set = (const void *)arg_at(args, spec->fdsets_arg - 1 + k);
			if (set && words && !bpf_probe_read_user(in->sets[k], words * sizeof(__u64), set))
				in->present |= BTRACE_PASSED_SET(k);
		}
	}
	const void *timeout = spec->timeout_arg ? (const void *)arg_at(args, spec->timeout_arg - 1) : NULL;
	if (timeout && !bpf_probe_read_user(in->timeout, sizeof(in->timeout), timeout))
		in->present |= BTRACE_PASSED_TIMEOUT;
	call->flags |= BTRACE_INFLIGHT_PASSED_IN;
}

/* What a shown call's arguments point to that changes during the call, read
 * at sys_enter into its slot: a socklen_t in/out length, select's fd sets
 * and timeouts, and (threads sharing fds) the file behind its named fd
 * argument. Returns the call's capture spec, if it has one. */
static __always_inline const struct btrace_capture_spec *read_at_enter(struct task_struct *task,
								      struct btrace_inflight *call, __s64 nr)
{
	__u64 args[BTRACE_MAX_ARGS];
	__u32 key = nr;
	struct btrace_capture_spec *spec;

	if (!capture_enabled || !(spec = bpf_map_lookup_elem(&capture_specs, &key)))
		return NULL;
	bool fd_seen = spec->named_fd_arg && shares_fd_table(task);
	bool passed_in = spec->fdsets_arg || spec->timeout_arg;
	if (!spec->socklen_arg && !fd_seen && !passed_in)
		return spec;
	read_syscall_args(task, args);
	if (passed_in)
		read_passed_in(call, spec, args);
	if (spec->socklen_arg) {
		call->socklen_at = spec->socklen_arg - 1;
		const void *len = (const void *)arg_at(args, call->socklen_at);
		if (len && !bpf_probe_read_user(&call->socklen_in, sizeof(call->socklen_in), len))
			call->flags |= BTRACE_INFLIGHT_SOCKLEN;
	}
	if (fd_seen)
		fd_seen_at_enter(task, call, spec, args);
	return spec;
}

/* sys_exit: what read_passed_in read, one BTRACE_CAP_PASSED_IN payload
 * (a struct btrace_passed_in) at size. */
static __always_inline __u32 passed_in_payload(struct btrace_batch *b, const struct btrace_inflight *call,
					       __u32 start, __u32 size)
{
	if (!(call->flags & BTRACE_INFLIGHT_PASSED_IN))
		return size;
	struct btrace_payload *p = payload_after(b, start, size);

	__builtin_memcpy(p + 1, &call->passed_in, sizeof(call->passed_in));
	return size + payload_header(p, BTRACE_PAYLOAD_PASSED_IN, BTRACE_CAP_PASSED_IN, sizeof(call->passed_in), 0, 0);
}

/* sys_exit: the BTRACE_CAP_SOCKLEN payload at size: the length as the call
 * began and, if it succeeded, as it left it. */
static __always_inline __u32 socklen_payload(struct btrace_batch *b, const struct btrace_inflight *call,
					     const __u64 *args, long ret, __u32 start, __u32 size)
{
	if (!(call->flags & BTRACE_INFLIGHT_SOCKLEN))
		return size;
	struct btrace_payload *p = payload_after(b, start, size);
	__u32 *lens = (__u32 *)(p + 1);
	__u32 n = 1;

	lens[0] = call->socklen_in;
	if (ret >= 0 && !bpf_probe_read_user(&lens[1], sizeof(lens[1]), (const void *)arg_at(args, call->socklen_at)))
		n = 2;
	return size + payload_header(p, call->socklen_at, BTRACE_CAP_SOCKLEN, n * sizeof(__u32), 0, 0);
}

#endif
