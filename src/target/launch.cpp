// SPDX-License-Identifier: Apache-2.0
#include "target/launch.h"
#include "util/parse.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace btrace::target {

namespace {

bool is_executable_file(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

void close_quietly(int fd) {
    if (fd >= 0)
        ::close(fd);
}

// In the child: put back what btrace changed, then wait for the go byte.
// Drops to run_as (groups first, uid last); false if any step failed. A
// session of its own first: with no controlling terminal the command cannot
// push input into the terminal of the root that ran btrace (TIOCSTI works
// only on one's controlling terminal without CAP_SYS_ADMIN) nor open it as
// /dev/tty, and cannot make it its own (TIOCSCTTY: it is root's session's).
bool become(const RunAs& run_as) {
    if (setsid() < 0 || initgroups(run_as.name.c_str(), run_as.gid) != 0 || setgid(run_as.gid) != 0 ||
        setuid(run_as.uid) != 0)
        return false;
    setenv("HOME", run_as.home.c_str(), 1);
    setenv("USER", run_as.name.c_str(), 1);
    setenv("LOGNAME", run_as.name.c_str(), 1);
    return true;
}

[[noreturn]] void run_child(const std::string& path, const std::vector<std::string>& argv,
                            const std::optional<RunAs>& run_as, int go_fd, int exec_error_fd) {
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD})
        signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);

    char go;
    ssize_t n;
    while ((n = read(go_fd, &go, 1)) < 0 && errno == EINTR) {
    }
    if (n != 1)  // btrace went away before arming: never run untraced
        _exit(127);
    if (run_as && !become(*run_as)) {
        int err = errno;
        (void)!write(exec_error_fd, &err, sizeof(err));
        _exit(126);
    }

    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(path.c_str(), args.data());
    int err = errno;
    (void)!write(exec_error_fd, &err, sizeof(err));
    _exit(err == ENOENT ? 127 : 126);
}

}  // namespace

Result<std::string> resolve_command(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        if (access(name.c_str(), F_OK) != 0)
            return Error{name + ": " + std::strerror(errno), 127};
        if (!is_executable_file(name))
            return Error{name + ": Permission denied", 126};
        return name;
    }
    const char* env = getenv("PATH");
    std::string_view path = env ? env : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        auto colon = path.find(':');
        std::string dir(path.substr(0, colon));
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (is_executable_file(candidate))
            return candidate;
        if (colon == std::string_view::npos)
            break;
        path.remove_prefix(colon + 1);
    }
    return Error{name + ": command not found", 127};
}

Result<RunAs> resolve_user(const std::string& user) {
    errno = 0;
    struct passwd* pw = getpwnam(user.c_str());
    if (!pw)
        if (const auto uid = to_uint<uid_t>(user))
            pw = getpwuid(*uid);
    if (!pw)
        return Error{"-u " + user + ": no such user", 2};
    return RunAs{pw->pw_uid, pw->pw_gid, pw->pw_name, pw->pw_dir};
}

Result<HeldChild> HeldChild::spawn(const std::string& path, const std::vector<std::string>& argv,
                                   const std::optional<RunAs>& run_as) {
    int go[2], exec_error[2];
    if (pipe2(go, O_CLOEXEC) != 0)
        return errno_error("pipe", errno);
    if (pipe2(exec_error, O_CLOEXEC) != 0) {
        int err = errno;
        close_quietly(go[0]);
        close_quietly(go[1]);
        return errno_error("pipe", err);
    }
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        for (int fd : {go[0], go[1], exec_error[0], exec_error[1]})
            close_quietly(fd);
        return errno_error("fork", err);
    }
    if (pid == 0) {
        close(go[1]);
        close(exec_error[0]);
        run_child(path, argv, run_as, go[0], exec_error[1]);
    }
    close(go[0]);
    close(exec_error[1]);
    const int exit_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));  // close-on-exec by default
    return HeldChild(pid, go[1], exec_error[0], exit_fd);
}

HeldChild::HeldChild(HeldChild&& other) noexcept
    : pid_(other.pid_), go_fd_(other.go_fd_), exec_error_fd_(other.exec_error_fd_), exit_fd_(other.exit_fd_) {
    other.pid_ = -1;
    other.go_fd_ = other.exec_error_fd_ = other.exit_fd_ = -1;
}

HeldChild::~HeldChild() {
    const bool released = go_fd_ < 0;
    close_quietly(go_fd_);
    close_quietly(exec_error_fd_);
    close_quietly(exit_fd_);
    if (pid_ > 0 && !released) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
}

Result<void> HeldChild::release() {
    char go = 1;
    ssize_t n = write(go_fd_, &go, 1);
    close_quietly(go_fd_);
    go_fd_ = -1;
    if (n != 1)
        return errno_error("starting the command", errno);
    int err = 0;
    while ((n = read(exec_error_fd_, &err, sizeof(err))) < 0 && errno == EINTR) {
    }
    close_quietly(exec_error_fd_);
    exec_error_fd_ = -1;
    if (n == sizeof(err))  // the pipe closed on a successful exec otherwise
        return Error{std::string("exec: ") + std::strerror(err), err == ENOENT ? 127 : 126};
    return {};
}

}  // namespace btrace::target
