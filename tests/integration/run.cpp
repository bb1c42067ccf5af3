// SPDX-License-Identifier: Apache-2.0
#include "run.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace itest {

namespace {

[[noreturn]] void exec_child(const std::vector<std::string>& argv) {
    // Only 0-2 reach the program, whatever the test runner left open, so fd
    // numbers in traces are the same under ctest and by hand.
    close_range(3, ~0u, 0);
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
}

int decode_status(int status) {
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

Output run(const std::vector<std::string>& argv, int timeout_s) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw std::runtime_error("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        exec_child(argv);
    }
    close(out[1]);
    close(err[1]);
    Output result;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    int open_fds = 2;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            result.err += "\n[itest: timed out]\n";
            break;
        }
        if (poll(fds, 2, static_cast<int>(left.count())) <= 0)
            continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            char buf[65536];
            ssize_t n = read(fds[i].fd, buf, sizeof(buf));
            if (n > 0) {
                sinks[i]->append(buf, static_cast<size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& fd : fds)
        if (fd.fd >= 0)
            close(fd.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = decode_status(status);
    return result;
}

Output run_on_terminal(const std::vector<std::string>& argv, int timeout_s) {
    const int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
        throw std::runtime_error("posix_openpt");
    const std::string slave = ptsname(master);
    pid_t pid = fork();
    if (pid == 0) {
        setsid();  // a session leader with no terminal: opening the pty makes it its controlling one
        int fd = open(slave.c_str(), O_RDWR);
        if (fd < 0)
            _exit(126);
        for (int std_fd : {0, 1, 2})
            dup2(fd, std_fd);
        exec_child(argv);
    }
    Output result;
    pollfd fds{master, POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            result.out += "\n[itest: timed out]\n";
            break;
        }
        if (poll(&fds, 1, static_cast<int>(left.count())) <= 0)
            continue;
        char buf[4096];
        ssize_t n = read(master, buf, sizeof(buf));
        if (n <= 0)
            break;  // EIO: every fd of the terminal's side is closed
        result.out.append(buf, static_cast<size_t>(n));
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = decode_status(status);
    return result;
}

Background::Background(const std::vector<std::string>& argv, const std::string& stderr_path) {
    int out[2];
    if (pipe2(out, O_CLOEXEC))
        throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
        dup2(out[1], 1);
        if (!stderr_path.empty()) {
            int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(err, 2);
        }
        exec_child(argv);
    }
    close(out[1]);
    out_fd_ = out[0];
}

Background::~Background() {
    if (!reaped_) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    close(out_fd_);
}

std::string Background::read_line(int timeout_ms) {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd pfd{out_fd_, POLLIN, 0};
        if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0)
            return line;
        char c;
        if (read(out_fd_, &c, 1) != 1 || c == '\n')
            return line;
        line += c;
    }
}

int Background::wait(int timeout_ms) {
    int status = 0;
    bool done = eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout_ms);
    if (!done)
        return -1;
    reaped_ = true;
    return decode_status(status);
}

bool Background::alive() const {
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close_paren = content.rfind(')');
    if (close_paren == std::string::npos || close_paren + 2 >= content.size())
        return false;
    char state = content[close_paren + 2];
    return state != 'Z' && state != 'T' && state != 't' && state != 'X';
}

std::string btrace_bin() { return BTRACE_BIN; }

std::string helper(const std::string& name) { return std::string(HELPERS_DIR) + "/" + name; }

std::string read_file(const std::string& path) {
    std::ifstream file(path);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file << text;
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    const bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
    if (fd >= 0)
        close(fd);
    return ok ? ntohs(addr.sin_port) : 0;
}

int metrics_port(const std::string& err_path) {
    const std::regex ready(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)");
    int port = 0;
    eventually([&] {
        const std::string text = read_file(err_path);
        std::smatch m;
        if (std::regex_search(text, m, ready))
            port = std::stoi(m[1].str());
        return port != 0;
    });
    return port;
}

std::optional<std::string> http_get(int port, const std::string& target) {
    httplib::Client client("127.0.0.1", port);
    auto response = client.Get(target);
    if (!response || response->status != 200)
        return std::nullopt;
    return response->body;
}

// One directory per test process, removed when it exits (ctest runs every test
// case as a process of its own); BTRACE_KEEP_TEST_FILES=1 keeps it to look at.
struct TestDir {
    std::string path;
    TestDir() {
        char tmpl[] = "/tmp/btrace-itest-XXXXXX";
        if (!mkdtemp(tmpl))
            throw std::runtime_error("mkdtemp");
        path = tmpl;
    }
    ~TestDir() {
        if (std::getenv("BTRACE_KEEP_TEST_FILES"))
            return;
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

std::string temp_path(const std::string& name) {
    static const TestDir dir;
    static int serial = 0;
    return dir.path + "/" + std::to_string(++serial) + "-" + name;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);)
        lines.push_back(line);
    return lines;
}

int count_matching(const std::string& text, const std::string& regex) {
    const std::regex re(regex);
    int n = 0;
    for (const auto& line : lines_of(text))
        if (std::regex_search(line, re))
            ++n;
    return n;
}

bool has_line(const std::string& text, const std::string& regex) { return count_matching(text, regex) > 0; }

Traced trace_run(const std::vector<std::string>& command, const std::vector<std::string>& options) {
    const std::string path = temp_path("trace.txt");
    std::vector<std::string> argv = {btrace_bin(), "-o", path};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    Output output = run(argv);
    return {output, read_file(path)};
}

Traced trace_ok(const std::vector<std::string>& command, const std::vector<std::string>& options) {
    Traced traced = trace_run(command, options);
    INFO(traced.output.err);
    REQUIRE(traced.output.exit_code == 0);
    return traced;
}

std::string strace_of(const std::vector<std::string>& command, const std::vector<std::string>& options) {
    const std::string path = temp_path("strace.txt");
    std::vector<std::string> argv = {"strace", "-o", path};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), command.begin(), command.end());
    const Output output = run(argv);
    INFO(output.err);
    REQUIRE(output.exit_code == 0);
    return read_file(path);
}

std::vector<std::string> bpf_prog_ids_of(pid_t pid) {
    std::vector<std::string> ids;
    Output fdinfo = run({"sh", "-c", "cat /proc/" + std::to_string(pid) + "/fdinfo/*"});
    std::smatch m;
    for (const auto& line : lines_of(fdinfo.out))
        if (std::regex_match(line, m, std::regex(R"(prog_id:\s+(\d+))")) &&
            std::find(ids.begin(), ids.end(), m[1].str()) == ids.end())
            ids.push_back(m[1].str());
    return ids;
}

bool attached(pid_t pid) {
    const Output fdinfo = run({"sh", "-c", "cat /proc/" + std::to_string(pid) + "/fdinfo/*"});
    return has_line(fdinfo.out, R"(^tp_name:\s+sched_process_exit$)");
}

bool prog_unloaded(const std::string& id) { return run({"bpftool", "prog", "show", "id", id}).exit_code != 0; }

}  // namespace itest
