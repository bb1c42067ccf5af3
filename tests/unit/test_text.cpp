// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "output/text.h"
#include "syscalls/table.h"
#include "records.h"

using btrace::output::TextFormatter;

namespace {

using test::kOrigin;

btrace_syscall make_call(const char* name, int64_t ret, std::initializer_list<uint64_t> args) {
    // cat/4243 of process 4242, 0.412 ms after the origin, 4 us long.
    return test::make_call(name, ret, args,
                           {.tgid = 4242, .tid = 4243, .comm = "cat", .ts_ns = kOrigin + 412'000, .duration_ns = 4'000});
}

std::string format(const btrace_syscall& rec) {
    fmt::memory_buffer out;
    TextFormatter(btrace::output::FormatOptions{kOrigin}).syscall(rec, {}, out);
    return fmt::to_string(out);
}

}  // namespace

TEST_CASE("a successful call: relative time, duration, comm/tid, named decoded args", "[text]") {
    auto rec = make_call("openat", 3, {static_cast<uint64_t>(-100), 0x7ffd1234, 0x80000, 0});
    CHECK(format(rec) ==
          "     0.412 ( 0.004 ms): cat/4243 openat(dfd: AT_FDCWD, filename: 0x7ffd1234, flags: O_RDONLY|O_CLOEXEC) = 3\n");
}

TEST_CASE("int arguments use only the low 32 bits", "[text]") {
    auto rec = make_call("close", 0, {0xffffffff00000003});
    CHECK(format(rec) == "     0.412 ( 0.004 ms): cat/4243 close(fd: 3) = 0\n");
}

TEST_CASE("a failed call shows -1, the errno name and message", "[text]") {
    auto rec = make_call("openat", -2, {static_cast<uint64_t>(-100), 0x1000, 0, 0});
    CHECK(format(rec) == "     0.412 ( 0.004 ms): cat/4243 openat(dfd: AT_FDCWD, filename: 0x1000, flags: O_RDONLY) "
                         "= -1 ENOENT (No such file or directory)\n");
}

TEST_CASE("an interrupted call shows the kernel-internal restart errno like strace", "[text]") {
    auto rec = make_call("nanosleep", -512, {0x1000, 0});
    CHECK(format(rec) == "     0.412 ( 0.004 ms): cat/4243 nanosleep(rqtp: 0x1000, rmtp: NULL) "
                         "= ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n");
}

TEST_CASE("an unknown errno value is numbered", "[text]") {
    auto rec = make_call("close", -999, {3});
    CHECK(format(rec) == "     0.412 ( 0.004 ms): cat/4243 close(fd: 3) = -1 errno 999 (Unknown error 999)\n");
}

TEST_CASE("address returns print in hex", "[text]") {
    auto rec = make_call("mmap", 0x7fa6f5080000, {0, 8192, 3, 0x22, static_cast<uint64_t>(-1), 0});
    CHECK(format(rec) == "     0.412 ( 0.004 ms): cat/4243 mmap(addr: NULL, len: 8192, prot: PROT_READ|PROT_WRITE, "
                         "flags: MAP_PRIVATE|MAP_ANONYMOUS, fd: -1, off: 0) = 0x7fa6f5080000\n");
}

TEST_CASE("a call that never returns has no duration and = ?", "[text]") {
    auto rec = make_call("exit_group", 0, {0});
    rec.hdr.flags = BTRACE_SYS_NO_RETURN;
    CHECK(format(rec) == "     0.412 (         ): cat/4243 exit_group(error_code: 0) = ?\n");
}

TEST_CASE("a syscall number missing from the table falls back to numbered hex args", "[text]") {
    auto rec = make_call("close", 0, {1, 2, 3, 4, 5, 6});
    rec.nr = 1999;
    CHECK(format(rec) == "     0.412 ( 0.004 ms): cat/4243 syscall_1999(arg0: 0x1, arg1: 0x2, arg2: 0x3, "
                         "arg3: 0x4, arg4: 0x5, arg5: 0x6) = 0\n");
}

TEST_CASE("long durations widen the column instead of truncating", "[text]") {
    auto rec = make_call("close", 0, {3});
    rec.duration_ns = 21'034'122'000;
    CHECK(format(rec) == "     0.412 (21034.122 ms): cat/4243 close(fd: 3) = 0\n");
}

TEST_CASE("a full 16-byte comm without NUL is not overread", "[text]") {
    auto rec = make_call("close", 0, {3});
    std::memcpy(rec.hdr.comm, "0123456789abcdef", 16);
    CHECK(format(rec) == "     0.412 ( 0.004 ms): 0123456789abcdef/4243 close(fd: 3) = 0\n");
}

TEST_CASE("process exit lines", "[text]") {
    btrace_exit rec{};
    rec.hdr.type = BTRACE_REC_EXIT;
    rec.hdr.tgid = 4242;
    std::strncpy(rec.hdr.comm, "cat", sizeof(rec.hdr.comm));
    fmt::memory_buffer out;
    TextFormatter formatter(btrace::output::FormatOptions{kOrigin});

    rec.status = 3 << 8;
    formatter.process_exit(rec, out);
    rec.status = 9;
    formatter.process_exit(rec, out);
    rec.status = 11 | 0x80;
    formatter.process_exit(rec, out);
    formatter.lost(17, 0, out);
    formatter.lost(1, 2, out);
    formatter.lost(0, 1, out);
    CHECK(fmt::to_string(out) == "+++ cat/4242 exited with 3 +++\n"
                                 "+++ cat/4242 killed by SIGKILL +++\n"
                                 "+++ cat/4242 killed by SIGSEGV (core dumped) +++\n"
                                 "... 17 calls lost ...\n"
                                 "... 1 call and 2 other records lost ...\n"
                                 "... 0 calls and 1 other record lost ...\n");
}
