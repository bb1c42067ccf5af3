// SPDX-License-Identifier: Apache-2.0
// What the kernel side should read from user memory for each syscall, derived
// from the argument kinds of the syscall table.
#pragma once

#include "btrace/event.h"
#include "syscalls/table.h"

namespace btrace::syscalls {

// Captures for sc's memory-pointing arguments, in argument order, at most
// BTRACE_MAX_CAPTURES; execve-style calls (with an Argv) capture at sys_enter.
// describe_fd_args: also describe the first fd argument of a call that names
// no fd itself (monitor: the outlier record carries what its fd is, since the
// opens and closes before it were not sent).
// fd_seen: name the first fd argument (btrace_capture_spec.named_fd_arg) for
// BTRACE_PAYLOAD_FD_SEEN, as the fd table is followed.
// Whether arg is the int[2] a call fills with the fds it makes (pipe, socketpair).
bool is_fd_pair(const Arg& arg);

btrace_capture_spec capture_spec_for(const Syscall& sc, bool describe_fd_args = false, bool fd_seen = false);

}  // namespace btrace::syscalls
