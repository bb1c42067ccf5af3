// SPDX-License-Identifier: Apache-2.0
// What the kernel side should read from user memory for each syscall, derived
// from the argument kinds of the syscall table.
#pragma once

#include "btrace/event.h"
#include "syscalls/table.h"

namespace btrace::syscalls {

// Whether arg is the int[2] a call fills with the fds it makes (pipe, socketpair).
bool is_fd_pair(const Arg& arg);

struct CaptureOptions {
    // Also describe the first fd argument of a call that names no fd itself
    // (monitor: the outlier record carries what its fd is, since the opens
    // and closes before it were not sent).
    bool describe_fd_args = false;
    // Name the first fd argument (btrace_capture_spec.named_fd_arg) for
    // BTRACE_PAYLOAD_FD_SEEN, as the fd table is followed.
    bool fd_seen = false;
    // Read the memory a call passes in at sys_enter, as the kernel reads it,
    // into an enter part (a record more per such call); else at sys_exit,
    // where a racing thread may have rewritten it (the monitor, which sends
    // only outliers). execve-style calls (with an Argv) read theirs at
    // sys_enter always: it is gone by sys_exit.
    bool inputs_at_enter = true;
};

// Captures for sc's memory-pointing arguments, in argument order, at most
// BTRACE_MAX_CAPTURES.
btrace_capture_spec capture_spec_for(const Syscall& sc, const CaptureOptions& options = {});

}  // namespace btrace::syscalls
