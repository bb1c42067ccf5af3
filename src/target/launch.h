// SPDX-License-Identifier: Apache-2.0
// Starts `-- COMMAND` held just before execve, so tracing can be armed first.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace btrace::target {

// PATH lookup as execvp does it; "cmd: command not found" (exit 127) when absent.
Result<std::string> resolve_command(const std::string& name);

// -u USER: who the command runs as, so that it does not inherit btrace's root.
struct RunAs {
    uid_t uid;
    gid_t gid;
    std::string name;
    std::string home;
};

// A user name or numeric uid from the password database.
Result<RunAs> resolve_user(const std::string& user);

class HeldChild {
public:
    // Forks; the child waits for release() and then execs argv[0] at `path`,
    // as `run_as` when given (uid, gid, supplementary groups, HOME/USER/LOGNAME).
    static Result<HeldChild> spawn(const std::string& path, const std::vector<std::string>& argv,
                                   const std::optional<RunAs>& run_as = std::nullopt);
    HeldChild(HeldChild&& other) noexcept;
    HeldChild& operator=(HeldChild&&) = delete;
    // An unreleased child is killed and reaped: it never ran the command.
    ~HeldChild();

    pid_t pid() const { return pid_; }
    // A pidfd that becomes readable when the child exits (-1 before Linux 5.3).
    int exit_fd() const { return exit_fd_; }
    // Lets the child exec; fails (exit 126/127) if execve itself failed.
    Result<void> release();

private:
    HeldChild(pid_t pid, int go_fd, int exec_error_fd, int exit_fd)
        : pid_(pid), go_fd_(go_fd), exec_error_fd_(exec_error_fd), exit_fd_(exit_fd) {}

    pid_t pid_;
    int go_fd_;
    int exec_error_fd_;
    int exit_fd_;
};

}  // namespace btrace::target
