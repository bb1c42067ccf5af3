// `-p PID`: checks the processes exist and lists their threads.
#pragma once

#include <sys/types.h>

#include <vector>

#include "util/result.h"

namespace btrace::target {

// Fails with "-p PID: no such process" for a pid that is gone or is a thread
// id rather than a process id.
Result<void> check_process(pid_t pid);

// Every thread id of the process (from /proc/PID/task); empty if it is gone.
std::vector<pid_t> threads_of(pid_t pid);

// True while a pid or tid names a task that has not exited (zombies have).
bool task_exists(pid_t id);

}  // namespace btrace::target
