// SPDX-License-Identifier: Apache-2.0
// Decoded arguments end to end: exact lines for a helper that makes one call
// of each family, and the same calls, returns and strings as strace for real
// programs.
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

// The lines of `text` made by `comm`, without the time and comm/tid columns.
std::vector<std::string> calls_of(const std::string& text, const std::string& comm) {
    std::vector<std::string> calls;
    const std::regex line_re(R"(^ +-?\d+\.\d{3} \((?: *\d+\.\d{3} ms|         )\): )" + comm + R"(/\d+ (.*)$)");
    std::smatch m;
    for (const auto& line : lines_of(text))
        if (std::regex_match(line, m, line_re))
            calls.push_back(m[1].str());
    return calls;
}

std::string trace_file(const std::vector<std::string>& argv, const std::vector<std::string>& options = {}) {
    return trace_ok(argv, options).text;
}

// One call as both tools see it: name, return, and every quoted string.
struct Call {
    std::string name, ret;
    std::vector<std::string> strings;
    bool operator<(const Call& o) const { return std::tie(name, ret, strings) < std::tie(o.name, o.ret, o.strings); }
    bool operator==(const Call& o) const { return name == o.name && ret == o.ret && strings == o.strings; }
};

// The allow-list of differences that are not decoding errors:
// - getrandom's bytes are random (and strace prints them in hex);
// - pids, thread ids and addresses differ between two runs;
// - strace decodes some return values further (fcntl F_GETFL: "0x8000 (flags
//   O_RDONLY|O_LARGEFILE)"): only the number is compared;
// - where an asynchronous signal lands differs between runs, so signal
//   returns (rt_sigreturn) and calls it interrupted (ERESTART*) are left out;
// - so are the heap's brk and anonymous mmap/munmap calls: whether malloc
//   grows the heap or maps more depends on where ASLR put the heap's start.
const std::set<std::string> kRandomData = {"getrandom"};
const std::set<std::string> kPidReturns = {"clone", "clone3", "fork", "vfork", "getpid", "gettid", "getppid",
                                           "set_tid_address", "wait4", "getpgrp", "getsid", "setsid"};
const std::set<std::string> kAddressReturns = {"mmap", "brk", "mremap", "shmat"};

bool run_dependent(const std::string& name, const std::string& args, const std::string& ret) {
    const bool heap = name == "brk" || name == "munmap" || (name == "mmap" && args.find("MAP_ANONYMOUS") != std::string::npos);
    return heap || name == "rt_sigreturn" || ret.starts_with("? ERESTART");
}

// "-1 ENOENT (...)" -> "-1 ENOENT"; "0x8000 (flags ...)" and "32768" -> "32768".
std::string normalize_return(const std::string& name, const std::string& ret) {
    if (kPidReturns.count(name))
        return "PID";
    if (ret.starts_with("-1 ") || ret.starts_with("? "))
        return ret.substr(0, ret.find(' ', 3));
    if (kAddressReturns.count(name))
        return "ADDR";
    const std::string number = ret.substr(0, ret.find(' '));
    try {
        return std::to_string(std::stoll(number, nullptr, 0));
    } catch (const std::exception&) {
        return number;
    }
}

Call make_call(const std::string& name, const std::string& args, std::string ret) {
    static const std::regex quoted(R"("(?:[^"\\]|\\.)*"(?:\.\.\.)?)");
    Call call{name, normalize_return(name, ret), {}};
    if (!kRandomData.count(name))
        for (auto it = std::sregex_iterator(args.begin(), args.end(), quoted); it != std::sregex_iterator(); ++it)
            call.strings.push_back(it->str());
    return call;
}

// Our trace: per tid, in order.
std::map<std::string, std::vector<Call>> our_calls(const std::string& text) {
    std::map<std::string, std::vector<Call>> by_tid;
    const std::regex line_re(R"(^ +-?\d+\.\d{3} \([^)]*\): .+/(\d+) (\w+)\((.*)\) = (.*)$)");
    std::smatch m;
    for (const auto& line : lines_of(text))
        if (std::regex_match(line, m, line_re) && !run_dependent(m[2].str(), m[3].str(), m[4].str()))
            by_tid[m[1].str()].push_back(make_call(m[2].str(), m[3].str(), m[4].str()));
    return by_tid;
}

// strace -f: "PID name(args) = ret", with calls split by other processes
// ("<unfinished ...>" / "<... name resumed>") joined back together.
std::map<std::string, std::vector<Call>> strace_calls(const std::string& text) {
    std::map<std::string, std::vector<Call>> by_tid;
    std::map<std::string, std::string> pending;
    const std::regex prefix(R"(^(\d+) +(.*)$)");
    const std::regex call_re(R"(^(\w+)\((.*)\) += (.*)$)");
    std::smatch m, c;
    for (const auto& line : lines_of(text)) {
        if (!std::regex_match(line, m, prefix))
            continue;
        const std::string tid = m[1].str();
        std::string rest = m[2].str();
        if (rest.starts_with("---") || rest.starts_with("+++"))
            continue;
        if (rest.ends_with(" <unfinished ...>")) {
            pending[tid] = rest.substr(0, rest.size() - std::string(" <unfinished ...>").size());
            continue;
        }
        if (rest.starts_with("<... ")) {
            rest = pending[tid] + rest.substr(rest.find("resumed>") + 8);
            pending.erase(tid);
        }
        if (std::regex_match(rest, c, call_re) && !run_dependent(c[1].str(), c[2].str(), c[3].str()))
            by_tid[tid].push_back(make_call(c[1].str(), c[2].str(), c[3].str()));
    }
    return by_tid;
}

// Per-thread sequences, sorted: thread ids differ between the runs.
std::vector<std::vector<Call>> sequences(const std::map<std::string, std::vector<Call>>& by_tid) {
    std::vector<std::vector<Call>> all;
    for (const auto& [tid, calls] : by_tid)
        all.push_back(calls);
    std::sort(all.begin(), all.end());
    return all;
}

std::string describe(const std::vector<Call>& calls) {
    std::string text;
    for (const auto& c : calls) {
        text += c.name + " = " + c.ret;
        for (const auto& s : c.strings)
            text += " " + s;
        text += "\n";
    }
    return text;
}

}  // namespace

TEST_CASE("each decoded family prints exactly", "[integration][decode]") {
    const std::string scratch = temp_path("scratch");
    const auto calls = calls_of(trace_file({helper("decode_calls"), scratch}), "decode_calls");
    std::smatch m;
    std::string socket_inode, netlink_inode, pipe_inode;
    for (const auto& c : calls) {
        if (std::regex_match(c, m, std::regex(R"(socket\(.*\) = 3<TCP:\[(\d+)\]>)")))
            socket_inode = m[1].str();
        if (std::regex_match(c, m, std::regex(R"(socket\(.*\) = 3<NETLINK:\[(\d+)\]>)")))
            netlink_inode = m[1].str();
        if (std::regex_match(c, m, std::regex(R"(writev\(fd: 4<pipe:\[(\d+)\]>.*)")))
            pipe_inode = m[1].str();
    }
    auto position = [&](const std::string& expected) {
        return std::find(calls.begin(), calls.end(), expected) != calls.end();
    };
    const std::vector<std::string> expected = {
        "openat(dfd: AT_FDCWD, filename: \"" + scratch + "\", flags: O_WRONLY|O_CREAT|O_TRUNC, mode: 0644) = 3<" +
            scratch + ">",
        "write(fd: 3<" + scratch + ">, buf: \"hello\\tworld\\n\\1\", count: 13) = 13",
        "openat(dfd: AT_FDCWD, filename: \"" + scratch + "\", flags: O_RDONLY|O_CLOEXEC) = 3<" + scratch + ">",
        "read(fd: 3<" + scratch + ">, buf: \"hello\\tworld\\n\\1\", count: 64) = 13",
        "fstat(fd: 3<" + scratch + ">, statbuf: {st_mode=S_IFREG|0644, st_size=13, ...}) = 0",
        "lseek(fd: 3<" + scratch + ">, offset: 0, whence: SEEK_SET) = 0",
        "access(filename: \"/nonexistent/btrace\", mode: R_OK|W_OK) = -1 ENOENT (No such file or directory)",
        "nanosleep(rqtp: {tv_sec=0, tv_nsec=1000000}, rmtp: NULL) = 0",
        "socket(family: AF_INET, type: SOCK_STREAM|SOCK_CLOEXEC, protocol: IPPROTO_IP) = 3<TCP:[" + socket_inode + "]>",
        "connect(fd: 3<TCP:[" + socket_inode + "]>, uservaddr: {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr(\"127.0.0.1\")}, "
        "addrlen: 16) = -1 ECONNREFUSED (Connection refused)",
        // options by level, int values as [N], as strace shows them
        "setsockopt(fd: 3<TCP:[" + socket_inode + "]>, level: SOL_SOCKET, optname: SO_REUSEADDR, optval: [1], optlen: 4) = 0",
        "getsockopt(fd: 3<TCP:[" + socket_inode + "]>, level: SOL_SOCKET, optname: SO_ERROR, optval: [0], optlen: [4]) = 0",
        "setsockopt(fd: 3<TCP:[" + socket_inode + "]>, level: SOL_TCP, optname: TCP_NODELAY, optval: [1], optlen: 4) = 0",
        "socket(family: AF_NETLINK, type: SOCK_RAW|SOCK_CLOEXEC, protocol: NETLINK_ROUTE) = 3<NETLINK:[" + netlink_inode + "]>",
        "writev(fd: 4<pipe:[" + pipe_inode + "]>, vec: [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cde\", iov_len=3}], vlen: 2) = 5",
        "unlink(pathname: \"" + scratch + "\") = 0",
    };
    for (const auto& line : expected) {
        INFO(line);
        CHECK(position(line));
    }
    CHECK(std::count_if(calls.begin(), calls.end(), [](const std::string& c) {
              return std::regex_match(c, std::regex(R"(mmap\(addr: NULL, len: 4096, prot: PROT_READ\|PROT_WRITE, )"
                                                    R"(flags: MAP_PRIVATE\|MAP_ANONYMOUS, fd: -1, off: 0\) = 0x[0-9a-f]+)"));
          }) >= 1);
}

TEST_CASE("pipe2 and socketpair name the fds they make, as strace -y does", "[integration][decode]") {
    const std::vector<std::string> command = {"python3", "-I", "-S", "-c",
                                              "import os, socket\nr, w = os.pipe()\na, b = socket.socketpair()\n"};
    const std::string text = trace_ok(command, {"-e", "trace=pipe2,socketpair", "-e", "signal=none"}).text;
    CHECK(has_line(text, R"(pipe2\(fildes: \[(\d+)<pipe:\[(\d+)\]>, (\d+)<pipe:\[\2\]>\], flags: O_CLOEXEC\) = 0$)"));
    CHECK(has_line(text, R"(socketpair\(family: AF_UNIX, type: SOCK_STREAM\|SOCK_CLOEXEC, protocol: 0, )"
                         R"(usockvec: \[\d+<UNIX[^>]*>, \d+<UNIX[^>]*>\]\) = 0$)"));
}

TEST_CASE("a read into a buffer shows what was written there, never past its size (MSG_TRUNC, xattr size probes)",
          "[integration][decode]") {
    const std::string file = temp_path("xattr");
    REQUIRE(run({"touch", file}).exit_code == 0);
    const std::vector<std::string> command = {
        "python3", "-I", "-S", "-c",
        "import ctypes, os, socket\n"
        "a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(('127.0.0.1', 0))\n"
        "b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.sendto(b'0123456789abcdef', a.getsockname())\n"
        "buf = bytearray(b'X' * 24)\n"
        "a.recv_into(memoryview(buf)[:4], 4, socket.MSG_TRUNC)\n"
        "os.setxattr('" + file + "', 'user.k', b'value')\n"
        "stale = ctypes.create_string_buffer(b'STALE' * 4, 32)\n"
        "ctypes.CDLL(None).getxattr(b'" + file + "', b'user.k', stale, 0)\n"};
    const std::string text = trace_ok(command, {"-e", "trace=recvfrom,getxattr", "-e", "signal=none"}).text;
    // The datagram was 16 bytes long (the result); 4 fit in the buffer.
    CHECK(has_line(text, R"(recvfrom\(fd: \d+<UDP [^>]+>, ubuf: "0123", size: 4, flags: MSG_TRUNC, addr: NULL, addr_len: NULL\) = 16$)"));
    // Asked only for the size: nothing was written, the buffer is its address.
    CHECK(has_line(text, R"(getxattr\(pathname: ".*", name: "user\.k", value: 0x[0-9a-f]+, size: 0\) = 5$)"));
}

TEST_CASE("socklen_t lengths show what went in and what came out, as strace shows them", "[integration][decode]") {
    const std::vector<std::string> command = {
        "python3", "-I", "-S", "-c",
        "import socket\n"
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen()\n"
        "c = socket.create_connection(s.getsockname())\n"
        "a, _ = s.accept()\n"
        "a.getsockname()\n"
        "try: s.getpeername()\n"
        "except OSError: pass\n"};
    const std::string text = trace_ok(command, {"-e", "trace=accept4,getsockname,getpeername", "-e", "signal=none"}).text;
    const std::string inet = R"(\{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127\.0\.0\.1"\)\})";
    // python passes 128 bytes (a sockaddr of any family); the kernel says it used 16.
    CHECK(has_line(text, R"(getsockname\(fd: \d+<TCP 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+>, usockaddr: )" + inet +
                             R"(, usockaddr_len: \[128 => 16\]\) = 0$)"));
    CHECK(has_line(text, R"(accept4\(fd: \d+<TCP 127\.0\.0\.1:\d+ LISTEN>, upeer_sockaddr: )" + inet +
                             R"(, upeer_addrlen: \[16\], flags: SOCK_CLOEXEC\) = \d+<)"));
    // Failed: the length that went in.
    CHECK(has_line(text, R"(getpeername\(fd: \d+<TCP 127\.0\.0\.1:\d+ LISTEN>, usockaddr: 0x[0-9a-f]+, usockaddr_len: \[16\]\) = -1 ENOTCONN)"));
}

TEST_CASE("sendmsg and recvmsg: the msghdr with its name and iovecs, as strace shows them", "[integration][decode][strace]") {
    const std::vector<std::string> command = {
        "python3", "-I", "-S", "-c",
        "import socket\n"
        "a, b = socket.socketpair()\n"
        "a.sendmsg([b'hello', b' world'])\n"
        "b.recvmsg(100)\n"
        "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "u.bind(('127.0.0.1', 0))\n"
        "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendmsg([b'ping'], [], 0, u.getsockname())\n"
        "u.recvmsg(64)\n"};
    const std::string text = trace_ok(command, {"-e", "trace=sendmsg,recvmsg", "-e", "signal=none"}).text;
    // The msghdr, with ports and addresses made comparable across runs.
    const auto msghdrs = [](const std::string& trace) {
        std::vector<std::string> out;
        std::smatch m;
        for (const auto& line : lines_of(trace))
            if (std::regex_search(line, m, std::regex(R"((sendmsg|recvmsg)\(.*?(\{msg_name=.*msg_flags=\w+\}))")))
                out.push_back(m[1].str() + " " +
                              std::regex_replace(std::regex_replace(m[2].str(), std::regex(R"(htons\(\d+\)|0x[0-9a-f]+)"), "N"),
                                                 std::regex(R"(msg_namelen=\d+ => )"), "msg_namelen="));
        return out;
    };
    const auto ours = msghdrs(text);
    CHECK(ours == std::vector<std::string>{
                      "sendmsg {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"hello\", iov_len=5}, {iov_base=\" world\", "
                      "iov_len=6}], msg_iovlen=2, msg_controllen=0, msg_flags=0}",
                      "recvmsg {msg_name=N, msg_namelen=0, msg_iov=[{iov_base=\"hello world\", iov_len=100}], msg_iovlen=1, "
                      "msg_controllen=0, msg_flags=0}",
                      "sendmsg {msg_name={sa_family=AF_INET, sin_port=N, sin_addr=inet_addr(\"127.0.0.1\")}, msg_namelen=16, "
                      "msg_iov=[{iov_base=\"ping\", iov_len=4}], msg_iovlen=1, msg_controllen=0, msg_flags=0}",
                      "recvmsg {msg_name={sa_family=AF_INET, sin_port=N, sin_addr=inet_addr(\"127.0.0.1\")}, msg_namelen=16, "
                      "msg_iov=[{iov_base=\"ping\", iov_len=64}], msg_iovlen=1, msg_controllen=0, msg_flags=0}"});
    // strace says the same (its "msg_namelen=110 => 0" shows the value before the call too).
    CHECK(ours == msghdrs(strace_of(command, {"-f", "-e", "trace=sendmsg,recvmsg", "-e", "signal=none"})));
}

// Top-level ", "-separated arguments of a call (no strings in these).
std::vector<std::string> split_args(const std::string& args) {
    std::vector<std::string> out(1);
    int depth = 0;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const char c = args[i];
        depth += (c == '[' || c == '{' || c == '(') - (c == ']' || c == '}' || c == ')');
        if (depth == 0 && args.compare(i, 2, ", ") == 0) {
            out.emplace_back();
            ++i;
        } else
            out.back() += c;
    }
    return out;
}

TEST_CASE("poll and select calls (ppoll, pselect6 too): arguments as passed in and results as strace shows them", "[integration][decode][strace]") {
    const std::vector<std::string> command = {helper("ready_calls")};
    const std::string set = "trace=poll,ppoll,select,pselect6";
    // Both: the call, its arguments unlabelled and without fd names (the fd
    // tests compare those), and its result, the time left rounded off (a run's own).
    const std::regex call_re(R"(^(\w+)\((.*)\) += (.*)$)"), label(R"((^|, )[a-z_]+: )"), fd_name(R"(<pipe:\[\d+\]>)"),
        left(R"(left \{tv_sec=0, tv_(n|u)sec=\d+\})");
    const auto parse = [&](const std::vector<std::string>& lines, bool ours) {
        std::vector<std::tuple<std::string, std::vector<std::string>, std::string>> calls;
        std::smatch m;
        for (const auto& line : lines)
            if (std::regex_match(line, m, call_re)) {
                std::string args = std::regex_replace(m[2].str(), fd_name, "");
                if (ours)
                    args = std::regex_replace(args, label, "$1");
                const std::string result = std::regex_replace(m[3].str(), left, "left {tv_sec=0, tv_$1sec=N}");
                calls.emplace_back(m[1].str(), split_args(args), result);
            }
        return calls;
    };
    const auto ours = parse(calls_of(trace_file(command, {"-e", set}), "ready_calls"), true);
    const auto theirs = parse(lines_of(strace_of(command, {"-yy", "-e", set})), false);
    REQUIRE(ours.size() == 10);
    REQUIRE(theirs.size() == ours.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
        // The sets and timeouts as passed in (read at sys_enter: the kernel rewrites them).
        const auto& [name, args, result] = theirs[i];
        INFO(name << ": ours " << fmt::format("{}", fmt::join(std::get<1>(ours[i]), ", ")) << " = " << std::get<2>(ours[i]));
        CHECK(std::get<0>(ours[i]) == name);
        CHECK(std::get<1>(ours[i]) == args);
        CHECK(std::get<2>(ours[i]) == result);
    }
    // What the calls made: ready fds, timeouts, a failure with the sets passed in.
    CHECK(std::get<2>(ours[0]) == "2 ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}])");
    CHECK(std::get<2>(ours[1]) == "0 (Timeout)");
    CHECK(std::get<2>(ours[2]) == "1 ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=N})");
    CHECK(std::get<2>(ours[4]).starts_with("2 (in [3], out [4], left {tv_sec=0, tv_"));
    CHECK(std::get<1>(ours[8])[1] == "[3 9]");
    CHECK(std::get<1>(ours[4]) == std::vector<std::string>{"5", "[3]", "[4]", "NULL", "{tv_sec=1, tv_usec=0}"});
}

TEST_CASE("process and time structs (stack_t, rusage, CPU masks, utimensat's times, itimerval, tms, groups, the mask "
          "rt_sigreturn restores) and clone's arguments as strace shows them", "[integration][decode][strace]") {
    const std::string scratch = temp_path("times");
    const std::vector<std::string> command = {helper("process_structs"), scratch};
    const std::string set = "trace=sigaltstack,getrusage,clone,wait4,sched_setaffinity,sched_getaffinity,utimensat,"
                            "rt_sigreturn,setitimer,times,getgroups";
    // Arguments unlabelled (clone's named, as strace names them: child_stack=NULL);
    // what differs between two runs by nature (addresses, pids, CPU times and
    // clock ticks, the time a timer had left) normalized.
    const std::regex call_re(R"(^(\w+)\((.*)\) += (.*)$)"), label(R"((^|, )([a-z_]+): )"), address("0x[0-9a-f]+"),
        usec(R"(tv_usec=\d+)"), left(R"(tv_sec=\d+, tv_usec=N\}\}$)"), fd_name(R"((\d)<[^>]*>)"),
        ticks(R"((tms_[a-z]+)=\d+(?: /\* [\d.]+ s \*/)?)");  // strace adds the seconds of a non-zero count
    const auto parse = [&](const std::vector<std::string>& lines, bool ours) {
        std::vector<std::string> calls;
        std::smatch m;
        for (const auto& line : lines)
            if (std::regex_match(line, m, call_re) && m[1] != "exit_group") {
                std::string args = ours ? std::regex_replace(std::regex_replace(m[2].str(), label,
                                                                                m[1] == "clone" ? "$1$2=" : "$1"),
                                                             fd_name, "$1")
                                        : m[2].str();
                args = std::regex_replace(std::regex_replace(args, address, "ADDR"), usec, "tv_usec=N");
                args = std::regex_replace(std::regex_replace(args, left, "tv_sec=S, tv_usec=N}}"), ticks, "$1=N");
                // a pid, clock ticks, the kernel's CPU mask size
                const bool varies = m[1] == "wait4" || m[1] == "times" || m[1] == "sched_getaffinity" || m[1] == "clone";
                if (m[1] == "wait4")
                    args = std::regex_replace(args, std::regex(R"(^\d+)"), "N");
                calls.push_back(m[1].str() + "(" + args + ") = " + (varies ? "N" : m[3].str()));
            }
        return calls;
    };
    const auto ours = parse(calls_of(trace_file(command, {"-e", set, "-e", "signal=none"}), "process_structs"), true);
    const auto theirs = parse(lines_of(strace_of(command, {"-e", set, "-e", "signal=none"})), false);
    CHECK(ours == theirs);
    const std::vector<std::string> expected = {
        "sigaltstack({ss_sp=ADDR, ss_flags=0, ss_size=65536}, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0",
        "sigaltstack(NULL, {ss_sp=ADDR, ss_flags=0, ss_size=65536}) = 0",
        "getrusage(RUSAGE_CHILDREN, {ru_utime={tv_sec=0, tv_usec=N}, ru_stime={tv_sec=0, tv_usec=N}, ...}) = 0",
        "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=ADDR) = N",
        "wait4(N, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, {ru_utime={tv_sec=0, tv_usec=N}, "
        "ru_stime={tv_sec=0, tv_usec=N}, ...}) = N",
        "sched_setaffinity(0, 128, [0]) = 0",
        "sched_getaffinity(0, 128, [0]) = N",
        "utimensat(AT_FDCWD, \"" + scratch + "\", [{tv_sec=1700000000, tv_nsec=5} /* 2023-11-14T22:13:20.000000005+0000 */, "
        "UTIME_OMIT], 0) = 0",
        "utimensat(3, NULL, [UTIME_NOW, {tv_sec=1, tv_nsec=0} /* 1970-01-01T00:00:01+0000 */], 0) = 0",
        "rt_sigreturn({mask=[TERM]}) = 0",
        "setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=N}, it_value={tv_sec=500, tv_usec=N}}, "
        "{it_interval={tv_sec=0, tv_usec=N}, it_value={tv_sec=S, tv_usec=N}}) = 0",
        "setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=N}, it_value={tv_sec=0, tv_usec=N}}, "
        "{it_interval={tv_sec=0, tv_usec=N}, it_value={tv_sec=S, tv_usec=N}}) = 0",
        "times({tms_utime=N, tms_stime=N, tms_cutime=N, tms_cstime=N}) = N",
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO(i);
        REQUIRE(i < ours.size());
        CHECK(ours[i] == expected[i]);
    }
    REQUIRE(ours.size() == expected.size() + 1);
    CHECK(std::regex_match(ours.back(), std::regex(R"(getgroups\(64, \[(\d+(, \d+)*)?\]\) = \d+)")));
}

TEST_CASE("a terminal's settings and size (TCGETS, TCSETS*, TIOC[GS]WINSZ) as strace shows them",
          "[integration][decode][strace]") {
    const std::vector<std::string> command = {helper("tty_calls")};
    const std::vector<std::string> options = {"-e", "trace=ioctl"};
    // Arguments unlabelled, fds unnamed (strace without -y).
    const std::regex label(R"(([(]|, )[a-z_]+: )"), fd_name(R"([(](\d+)<[^>]*>)");
    std::vector<std::string> ours, strace_calls;
    // The terminal's own calls (the pseudo-terminal's master takes others first).
    const std::regex terminal(R"(^ioctl\(4, .*(TCGETS|TCSETS.?|TIOC.WINSZ), )");
    for (const auto& call : calls_of(trace_file(command, options), "tty_calls"))
        ours.push_back(std::regex_replace(std::regex_replace(call, label, "$1"), fd_name, "($1"));
    std::erase_if(ours, [&](const std::string& c) { return !std::regex_search(c, terminal); });
    for (const auto& line : lines_of(strace_of(command, options)))
        if (std::regex_search(line, terminal))
            strace_calls.push_back(std::regex_replace(line, std::regex(" +="), " ="));
    REQUIRE(ours.size() == 9);
    CHECK(ours == strace_calls);
    CHECK(std::count_if(ours.begin(), ours.end(), [](const std::string& c) {
              return std::regex_search(c, std::regex(R"(^ioctl\(4, TCGETS, \{c_iflag=[A-Z|]+, c_oflag=NL0\|CR0\|TAB0\|BS0\|)"
                                                     R"(VT0\|FF0\|OPOST\|ONLCR, c_cflag=B38400\|CS8\|CREAD, c_lflag=ISIG\|)"));
          }) == 3);
    // raw: no input flags (strace prints nothing for them), 9600 baud
    CHECK(std::count_if(ours.begin(), ours.end(), [](const std::string& c) {
              return c.find("TCSETSF, {c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|ONLCR, "
                            "c_cflag=B9600|CS8|CREAD, c_lflag=ECHOE|") != std::string::npos;
          }) == 1);
    CHECK(std::find(ours.begin(), ours.end(), "ioctl(4, TIOCGWINSZ, {ws_row=50, ws_col=132, ws_xpixel=0, ws_ypixel=0}) = 0") !=
          ours.end());
}

TEST_CASE("string size limit bounds strings and buffers, truncated ones end with ...", "[integration][decode]") {
    const auto calls = calls_of(trace_file({helper("decode_calls"), temp_path("short")}, {"-s", "5"}), "decode_calls");
    CHECK(std::count_if(calls.begin(), calls.end(), [](const std::string& c) {
              return std::regex_match(c, std::regex(R"(write\(fd: 3<[^>]+>, buf: "hello"\.\.\., count: 13\) = 13)"));
          }) == 1);
}

TEST_CASE("at the largest -s (4096), a longer string is cut there and ends with ...", "[integration][decode]") {
    const std::string text = trace_file(
        {"/usr/bin/python3", "-S", "-c", "import os\ntry: os.memfd_create('a' * 5000)\nexcept OSError: pass"},
        {"-s", "4096", "-e", "trace=memfd_create"});
    CHECK(has_line(text, "memfd_create\\(uname: \"a{4096}\"\\.\\.\\., flags: MFD_CLOEXEC\\) = -1 EINVAL"));
}

TEST_CASE("argv elements longer than -s are cut there and marked, as strace does", "[integration][decode]") {
    const std::vector<std::string> command{"/bin/echo", std::string(20, 'a'), std::string(8, 'b')};
    const std::string text = trace_file(command, {"-s", "8", "-e", "trace=execve"});
    const std::string argv = R"(\["/bin/ech"\.\.\., "aaaaaaaa"\.\.\., "bbbbbbbb"\])";
    CHECK(has_line(text, R"(execve\(filename: "/bin/echo", argv: )" + argv + R"(, envp: 0x[0-9a-f]+ /\* \d+ vars \*/\) = 0$)"));
    std::vector<std::string> strace{"strace", "-s", "8", "-e", "trace=execve"};
    strace.insert(strace.end(), command.begin(), command.end());
    CHECK(has_line(run(strace).err, R"(^execve\("/bin/echo", )" + argv + ", "));
}

TEST_CASE("raw mode prints registers only", "[integration][decode]") {
    const auto calls = calls_of(trace_file({helper("open_missing"), "/nonexistent/x"}, {"--raw"}), "open_missing");
    CHECK(std::count_if(calls.begin(), calls.end(), [](const std::string& c) {
              return std::regex_match(c, std::regex(R"(openat\(dfd: -100, filename: 0x[0-9a-f]+, flags: 0, mode: 000\) )"
                                                    R"(= -1 ENOENT \(No such file or directory\))"));
          }) == 1);
    // Arguments are read from the registers at sys_exit, but a new image
    // starts with cleared registers: execve's are the ones it was called with.
    CHECK(std::count_if(calls.begin(), calls.end(), [](const std::string& c) {
              return std::regex_match(c, std::regex(R"(execve\(filename: 0x[1-9a-f][0-9a-f]+, argv: 0x[1-9a-f][0-9a-f]+, )"
                                                    R"(envp: 0x[1-9a-f][0-9a-f]+\) = 0)"));
          }) == 1);
}

TEST_CASE("real programs: same calls, returns and strings as strace -f -s 256", "[integration][decode][strace]") {
    const std::string dir = temp_path("tree");
    REQUIRE(run({"sh", "-c", "mkdir -p " + dir + "/a && echo data > " + dir + "/a/f && ln -s f " + dir + "/a/l"}).exit_code == 0);
    const std::vector<std::vector<std::string>> programs = {
        {"cat", "/etc/os-release"},
        {"ls", "-la", dir + "/a"},
        {"cp", dir + "/a/f", "/dev/null"},
        {"sh", "-c", "echo hi | cat > /dev/null; cat " + dir + "/a/f"},
        {"/usr/bin/python3", "-S", "-c",
         "import socket,os\n"
         "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); c=socket.create_connection(s.getsockname())\n"
         "a,_=s.accept(); c.send(b'ping'); a.recv(4); os.stat('" + dir + "/a/f')"},
    };
    for (const auto& program : programs) {
        INFO(program.front() << " " << (program.size() > 1 ? program[1] : ""));
        const std::string ours = trace_file(program);
        const std::string strace_path = temp_path("strace.txt");
        std::vector<std::string> cmd = {"strace", "-f", "-s", "256", "-o", strace_path};
        cmd.insert(cmd.end(), program.begin(), program.end());
        REQUIRE(run(cmd).exit_code == 0);
        const auto a = sequences(our_calls(ours));
        const auto b = sequences(strace_calls(read_file(strace_path)));
        REQUIRE(a.size() == b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            INFO("btrace:\n" << describe(a[i]) << "strace:\n" << describe(b[i]));
            CHECK(a[i] == b[i]);
        }
    }
}

// Whole argument lists, the way strace -yy prints them, on real programs of
// several kinds; scripts/strace-diff aligns the two runs and normalizes what
// differs between runs by nature (addresses, pids, fd numbers, /proc data).
TEST_CASE("real programs: whole argument lists as strace shows them", "[integration][decode][strace]") {
    const std::string dir = temp_path("diff");
    const std::string db = dir + "/db.sqlite";
    REQUIRE(run({"mkdir", "-p", dir}).exit_code == 0);
    const std::vector<std::pair<std::string, std::string>> programs = {
        {"ls", "ls -la /etc/ssl"},
        {"git", "git -C " SOURCE_DIR " log --oneline -3"},
        {"sqlite3", "sqlite3 " + db + " 'create table t(a); insert into t values(1); select count(*) from t;'"},
        {"openssl", "openssl sha256 /etc/os-release"},
        {"df", "df -h"},
        {"tar", "tar cJf " + dir + "/src.tar.xz -C " SOURCE_DIR " src/decode"},
        {"curl", "curl -s -o /dev/null file:///etc/os-release"},
        {"python", "/usr/bin/python3 -c \"import threading,socket;s=socket.socket();s.bind(('127.0.0.1',0));"
                   "s.listen();t=threading.Thread(target=lambda:socket.create_connection(s.getsockname()).close());"
                   "t.start();c,_=s.accept();c.close();t.join()\""},
        {"node", "node -e \"require('fs').readFileSync('/etc/os-release')\""},
    };
    long calls = 0, identical = 0;
    std::string report, summary;
    for (const auto& [name, command] : programs) {
        const std::string ours = temp_path(name + ".btrace"), theirs = temp_path(name + ".strace");
        const std::vector<std::string> shell = {"sh", "-c", "rm -f " + db + " " + dir + "/src.tar.xz; exec " + command};
        REQUIRE(run({btrace_bin(), "-o", ours, "--", shell[0], shell[1], shell[2]}).exit_code == 0);
        REQUIRE(run({"strace", "-f", "-yy", "-s", "256", "-o", theirs, shell[0], shell[1], shell[2]}).exit_code == 0);
        const Output diff = run({SOURCE_DIR "/scripts/strace-diff", "--show", "1", ours, theirs});
        REQUIRE(diff.exit_code == 0);
        std::smatch m;
        REQUIRE(std::regex_search(diff.out, m, std::regex(R"((\d+)/(\d+) aligned calls identical)")));
        identical += std::stol(m[1].str());
        calls += std::stol(m[2].str());
        report += name + ": " + diff.out;
        summary += fmt::format("\n  {}: {}", name, diff.out.substr(0, diff.out.find('\n')));
        CHECK(std::stol(m[2].str()) > 50);  // the runs aligned: most calls were compared
    }
    INFO(report);
    const double share = 100.0 * static_cast<double>(identical) / static_cast<double>(calls);
    WARN(fmt::format("{}/{} calls ({:.1f}%) with arguments identical to strace's{}", identical, calls, share,
                     summary));
    CHECK(share >= 98.0);
}
