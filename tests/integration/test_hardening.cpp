// SPDX-License-Identifier: Apache-2.0
// Hardening (issue 16): nothing from the traced side reaches the operator's
// terminal raw, the monitor keeps no data unless asked, and its metrics
// endpoint serves scrapes while slow clients hold connections.
#include <catch2/catch.hpp>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

// How the helper `hostile` names itself and its file, escaped as strace -yy shows them.
const std::string kComm = R"(a\33[31mX\nY)";
const std::string kName = R"(ev\33]0;PWNED\7\33[31mRED\nNL\"q\377\376.txt)";

std::string hostile_dir() {
    const std::string dir = temp_path("hostile");
    std::filesystem::create_directories(dir);
    return dir;
}

// Every byte is printable ASCII or a line's end: no escape sequence, bell,
// carriage return or stray newline (a forged line) from the traced side.
void require_printable(const std::string& text) {
    std::size_t bad = 0;
    for (unsigned char c : text)
        bad += c != '\n' && (c < 0x20 || c > 0x7e);
    INFO(text);
    REQUIRE(bad == 0);
    CHECK_FALSE(has_line(text, "^Y/"));  // the comm's second half, as a line of its own
    CHECK_FALSE(has_line(text, "^NL"));  // the file name's
}

// The text between `open` and the next `close` after the first line that contains `marker`.
std::string between(const std::string& text, const std::string& marker, const std::string& open,
                    const std::string& close) {
    for (const auto& line : lines_of(text)) {
        if (line.find(marker) == std::string::npos)
            continue;
        const auto from = line.find(open);
        if (from == std::string::npos)
            continue;
        const auto to = line.find(close, from + open.size());
        return line.substr(from + open.size(), to - from - open.size());
    }
    return "(no line with " + marker + ")";
}

// A monitor of the helper in wait mode; runs its calls once and returns the outliers.
std::string monitor_outliers(const std::vector<std::string>& options) {
    const std::string dir = hostile_dir();
    Background target({helper("hostile"), dir, "wait"});
    REQUIRE(target.read_line() == "ready");
    const std::string out = temp_path("hostile-monitor.out"), err = temp_path("hostile-monitor.err");
    std::vector<std::string> argv{btrace_bin(), "monitor", "--errors", "-p", std::to_string(target.pid()), "-o", out};
    argv.insert(argv.end(), options.begin(), options.end());
    Background monitor(argv, err);
    REQUIRE(eventually([&] { return attached(monitor.pid()); }));
    kill(target.pid(), SIGUSR1);
    REQUIRE(target.read_line() == "done");
    kill(monitor.pid(), SIGTERM);
    INFO(read_file(err));
    REQUIRE(monitor.wait() == 0);
    const std::string text = read_file(out);
    CHECK(text.find("lseek(fd: 3<" + dir + "/" + kName + ">, offset: -1") != std::string::npos);
    return text;
}

}  // namespace

TEST_CASE("hostile names: the comm and fd names print escaped, as strace -yy escapes them",
          "[integration][hardening][strace]") {
    const std::string dir = hostile_dir();
    const auto traced = trace_ok({helper("hostile"), dir});
    require_printable(traced.text);
    CHECK(traced.text.find(" " + kComm + "/") != std::string::npos);
    CHECK(has_line(traced.text, R"(^\+\+\+ a\\33\[31mX\\nY/\d+ exited with 0 \+\+\+$)"));
    // strace is the oracle for the fd name's form.
    const std::string strace = strace_of({helper("hostile"), dir}, {"-yy", "-e", "trace=lseek"});
    const std::string expected = between(strace, "lseek(", "lseek(", ", -1");
    CHECK(expected == "3<" + dir + "/" + kName + ">");
    CHECK(between(traced.text, "lseek(", "fd: ", ", offset") == expected);
    // The data is shown by default.
    CHECK(traced.text.find(R"(write(fd: 9999, buf: "secret-token-42", count: 15))") != std::string::npos);
}

TEST_CASE("hostile names in JSON: valid UTF-8 in every line, the names as strace escapes them",
          "[integration][hardening][json]") {
    const std::string dir = hostile_dir();
    const auto traced = trace_ok({helper("hostile"), dir}, {"--json"});
    const std::string file = temp_path("hostile.json");
    write_file(file, traced.text);
    const auto parsed = run({"python3", "-c",
                             "import json, sys\n"
                             "for line in open(sys.argv[1], encoding='utf-8', errors='strict'):\n"
                             "    record = json.loads(line)\n"
                             "    if record.get('syscall') == 'lseek': print(record['comm']); "
                             "print(record['args']['fd']['value'])\n",
                             file});
    INFO(parsed.err);
    REQUIRE(parsed.exit_code == 0);
    CHECK(parsed.out == kComm + "\n3<" + dir + "/" + kName + ">\n");
}

TEST_CASE("btrace --fds on a hostile process prints its names escaped", "[integration][hardening]") {
    const std::string dir = hostile_dir();
    Background target({helper("hostile"), dir, "wait"});
    REQUIRE(target.read_line() == "ready");
    const auto fds = run({btrace_bin(), "--fds", "-p", std::to_string(target.pid())});
    INFO(fds.err);
    REQUIRE(fds.exit_code == 0);
    require_printable(fds.out);
    CHECK(fds.out.find("\n" + kComm + " " + std::to_string(target.pid()) + " ") != std::string::npos);
    CHECK(has_line(fds.out, " 3[rwu] +REG .* " + dir + "/ev\\\\33\\]0;PWNED"));
    CHECK(fds.out.find(dir + "/" + kName + "\n") != std::string::npos);
}

TEST_CASE("monitor: outliers show escaped names and none of the data by default", "[integration][hardening][monitor]") {
    const std::string text = monitor_outliers({});
    require_printable(text);
    CHECK(text.find(" " + kComm + "/") != std::string::npos);
    CHECK(text.find("secret") == std::string::npos);
    CHECK(text.find(R"(write(fd: 9999, buf: ""..., count: 15) = -1 EBADF)") != std::string::npos);
}

TEST_CASE("monitor --capture-data: outliers show the data", "[integration][hardening][monitor]") {
    const std::string text = monitor_outliers({"--capture-data"});
    CHECK(text.find(R"(write(fd: 9999, buf: "secret-token-42", count: 15) = -1 EBADF)") != std::string::npos);
}

TEST_CASE("trace --no-data: no buffer or iovec or message data is read or shown and the rest stays",
          "[integration][hardening]") {
    const std::string dir = hostile_dir();
    const auto traced = trace_ok({helper("hostile"), dir}, {"--no-data", "-e", "trace=write,writev,sendmsg,read"});
    INFO(traced.text);
    CHECK(traced.text.find("secret") == std::string::npos);
    const std::string file = "3<" + dir + "/" + kName + ">";
    CHECK(traced.text.find("write(fd: " + file + R"(, buf: ""..., count: 15) = 15)") != std::string::npos);
    CHECK(traced.text.find("writev(fd: " + file + R"(, vec: [{iov_base=""..., iov_len=15}], vlen: 1) = 15)") !=
          std::string::npos);
    CHECK(has_line(traced.text, R"(sendmsg\(fd: \d+<UNIX:\[\d+\]>, msg: \{msg_name=NULL, msg_namelen=0, )"
                                R"(msg_iov=\[\{iov_base=""\.\.\., iov_len=15\}\], msg_iovlen=1, )"));
    CHECK(has_line(traced.text, R"(read\(fd: \d+<UNIX:\[\d+\]>, buf: ""\.\.\., count: 64\) = 15$)"));
}

TEST_CASE("monitor --metrics: scrapes succeed while 10 slow clients hold connections, which are cut at the deadline",
          "[integration][hardening][monitor]") {
    const std::string err = temp_path("slow-clients.err");
    Background monitor({btrace_bin(), "monitor", "-p", std::to_string(getpid()), "-o", "/dev/null", "--metrics",
                        "127.0.0.1:0"},
                       err);
    const int port = metrics_port(err);
    REQUIRE(port != 0);
    // Ten clients that start a request and then send a byte now and then, never finishing it.
    std::vector<int> slow;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 10; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
        REQUIRE(send(fd, "GET /metrics HTTP/1.1\r\n", 23, 0) == 23);
        slow.push_back(fd);
    }
    const auto started = std::chrono::steady_clock::now();
    for (int round = 0; round < 3; ++round) {
        for (int fd : slow)
            send(fd, "X", 1, MSG_NOSIGNAL);
        const auto before = std::chrono::steady_clock::now();
        const auto body = http_get(port, "/metrics");
        REQUIRE(body);
        CHECK(body->find("btrace_events_lost_total") != std::string::npos);
        CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    // Each slow connection is closed at its deadline (5 s), however it trickles.
    for (int fd : slow) {
        timeval timeout{10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        char byte;
        CHECK(recv(fd, &byte, 1, 0) == 0);
        close(fd);
    }
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(7));
}

// path_race's blocked openat of DIR/fifo, whose path a racing thread rewrites
// to DIR/INNOCENT once the kernel has read it: the lines that show it.
static std::vector<std::string> race_opens(const std::string& text, const std::string& dir) {
    std::vector<std::string> opens;
    for (const auto& line : lines_of(text))
        if (line.find("openat(") != std::string::npos && line.find("O_RDONLY") != std::string::npos &&
            (line.find(dir + "/fifo") != std::string::npos || line.find(dir + "/INNOCENT") != std::string::npos))
            opens.push_back(line);
    return opens;
}

TEST_CASE("a path a racing thread rewrites during the call shows as the kernel read it, as strace shows it",
          "[integration][hardening][strace]") {
    const std::string dir = temp_path("path_race");
    std::filesystem::create_directories(dir);
    const std::string fifo = "\"" + dir + "/fifo\"";
    // strace reads it at entry: the oracle.
    const auto strace = race_opens(strace_of({helper("path_race"), dir, "0"}, {"-f", "-e", "trace=openat"}), dir);
    REQUIRE(strace.size() == 1);
    CHECK(strace[0].find(fifo) != std::string::npos);

    SECTION("the completed call") {
        const auto traced = trace_ok({helper("path_race"), dir, "0"}, {"-e", "trace=openat"});
        const auto opens = race_opens(traced.text, dir);
        INFO(traced.text);
        REQUIRE(opens.size() == 1);
        CHECK(opens[0].find("filename: " + fifo + ", flags: O_RDONLY) = 3<" + dir + "/fifo>") != std::string::npos);
    }
    SECTION("--pending: the call still in flight") {
        const auto traced = trace_ok({helper("path_race"), dir, "1500"}, {"-e", "trace=openat", "--pending", "500"});
        const auto opens = race_opens(traced.text, dir);
        INFO(traced.text);
        REQUIRE(opens.size() == 2);
        CHECK(opens[0].find("filename: " + fifo + ", flags: O_RDONLY) ... still in progress") != std::string::npos);
        CHECK(opens[1].find("filename: " + fifo + ", flags: O_RDONLY) = 3") != std::string::npos);
    }
    SECTION("-P: the path the call was given selects it, the one written later does not") {
        const auto given = trace_ok({helper("path_race"), dir, "0"}, {"-P", dir + "/fifo"});
        CHECK(race_opens(given.text, dir).size() == 1);
        const auto later = trace_ok({helper("path_race"), dir, "0"}, {"-P", dir + "/INNOCENT"});
        CHECK(race_opens(later.text, dir).empty());
    }
    SECTION("a path not paged in as the call began is read after it, and marked so") {
        const auto traced = trace_ok({helper("path_race"), dir, "0", "mapped"}, {"-e", "trace=openat"});
        const auto opens = race_opens(traced.text, dir);
        INFO(traced.text);
        REQUIRE(opens.size() == 1);
        CHECK(opens[0].find("filename: \"" + dir + "/INNOCENT\" /* read after the call */, flags: O_RDONLY) = ") !=
              std::string::npos);
    }
    // A single-threaded tracee (no race possible) keeps its lines too: execve's
    // argument list, read at sys_enter, and an open's path.
    SECTION("execve and a plain open") {
        const auto traced = trace_ok({"/bin/cat", "/etc/hostname"}, {"-e", "trace=execve,openat"});
        CHECK(has_line(traced.text, R"(execve\(filename: "/bin/cat", argv: \["/bin/cat", "/etc/hostname"\], envp: 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0$)"));
        CHECK(has_line(traced.text, R"(openat\(dfd: AT_FDCWD, filename: "/etc/hostname", flags: O_RDONLY\) = 3</etc/hostname>$)"));
    }
}
