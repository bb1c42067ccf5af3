// SPDX-License-Identifier: Apache-2.0
// Tests for strace's filter expressions (src/cli/filter.h) and the syscall
// classes behind them (Syscall::classes, from scripts/syscall-classes.txt).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/filter.h"
#include "syscalls/table.h"

using btrace::cli::edit_distance;
using btrace::cli::parse_errno_list;
using btrace::cli::parse_signal_set;
using btrace::cli::parse_status;
using btrace::cli::parse_trace_set;
using btrace::cli::StatusFilter;
namespace sc = btrace::syscalls;

namespace {

std::vector<bool> set_of(std::string_view expr) {
    auto r = parse_trace_set(expr);
    INFO("-e trace=" << expr);
    if (!r) FAIL(r.error().message);
    REQUIRE(r->size() == sc::all().size());
    return *r;
}

bool has(const std::vector<bool>& set, std::string_view name) {
    const long nr = sc::number_of(name);
    INFO("syscall " << name);
    REQUIRE(nr >= 0);
    return set[static_cast<std::size_t>(nr)];
}

// The names in the set, for messages and counts.
std::set<std::string> names_in(const std::vector<bool>& set) {
    std::set<std::string> out;
    for (std::size_t nr = 0; nr < set.size(); ++nr) {
        if (set[nr] && !sc::all()[nr].name.empty()) out.emplace(sc::all()[nr].name);
    }
    return out;
}

// What a parser makes of expr; the test fails if it refuses it.
template <class Parse>
auto parsed_by(Parse parse, std::string_view what, std::string_view expr) {
    auto r = parse(expr);
    INFO(what << expr);
    if (!r) FAIL(r.error().message);
    return *r;
}

// A parser's one-line refusal of expr, which must be a usage error (exit code 2).
template <class Parse>
std::string error_by(Parse parse, std::string_view what, std::string_view expr) {
    auto r = parse(expr);
    INFO(what << expr);
    REQUIRE_FALSE(r);
    CHECK(r.error().exit_code == 2);
    return r.error().message;
}

std::string error_of(std::string_view expr) { return error_by(parse_trace_set, "-e trace=", expr); }

void check_members(std::string_view cls, std::initializer_list<std::string_view> in,
                   std::initializer_list<std::string_view> out) {
    const std::vector<bool> set = set_of(cls);
    for (std::string_view name : in) {
        INFO(cls << " should contain " << name);
        CHECK(has(set, name));
    }
    for (std::string_view name : out) {
        INFO(cls << " should not contain " << name);
        CHECK_FALSE(has(set, name));
    }
}

}  // namespace

TEST_CASE("trace set: names and numbers", "[filter]") {
    const auto set = set_of("open,close");
    CHECK(names_in(set) == std::set<std::string>{"open", "close"});
    CHECK(names_in(set_of("read")) == std::set<std::string>{"read"});
    // Empty items are skipped, as in strace.
    CHECK(names_in(set_of("open,,close,")) == std::set<std::string>{"open", "close"});
    // Numbers name the syscall with that number on this arch.
    const long nr = sc::number_of("getpid");
    CHECK(names_in(set_of(std::to_string(nr))) == std::set<std::string>{"getpid"});
    // all / none.
    const auto all = set_of("all");
    CHECK(std::count(all.begin(), all.end(), true) == static_cast<long>(all.size()));
    const auto none = set_of("none");
    CHECK(std::count(none.begin(), none.end(), true) == 0);
    CHECK(set_of("!none") == all);
    CHECK(set_of("!all") == none);
    CHECK(set_of("open,all") == all);
}

TEST_CASE("trace set: classes match strace's", "[filter]") {
    check_members("%file", {"open", "openat", "stat", "lstat", "newfstatat", "statx", "execve", "execveat",
                            "access", "faccessat2", "chdir", "getcwd", "readlink", "mount", "statfs",
                            "inotify_add_watch", "truncate"},
                  {"read", "write", "close", "fstat", "fchdir", "fstatfs", "ustat", "getdents64", "mmap"});
    check_members("%desc", {"read", "write", "close", "open", "openat", "fstat", "newfstatat", "mmap", "dup2",
                            "sendfile", "epoll_wait", "pidfd_open", "memfd_create", "execveat", "ioctl"},
                  {"stat", "lstat", "access", "execve", "socket", "close_range", "getpid"});
    check_members("%network", {"socket", "connect", "accept", "accept4", "sendto", "recvmsg", "sendmmsg",
                               "socketpair", "getsockopt", "sendfile", "shutdown"},
                  {"read", "write", "close", "open"});
    CHECK(set_of("%net") == set_of("%network"));
    check_members("%process", {"clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
                               "wait4", "waitid", "kill", "tkill", "tgkill", "rt_sigqueueinfo",
                               "pidfd_send_signal"},
                  {"getpid", "unshare", "setns", "prctl"});
    check_members("%memory", {"mmap", "munmap", "mprotect", "brk", "mremap", "madvise", "shmat", "shmdt",
                              "io_setup", "mseal", "io_uring_register"},
                  {"read", "shmget", "process_madvise"});
    check_members("%signal", {"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "kill", "pause", "signalfd4",
                              "sigaltstack", "io_uring_enter"},
                  {"alarm", "exit", "getpid"});
    check_members("%ipc", {"shmget", "shmat", "semop", "semtimedop", "msgsnd", "msgctl"},
                  {"mq_open", "pipe", "socket"});
    check_members("%clock", {"clock_gettime", "clock_settime", "clock_getres", "gettimeofday", "settimeofday",
                             "time", "adjtimex", "clock_adjtime"},
                  {"clock_nanosleep", "nanosleep", "timer_create", "times"});
    check_members("%creds", {"getuid", "setuid", "getresgid", "setgroups", "capget", "capset", "prctl",
                             "setfsuid"},
                  {"getpid", "setsid", "setpgid"});
    check_members("%pure", {"getpid", "gettid", "getppid", "getpgrp", "getuid", "geteuid", "getgid", "getegid"},
                  {"getpgid", "getsid", "sched_yield", "getresuid"});
    // The stat families, exactly as strace defines them.
    CHECK(names_in(set_of("%stat")) == std::set<std::string>{"stat"});
    CHECK(names_in(set_of("%lstat")) == std::set<std::string>{"lstat"});
    CHECK(names_in(set_of("%fstat")) == std::set<std::string>{"fstat", "newfstatat", "statx"});
    CHECK(names_in(set_of("%%stat")) == std::set<std::string>{"stat", "lstat", "fstat", "newfstatat", "statx"});
    CHECK(names_in(set_of("%statfs")) == std::set<std::string>{"statfs"});
    CHECK(names_in(set_of("%fstatfs")) == std::set<std::string>{"fstatfs"});
    CHECK(names_in(set_of("%%statfs")) == std::set<std::string>{"statfs", "fstatfs", "ustat"});
    // The legacy spellings without %.
    CHECK(set_of("file") == set_of("%file"));
    CHECK(set_of("desc,process") == set_of("%desc,%process"));
}

TEST_CASE("trace set: every class bit is used, %%stat is the union", "[filter]") {
    uint32_t used = 0;
    for (const sc::Syscall& s : sc::all()) {
        used |= s.classes;
        const bool stat_like = (s.classes & sc::kStatLike) != 0;
        INFO(s.name);
        CHECK(stat_like == ((s.classes & (sc::kStat | sc::kLstat | sc::kFstat)) != 0));
    }
    CHECK(used == 0xffff);
}

TEST_CASE("trace set: negation, regex, combinations", "[filter]") {
    const auto not_open = set_of("!open,close");
    CHECK_FALSE(has(not_open, "open"));
    CHECK_FALSE(has(not_open, "close"));
    CHECK(has(not_open, "read"));
    CHECK(has(not_open, "execve"));
    auto flipped = set_of("open,close");
    flipped.flip();
    CHECK(not_open == flipped);

    const auto not_file = set_of("!%file");
    CHECK_FALSE(has(not_file, "openat"));
    CHECK(has(not_file, "read"));

    CHECK(names_in(set_of("/^open")) ==
          std::set<std::string>{"open", "openat", "openat2", "open_by_handle_at", "open_tree", "open_tree_attr"});
    CHECK(names_in(set_of("/at2$")) ==
          std::set<std::string>{"openat2", "faccessat2", "renameat2", "fchmodat2"});
    CHECK(names_in(set_of("/^(read|write)$")) == std::set<std::string>{"read", "write"});

    const auto file_read = set_of("%file,read");
    CHECK(has(file_read, "read"));
    CHECK(has(file_read, "openat"));
    CHECK_FALSE(has(file_read, "write"));
    CHECK(names_in(file_read).size() == names_in(set_of("%file")).size() + 1);

    const auto mixed = set_of("%network,/^getp,close");
    CHECK(has(mixed, "socket"));
    CHECK(has(mixed, "getpid"));
    CHECK(has(mixed, "getpeername"));
    CHECK(has(mixed, "close"));
    CHECK_FALSE(has(mixed, "read"));

    // `?` lets an item match nothing.
    CHECK(names_in(set_of("?nosuchcall,open")) == std::set<std::string>{"open"});
    CHECK(names_in(set_of("?/^zzz,close")) == std::set<std::string>{"close"});
    CHECK(names_in(set_of("?,open")) == std::set<std::string>{"open"});
    CHECK(names_in(set_of("?%nosuchclass,?99999,close")) == std::set<std::string>{"close"});
}

TEST_CASE("trace set: errors name the item and suggest the closest", "[filter]") {
    CHECK(error_of("opne") == "-e trace=opne: unknown syscall 'opne' (did you mean 'open'?)");
    CHECK(error_of("open,clsoe") == "-e trace=open,clsoe: unknown syscall 'clsoe' (did you mean 'close'?)");
    CHECK(error_of("OPEN") == "-e trace=OPEN: unknown syscall 'OPEN' (did you mean 'open'?)");
    CHECK(error_of("!opennat") == "-e trace=!opennat: unknown syscall 'opennat' (did you mean 'openat'?)");
    CHECK(error_of("xyzzyplugh") == "-e trace=xyzzyplugh: unknown syscall 'xyzzyplugh'");
    // Class names are candidates for plain names too.
    CHECK(error_of("networks") == "-e trace=networks: unknown syscall 'networks' (did you mean '%network'?)");
    CHECK(error_of("%fiel") == "-e trace=%fiel: unknown class '%fiel' (did you mean '%file'?)");
    CHECK(error_of("%netwrok") == "-e trace=%netwrok: unknown class '%netwrok' (did you mean '%network'?)");
    CHECK(error_of("%%stats") == "-e trace=%%stats: unknown class '%%stats' (did you mean '%%stat'?)");
    CHECK(error_of("%FILE") == "-e trace=%FILE: unknown class '%FILE' (did you mean '%file'?)");
    CHECK(error_of("/[") == "-e trace=/[: invalid regex '/['");
    CHECK(error_of("/^zzz") == "-e trace=/^zzz: regex '/^zzz' matches no syscall");
    CHECK(error_of("") == "-e trace=: no syscall given");
    CHECK(error_of("!") == "-e trace=!: no syscall given");
    CHECK(error_of(",") == "-e trace=,: no syscall given");
    CHECK(error_of("open,none") == "-e trace=open,none: 'none' is only valid as the whole list");
    CHECK(error_of("99999") == "-e trace=99999: unknown syscall number 99999");
    CHECK(error_of("open, close") == "-e trace=open, close: unknown syscall ' close' (did you mean 'close'?)");
}

TEST_CASE("edit distance", "[filter]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("open", "open") == 0);
    CHECK(edit_distance("opne", "open") == 2);  // a transposition is two edits
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("flaw", "lawn") == 2);
}

TEST_CASE("status filter", "[filter]") {
    auto parsed = [](std::string_view expr) { return parsed_by(parse_status, "-e status=", expr); };
    auto same = [](StatusFilter a, bool s, bool f, bool u) {
        return a.successful == s && a.failed == f && a.unfinished == u;
    };
    CHECK(same(parsed("all"), true, true, true));
    CHECK(same(parsed("none"), false, false, false));
    CHECK(same(parsed("!none"), true, true, true));
    CHECK(same(parsed("!all"), false, false, false));
    CHECK(same(parsed("successful"), true, false, false));
    CHECK(same(parsed("failed"), false, true, false));
    CHECK(same(parsed("failed,unfinished"), false, true, true));
    CHECK(same(parsed("!failed"), true, false, true));
    CHECK(same(parsed("!successful,unfinished"), false, true, false));
    CHECK(same(parsed("unavailable,detached"), false, false, false));
    CHECK(same(parsed("!detached"), true, true, true));
    CHECK(same(parsed("successful,,failed,"), true, true, false));

    auto error = [](std::string_view expr) { return error_by(parse_status, "-e status=", expr); };
    CHECK(error("faild") == "-e status=faild: unknown status 'faild' (did you mean 'failed'?)");
    CHECK(error("sucessful") == "-e status=sucessful: unknown status 'sucessful' (did you mean 'successful'?)");
    CHECK(error("bogus") == "-e status=bogus: unknown status 'bogus'");
    CHECK(error("all,failed") == "-e status=all,failed: unknown status 'all'");
    CHECK(error("") == "-e status=: no status given");
    CHECK(error("!") == "-e status=!: no status given");
}

TEST_CASE("errno lists", "[filter]") {
    auto parsed = [](std::string_view expr) { return parsed_by(parse_errno_list, "errno list ", expr); };
    CHECK(parsed("ENOENT") == std::vector<int>{ENOENT});
    CHECK(parsed("ENOENT,EACCES") == std::vector<int>{ENOENT, EACCES});
    CHECK(parsed("2,13") == std::vector<int>{2, 13});
    CHECK(parsed("EPERM,1,ENOENT,EPERM") == std::vector<int>{EPERM, ENOENT});  // repeats dropped
    CHECK(parsed("EHWPOISON") == std::vector<int>{133});
    CHECK(parsed("EWOULDBLOCK,EAGAIN") == std::vector<int>{EAGAIN});
    CHECK(parsed("ENOTSUP,EDEADLOCK") == std::vector<int>{EOPNOTSUPP, EDEADLK});
    CHECK(parsed("512") == std::vector<int>{512});  // ERESTARTSYS and friends, by number

    auto error = [](std::string_view expr) { return error_by(parse_errno_list, "errno list ", expr); };
    CHECK(error("ENOENTT") == "--errno ENOENTT: unknown errno 'ENOENTT' (did you mean 'ENOENT'?)");
    CHECK(error("EACCES,EACESS") == "--errno EACCES,EACESS: unknown errno 'EACESS' (did you mean 'EACCES'?)");
    CHECK(error("enoent") == "--errno enoent: unknown errno 'enoent' (did you mean 'ENOENT'?)");
    CHECK(error("EFOOBARBAZ") == "--errno EFOOBARBAZ: unknown errno 'EFOOBARBAZ'");
    CHECK(error("0") == "--errno 0: errno 0 out of range 1..4095");
    CHECK(error("4096") == "--errno 4096: errno 4096 out of range 1..4095");
    CHECK(error("") == "--errno : no errno given");
}

namespace {

// Syscall names in an strace -f -o log: "PID name(...", skipping signals,
// exits and "<... name resumed>" halves; unknown numbers (syscall_0x...)
// are left out.
std::set<std::string> strace_names(const std::string& path) {
    std::set<std::string> out;
    std::ifstream in(path);
    const std::regex call(R"(^(?:\d+\s+)?([a-z_][a-z0-9_]*)\()");
    std::string line;
    std::smatch m;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, call) && m[1].str().rfind("syscall_", 0) != 0) out.insert(m[1].str());
    }
    return out;
}

bool have_strace() { return std::system("command -v strace >/dev/null 2>&1") == 0; }

// Runs command under strace -f with -e trace=filter; the names it shows.
std::set<std::string> traced_by_strace(const std::string& filter, const std::string& command) {
    char path[] = "/tmp/btrace-filter-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    const std::string cmd = "strace -f -qq -o " + std::string(path) + " -e 'trace=" + filter + "' " + command +
                            " >/dev/null 2>&1";
    INFO(cmd);
    const int status = std::system(cmd.c_str());
    CHECK(status != -1);
    std::set<std::string> names = strace_names(path);
    std::remove(path);
    return names;
}

}  // namespace

TEST_CASE("classes agree with strace on real programs", "[filter][strace]") {
    REQUIRE(have_strace());  // scripts/setup installs it: its absence is a failure, not a skip
    const std::string command = "sh -c 'ls -l / /proc/self/fd; cat /etc/hostname; id; date; "
                                "stat / ; df / ; true < /dev/null' ";

    SECTION("strace -e trace=%file ls /: every call is in our %file") {
        const auto ours = names_in(set_of("%file"));
        const auto seen = traced_by_strace("%file", "ls /");
        CHECK_FALSE(seen.empty());
        for (const std::string& name : seen) {
            INFO("strace shows " << name << " under %file");
            CHECK(ours.count(name) == 1);
        }
    }

    // Both directions: what strace shows under %CLASS is in ours, and what it
    // shows under !%CLASS is not.
    for (const char* cls : {"%file", "%desc", "%network", "%process", "%memory", "%signal", "%ipc", "%clock",
                            "%creds", "%stat", "%lstat", "%fstat", "%%stat", "%statfs", "%fstatfs", "%%statfs",
                            "%pure"}) {
        DYNAMIC_SECTION("strace -e trace=" << cls << " and !" << cls) {
            const auto ours = names_in(set_of(cls));
            const auto in_class = traced_by_strace(cls, command);
            const auto outside = traced_by_strace(std::string("!") + cls, command);
            CHECK_FALSE(outside.empty());
            for (const std::string& name : in_class) {
                INFO("strace puts " << name << " in " << cls);
                CHECK(ours.count(name) == 1);
            }
            for (const std::string& name : outside) {
                INFO("strace leaves " << name << " out of " << cls);
                CHECK(ours.count(name) == 0);
            }
        }
    }
}

TEST_CASE("signal filter: names with or without SIG in any case, numbers, negation, all and none", "[filter]") {
    auto parsed = [](std::string_view expr) { return parsed_by(parse_signal_set, "-e signal=", expr); };
    constexpr auto bit = [](int sig) { return uint64_t{1} << (sig - 1); };
    CHECK(parsed("all") == ~uint64_t{0});
    CHECK(parsed("none") == 0);
    CHECK(parsed("SIGCHLD") == bit(17));
    CHECK(parsed("usr1,SIGUSR2,9") == (bit(10) | bit(12) | bit(9)));
    CHECK(parsed("!SIGCHLD") == ~bit(17));
    CHECK(parsed("SIGRTMIN,64") == (bit(32) | bit(64)));

    auto error = [](std::string_view expr) { return error_by(parse_signal_set, "-e signal=", expr); };
    CHECK(error("SIGCHILD") == "-e signal=SIGCHILD: unknown signal 'SIGCHILD' (did you mean 'SIGCHLD'?)");
    CHECK(error("65") == "-e signal=65: signal 65 out of range 1..64");
    CHECK(error("0") == "-e signal=0: signal 0 out of range 1..64");
    CHECK(error("") == "-e signal=: no signal given");
}
