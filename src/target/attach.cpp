// SPDX-License-Identifier: Apache-2.0
#include "target/attach.h"

#include "state/proc_snapshot.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

namespace btrace::target {

namespace {

// The fields of /proc/ID/stat after "comm) ", which may hold spaces and
// parens; empty when the task is gone.
std::string stat_after_comm(pid_t id) {
    const std::string path = "/proc/" + std::to_string(id) + "/stat";
    FILE* file = fopen(path.c_str(), "re");
    if (!file)
        return {};
    char buf[512];
    const size_t n = fread(buf, 1, sizeof(buf) - 1, file);
    fclose(file);
    buf[n] = '\0';
    const char* paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' ? std::string(paren + 2) : std::string();
}

// PF_KTHREAD in the flags field (the 9th of stat, the 7th after comm).
bool is_kernel_thread(pid_t pid) {
    constexpr unsigned long kPfKthread = 0x00200000;
    unsigned long flags = 0;
    return sscanf(stat_after_comm(pid).c_str(), "%*c %*d %*d %*d %*d %*d %lu", &flags) == 1 && (flags & kPfKthread);
}

}  // namespace

Result<void> check_process(pid_t pid) {
    const std::string what = "-p " + std::to_string(pid);
    if (pid == getpid())
        return Error{what + ": that is btrace itself", 2};
    const auto id = state::thread_identity(pid);
    if (!id)
        return Error{what + ": no such process", 1};
    if (id->tgid != pid)
        return Error{what + ": is a thread of process " + std::to_string(id->tgid) + "; give the process id", 2};
    if (!task_exists(pid))
        return Error{what + ": has exited (a zombie its parent has not reaped): nothing to trace", 1};
    if (is_kernel_thread(pid))
        return Error{what + ": is a kernel thread: it makes no system calls to trace", 1};
    return {};
}

bool task_exists(pid_t id) {
    // A zombie has exited: its exit event may have come before we attached.
    const std::string state = stat_after_comm(id);
    return !state.empty() && state[0] != 'Z' && state[0] != 'X';
}

}  // namespace btrace::target
