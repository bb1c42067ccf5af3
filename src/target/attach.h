// SPDX-License-Identifier: Apache-2.0
// `-p PID`: checks that the processes exist, and that tasks still do.
#pragma once

#include <sys/types.h>

#include "util/result.h"

namespace btrace::target {

// Fails with one line ("-p PID: no such process", ...) for a pid that is
// gone, a zombie, a thread id rather than a process id, or a kernel thread.
Result<void> check_process(pid_t pid);

// True while a pid or tid names a task that has not exited (zombies have).
bool task_exists(pid_t id);

}  // namespace btrace::target
