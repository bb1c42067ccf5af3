// What the kernel side should read from user memory for each syscall, derived
// from the argument kinds of the syscall table.
#pragma once

#include "btrace/event.h"
#include "syscalls/table.h"

namespace btrace::syscalls {

// Captures for sc's memory-pointing arguments, in argument order, at most
// BTRACE_MAX_CAPTURES; execve-style calls (with an Argv) capture at sys_enter.
btrace_capture_spec capture_spec_for(const Syscall& sc);

}  // namespace btrace::syscalls
