// SPDX-License-Identifier: Apache-2.0
// fd names end to end, and the blocked-call story: what a process is stuck
// in, on which connection, for how long, without waiting for it to return.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

std::string traced(const std::vector<std::string>& command) { return trace_ok(command).text; }

// A python3 script (os imported) traced with these options.
std::string traced_python(const std::string& script, const std::vector<std::string>& options) {
    return trace_ok({"python3", "-I", "-S", "-c", "import os\n" + script}, options).text;
}

struct Client {
    std::string pid, server_port, client_port;
};

Client start_blocked(Background& helper) {
    std::istringstream line(helper.read_line());
    std::string word;
    Client c;
    line >> word >> c.pid >> c.server_port >> c.client_port;
    REQUIRE(word == "client");
    usleep(100 * 1000);  // into its read
    return c;
}

// The blocked_thread helper's pid and reader tid, once the reader (not the
// leader) is in read(2) (syscall 0 on x86-64, 63 on arm64), not on its way there.
std::pair<std::string, std::string> blocked_thread_ids(Background& helper) {
    const std::string ready = helper.read_line();
    REQUIRE(ready.rfind("ready ", 0) == 0);
    const std::string pid = std::to_string(helper.pid()), tid = ready.substr(6);
    REQUIRE(tid != pid);
    REQUIRE(eventually([&] {
        const std::string nr = read_file("/proc/" + pid + "/task/" + tid + "/syscall");
        return nr.rfind("0 ", 0) == 0 || nr.rfind("63 ", 0) == 0;
    }));
    return {pid, tid};
}

}  // namespace

TEST_CASE("fds are named by kind, and follow close, reuse and dup2", "[integration][fds]") {
    const std::string scratch = temp_path("fd-kinds");
    const std::string text = traced({helper("fd_kinds"), scratch});
    const std::string who = R"(fd_kinds/\d+ )";
    CHECK(has_line(text, who + R"(write\(fd: 3<)" + scratch + R"(>, buf: "x", count: 1\) = 1$)"));
    // 3 is closed and reused for another file
    CHECK(has_line(text, who + R"(read\(fd: 3</etc/hostname>, buf: ".", count: 1\) = 1$)"));
    CHECK(has_line(text, who + R"(write\(fd: 5<pipe:\[\d+\]>, buf: "p", count: 1\) = 1$)"));
    CHECK(has_line(text, who + R"(eventfd2\(count: 0, flags: 0\) = 6<anon_inode:\[eventfd\]>$)"));
    CHECK(has_line(text, who + R"(listen\(fd: 7<TCP 127\.0\.0\.1:\d+>, backlog: 1\) = 0$)"));
    CHECK(has_line(text, who + R"(getsockname\(fd: 7<TCP 127\.0\.0\.1:\d+ LISTEN>, )"));
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex(R"(accept\(fd: 7<TCP 127\.0\.0\.1:(\d+) LISTEN>, .*\) = 9<TCP 127\.0\.0\.1:(\d+)->127\.0\.0\.1:(\d+)>)")));
    const std::string server_port = m[1].str(), client_port = m[3].str();
    CHECK(m[2].str() == server_port);
    CHECK(has_line(text, who + R"(write\(fd: 8<TCP 127\.0\.0\.1:)" + client_port + "->127\\.0\\.0\\.1:" + server_port +
                             R"(>, buf: "c", count: 1\) = 1$)"));
    CHECK(has_line(text, who + R"(read\(fd: 9<TCP 127\.0\.0\.1:)" + server_port + "->127\\.0\\.0\\.1:" + client_port +
                             R"(>, buf: "c", count: 1\) = 1$)"));
    CHECK(has_line(text, who + R"(write\(fd: \d+<UNIX:\[\d+\]>, buf: "u", count: 1\) = 1$)"));
    // dup2 over the open /etc/hostname: 3 is now the pipe's read end
    CHECK(has_line(text, who + R"(dup2\(oldfd: 4<pipe:\[\d+\]>, newfd: 3</etc/hostname>\) = 3<pipe:\[\d+\]>$)"));
    CHECK(has_line(text, who + R"(read\(fd: 3<pipe:\[\d+\]>, buf: "p", count: 1\) = 1$)"));
}

TEST_CASE("a memfd and an unlinked file are named as /proc names them, with (deleted)", "[integration][fds]") {
    const std::string path = temp_path("unlinked");
    const std::string text = trace_ok({"/usr/bin/python3", "-S", "-c",
                                       "import os\nm = os.memfd_create('btrace_t')\nos.write(m, b'x')\n"
                                       "f = os.open('" + path + "', os.O_CREAT | os.O_WRONLY)\nos.unlink('" + path +
                                           "')\nos.dup2(f, 20)"})
                                 .text;
    CHECK(has_line(text, R"( memfd_create\(uname: "btrace_t", flags: MFD_CLOEXEC\) = \d+</memfd:btrace_t \(deleted\)>$)"));
    CHECK(has_line(text, R"( write\(fd: \d+</memfd:btrace_t \(deleted\)>, buf: "x", count: 1\) = 1$)"));
    // dup2 after the unlink: the new fd is described then
    CHECK(has_line(text, R"( dup2\(oldfd: \d+<)" + path + R"(>, newfd: 20\) = 20<)" + path + R"( \(deleted\)>$)"));
}

TEST_CASE("fds inherited from the parent process are named in the child", "[integration][fds]") {
    const std::string text = traced({"sh", "-c", "exec 7</etc/hostname; cat <&7 >/dev/null"});
    CHECK(has_line(text, R"(cat/\d+ read\(fd: 0</etc/hostname>, buf: ".*", count: \d+\) = \d+$)"));
    CHECK(has_line(text, R"(cat/\d+ write\(fd: 1</dev/null>, )"));
}

TEST_CASE("the command keeps the fds btrace was given, named, and none of btrace's own", "[integration][fds]") {
    // As strace does: fd 3 given to btrace reaches the command; btrace's own
    // fds (all close-on-exec) do not, and no name of theirs is left behind.
    const std::string out = temp_path("given-fd.txt");
    const Output given = run({"sh", "-c", btrace_bin() + " -o " + out + " -- sh -c 'cat <&3' 3</etc/hostname"});
    INFO(given.err);
    CHECK(given.exit_code == 0);
    CHECK(given.out == read_file("/etc/hostname"));
    CHECK(has_line(read_file(out), R"(cat/\d+ read\(fd: 0</etc/hostname>, buf: ")"));
    // The command's execve is not shown (-e trace=read), yet none of btrace's
    // fds is left named in its table.
    const std::string reads = trace_ok({"cat", "/etc/hostname"}, {"-e", "trace=read"}).text;
    CHECK(reads.find("anon_inode") == std::string::npos);
}

TEST_CASE("fds keep their names under filters: the calls left out still open, dup and close them", "[integration][fds][filter]") {
    const std::string a = temp_path("filtered-a.txt"), b = temp_path("filtered-b.txt");
    write_file(a, "a");
    write_file(b, "b");
    SECTION("-e trace=read: the open is not shown, the read names its file") {
        const std::string text = trace_ok({"cat", a}, {"-e", "trace=read"}).text;
        CHECK(has_line(text, R"(cat/\d+ read\(fd: 3<)" + a + R"(>, buf: "a", count: \d+\) = 1$)"));
        CHECK(!has_line(text, R"( openat\()"));
    }
    SECTION("-e trace=read: a dup2 that is not shown renames the fd it replaced") {
        const std::string text = traced_python("a = os.open('" + a + "', os.O_RDONLY)\n"
                                               "os.dup2(os.open('" + b + "', os.O_RDONLY), a)\n"
                                               "os.read(a, 1)\n",
                                               {"-e", "trace=read"});
        CHECK(has_line(text, R"(python3/\d+ read\(fd: \d+<)" + b + R"(>, buf: "b", count: 1\) = 1$)"));
        CHECK(!has_line(text, R"( dup2\(| openat\()"));
    }
    SECTION("-Z: successful calls are not shown, the failed read names its fd") {
        const std::string text = traced_python("fd = os.open('" + a + "', os.O_WRONLY)\n"
                                               "try: os.read(fd, 1)\n"
                                               "except OSError: pass\n",
                                               {"-Z"});
        CHECK(has_line(text, R"(python3/\d+ read\(fd: \d+<)" + a + R"(>, buf: 0x[0-9a-f]+, count: 1\) = -1 EBADF )"));
        CHECK(!has_line(text, R"( = \d+$)"));  // no success shown
    }
    SECTION("-S -e trace=read: the calls sent for fd names are not counted") {
        const std::string text = trace_ok({"cat", a}, {"-S", "-e", "trace=read"}).text;
        CHECK(has_line(text, R"(^ *[\d.]+ +[\d.]+ +\d+ +.* read$)"));
        CHECK(!has_line(text, R"( (openat|close|execve)$)"));
    }
}

TEST_CASE("attaching shows the call a process is blocked in, its connection, and how long", "[integration][fds][story]") {
    Background helper(std::vector<std::string>{itest::helper("blocked_client")});
    const Client c = start_blocked(helper);
    const std::string path = temp_path("story.txt");
    Background btrace({btrace_bin(), "-p", c.pid, "-o", path});
    const std::string call = R"(blocked_client/)" + c.pid + R"( read\(fd: 4<TCP 127\.0\.0\.1:)" + c.client_port +
                             "->127\\.0\\.0\\.1:" + c.server_port + R"(>, buf: 0x[0-9a-f]+, count: 64\))";
    // At once, without any traffic: the call it is in.
    CHECK(eventually([&] { return has_line(read_file(path), call + R"( \.\.\. in progress when tracing started$)"); },
                     2000));
    // Past --pending (1 s by default): how long so far.
    CHECK(eventually([&] { return has_line(read_file(path), call + R"( \.\.\. still in progress after >=1\.\d{3} s$)"); },
                     3000));
    // When it returns (the server goes away), the duration is a lower bound.
    kill(helper.pid(), SIGKILL);
    CHECK(eventually([&] {
        return has_line(read_file(path), R"(\(>=\d+\.\d{3} ms\): blocked_client/)" + c.pid +
                                             R"( read\(fd: 4<TCP .+>, buf: "", count: 64\) = 0$)");
    }));
    CHECK(btrace.wait() == 0);  // the client exits after its read returns
}

TEST_CASE("a call in flight at attach shows what it was passed (structs, paths), read from the process's memory",
          "[integration][fds]") {
    Background sleeper(std::vector<std::string>{itest::helper("sleeper"), "3000"});
    const std::string pid = std::to_string(sleeper.pid());
    const auto asleep = [](const std::string& of) {  // blocked in its call
        return eventually([&] { return read_file("/proc/" + of + "/stat").find(") S ") != std::string::npos; }, 3000);
    };
    REQUIRE(asleep(pid));
    const std::string path = temp_path("in_flight.txt");
    {
        Background btrace({btrace_bin(), "-p", pid, "-o", path});
        CHECK(eventually([&] {
            return has_line(read_file(path), "sleeper/" + pid + R"( nanosleep\(rqtp: \{tv_sec=3, tv_nsec=0\}, rmtp: NULL\))"
                                             R"( \.\.\. in progress when tracing started$)");
        }, 2000));
        kill(btrace.pid(), SIGINT);
        CHECK(btrace.wait() == 0);
    }
    // -P by name: the path of an open blocked on a FIFO (waiting for a writer), read from its memory.
    const std::string fifo = temp_path("fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    Background opener(std::vector<std::string>{"python3", "-I", "-S", "-c", "open('" + fifo + "')"});
    const std::string opener_pid = std::to_string(opener.pid());
    REQUIRE(eventually([&] { return read_file("/proc/" + opener_pid + "/wchan") == "wait_for_partner"; }, 3000));
    const std::string filtered = temp_path("in_flight_p.txt");
    Background btrace({btrace_bin(), "-P", fifo, "-p", opener_pid, "-o", filtered});
    CHECK(eventually([&] {
        return has_line(read_file(filtered), R"(python3/\d+ openat\(dfd: AT_FDCWD, filename: ")" + fifo +
                                                 R"(", flags: O_RDONLY\|O_CLOEXEC\) \.\.\. in progress when tracing started$)");
    }, 2000));
    kill(btrace.pid(), SIGINT);
    CHECK(btrace.wait() == 0);
    kill(opener.pid(), SIGKILL);
}

TEST_CASE("a UDP socket's first send binds it a port, which its name shows after, as strace -yy does", "[integration][fds]") {
    // The name comes from /proc while the process has the socket: it waits a little before its next send.
    const std::string text = trace_ok({"python3", "-I", "-S", "-c",
                                       "import socket, time\n"
                                       "r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(('127.0.0.1', 0))\n"
                                       "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                       "s.sendto(b'a', r.getsockname()); time.sleep(0.5); s.sendto(b'b', r.getsockname())\n"},
                                      {"-e", "trace=sendto"})
                                 .text;
    CHECK(has_line(text, R"(sendto\(fd: 4<UDP:\[\d+\]>, buff: "a", )"));
    CHECK(has_line(text, R"(sendto\(fd: 4<UDP 0\.0\.0\.0:\d+>, buff: "b", )"));
}

TEST_CASE("attaching to a thread that is not the leader, blocked in a call: reported, and its completion pairs up",
          "[integration][fds]") {
    Background helper(std::vector<std::string>{itest::helper("blocked_thread")});
    const auto [pid, tid] = blocked_thread_ids(helper);
    const std::string path = temp_path("blocked_thread.txt");
    Background btrace({btrace_bin(), "-p", pid, "-o", path});
    const std::string call = "blocked_thread/" + tid + R"( read\(fd: \d+<pipe:\[\d+\]>, buf: 0x[0-9a-f]+, count: 1\))";
    CHECK(eventually([&] { return has_line(read_file(path), call + R"( \.\.\. in progress when tracing started$)"); },
                     2000));
    CHECK(eventually([&] { return has_line(read_file(path), call + R"( \.\.\. still in progress after >=1\.\d{3} s$)"); },
                     3000));
    kill(helper.pid(), SIGUSR1);
    CHECK(eventually([&] {
        return has_line(read_file(path), R"(\(>=\d+\.\d{3} ms\): blocked_thread/)" + tid +
                                             R"( read\(fd: \d+<pipe:\[\d+\]>, buf: "x", count: 1\) = 1$)");
    }));
    CHECK(btrace.wait() == 0);
}

TEST_CASE("attaching with -e trace=: a call in flight that the filter leaves out is not shown, nor its completion",
          "[integration][fds][filter]") {
    Background helper(std::vector<std::string>{itest::helper("blocked_thread")});
    const auto [pid, tid] = blocked_thread_ids(helper);
    const std::string path = temp_path("attach_filtered.txt");
    Background btrace({btrace_bin(), "-p", pid, "-e", "trace=write", "-o", path});
    REQUIRE(eventually([&] { return attached(btrace.pid()); }));
    kill(helper.pid(), SIGUSR1);
    CHECK(btrace.wait() == 0);
    const std::string text = read_file(path);
    CHECK(has_line(text, R"(blocked_thread/)" + pid + R"( write\(fd: \d+<pipe:\[\d+\]>, buf: "x", count: 1\) = 1$)"));
    CHECK(text.find("in progress") == std::string::npos);
    CHECK(!has_line(text, R"( (read|rt_sigtimedwait)\()"));
}

TEST_CASE("fds mode lists every fd of a process and exits", "[integration][fds]") {
    Background helper(std::vector<std::string>{itest::helper("blocked_client")});
    const Client c = start_blocked(helper);
    Output output = run({btrace_bin(), "--fds", "-p", c.pid});
    CHECK(output.exit_code == 0);
    CHECK(has_line(lines_of(output.out).front(), "^COMMAND +PID +FD +TYPE +DEVICE +SIZE/OFF +NODE +CLOEXEC NAME$"));
    const std::string row = "^blocked_client +" + c.pid + " +";
    CHECK(has_line(output.out, row + R"(4u +IPv4 +\d+,\d+ +0t0 +\d+ +(yes|no) +TCP 127\.0\.0\.1:)" + c.client_port +
                                   "->127\\.0\\.0\\.1:" + c.server_port + "$"));
    CHECK(has_line(output.out, row + R"(3u +IPv4 +\d+,\d+ +0t0 +\d+ +(yes|no) +TCP 127\.0\.0\.1:)" + c.server_port + " LISTEN$"));
    CHECK(has_line(output.out, row + R"(cwd +DIR )"));
    CHECK(has_line(output.out, row + R"(txt +REG .* )" + itest::helper("blocked_client") + "$"));
    CHECK(has_line(output.out, row + R"(mem +REG .*/libc\.so\.6$)"));
    // -p P,P is one process
    Output twice = run({btrace_bin(), "--fds", "-p", c.pid + "," + c.pid});
    CHECK(twice.out == output.out);
    kill(helper.pid(), SIGKILL);
}

TEST_CASE("a zombie, for -p or --fds, and fds btrace may not read are errors", "[integration][fds]") {
    const pid_t zombie = fork();
    if (zombie == 0)
        _exit(0);
    const std::string pid = std::to_string(zombie);
    REQUIRE(eventually([&] { return read_file("/proc/" + pid + "/stat").find(") Z ") != std::string::npos; }));
    const std::string exited = "btrace: -p " + pid + ": has exited (a zombie its parent has not reaped): nothing to trace\n";
    Output traced = run({btrace_bin(), "-p", pid}, 10);
    CHECK(traced.exit_code == 1);
    CHECK(traced.err == exited);
    Output listed = run({btrace_bin(), "--fds", "-p", pid});
    CHECK(listed.exit_code == 1);
    CHECK(listed.err == exited);
    CHECK(listed.out.empty());
    waitpid(zombie, nullptr, 0);

    // As nobody, init's fds cannot be read: that is not "0 fds".
    Output denied = run({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", btrace_bin(), "--fds", "-p", "1"});
    CHECK(denied.exit_code == 1);
    CHECK(denied.err == "btrace: --fds -p 1: reading /proc/1/fd: Permission denied\n");
    CHECK(denied.out.empty());
}

TEST_CASE("a kernel thread, for -p or --fds, is refused in one line", "[integration][fds]") {
    REQUIRE(read_file("/proc/2/comm") == "kthreadd\n");
    const std::string refused = "btrace: -p 2: is a kernel thread: it makes no system calls to trace\n";
    for (const auto& args : {std::vector<std::string>{btrace_bin(), "-p", "2"},
                             std::vector<std::string>{btrace_bin(), "--fds", "-p", "2"},
                             std::vector<std::string>{btrace_bin(), "-p", "1,2"}}) {
        Output output = run(args, 10);
        CHECK(output.exit_code == 1);
        CHECK(output.err == refused);
        CHECK(output.out.empty());
    }
}

TEST_CASE("fds listing: --fds agrees with lsof -p on files, directories and devices, and --json parses", "[integration][fds][json]") {
    const std::string scratch = temp_path("fds-lsof");
    Background python({"python3", "-I", "-S", "-c",
                       "import sys, time\n"
                       "files = [open('/etc/hostname'), open(sys.argv[1], 'w'), open(sys.argv[1], 'a+'),\n"
                       "         open('/dev/null', 'rb')]\n"
                       "print('ready', flush=True)\n"
                       "time.sleep(60)\n",
                       scratch});
    REQUIRE(python.read_line() == "ready");
    const std::string pid = std::to_string(python.pid());
    Output listed = run({btrace_bin(), "--fds", "--json", "-p", pid});
    REQUIRE(listed.exit_code == 0);
    const std::string path = temp_path("fds.json");
    write_file(path, listed.out);
    // Every REG, DIR and CHR row of lsof (FD with its mode, TYPE, DEVICE,
    // SIZE/OFF, NODE, NAME) is one of ours.
    Output compared = run({"python3", "-c",
                           "import json, subprocess, sys\n"
                           "ours = {}\n"
                           "for o in json.load(open(sys.argv[1])):\n"
                           "    size = str(o['size']) if o['type'] in ('REG', 'DIR') or o['offset'] is None else '0t%d' % o['offset']\n"
                           "    ours[(o['fd'] + (o['mode'] or ''), o['name'])] = (o['type'], o['device'], size, str(o['node']))\n"
                           "lsof = subprocess.run(['lsof', '-w', '-n', '-P', '-p', sys.argv[2]], capture_output=True, text=True).stdout\n"
                           "theirs = {}\n"
                           "for line in lsof.splitlines()[1:]:\n"
                           "    command, pid, user, fd, kind, device, size, node, name = line.split(None, 8)\n"
                           "    if kind in ('REG', 'DIR', 'CHR'):\n"
                           "        theirs[(fd, name)] = (kind, device, size, node)\n"
                           "wrong = {k: (v, ours.get(k)) for k, v in theirs.items() if ours.get(k) != v}\n"
                           "assert not wrong, wrong\n"
                           "print(len(theirs), sorted(k[0] for k in theirs if k[0][0].isdigit()))\n",
                           path, pid});
    INFO(compared.err);
    CHECK(compared.exit_code == 0);
    // 3-6: the files python opened, read-only, write-only, for both, read-only
    CHECK(compared.out.find("'3r', '4w', '5u', '6r'") != std::string::npos);
    kill(python.pid(), SIGKILL);
}

TEST_CASE("system-wide (-a), an fd opened before tracing is named from /proc when a call first uses it", "[integration][fds]") {
    // churn: another thread opens and closes other fds meanwhile (before, the
    // listener then showed as unknown, 3<?>: any fd change was taken as one of fd 3)
    const bool churn = GENERATE(false, true);
    INFO("churn " << churn);
    const std::string go = temp_path("late_accept.go"), path = temp_path("late_accept.txt"),
                      json_path = temp_path("late_accept.json");
    Background server(churn ? std::vector<std::string>{helper("late_accept"), go, "churn"}
                            : std::vector<std::string>{helper("late_accept"), go});
    const std::string port = server.read_line();
    REQUIRE(!port.empty());
    Background btrace({btrace_bin(), "-a", "--comm", "late_accept", "-e", "trace=accept,accept4", "-o", path});
    Background json({btrace_bin(), "-a", "--comm", "late_accept", "--json", "-e", "trace=accept,accept4", "-o",
                     json_path});
    REQUIRE(eventually([&] { return attached(btrace.pid()) && attached(json.pid()); }));
    REQUIRE(run({"python3", "-c", "import socket; socket.create_connection(('127.0.0.1', " + port + ")).close()"})
                .exit_code == 0);
    write_file(go, "");
    REQUIRE(eventually([&] { return has_line(read_file(path), "accept"); }));
    REQUIRE(eventually([&] { return has_line(read_file(json_path), "accept"); }));
    unlink(go.c_str());
    CHECK(server.wait() == 0);
    kill(btrace.pid(), SIGINT);
    kill(json.pid(), SIGINT);
    CHECK(btrace.wait() == 0);
    CHECK(json.wait() == 0);
    // Before: accept4(fd: 3, ...), where -p names it.
    CHECK(has_line(read_file(path), R"(late_accept/\d+ accept4?\(fd: 3<TCP 127\.0\.0\.1:)" + port +
                                        R"( LISTEN>, .*\) = 4<TCP 127\.0\.0\.1:)" + port + R"(->127\.0\.0\.1:\d+>$)"));
    CHECK(has_line(read_file(json_path), R"("fd":\{"value":"3<TCP 127\.0\.0\.1:)" + port + R"( LISTEN>")"));
}
