// SPDX-License-Identifier: Apache-2.0
// Running btrace and helpers from integration tests.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace itest {

struct Output {
    int exit_code = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
};

// Runs argv to completion (killed after timeout_s), capturing stdout and stderr.
Output run(const std::vector<std::string>& argv, int timeout_s = 60);

// Runs argv with a new pseudo-terminal as its controlling terminal and its
// stdin, stdout and stderr; out is what it wrote there (\r\n line ends).
Output run_on_terminal(const std::vector<std::string>& argv, int timeout_s = 60);

// A background process whose stdout is a pipe; killed and reaped on destruction.
class Background {
public:
    // stderr_path: where its stderr goes (default: inherited).
    explicit Background(const std::vector<std::string>& argv, const std::string& stderr_path = "");
    ~Background();
    pid_t pid() const { return pid_; }
    std::string read_line(int timeout_ms = 5000);  // one line of its stdout
    int wait(int timeout_ms = 10000);               // exit code, -1 on timeout
    bool alive() const;                             // running, not stopped, not a zombie

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    bool reaped_ = false;
};

std::string btrace_bin();
std::string helper(const std::string& name);
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);
// A loopback TCP port that was free a moment ago (bound to port 0, then closed).
int free_port();
// The port of a monitor started with --metrics 127.0.0.1:0, once its stderr
// (written to err_path) says where it serves; 0 if it never does.
int metrics_port(const std::string& err_path);
// GET http://127.0.0.1:port/target: the body, or nullopt when no 200 came.
std::optional<std::string> http_get(int port, const std::string& target);
std::string temp_path(const std::string& name);  // unique file path in a per-run temp dir
std::vector<std::string> lines_of(const std::string& text);
int count_matching(const std::string& text, const std::string& regex);
bool has_line(const std::string& text, const std::string& regex);

struct Traced {
    Output output;     // btrace's exit code, the command's stdout, btrace's stderr
    std::string text;  // the trace
};
// btrace [options] -o FILE -- command...
Traced trace_run(const std::vector<std::string>& command, const std::vector<std::string>& options = {});
// strace's trace (-o FILE) of command with these options; the run must succeed.
std::string strace_of(const std::vector<std::string>& command, const std::vector<std::string>& options);
// The same, requiring btrace (and so the command) to exit 0.
Traced trace_ok(const std::vector<std::string>& command, const std::vector<std::string>& options = {});

// IDs of the BPF programs a process holds (through program or link fds).
std::vector<std::string> bpf_prog_ids_of(pid_t pid);
// Whether btrace (pid) is attached: its last link, on sched_process_exit, is made.
bool attached(pid_t pid);
// True once the kernel has freed that program (after an RCU grace period).
bool prog_unloaded(const std::string& id);

// Polls until pred() or timeout; returns pred()'s last value.
template <class Pred>
bool eventually(Pred pred, int timeout_ms = 5000);

}  // namespace itest

#include <chrono>
#include <thread>

template <class Pred>
bool itest::eventually(Pred pred, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!pred()) {
        if (std::chrono::steady_clock::now() >= deadline)
            return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}
