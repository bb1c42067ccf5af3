// SPDX-License-Identifier: Apache-2.0
// The fd state machine on synthetic records: names set by the kernel side's
// descriptions, dup2 over an open fd, close and close_range, O_CLOEXEC at
// execve, fork inheritance, exit.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/close_range.h>

#include <cstring>
#include <string>
#include <vector>

#include "decode/payloads.h"
#include "state/fd_tracker.h"
#include "syscalls/table.h"
#include "records.h"

using namespace btrace;

namespace {

constexpr uint32_t kPid = 100;

using test::file_desc;

struct Call {
    btrace_syscall rec{};
    std::vector<std::vector<uint8_t>> descs;
    Call(const char* name, int64_t ret, std::initializer_list<uint64_t> args)
        : rec(test::make_call(name, ret, args, {.tgid = kPid, .tid = kPid})) {}
    void apply(state::FdTracker& tracker) {
        decode::Payloads payloads;
        for (std::size_t i = 0; i < descs.size(); ++i) {
            btrace_payload hdr{BTRACE_PAYLOAD_FD_DESC, BTRACE_CAP_FD_DESC, static_cast<uint16_t>(descs[i].size()), 0, 1};
            payloads.fd_descs[i] = decode::Payload{hdr, descs[i], true};
        }
        tracker.apply_descriptions(rec, payloads);
        tracker.apply_effects(rec);
    }
};

}  // namespace

TEST_CASE("open names an fd, close forgets it, a reused number gets the new name", "[fdstate]") {
    state::FdTable table;
    state::FdTracker tracker(table);
    Call open1("openat", 3, {static_cast<uint64_t>(-100), 0, 0, 0});
    open1.descs.push_back(file_desc(3, {"issue", "etc"}));
    open1.apply(tracker);
    CHECK(table.name(kPid, 3) == "/etc/issue");

    Call close3("close", 0, {3});
    close3.apply(tracker);
    CHECK(table.name(kPid, 3).empty());

    Call open2("openat", 3, {static_cast<uint64_t>(-100), 0, 0, 0});
    open2.descs.push_back(file_desc(3, {"hostname", "etc"}));
    open2.apply(tracker);
    CHECK(table.name(kPid, 3) == "/etc/hostname");
}

TEST_CASE("a failed close keeps the name", "[fdstate]") {
    state::FdTable table;
    state::FdTracker tracker(table);
    table.set(kPid, 4, "/x", false);
    Call failed("close", -EBADF, {4});
    failed.apply(tracker);
    CHECK(table.name(kPid, 4) == "/x");
}

TEST_CASE("dup2 over an open fd takes the source's description", "[fdstate]") {
    state::FdTable table;
    state::FdTracker tracker(table);
    table.set(kPid, 3, "/etc/hostname", false);
    table.set(kPid, 4, "pipe:[7]", false);
    Call dup2("dup2", 3, {4, 3});
    dup2.descs.push_back(file_desc(3, {}));  // the kernel side describes the new 3
    dup2.descs[0][offsetof(btrace_fd_desc, kind)] = BTRACE_FD_PIPE;
    btrace_fd_desc d;
    std::memcpy(&d, dup2.descs[0].data(), sizeof(d));
    d.inode = 7;
    std::memcpy(dup2.descs[0].data(), &d, sizeof(d));
    dup2.apply(tracker);
    CHECK(table.name(kPid, 3) == "pipe:[7]");
}

TEST_CASE("fcntl F_DUPFD copies a name and F_SETFD sets close-on-exec", "[fdstate]") {
    state::FdTable table;
    state::FdTracker tracker(table);
    table.set(kPid, 3, "/a", false);
    Call dup("fcntl", 10, {3, F_DUPFD_CLOEXEC, 10});
    dup.apply(tracker);
    CHECK(table.name(kPid, 10) == "/a");
    Call setfd("fcntl", 0, {3, F_SETFD, FD_CLOEXEC});
    setfd.apply(tracker);
    Call exec("execve", 0, {0, 0, 0});
    exec.apply(tracker);
    CHECK(table.name(kPid, 3).empty());   // set close-on-exec by F_SETFD
    CHECK(table.name(kPid, 10).empty());  // F_DUPFD_CLOEXEC
}

TEST_CASE("close_range closes, or with CLOSE_RANGE_CLOEXEC marks, a range", "[fdstate]") {
    state::FdTable table;
    state::FdTracker tracker(table);
    for (int fd = 3; fd <= 8; ++fd)
        table.set(kPid, fd, "/f" + std::to_string(fd), false);
    Call closing("close_range", 0, {3, 4, 0});
    closing.apply(tracker);
    CHECK(table.name(kPid, 3).empty());
    CHECK(table.name(kPid, 4).empty());
    CHECK(table.name(kPid, 5) == "/f5");
    Call marking("close_range", 0, {5, ~0u, CLOSE_RANGE_CLOEXEC});
    marking.apply(tracker);
    CHECK(table.name(kPid, 5) == "/f5");
    Call exec("execve", 0, {0, 0, 0});
    exec.apply(tracker);
    CHECK(table.name(kPid, 8).empty());
}

TEST_CASE("execve drops only close-on-exec fds, a failed execve drops none", "[fdstate]") {
    state::FdTable table;
    state::FdTracker tracker(table);
    table.set(kPid, 1, "/dev/pts/0", false);
    table.set(kPid, 3, "/etc/ld.so.cache", true);
    Call failed("execve", -ENOENT, {0, 0, 0});
    failed.apply(tracker);
    CHECK(table.name(kPid, 3) == "/etc/ld.so.cache");
    Call exec("execve", 0, {0, 0, 0});
    exec.apply(tracker);
    CHECK(table.name(kPid, 1) == "/dev/pts/0");
    CHECK(table.name(kPid, 3).empty());
}

TEST_CASE("a forked child inherits the table, each then goes its own way, exit forgets", "[fdstate]") {
    state::FdTable table;
    table.set(kPid, 1, "/dev/null", false);
    table.fork(kPid, 200);
    CHECK(table.name(200, 1) == "/dev/null");
    table.close(200, 1);
    CHECK(table.name(kPid, 1) == "/dev/null");
    table.exit(kPid);
    CHECK(table.name(kPid, 1).empty());
}

TEST_CASE("a name looked up before a change is not shown after it", "[fdstate]") {
    // Each lookup below is remembered; the change after it must end that.
    state::FdTable table;
    for (int fd = 0; fd < 8; ++fd)
        table.set(kPid, fd, "/f" + std::to_string(fd), fd == 3);
    table.set(200, 1, "/child", false);
    REQUIRE(table.name(kPid, 1) == "/f1");
    table.close(kPid, 1);
    CHECK(table.name(kPid, 1).empty());
    REQUIRE(table.name(kPid, 2) == "/f2");
    table.close_range(kPid, 2, 2);
    CHECK(table.name(kPid, 2).empty());
    REQUIRE(table.name(kPid, 3) == "/f3");
    table.exec(kPid);
    CHECK(table.name(kPid, 3).empty());
    REQUIRE(table.name(kPid, 4) == "/f4");
    table.copy(kPid, 9, 4, false);  // from a fd with no name
    CHECK(table.name(kPid, 4).empty());
    REQUIRE(table.name(kPid, 5) == "/f5");
    table.set(kPid, 5, "/g5", false);
    CHECK(table.name(kPid, 5) == "/g5");
    REQUIRE(table.name(200, 1) == "/child");
    table.fork(kPid, 200);  // the child's old table goes
    CHECK(table.name(200, 1).empty());
    REQUIRE(table.name(kPid, 6) == "/f6");
    table.exit(kPid);
    CHECK(table.name(kPid, 6).empty());
}

TEST_CASE("a malformed kernel description is ignored", "[fdstate]") {
    state::FdDescription desc;
    int fd;
    bool cloexec;
    std::vector<uint8_t> bytes = file_desc(3, {"etc"});
    CHECK(state::from_kernel(bytes, desc, fd, cloexec));
    CHECK(desc.path == "/etc");
    bytes.resize(sizeof(btrace_fd_desc) - 1);
    CHECK_FALSE(state::from_kernel(bytes, desc, fd, cloexec));
    std::vector<uint8_t> lying = file_desc(3, {"etc"});
    lying.pop_back();  // name_len now claims one byte more than there is
    CHECK_FALSE(state::from_kernel(lying, desc, fd, cloexec));
}

TEST_CASE("the calls sent for fd names under filters: those that make, replace, close or mark fds", "[fdstate]") {
    const auto changes = [](std::string_view name) { return state::changes_fds(*syscalls::lookup(syscalls::number_of(name))); };
    for (const char* name : {"openat", "socket", "accept4", "dup2", "dup3", "pipe2", "connect", "bind", "memfd_create",
                             "eventfd2", "close", "close_range", "fcntl", "execve", "execveat"})
        CHECK(changes(name));
    for (const char* name : {"read", "write", "fstat", "getpid", "mmap", "lseek", "exit_group"})
        CHECK_FALSE(changes(name));
}

TEST_CASE("a filter needs those calls only if a call it shows names an fd argument", "[fdstate]") {
    const auto names = [](std::string_view name) { return state::names_fd_args(*syscalls::lookup(syscalls::number_of(name))); };
    for (const char* name : {"read", "openat", "connect", "fcntl", "close"})
        CHECK(names(name));
    for (const char* name : {"execve", "getpid", "exit_group", "socket", "pipe2", "clone"})
        CHECK_FALSE(names(name));
}

TEST_CASE("may_change_fd: which calls may have changed what one fd names", "[fds]") {
    using btrace::state::may_change_fd;
    const auto changes = [](const char* name, int64_t ret, std::initializer_list<uint64_t> args, int fd,
                            bool completed) {
        const btrace_syscall rec = test::make_call(name, ret, args);
        return may_change_fd(*btrace::syscalls::lookup(rec.nr), rec, fd, completed);
    };
    const uint64_t cwd = static_cast<uint64_t>(AT_FDCWD);
    // An open makes the fd it returns; in flight it can take fd only once a close freed it.
    CHECK(changes("openat", 3, {cwd, 0x1000, O_RDONLY}, 3, true));
    CHECK_FALSE(changes("openat", 4, {cwd, 0x1000, O_RDONLY}, 3, true));
    CHECK_FALSE(changes("openat", 0, {cwd, 0x1000, O_RDONLY}, 3, false));
    CHECK(changes("close", 0, {3}, 3, true));
    CHECK(changes("close", 0, {3}, 3, false));
    CHECK_FALSE(changes("close", 0, {4}, 3, true));
    // dup2 replaces its newfd at once, with no close of its own
    CHECK(changes("dup2", 0, {5, 3}, 3, false));
    CHECK(changes("dup2", 3, {5, 3}, 3, true));
    CHECK_FALSE(changes("dup2", 4, {5, 4}, 3, true));
    CHECK(changes("close_range", 0, {3, ~0u}, 10, true));
    CHECK_FALSE(changes("close_range", 0, {3, ~0u}, 2, true));
    CHECK(changes("execve", 0, {0x1000, 0x2000, 0x3000}, 7, true));
    CHECK(changes("pipe2", 0, {0x1000, 0}, 3, true));  // the pair is in memory, not in the record
    CHECK_FALSE(changes("pipe2", 0, {0x1000, 0}, 3, false));
    CHECK(changes("fcntl", 3, {5, F_DUPFD, 3}, 3, true));
    CHECK_FALSE(changes("fcntl", 0, {5, F_DUPFD, 3}, 3, false));
    CHECK(changes("connect", 0, {3, 0x1000, 16}, 3, true));  // its name changes
    CHECK_FALSE(changes("read", 5, {3, 0x1000, 5}, 3, true));
}
