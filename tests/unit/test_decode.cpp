// SPDX-License-Identifier: Apache-2.0
// Arguments decoded by kind from synthetic records, and payload parsing that
// must survive malformed input.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "decode/payloads.h"
#include "decode/put.h"
#include "output/text.h"
#include "syscalls/capture_spec.h"
#include "syscalls/table.h"
#include "records.h"

using btrace::output::TextFormatter;

namespace {

using test::kOrigin;

struct Record {
    btrace_syscall rec{};
    std::vector<uint8_t> payloads;

    Record(const char* name, int64_t ret, std::initializer_list<uint64_t> args)
        : rec(test::make_call(name, ret, args, {.ts_ns = kOrigin + 1'000'000, .duration_ns = 1'000})) {}

    Record& payload(uint8_t arg, uint8_t how, std::string_view bytes, uint16_t flags = 0, uint16_t count = 0) {
        test::append_payload(payloads, arg, how, bytes, flags, count);
        return *this;
    }

    std::string text(bool raw = false) const {
        fmt::memory_buffer out;
        TextFormatter(btrace::output::FormatOptions{kOrigin, 0, raw}).syscall(rec, payloads, out);
        std::string line = fmt::to_string(out);
        return line.substr(line.find("): ") + 3);  // drop the time columns
    }
};

}  // namespace

TEST_CASE("openat: AT_FDCWD, the path, symbolic flags", "[decode]") {
    Record r("openat", 3, {static_cast<uint64_t>(-100), 0x1000, 0x80000, 0});
    r.payload(1, BTRACE_CAP_PATH, "/etc/ld.so.cache");
    CHECK(r.text() == "t/7 openat(dfd: AT_FDCWD, filename: \"/etc/ld.so.cache\", flags: O_RDONLY|O_CLOEXEC) = 3\n");
    CHECK(r.text(true) == "t/7 openat(dfd: -100, filename: 0x1000, flags: 0x80000, mode: 000) = 3\n");
}

TEST_CASE("open's mode shows only when the call creates", "[decode]") {
    Record r("openat", 3, {static_cast<uint64_t>(-100), 0x1000, O_WRONLY | O_CREAT | O_TRUNC, 0644});
    r.payload(1, BTRACE_CAP_PATH, "out.txt");
    CHECK(r.text() == "t/7 openat(dfd: AT_FDCWD, filename: \"out.txt\", flags: O_WRONLY|O_CREAT|O_TRUNC, mode: 0644) = 3\n");
}

TEST_CASE("poll's pollfd array is bracketed even with one element", "[decode]") {
    Record r("poll", 1, {0x1000, 1, 1000});
    const struct pollfd fd{3, POLLIN, POLLIN};
    r.payload(0, BTRACE_CAP_STRUCT_IN, std::string_view(reinterpret_cast<const char*>(&fd), sizeof(fd)), 0, 1);
    CHECK(r.text().starts_with("t/7 poll(ufds: [{fd=3, events=POLLIN}], nfds: 1, timeout_msecs: 1000) = 1"));
}

namespace {

std::string_view bytes_of(const auto& value) { return {reinterpret_cast<const char*>(&value), sizeof(value)}; }

}  // namespace

TEST_CASE("poll and ppoll: the entries with revents after the count, the time left, 0 as Timeout", "[decode][poll]") {
    const struct pollfd fds[2] = {{3, POLLIN, POLLIN}, {5, POLLIN, 0}};
    Record poll("poll", 1, {0x1000, 2, 1000});
    poll.payload(0, BTRACE_CAP_STRUCT_IN, bytes_of(fds), 0, 2);
    CHECK(poll.text() == "t/7 poll(ufds: [{fd=3, events=POLLIN}, {fd=5, events=POLLIN}], nfds: 2, timeout_msecs: 1000) "
                         "= 1 ([{fd=3, revents=POLLIN}])\n");
    CHECK(poll.text(true) == "t/7 poll(ufds: 0x1000, nfds: 2, timeout_msecs: 1000) = 1\n");

    // ppoll's timeout read after the kernel rewrote it is the time left, which
    // the result shows (the argument shows it as passed in, read at sys_enter).
    const struct timespec left{0, 999000000};
    const uint64_t chld = 1ull << (SIGCHLD - 1);
    Record ppoll("ppoll", 1, {0x1000, 1, 0x2000, 0x3000, 8});
    ppoll.payload(0, BTRACE_CAP_STRUCT_IN, bytes_of(fds[0]), 0, 1)
        .payload(2, BTRACE_CAP_STRUCT_IN, bytes_of(left))
        .payload(3, BTRACE_CAP_STRUCT_IN, bytes_of(chld));
    CHECK(ppoll.text() == "t/7 ppoll(ufds: [{fd=3, events=POLLIN}], nfds: 1, tsp: 0x2000, sigmask: [CHLD], sigsetsize: 8) "
                          "= 1 ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=999000000})\n");

    const struct pollfd idle{5, POLLIN, 0};
    Record timeout("ppoll", 0, {0x1000, 1, 0x2000, 0, 8});
    timeout.payload(0, BTRACE_CAP_STRUCT_IN, bytes_of(idle), 0, 1).payload(2, BTRACE_CAP_STRUCT_IN, bytes_of(left));
    CHECK(timeout.text() == "t/7 ppoll(ufds: [{fd=5, events=POLLIN}], nfds: 1, tsp: 0x2000, sigmask: NULL, sigsetsize: 8) "
                            "= 0 (Timeout)\n");
    // Nothing captured (a fault): the count alone.
    CHECK(Record("poll", 1, {0x1000, 1, 0}).text() == "t/7 poll(ufds: 0x1000, nfds: 1, timeout_msecs: 0) = 1\n");
}

TEST_CASE("select and pselect6: ready fds by set after the count, sets as passed in only when the call failed",
          "[decode][select]") {
    uint64_t in = (1u << 3) | (1u << 5), out = 1u << 4;  // as the kernel left them
    const struct timeval tv_left{0, 999000};
    Record select("select", 3, {6, 0x1000, 0x2000, 0, 0x3000});
    select.payload(1, BTRACE_CAP_FDSET, bytes_of(in))
        .payload(2, BTRACE_CAP_FDSET, bytes_of(out))
        .payload(4, BTRACE_CAP_STRUCT_IN, bytes_of(tv_left));
    CHECK(select.text() == "t/7 select(n: 6, inp: 0x1000, outp: 0x2000, exp: NULL, tvp: 0x3000) "
                           "= 3 (in [3 5], out [4], left {tv_sec=0, tv_usec=999000})\n");
    CHECK(select.text(true) == "t/7 select(n: 6, inp: 0x1000, outp: 0x2000, exp: 0, tvp: 0x3000) = 3\n");

    // strace counts the result's fds off the sets in order: the rest are not listed.
    Record counted("pselect6", 1, {6, 0x1000, 0, 0x2000, 0, 0});
    counted.payload(1, BTRACE_CAP_FDSET, bytes_of(in)).payload(3, BTRACE_CAP_FDSET, bytes_of(out));
    CHECK(counted.text() == "t/7 pselect6(n: 6, inp: 0x1000, outp: NULL, exp: 0x2000, tsp: NULL, sig: NULL) = 1 (in [3])\n");
    Record except("pselect6", 1, {6, 0x1000, 0, 0x2000, 0, 0});
    const uint64_t none = 0;
    except.payload(1, BTRACE_CAP_FDSET, bytes_of(none)).payload(3, BTRACE_CAP_FDSET, bytes_of(out));
    CHECK(except.text() == "t/7 pselect6(n: 6, inp: 0x1000, outp: NULL, exp: 0x2000, tsp: NULL, sig: NULL) = 1 (except [4])\n");

    // More fds than captured: what may be ready past the bits read is marked.
    Record wide("select", 2, {1 << 20, 0x1000, 0, 0, 0});
    wide.payload(1, BTRACE_CAP_FDSET, bytes_of(out), BTRACE_PAYLOAD_TRUNCATED);
    CHECK(wide.text().ends_with(" = 2 (in [4 ...])\n"));

    CHECK(Record("select", 0, {6, 0x1000, 0, 0, 0x3000}).text() ==
          "t/7 select(n: 6, inp: 0x1000, outp: NULL, exp: NULL, tvp: 0x3000) = 0 (Timeout)\n");

    // A failed call wrote nothing back: the sets are the ones passed in.
    Record failed("select", -EBADF, {10, 0x1000, 0, 0, 0});
    in |= 1u << 9;
    failed.payload(1, BTRACE_CAP_FDSET, bytes_of(in));
    CHECK(failed.text() == "t/7 select(n: 10, inp: [3 5 9], outp: NULL, exp: NULL, tvp: NULL) = -1 EBADF (Bad file descriptor)\n");
    Record cut("select", -EINTR, {10, 0x1000, 0, 0, 0});
    cut.payload(1, BTRACE_CAP_FDSET, bytes_of(in), BTRACE_PAYLOAD_TRUNCATED);
    CHECK(cut.text().starts_with("t/7 select(n: 10, inp: [3 5 9 ...], outp: NULL"));
}

TEST_CASE("select, pselect6 and ppoll show their sets and timeouts as passed in, read at sys_enter",
          "[decode][select]") {
    btrace_passed_in in{};
    in.sets[0][0] = (1u << 3) | (1u << 5);
    in.sets[1][0] = 1u << 4;
    const struct timeval asked{1, 0};
    std::memcpy(in.timeout, &asked, sizeof(asked));
    in.present = BTRACE_PASSED_SET(0) | BTRACE_PASSED_SET(1) | BTRACE_PASSED_TIMEOUT;
    const uint64_t ready = 1u << 3;
    const struct timeval left{0, 999000};
    Record select("select", 1, {6, 0x1000, 0x2000, 0, 0x3000});
    select.payload(1, BTRACE_CAP_FDSET, bytes_of(ready))
        .payload(4, BTRACE_CAP_STRUCT_IN, bytes_of(left))
        .payload(BTRACE_PAYLOAD_PASSED_IN, BTRACE_CAP_PASSED_IN, bytes_of(in));
    CHECK(select.text() == "t/7 select(n: 6, inp: [3 5], outp: [4], exp: NULL, tvp: {tv_sec=1, tv_usec=0}) "
                           "= 1 (in [3], left {tv_sec=0, tv_usec=999000})\n");
    CHECK(select.text(true) == "t/7 select(n: 6, inp: 0x1000, outp: 0x2000, exp: 0, tvp: 0x3000) = 1\n");

    // fds past the bits read (256) are marked; a set not read shows its address.
    in.present = BTRACE_PASSED_SET(0);
    Record wide("select", 0, {1000, 0x1000, 0x2000, 0, 0x3000});
    wide.payload(BTRACE_PAYLOAD_PASSED_IN, BTRACE_CAP_PASSED_IN, bytes_of(in));
    CHECK(wide.text() == "t/7 select(n: 1000, inp: [3 5 ...], outp: 0x2000, exp: NULL, tvp: 0x3000) = 0 (Timeout)\n");
    // A payload of the wrong size is not trusted.
    Record odd("select", 0, {6, 0x1000, 0, 0, 0});
    odd.payload(BTRACE_PAYLOAD_PASSED_IN, BTRACE_CAP_PASSED_IN, bytes_of(in).substr(0, 40));
    CHECK(odd.text() == "t/7 select(n: 6, inp: 0x1000, outp: NULL, exp: NULL, tvp: NULL) = 0 (Timeout)\n");

    btrace_passed_in timeout{};
    const struct timespec ts{0, 1000};
    std::memcpy(timeout.timeout, &ts, sizeof(ts));
    timeout.present = BTRACE_PASSED_TIMEOUT;
    const struct pollfd idle{5, POLLIN, 0};
    Record ppoll("ppoll", 0, {0x1000, 1, 0x2000, 0, 8});
    ppoll.payload(0, BTRACE_CAP_STRUCT_IN, bytes_of(idle), 0, 1)
        .payload(BTRACE_PAYLOAD_PASSED_IN, BTRACE_CAP_PASSED_IN, bytes_of(timeout));
    CHECK(ppoll.text() == "t/7 ppoll(ufds: [{fd=5, events=POLLIN}], nfds: 1, tsp: {tv_sec=0, tv_nsec=1000}, sigmask: NULL, "
                          "sigsetsize: 8) = 0 (Timeout)\n");

    using btrace::syscalls::capture_spec_for, btrace::syscalls::lookup, btrace::syscalls::number_of;
    const auto select_spec = capture_spec_for(*lookup(number_of("select")));
    CHECK(select_spec.fdsets_arg == 2);
    CHECK(select_spec.timeout_arg == 5);
    const auto ppoll_spec = capture_spec_for(*lookup(number_of("ppoll")));
    CHECK(ppoll_spec.fdsets_arg == 0);
    CHECK(ppoll_spec.timeout_arg == 3);
}

TEST_CASE("read shows the bytes read, escaped, and a failed read shows the pointer", "[decode]") {
    Record ok("read", 5, {3, 0x2000, 131072});
    ok.payload(1, BTRACE_CAP_BUF_RET, std::string_view("ab\n\0\1", 5));
    CHECK(ok.text() == "t/7 read(fd: 3, buf: \"ab\\n\\0\\1\", count: 131072) = 5\n");

    Record failed("read", -11, {3, 0x2000, 16});
    CHECK(failed.text() == "t/7 read(fd: 3, buf: 0x2000, count: 16) = -1 EAGAIN (Resource temporarily unavailable)\n");
}

TEST_CASE("getxattr and listxattr of size 0 wrote nothing: the buffer's address, not what it held", "[decode]") {
    Record probe("getxattr", 12, {0x1000, 0x2000, 0x3000, 0});
    probe.payload(0, BTRACE_CAP_PATH, "/tmp/x").payload(1, BTRACE_CAP_STR, "user.k").payload(2, BTRACE_CAP_BUF_RET, "STALE-STALE-");
    CHECK(probe.text() == "t/7 getxattr(pathname: \"/tmp/x\", name: \"user.k\", value: 0x3000, size: 0) = 12\n");
    Record got("getxattr", 5, {0x1000, 0x2000, 0x3000, 64});
    got.payload(0, BTRACE_CAP_PATH, "/tmp/x").payload(1, BTRACE_CAP_STR, "user.k").payload(2, BTRACE_CAP_BUF_RET, "value");
    CHECK(got.text() == "t/7 getxattr(pathname: \"/tmp/x\", name: \"user.k\", value: \"value\", size: 64) = 5\n");
}

TEST_CASE("write of a truncated buffer ends with ...", "[decode]") {
    Record r("write", 300, {1, 0x2000, 300});
    r.payload(1, BTRACE_CAP_BUF_ARG, "xxxx", BTRACE_PAYLOAD_TRUNCATED);
    CHECK(r.text() == "t/7 write(fd: 1, buf: \"xxxx\"..., count: 300) = 300\n");
}

TEST_CASE("execve: argv strings and the envp count", "[decode]") {
    Record r("execve", 0, {0x1000, 0x2000, 0x3000});
    r.payload(0, BTRACE_CAP_PATH, "/usr/bin/cat")
        .payload(1, BTRACE_CAP_ARGV, std::string_view("cat\0/etc/issue\0", 15), 0, 2)
        .payload(2, BTRACE_CAP_ENVP, "", 0, 20);
    CHECK(r.text() == "t/7 execve(filename: \"/usr/bin/cat\", argv: [\"cat\", \"/etc/issue\"], "
                      "envp: 0x3000 /* 20 vars */) = 0\n");
}

TEST_CASE("execve: an argv element longer than -s is cut there and marked, as strace does", "[decode]") {
    // The kernel side reads -s plus one byte: 257 bytes of a longer element, 256 of one that fits exactly.
    const std::string cut(257, 'a'), fits(256, 'b');
    const std::string strings = std::string("x\0", 2) + cut + '\0' + fits + '\0';
    Record r("execve", 0, {0x1000, 0x2000, 0x3000});
    r.payload(0, BTRACE_CAP_PATH, "/bin/x").payload(1, BTRACE_CAP_ARGV, strings, 0, 3);
    CHECK(r.text() == "t/7 execve(filename: \"/bin/x\", argv: [\"x\", \"" + std::string(256, 'a') + "\"..., \"" +
                          fits + "\"], envp: 0x3000) = 0\n");
}

TEST_CASE("a faulted read of a path falls back to the pointer", "[decode]") {
    Record r("unlink", -14, {0xdead});
    r.payload(0, BTRACE_CAP_PATH, "", BTRACE_PAYLOAD_FAULT);
    CHECK(r.text() == "t/7 unlink(pathname: 0xdead) = -1 EFAULT (Bad address)\n");
}

TEST_CASE("malformed payload areas never read out of bounds", "[decode]") {
    Record r("openat", 3, {static_cast<uint64_t>(-100), 0x1000, 0, 0});
    r.payload(1, BTRACE_CAP_PATH, "/etc/passwd");
    // Claim more bytes than there are: the payload is dropped, the pointer shown.
    btrace_payload lying{1, BTRACE_CAP_PATH, 4000, 0, 0};
    std::memcpy(r.payloads.data(), &lying, sizeof(lying));
    CHECK(r.text() == "t/7 openat(dfd: AT_FDCWD, filename: 0x1000, flags: O_RDONLY) = 3\n");

    btrace::decode::Payloads out;
    const uint8_t short_area[5] = {1, 1, 1, 0, 0};
    CHECK_FALSE(btrace::decode::split_payloads(short_area, out));
    const uint8_t bad_arg[8] = {9, 1, 0, 0, 0, 0, 0, 0};
    CHECK_FALSE(btrace::decode::split_payloads(bad_arg, out));
    CHECK(btrace::decode::split_payloads({}, out));
}

TEST_CASE("the appenders write numbers as fmt does, and text of any length", "[decode]") {
    using namespace btrace::decode;
    fmt::memory_buffer out;
    std::string expected;
    for (int64_t v : {int64_t{0}, int64_t{7}, int64_t{10}, int64_t{99}, int64_t{100}, int64_t{9999}, int64_t{10000},
                      int64_t{-1}, int64_t{-12345}, INT64_MAX, INT64_MIN}) {
        put_dec(out, v);
        expected += fmt::format("{} ", v);
        out.push_back(' ');
    }
    for (uint64_t v : {uint64_t{0}, uint64_t{1'000'000'000'000'000'000}, UINT64_MAX}) {
        put_udec(out, v);
        expected += fmt::format("{} ", v);
        out.push_back(' ');
    }
    // Every length the short-copy paths handle and some beyond, past the
    // buffer's inline capacity.
    const std::string text(600, 'x');
    for (std::size_t n = 0; n <= 40; ++n) {
        put(out, std::string_view(text).substr(0, n));
        expected += text.substr(0, n);
    }
    put(out, text);
    expected += text;
    CHECK(fmt::to_string(out) == expected);
}

TEST_CASE("socket options are named by their level, int values shown as [N], others as bytes", "[decode]") {
    Record reuse("setsockopt", 0, {3, SOL_SOCKET, SO_REUSEADDR, 0x1000, 4});
    reuse.payload(3, BTRACE_CAP_BUF_ARG, std::string_view("\1\0\0\0", 4));
    CHECK(reuse.text() == "t/7 setsockopt(fd: 3, level: SOL_SOCKET, optname: SO_REUSEADDR, optval: [1], optlen: 4) = 0\n");
    CHECK(reuse.text(true) == "t/7 setsockopt(fd: 3, level: 0x1, optname: 2, optval: 0x1000, optlen: 4) = 0\n");

    Record linger("setsockopt", 0, {3, SOL_SOCKET, SO_LINGER, 0x1000, 8});
    linger.payload(3, BTRACE_CAP_BUF_ARG, std::string_view("\1\0\0\0\0\0\0\0", 8));
    CHECK(linger.text() == "t/7 setsockopt(fd: 3, level: SOL_SOCKET, optname: SO_LINGER, optval: \"\\1\\0\\0\\0\\0\\0\\0\\0\", optlen: 8) = 0\n");

    Record tcp("getsockopt", 0, {3, IPPROTO_TCP, 1, 0x1000, 0x2000});
    tcp.payload(3, BTRACE_CAP_SOCKADDR_OUT, std::string_view("\1\0\0\0", 4));
    tcp.payload(4, BTRACE_CAP_SOCKLEN, std::string_view("\4\0\0\0\4\0\0\0", 8));
    CHECK(tcp.text() == "t/7 getsockopt(fd: 3, level: SOL_TCP, optname: TCP_NODELAY, optval: [1], optlen: [4]) = 0\n");

    Record failed("getsockopt", -92, {3, 270, 11, 0x1000, 0x2000});
    CHECK(failed.text() == "t/7 getsockopt(fd: 3, level: SOL_NETLINK, optname: NETLINK_EXT_ACK, optval: 0x1000, optlen: 0x2000) = "
                           "-1 ENOPROTOOPT (Protocol not available)\n");
    // The length as passed in, kept from sys_enter: a failed call shows it too.
    failed.payload(4, BTRACE_CAP_SOCKLEN, std::string_view("\4\0\0\0", 4));
    CHECK(failed.text().starts_with("t/7 getsockopt(fd: 3, level: SOL_NETLINK, optname: NETLINK_EXT_ACK, optval: 0x1000, optlen: [4]) = -1"));

    Record unknown_level("setsockopt", 0, {3, 999, 7, 0x1000, 4});
    CHECK(unknown_level.text().starts_with("t/7 setsockopt(fd: 3, level: 999, optname: 7, "));
}

TEST_CASE("socket's protocol is named by the family: IPPROTO_* for IP, NETLINK_* for netlink, else a number", "[decode]") {
    CHECK(Record("socket", 3, {AF_INET, SOCK_STREAM, 0}).text() ==
          "t/7 socket(family: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_IP) = 3\n");
    CHECK(Record("socket", 3, {AF_INET6, SOCK_DGRAM, IPPROTO_UDP}).text() ==
          "t/7 socket(family: AF_INET6, type: SOCK_DGRAM, protocol: IPPROTO_UDP) = 3\n");
    CHECK(Record("socket", 3, {AF_NETLINK, SOCK_RAW, 16}).text() ==
          "t/7 socket(family: AF_NETLINK, type: SOCK_RAW, protocol: NETLINK_GENERIC) = 3\n");
    CHECK(Record("socket", 3, {AF_UNIX, SOCK_STREAM, 0}).text() ==
          "t/7 socket(family: AF_UNIX, type: SOCK_STREAM, protocol: 0) = 3\n");
}

TEST_CASE("wait4's status is decoded when a child changed state, the pointer shown when none did", "[decode]") {
    Record exited("wait4", 42, {static_cast<uint64_t>(-1), 0x1000, 0, 0});
    exited.payload(1, BTRACE_CAP_STRUCT_OUT, std::string_view("\0\3\0\0", 4));
    CHECK(exited.text() == "t/7 wait4(upid: -1, stat_addr: [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], options: 0, ru: NULL) = 42\n");
    Record none("wait4", 0, {static_cast<uint64_t>(-1), 0x1000, 1, 0});
    none.payload(1, BTRACE_CAP_STRUCT_OUT, std::string_view("\0\3\0\0", 4));  // stale: the kernel wrote nothing
    CHECK(none.text() == "t/7 wait4(upid: -1, stat_addr: 0x1000, options: WNOHANG, ru: NULL) = 0\n");
}

TEST_CASE("sendmsg and recvmsg show the msghdr with its name and iovecs, as strace does", "[decode]") {
    struct msghdr m{};
    m.msg_name = reinterpret_cast<void*>(0x1000);
    m.msg_namelen = sizeof(sockaddr_in);
    m.msg_iov = reinterpret_cast<iovec*>(0x2000);
    m.msg_iovlen = 1;
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(53);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Record sent("sendmsg", 4, {3, 0x3000, 0});
    sent.payload(1, BTRACE_CAP_MSGHDR_IN, std::string_view(reinterpret_cast<const char*>(&m), sizeof(m)));
    sent.payload(BTRACE_PAYLOAD_MSG_NAME, BTRACE_CAP_SOCKADDR_IN, std::string_view(reinterpret_cast<const char*>(&sin), sizeof(sin)));
    const std::string iov = test::iov_bytes({{"ping", 4}});
    sent.payload(BTRACE_PAYLOAD_MSG_IOV, BTRACE_CAP_IOVEC_IN, iov, 0, 1);
    CHECK(sent.text() == "t/7 sendmsg(fd: 3, msg: {msg_name={sa_family=AF_INET, sin_port=htons(53), "
                         "sin_addr=inet_addr(\"127.0.0.1\")}, msg_namelen=16, msg_iov=[{iov_base=\"ping\", iov_len=4}], "
                         "msg_iovlen=1, msg_controllen=0, msg_flags=0}, flags: 0) = 4\n");

    // Received: the iovec's data is what the call put there (no "..." for the rest of a larger buffer).
    m.msg_name = nullptr;
    m.msg_namelen = 0;
    m.msg_flags = MSG_TRUNC;
    Record received("recvmsg", 4, {3, 0x3000, 0});
    received.payload(1, BTRACE_CAP_MSGHDR_OUT, std::string_view(reinterpret_cast<const char*>(&m), sizeof(m)));
    const std::string got = test::iov_bytes({{"pong", 64}});
    received.payload(BTRACE_PAYLOAD_MSG_IOV, BTRACE_CAP_IOVEC_OUT, got, 0, 1);
    CHECK(received.text() == "t/7 recvmsg(fd: 3, msg: {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"pong\", iov_len=64}], "
                             "msg_iovlen=1, msg_controllen=0, msg_flags=MSG_TRUNC}, flags: 0) = 4\n");

    Record failed("recvmsg", -11, {3, 0x3000, 0});
    CHECK(failed.text().starts_with("t/7 recvmsg(fd: 3, msg: 0x3000, flags: 0) = -1 EAGAIN"));
}

TEST_CASE("a socklen_t in/out length shows as strace's [in => out], or [len] when it stayed or the call failed",
          "[decode]") {
    const auto lens = [](uint32_t in, uint32_t out) {
        const uint32_t both[2] = {in, out};
        return std::string(reinterpret_cast<const char*>(both), sizeof(both));
    };
    Record changed("getsockname", 0, {5, 0x1000, 0x2000});
    changed.payload(2, BTRACE_CAP_SOCKLEN, lens(128, 16));
    CHECK(changed.text() == "t/7 getsockname(fd: 5, usockaddr: 0x1000, usockaddr_len: [128 => 16]) = 0\n");
    Record same("accept4", 4, {3, 0x1000, 0x2000, 0});
    same.payload(2, BTRACE_CAP_SOCKLEN, lens(16, 16));
    CHECK(same.text().starts_with("t/7 accept4(fd: 3, upeer_sockaddr: 0x1000, upeer_addrlen: [16], flags: 0) = 4"));
    Record failed("getpeername", -107, {3, 0x1000, 0x2000});
    failed.payload(2, BTRACE_CAP_SOCKLEN, lens(16, 0).substr(0, 4));
    CHECK(failed.text().starts_with("t/7 getpeername(fd: 3, usockaddr: 0x1000, usockaddr_len: [16]) = -1 ENOTCONN"));
    // NULL (recvfrom without an address): nothing read, the pointer.
    CHECK(Record("recvfrom", 0, {3, 0x1000, 10, 0, 0, 0}).text().ends_with("addr: NULL, addr_len: NULL) = 0\n"));
    auto spec = btrace::syscalls::capture_spec_for(*btrace::syscalls::lookup(btrace::syscalls::number_of("recvfrom")));
    CHECK(spec.socklen_arg == 6);
}

TEST_CASE("a sleep's remaining time shows only when a signal cut it short, as strace shows it", "[decode]") {
    const struct timespec left{0, 250000000};
    const std::string rem(reinterpret_cast<const char*>(&left), sizeof(left));
    const struct timespec asked{1, 0};
    const std::string req(reinterpret_cast<const char*>(&asked), sizeof(asked));
    // Completed: the kernel did not write rem (btrace reads it all the same).
    CHECK(Record("nanosleep", 0, {0x1000, 0x2000}).payload(0, BTRACE_CAP_STRUCT_IN, req).payload(1, BTRACE_CAP_STRUCT_IN, rem).text() ==
          "t/7 nanosleep(rqtp: {tv_sec=1, tv_nsec=0}, rmtp: 0x2000) = 0\n");
    CHECK(Record("clock_nanosleep", -516, {CLOCK_MONOTONIC, 0, 0x1000, 0x2000})
              .payload(2, BTRACE_CAP_STRUCT_IN, req)
              .payload(3, BTRACE_CAP_STRUCT_IN, rem)
              .text() == "t/7 clock_nanosleep(which_clock: CLOCK_MONOTONIC, flags: 0, rqtp: {tv_sec=1, tv_nsec=0}, "
                         "rmtp: {tv_sec=0, tv_nsec=250000000}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)\n");
}

TEST_CASE("capture specs follow the table's kinds", "[decode]") {
    using namespace btrace::syscalls;
    auto spec = capture_spec_for(*lookup(number_of("openat")));
    CHECK(spec.items[0].how == BTRACE_CAP_PATH);
    CHECK(spec.items[0].arg == 1);
    CHECK(spec.items[1].how == BTRACE_CAP_NONE);

    // What a call passes in is read at sys_enter (a racing thread may
    // rewrite it before sys_exit), unless the monitor asks otherwise.
    CHECK(spec.items[0].at_enter);
    CHECK(spec.enter_items == 1);
    CHECK_FALSE(capture_spec_for(*lookup(number_of("openat")), {.inputs_at_enter = false}).items[0].at_enter);

    spec = capture_spec_for(*lookup(number_of("write")));
    CHECK(spec.items[0].how == BTRACE_CAP_BUF_ARG);
    CHECK(spec.items[0].len_arg == 2);
    CHECK(spec.items[0].at_enter);

    // What the call writes, and poll's fds (revents), are read at sys_exit.
    spec = capture_spec_for(*lookup(number_of("read")));
    CHECK_FALSE(spec.items[0].at_enter);
    CHECK(spec.enter_items == 0);
    spec = capture_spec_for(*lookup(number_of("poll")));
    CHECK(spec.items[0].how == BTRACE_CAP_STRUCT_IN);
    CHECK_FALSE(spec.items[0].at_enter);
    spec = capture_spec_for(*lookup(number_of("getsockopt")));
    CHECK(std::none_of(spec.items, spec.items + BTRACE_MAX_CAPTURES, [](const auto& item) { return item.at_enter; }));

    // execve's memory is gone by sys_exit: read at sys_enter even for the monitor.
    spec = capture_spec_for(*lookup(number_of("execve")), {.inputs_at_enter = false});
    CHECK(spec.items[0].how == BTRACE_CAP_PATH);
    CHECK(spec.items[1].how == BTRACE_CAP_ARGV);
    CHECK(spec.items[2].how == BTRACE_CAP_ENVP);
    CHECK((spec.items[0].at_enter && spec.items[1].at_enter && spec.items[2].at_enter));
    CHECK(spec.enter_items == 3);

    // setsockopt's value is a setting, not data: read with --no-data too, as a small block.
    spec = capture_spec_for(*lookup(number_of("setsockopt")));
    CHECK(spec.items[0].how == BTRACE_CAP_SOCKADDR_IN);
    CHECK(spec.items[0].arg == 3);
    CHECK(spec.items[0].len_arg == 4);

    spec = capture_spec_for(*lookup(number_of("newfstatat")));
    CHECK(spec.items[1].how == BTRACE_CAP_STRUCT_OUT);
    CHECK(spec.items[1].size == 56);  // through st_size: the fields shown
    CHECK_FALSE(spec.items[1].at_enter);
    CHECK(spec.items[0].when_arg == kNone);  // every call

    // fcntl's struct flock: read for the lock commands only (an int argument is no address).
    spec = capture_spec_for(*lookup(number_of("fcntl")));
    const uint64_t setlk = 1ull << F_SETLK | 1ull << F_SETLKW | 1ull << F_OFD_SETLK | 1ull << F_OFD_SETLKW;
    CHECK(spec.items[0].how == BTRACE_CAP_STRUCT_OUT);  // F_GETLK's, as the kernel filled it
    CHECK(spec.items[0].when_values == (1ull << F_GETLK | 1ull << F_OFD_GETLK));
    CHECK(spec.items[1].how == BTRACE_CAP_STRUCT_IN);
    CHECK(spec.items[1].when_values == setlk);
    for (const auto& item : {spec.items[0], spec.items[1]}) {
        CHECK(item.arg == 2);
        CHECK(item.size == 32);
        CHECK(item.when_arg == 1);
        CHECK(item.when_mask == UINT32_MAX);
    }
    CHECK(spec.items[2].how == BTRACE_CAP_NONE);

    // select's sets by their nfds argument; its rewritten timeout as a struct
    spec = capture_spec_for(*lookup(number_of("pselect6")));
    for (int i = 0; i < 3; ++i) {
        CHECK(spec.items[i].how == BTRACE_CAP_FDSET);
        CHECK(spec.items[i].arg == i + 1);
        CHECK(spec.items[i].len_arg == 0);
    }
    CHECK(spec.items[3].how == BTRACE_CAP_STRUCT_IN);
    CHECK(spec.items[3].arg == 4);
    CHECK(spec.items[3].size == 16);
}

TEST_CASE("fcntl's lock commands show the struct flock captured for them, F_GETLK's with l_pid", "[decode]") {
    const auto bytes = [](const struct flock& lock) {
        return std::string(reinterpret_cast<const char*>(&lock), sizeof(lock));
    };
    CHECK(Record("fcntl", 0, {3, F_SETLKW, 0x7ffe1000})
              .payload(2, BTRACE_CAP_STRUCT_IN, bytes({F_WRLCK, SEEK_SET, 100, 1, 0}), 0, 1)
              .text() == "t/7 fcntl(fd: 3, cmd: F_SETLKW, arg: {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=100, l_len=1}) = 0\n");
    CHECK(Record("fcntl", 0, {3, F_GETLK, 0x7ffe1000})
              .payload(2, BTRACE_CAP_STRUCT_OUT, bytes({F_RDLCK, SEEK_SET, 0, 0, 4242}), 0, 1)
              .text() ==
          "t/7 fcntl(fd: 3, cmd: F_GETLK, arg: {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0, l_pid=4242}) = 0\n");
}

TEST_CASE("getdents shows its buffer's address and the entries the kernel side counted, as strace", "[decode]") {
    CHECK(Record("getdents64", 144, {3, 0x55e000, 32768}).payload(1, BTRACE_CAP_DIRENTS, "", 0, 5).text() ==
          "t/7 getdents64(fd: 3, dirent: 0x55e000 /* 5 entries */, count: 32768) = 144\n");
    // More entries than the walk counts: at least that many.
    CHECK(Record("getdents64", 32760, {3, 0x55e000, 32768})
              .payload(1, BTRACE_CAP_DIRENTS, "", BTRACE_PAYLOAD_TRUNCATED, 4096)
              .text() == "t/7 getdents64(fd: 3, dirent: 0x55e000 /* 4096+ entries */, count: 32768) = 32760\n");
    // A chain the walk could not follow, or a failed call: the address alone.
    CHECK(Record("getdents64", 144, {3, 0x55e000, 32768}).payload(1, BTRACE_CAP_DIRENTS, "", BTRACE_PAYLOAD_FAULT, 2).text() ==
          "t/7 getdents64(fd: 3, dirent: 0x55e000, count: 32768) = 144\n");
    CHECK(Record("getdents64", -9, {3, 0x55e000, 32768}).text() ==
          "t/7 getdents64(fd: 3, dirent: 0x55e000, count: 32768) = -1 EBADF (Bad file descriptor)\n");
}
