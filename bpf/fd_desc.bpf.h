// SPDX-License-Identifier: GPL-2.0-only
/* What an fd refers to, read from the task's fd table at sys_exit of a call
 * that created or changed it: the path (walking dentries and mounts up to the
 * root), or the socket's addresses, or the pipe/anon inode. Names are then
 * right even after the process has exited or the fd was closed. */
#ifndef BTRACE_FD_DESC_BPF_H
#define BTRACE_FD_DESC_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "btrace/event.h"
#include "batch.bpf.h"

#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define PIPEFS_MAGIC 0x50495045
#define ANON_INODE_FS_MAGIC 0x09041934
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define PATH_COMPONENT_MAX 256
#define PATH_DEPTH_MAX 64
#define UNIX_PATH_MAX 108

struct path_walk {
	struct dentry *dentry;
	struct mount *mnt;
	__u32 start; /* the record's offset in the batch */
	__u32 at;    /* cursor of the next component */
	bool done;
	bool pseudo; /* a file outside any tree (memfd): its one name */
};

static long path_step(__u32 i, void *ctx)
{
	struct path_walk *w = ctx;
	/* Locals: BPF_CORE_READ would relocate w's own fields too. */
	struct dentry *d = w->dentry;
	struct mount *mnt = w->mnt;
	struct dentry *parent = BPF_CORE_READ(d, d_parent);
	struct dentry *mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	/* Its own parent but not its mount's root: a pseudo file (memfd), which
	 * d_path names "/<name> (deleted)". */
	bool pseudo = d == parent && d != mnt_root;

	if (!pseudo && (d == mnt_root || d == parent)) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
		if (up == mnt) {
			w->done = true; /* the root of the root mount */
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	struct btrace_batch *b = this_cpu_batch();
	if (!b || w->at + PATH_COMPONENT_MAX > CURSOR_MASK)
		return 1;
	__u8 *dst = (__u8 *)batch_at(b, w->start) + (w->at & CURSOR_MASK);
	long n = bpf_probe_read_kernel_str(dst, PATH_COMPONENT_MAX, BPF_CORE_READ(d, d_name.name));
	if (n <= 0)
		return 1;
	w->at += n;
	if (pseudo) {
		w->pseudo = w->done = true;
		return 1;
	}
	w->dentry = parent;
	return 0;
}

/* A unix socket's bound path at *at (may be abstract: a leading NUL). */
static __always_inline __u16 read_unix_path(struct unix_address *addr, __u32 start, __u32 *at)
{
	struct btrace_batch *b = this_cpu_batch();
	int len = addr ? BPF_CORE_READ(addr, len) : 0;
	__u64 path_len = len > 2 ? len - 2 : 0; /* len counts sun_family */

	path_len = bounded(path_len, UNIX_PATH_MAX);
	if (!b || !path_len || *at + UNIX_PATH_MAX > CURSOR_MASK)
		return 0;
	__u8 *dst = (__u8 *)batch_at(b, start) + (*at & CURSOR_MASK);
	if (bpf_probe_read_kernel(dst, path_len, addr->name[0].sun_path))
		return 0;
	*at += path_len;
	return path_len;
}

static __always_inline void describe_socket(struct btrace_fd_desc *desc, struct file *file, __u32 start,
					    __u32 *at)
{
	struct socket *sock = BPF_CORE_READ(file, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);

	desc->kind = BTRACE_FD_SOCKET;
	desc->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	desc->type = BPF_CORE_READ(sk, sk_type);
	desc->protocol = BPF_CORE_READ(sk, sk_protocol);
	desc->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	desc->local_port = BPF_CORE_READ(sk, __sk_common.skc_num);
	desc->remote_port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (desc->family == AF_INET) {
		__be32 local = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__be32 remote = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		__builtin_memcpy(desc->local_addr, &local, 4);
		__builtin_memcpy(desc->remote_addr, &remote, 4);
	} else if (desc->family == AF_INET6) {
		struct in6_addr local = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		struct in6_addr remote = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		__builtin_memcpy(desc->local_addr, &local, 16);
		__builtin_memcpy(desc->remote_addr, &remote, 16);
	} else if (desc->family == AF_UNIX) {
		struct unix_sock *self = (struct unix_sock *)sk;
		struct unix_sock *peer = (struct unix_sock *)BPF_CORE_READ(self, peer);
		desc->name_len = read_unix_path(BPF_CORE_READ(self, addr), start, at);
		if (peer)
			desc->name2_len = read_unix_path(BPF_CORE_READ(peer, addr), start, at);
	}
}

/* The file the current task's fd holds now, or NULL. The table is reached by
 * direct loads (task is a trusted BTF pointer): this runs twice per call in
 * processes that share their fds. */
static __always_inline struct file *file_at(struct task_struct *task, __u32 fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd >= fdt->max_fds)
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
	return file;
}

/* Which file the current task's fd holds now (ino 0: none). */
static __always_inline void file_id_at(struct task_struct *task, __s32 fd, struct btrace_file_id *id)
{
	struct file *file = fd >= 0 ? file_at(task, fd) : NULL;

	id->ino = 0;
	id->dev = 0;
	id->pad = 0;
	if (file) {
		struct inode *inode = BPF_CORE_READ(file, f_inode);
		id->ino = BPF_CORE_READ(inode, i_ino);
		id->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	}
}

/* Whether other tasks (threads, CLONE_FILES children) can change the current
 * task's fds while its call runs. Direct loads: this is asked at every call. */
static __always_inline bool shares_fd_table(struct task_struct *task)
{
	return task->files->count.counter > 1;
}

/* sys_enter of a call shown whose process shares its fd table: what its
 * named fd argument holds as it begins (see struct btrace_fd_seen). */
static __always_inline void fd_seen_at_enter(struct task_struct *task, struct btrace_inflight *call,
					     const struct btrace_capture_spec *spec, const __u64 *args)
{
	call->seen_fd = (__s32)arg_at(args, spec->named_fd_arg - 1);
	file_id_at(task, call->seen_fd, &call->seen_at_enter);
	call->flags |= BTRACE_INFLIGHT_FD_SEEN;
}

/* sys_exit: the BTRACE_PAYLOAD_FD_SEEN payload at size, with what the fd holds now. */
static __always_inline __u32 fd_seen_payload(struct btrace_batch *b, struct task_struct *task,
					     const struct btrace_inflight *call, __u32 start, __u32 size)
{
	if (!(call->flags & BTRACE_INFLIGHT_FD_SEEN))
		return size;
	struct btrace_payload *p = payload_after(b, start, size);
	struct btrace_fd_seen *seen = (struct btrace_fd_seen *)(p + 1);

	seen->fd = call->seen_fd;
	seen->pad = 0;
	seen->at_enter = call->seen_at_enter;
	file_id_at(task, call->seen_fd, &seen->at_exit);
	return size + payload_header(p, BTRACE_PAYLOAD_FD_SEEN, 0, sizeof(*seen), 0, 0);
}

/* One fd, described as a payload at job->cursor; returns the new cursor. */
struct describe_job {
	__u32 start;
	__u32 cursor;
	__s32 fd;
	__u32 exe; /* not an fd: the process's executable (mm->exe_file), as BTRACE_PAYLOAD_EXE */
};

__noinline int describe_fd(struct describe_job *job)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct btrace_batch *b = this_cpu_batch();

	if (!job)
		return 0;
	if (!b || (job->fd < 0 && !job->exe) || job->cursor + sizeof(struct btrace_payload) + sizeof(struct btrace_fd_desc) +
						  PATH_DEPTH_MAX * 8 > CURSOR_MASK)
		return job->cursor;

	__u32 start = job->start;
	__u32 payload_at = job->cursor;
	__u32 desc_at = payload_at + sizeof(struct btrace_payload);
	struct btrace_fd_desc *desc = (struct btrace_fd_desc *)((__u8 *)batch_at(b, start) + (desc_at & CURSOR_MASK));
	__u32 at = desc_at + sizeof(*desc);
	__u32 fd = job->fd;

	__builtin_memset(desc, 0, sizeof(*desc));
	desc->fd = job->fd;

	struct file *file = job->exe ? BPF_CORE_READ(task, mm, exe_file) : file_at(task, fd);
	unsigned long cloexec_word = 0;
	if (!file)
		return job->cursor;
	if (!job->exe) {
		bpf_probe_read_kernel(&cloexec_word, sizeof(cloexec_word), &task->files->fdt->close_on_exec[fd / 64]);
		desc->cloexec = (cloexec_word >> (fd % 64)) & 1;
	}

	struct inode *inode = BPF_CORE_READ(file, f_inode);
	__u16 mode = BPF_CORE_READ(inode, i_mode);
	unsigned long magic = BPF_CORE_READ(inode, i_sb, s_magic);
	desc->inode = BPF_CORE_READ(inode, i_ino);
	desc->dev = BPF_CORE_READ(inode, i_sb, s_dev);

	if ((mode & S_IFMT) == S_IFSOCK) {
		describe_socket(desc, file, start, &at);
	} else if (magic == PIPEFS_MAGIC) {
		desc->kind = BTRACE_FD_PIPE;
	} else if (magic == ANON_INODE_FS_MAGIC) {
		desc->kind = BTRACE_FD_ANON;
		__u8 *dst = (__u8 *)batch_at(b, start) + (at & CURSOR_MASK);
		long n = bpf_probe_read_kernel_str(dst, PATH_COMPONENT_MAX, BPF_CORE_READ(file, f_path.dentry, d_name.name));
		if (n > 0) {
			desc->name_len = n - 1;
			at += n - 1;
		}
	} else {
		struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
		struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
		struct path_walk w = {
			.dentry = dentry,
			.mnt = (struct mount *)((__u8 *)vfsmnt - bpf_core_field_offset(struct mount, mnt)),
			.start = start,
			.at = at,
		};
		desc->kind = BTRACE_FD_FILE;
		bpf_loop(PATH_DEPTH_MAX, path_step, &w, 0);
		/* d_path's test: unhashed and not a root, or a pseudo file */
		desc->deleted = w.pseudo || (!BPF_CORE_READ(dentry, d_hash.pprev) && BPF_CORE_READ(dentry, d_parent) != dentry);
		desc->truncated = !w.done;
		desc->name_len = w.at - at;
		at = w.at;
	}

	struct btrace_payload *p = (struct btrace_payload *)((__u8 *)batch_at(b, start) + (payload_at & CURSOR_MASK));
	return payload_at + payload_header(p, job->exe ? BTRACE_PAYLOAD_EXE : BTRACE_PAYLOAD_FD_DESC, BTRACE_CAP_FD_DESC,
					   at - desc_at, 0, 1);
}

#endif
