// SPDX-License-Identifier: Apache-2.0
// Keeps an FdTable current from completed calls: fds the kernel side
// described (open, socket, accept, dup, pipe, connect ...), close and
// close_range, fcntl F_DUPFD/F_SETFD, execve closing O_CLOEXEC fds, and the
// port an unbound UDP socket's first send binds.
#pragma once

#include <span>

#include "btrace/event.h"
#include "decode/payloads.h"
#include "state/fd_desc.h"
#include "state/fd_table.h"
#include "syscalls/table.h"

namespace btrace::state {

// Whether a successful call of sc can change what an fd names: it makes fds
// the kernel side describes, or has an effect FdTracker::apply_effects follows.
bool changes_fds(const syscalls::Syscall& sc);
// Whether rec, a call of sc, may have changed what fd names: made it, closed
// it, or changed what it is. completed: rec.ret is the call's result; else
// the call is in flight, and can make fd only if fd was free, which takes a
// close seen on its own: then only what it names (dup2's newfd) counts.
bool may_change_fd(const syscalls::Syscall& sc, const btrace_syscall& rec, int fd, bool completed);
// Whether a call of sc shows an fd argument by name.
bool names_fd_args(const syscalls::Syscall& sc);
// Whether the fds a call of sc makes are among its arguments (pipe's and
// socketpair's pair), to be named as the call left them.
bool shows_new_fds_in_args(const syscalls::Syscall& sc);

// A kernel-side description (BTRACE_CAP_FD_DESC payload) as an FdDescription;
// the fd number and cloexec bit come back through the out-parameters.
bool from_kernel(std::span<const uint8_t> payload, FdDescription& desc, int& fd, bool& cloexec);

class FdTracker {
public:
    explicit FdTracker(FdTable& table);

    // A completed call (rec.ret is its result) in two steps: the fd
    // descriptions the kernel attached to the record, then what the call did
    // to the table (close, close_range, fcntl, execve). Normally both follow
    // the arguments, so the result shows the new name; monitor mode applies
    // descriptions first, since the opens that named its fds were not sent.
    void apply_descriptions(const btrace_syscall& rec, const decode::Payloads& payloads);
    void apply_effects(const btrace_syscall& rec);

private:
    void name_autobound(uint32_t tgid, int fd);

    FdTable& table_;
    long nr_close_, nr_close_range_, nr_fcntl_, nr_execve_, nr_execveat_;
    long nr_sends_[3];  // sendto, sendmsg, sendmmsg: a UDP socket's first send binds it a port
};

}  // namespace btrace::state
