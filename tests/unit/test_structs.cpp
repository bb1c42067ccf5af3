// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "decode/structs.h"

using namespace btrace::decode;

namespace {

using Bytes = std::vector<uint8_t>;

// Every decoder call goes through an exactly sized heap copy, so that a read
// past the span is a heap overflow under -fsanitize=address.
struct Exact {
    explicit Exact(const Bytes& bytes) : size(bytes.size()), data(new uint8_t[bytes.size()]) {
        std::copy(bytes.begin(), bytes.end(), data.get());
    }
    std::span<const uint8_t> span() const { return {data.get(), size}; }
    std::size_t size;
    std::unique_ptr<uint8_t[]> data;
};

std::string str(const Bytes& bytes, bool truncated = false) {
    Exact exact(bytes);
    fmt::memory_buffer out;
    format_string(exact.span(), truncated, false, out);
    return fmt::to_string(out);
}

std::string str(std::string_view text, bool truncated = false) { return str(Bytes(text.begin(), text.end()), truncated); }

std::string st(StructKind kind, const Bytes& bytes, std::size_t count = 1) {
    Exact exact(bytes);
    fmt::memory_buffer out;
    if (count == 1)
        format_struct(kind, exact.span(), out);
    else
        format_struct_array(kind, exact.span(), count, out);
    return fmt::to_string(out);
}

std::string sa(const Bytes& bytes) {
    Exact exact(bytes);
    fmt::memory_buffer out;
    format_sockaddr(exact.span(), out);
    return fmt::to_string(out);
}

template <typename T>
Bytes raw(const T& value, std::size_t size = sizeof(T)) {
    Bytes bytes(sizeof(T));
    std::memcpy(bytes.data(), &value, sizeof(T));
    bytes.resize(size);
    return bytes;
}

Bytes cut(Bytes bytes, std::size_t size) {
    bytes.resize(std::min(size, bytes.size()));
    return bytes;
}

Bytes concat(const Bytes& a, const Bytes& b) {
    Bytes out = a;
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

uint64_t sigbit(int sig) { return uint64_t{1} << (sig - 1); }

struct KernelSigaction {
    uint64_t handler, flags, restorer, mask;
};

struct stat make_stat(uint32_t mode, uint64_t size, dev_t rdev = 0) {
    struct stat s;
    std::memset(&s, 0xa5, sizeof(s));  // garbage in the fields not printed
    s.st_mode = mode;
    s.st_size = static_cast<off_t>(size);
    s.st_rdev = rdev;
    return s;
}

struct statx make_statx(uint32_t mask, uint64_t attributes, uint16_t mode, uint64_t size) {
    struct statx s;
    std::memset(&s, 0x5a, sizeof(s));
    s.stx_mask = mask;
    s.stx_attributes = attributes;
    s.stx_mode = mode;
    s.stx_size = size;
    return s;
}

struct new_utsname {
    char field[6][65];
};

new_utsname make_uts(const char* sysname, const char* nodename) {
    new_utsname u;
    std::memset(&u, 0, sizeof(u));
    // memcpy: a 65-byte nodename fills its field with no NUL, as the kernel allows.
    std::memcpy(u.field[0], sysname, std::min<std::size_t>(std::strlen(sysname), 65));
    std::memcpy(u.field[1], nodename, std::min<std::size_t>(std::strlen(nodename), 65));
    std::memcpy(u.field[2], "6.18.0", 6);
    return u;
}

#pragma pack(push, 1)
struct PackedEpollEvent {
    uint32_t events;
    uint64_t data;
};
#pragma pack(pop)
static_assert(sizeof(PackedEpollEvent) == 12);

Bytes poll_array(std::initializer_list<pollfd> fds) {
    Bytes out;
    for (const pollfd& p : fds)
        out = concat(out, raw(p));
    return out;
}

Bytes inet4(const char* ip, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return raw(a);
}

Bytes inet6(const char* ip, uint16_t port, uint32_t flowinfo = 0, uint32_t scope = 0) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(port);
    a.sin6_flowinfo = htonl(flowinfo);
    inet_pton(AF_INET6, ip, &a.sin6_addr);
    a.sin6_scope_id = scope;
    return raw(a);
}

// sockaddr_un of the given path bytes, addrlen = 2 + path.size().
Bytes unix_path(std::string_view path) {
    Bytes out(2 + path.size());
    out[0] = AF_UNIX;
    std::copy(path.begin(), path.end(), out.begin() + 2);
    return out;
}

}  // namespace

// ------------------------------------------------------------------ strings

TEST_CASE("strings: printable ASCII as is, quotes and backslashes escaped", "[structs][string]") {
    CHECK(str("") == R"("")");
    CHECK(str("hello world ~") == R"("hello world ~")");
    CHECK(str("a\"b\\c") == R"("a\"b\\c")");
    CHECK(str("'`{}") == R"("'`{}")");
}

TEST_CASE("strings: C escapes for tab, newline, vertical tab, form feed and carriage return", "[structs][string]") {
    CHECK(str("\t\n\v\f\r") == R"("\t\n\v\f\r")");
}

TEST_CASE("strings: other bytes as the shortest octal", "[structs][string]") {
    // strace 6.1: write(3, "\t\n\v\f\r\"\\a\7\10\19\0", 13)
    CHECK(str(Bytes{'\t', '\n', '\v', '\f', '\r', '"', '\\', 'a', 7, 8, 1, '9', 0}) == R"("\t\n\v\f\r\"\\a\7\10\19\0")");
    CHECK(str(Bytes{0}) == R"("\0")");
    CHECK(str(Bytes{033}) == R"("\33")");
    CHECK(str(Bytes{0177}) == R"("\177")");
    CHECK(str(Bytes{0377}) == R"("\377")");
    CHECK(str(Bytes{0x80, 0xc3, 0xa9, ' ', '~'}) == R"("\200\303\251 ~")");  // UTF-8 is not passed through
}

TEST_CASE("strings: three octal digits when an octal digit follows", "[structs][string]") {
    CHECK(str(Bytes{0, '1'}) == R"("\0001")");
    CHECK(str(Bytes{0, '8'}) == R"("\08")");  // 8 is not an octal digit
    CHECK(str(Bytes{1, '7', 1}) == R"("\0017\1")");
    // strace 6.1: write(3, "\0337\177x\3770\377", 7)
    CHECK(str(Bytes{27, '7', 127, 'x', 255, '0', 255}) == R"("\0337\177x\3770\377")");
    CHECK(str(Bytes{9, '0'}) == R"("\t0")");  // named escapes never widen
}

TEST_CASE("strings: the lookahead stays inside the span", "[structs][string]") {
    // strace -s 1 of {0, '1'}: "\0"...
    CHECK(str(Bytes{0}, true) == R"("\0"...)");
    CHECK(str(Bytes{1}, true) == R"("\1"...)");
}

TEST_CASE("strings: truncated appends ... after the closing quote", "[structs][string]") {
    CHECK(str("01234567", true) == R"("01234567"...)");
    CHECK(str("", true) == R"(""...)");
}

TEST_CASE("strings: every byte value round-trips through a known escape", "[structs][string]") {
    for (int c = 0; c < 256; ++c) {
        const std::string s = str(Bytes{static_cast<uint8_t>(c)});
        CAPTURE(c, s);
        CHECK(s.size() >= 3);
        CHECK(s.front() == '"');
        CHECK(s.back() == '"');
    }
}

// ------------------------------------------------------------------ sizes

TEST_CASE("struct_size follows the X-macro: stat and statx up to the last field shown", "[structs]") {
    CHECK(struct_size(StructKind::Stat) == 56);
    CHECK(struct_size(StructKind::Statx) == 48);
    CHECK(struct_size(StructKind::Timespec) == 16);
    CHECK(struct_size(StructKind::Timeval) == 16);
    CHECK(struct_size(StructKind::Itimerspec) == 32);
    CHECK(struct_size(StructKind::Rlimit) == 16);
    CHECK(struct_size(StructKind::Sigset) == 8);
    CHECK(struct_size(StructKind::Sigaction) == 32);
    CHECK(struct_size(StructKind::FdPair) == 8);
    CHECK(struct_size(StructKind::Utsname) == 390);
    CHECK(struct_size(StructKind::EpollEvent) == 12);
    CHECK(struct_size(StructKind::Pollfd) == 8);
    CHECK(struct_size(StructKind::Int) == 4);
    CHECK(struct_size(StructKind::Stat) < sizeof(struct stat));
    CHECK(struct_size(StructKind::Statx) < sizeof(struct statx));
    CHECK(struct_size(StructKind::Utsname) == sizeof(struct utsname));
}

// ------------------------------------------------------------------ stat

TEST_CASE("stat: mode and size, non-verbose", "[structs][stat]") {
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFREG | 0644, 104939))) == "{st_mode=S_IFREG|0644, st_size=104939, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFREG | S_ISUID | 0755, 68248))) ==
          "{st_mode=S_IFREG|S_ISUID|0755, st_size=68248, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFDIR | S_ISVTX | 0777, 4096))) ==
          "{st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFREG | S_ISGID | 0711, 0))) == "{st_mode=S_IFREG|S_ISGID|0711, st_size=0, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFLNK | 0777, 13))) == "{st_mode=S_IFLNK|0777, st_size=13, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFIFO | 0644, 0))) == "{st_mode=S_IFIFO|0644, st_size=0, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFSOCK | 0755, 0))) == "{st_mode=S_IFSOCK|0755, st_size=0, ...}");
}

TEST_CASE("stat: devices print st_rdev=makedev instead of the size", "[structs][stat]") {
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFCHR | 0620, 0, makedev(0x88, 0x1)))) ==
          "{st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x1), ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFBLK | 0600, 0, makedev(7, 0)))) ==
          "{st_mode=S_IFBLK|0600, st_rdev=makedev(0x7, 0), ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFCHR, 0, makedev(5, 2)))) == "{st_mode=S_IFCHR|000, st_rdev=makedev(0x5, 0x2), ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFBLK | 0660, 0, makedev(259, 65536)))) ==
          "{st_mode=S_IFBLK|0660, st_rdev=makedev(0x103, 0x10000), ...}");
}

TEST_CASE("stat: odd modes as strace's print_symbolic_mode_t", "[structs][stat]") {
    CHECK(st(StructKind::Stat, raw(make_stat(0644, 1))) == "{st_mode=0644, st_size=1, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(0, 1))) == "{st_mode=000, st_size=1, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_ISUID | 0644, 1))) == "{st_mode=S_ISUID|0644, st_size=1, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(0170644, 1))) == "{st_mode=0170644, st_size=1, ...}");
    CHECK(st(StructKind::Stat, raw(make_stat(S_IFREG | 07, 1))) == "{st_mode=S_IFREG|007, st_size=1, ...}");
}

TEST_CASE("stat: short captures print the complete fields", "[structs][stat][short]") {
    const Bytes full = raw(make_stat(S_IFREG | 0644, 42));
    CHECK(st(StructKind::Stat, cut(full, 143)) == "{st_mode=S_IFREG|0644, st_size=42, ...}");
    CHECK(st(StructKind::Stat, cut(full, 56)) == "{st_mode=S_IFREG|0644, st_size=42, ...}");
    CHECK(st(StructKind::Stat, cut(full, 55)) == "{st_mode=S_IFREG|0644, ...}");
    CHECK(st(StructKind::Stat, cut(full, 28)) == "{st_mode=S_IFREG|0644, ...}");
    CHECK(st(StructKind::Stat, cut(full, 27)) == "{...}");
    CHECK(st(StructKind::Stat, {}) == "{...}");
    const Bytes dev = raw(make_stat(S_IFCHR | 0666, 0, makedev(1, 3)));
    CHECK(st(StructKind::Stat, cut(dev, 47)) == "{st_mode=S_IFCHR|0666, ...}");
    CHECK(st(StructKind::Stat, cut(dev, 48)) == "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}");
}

// ------------------------------------------------------------------ statx

TEST_CASE("statx: mask, attributes, mode, size", "[structs][statx]") {
    CHECK(st(StructKind::Statx, raw(make_statx(STATX_BASIC_STATS | STATX_MNT_ID, 0, S_IFREG | 0644, 1221))) ==
          "{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}");
    CHECK(st(StructKind::Statx, raw(make_statx(0xfff | 0x1000, 0, S_IFREG | S_ISUID | 0755, 68248))) ==
          "{stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|S_ISUID|0755, stx_size=68248, ...}");
    // a mask without every basic bit: the single names
    CHECK(st(StructKind::Statx, raw(make_statx(0x17ff & ~0x40u, 0x2000, S_IFDIR | 0755, 4096))) ==
          "{stx_mask=STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_CTIME|STATX_INO|"
          "STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID, stx_attributes=STATX_ATTR_MOUNT_ROOT, stx_mode=S_IFDIR|0755, "
          "stx_size=4096, ...}");
    // devices still print the size (strace's statx has no st_rdev shortcut)
    CHECK(st(StructKind::Statx, raw(make_statx(0x7ff, 0, S_IFCHR | 0666, 0))) ==
          "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFCHR|0666, stx_size=0, ...}");
}

TEST_CASE("statx: unknown bits in hex after the names", "[structs][statx]") {
    CHECK(st(StructKind::Statx, raw(make_statx(0x80000000u | 0x7ff, 0x10 | 0x20 | 0x1, S_IFREG | 0600, 7))) ==
          "{stx_mask=STATX_BASIC_STATS|0x80000000, stx_attributes=STATX_ATTR_IMMUTABLE|STATX_ATTR_APPEND|0x1, "
          "stx_mode=S_IFREG|0600, stx_size=7, ...}");
    CHECK(st(StructKind::Statx, raw(make_statx(0, 0, 0, 0))) == "{stx_mask=0, stx_attributes=0, stx_mode=000, stx_size=0, ...}");
}

TEST_CASE("statx: short captures", "[structs][statx][short]") {
    const Bytes full = raw(make_statx(0x7ff, 0, S_IFREG | 0644, 9));
    CHECK(st(StructKind::Statx, cut(full, 255)) ==
          "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=9, ...}");
    CHECK(st(StructKind::Statx, cut(full, 47)) == "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFREG|0644, ...}");
    CHECK(st(StructKind::Statx, cut(full, 29)) == "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, ...}");
    CHECK(st(StructKind::Statx, cut(full, 15)) == "{stx_mask=STATX_BASIC_STATS, ...}");
    CHECK(st(StructKind::Statx, cut(full, 3)) == "{...}");
    CHECK(st(StructKind::Statx, {}) == "{...}");
}

// ------------------------------------------------------------------ times

TEST_CASE("timespec / timeval: seconds signed, fractions unsigned", "[structs][time]") {
    CHECK(st(StructKind::Timespec, raw(std::array<int64_t, 2>{0, 50000000})) == "{tv_sec=0, tv_nsec=50000000}");
    CHECK(st(StructKind::Timespec, raw(std::array<int64_t, 2>{-1, 1000000000})) == "{tv_sec=-1, tv_nsec=1000000000}");
    CHECK(st(StructKind::Timespec, raw(std::array<int64_t, 2>{1, -5})) == "{tv_sec=1, tv_nsec=18446744073709551611}");
    CHECK(st(StructKind::Timeval, raw(std::array<int64_t, 2>{1, 500})) == "{tv_sec=1, tv_usec=500}");
    CHECK(st(StructKind::Timeval, raw(std::array<int64_t, 2>{INT64_MIN, 0})) == "{tv_sec=-9223372036854775808, tv_usec=0}");
    CHECK(st(StructKind::Timeval, raw(std::array<int64_t, 2>{5, -7})) == "{tv_sec=5, tv_usec=18446744073709551609}");
}

TEST_CASE("timespec: short captures", "[structs][time][short]") {
    const Bytes ts = raw(std::array<int64_t, 2>{3, 4});
    CHECK(st(StructKind::Timespec, cut(ts, 15)) == "{tv_sec=3, ...}");
    CHECK(st(StructKind::Timespec, cut(ts, 8)) == "{tv_sec=3, ...}");
    CHECK(st(StructKind::Timespec, cut(ts, 7)) == "{...}");
    CHECK(st(StructKind::Timeval, {}) == "{...}");
}

TEST_CASE("itimerspec: interval then value", "[structs][time]") {
    const Bytes its = raw(std::array<int64_t, 4>{0, 0, 1, 0});
    CHECK(st(StructKind::Itimerspec, its) == "{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, tv_nsec=0}}");
    CHECK(st(StructKind::Itimerspec, raw(std::array<int64_t, 4>{2, 500, -3, 1999999999})) ==
          "{it_interval={tv_sec=2, tv_nsec=500}, it_value={tv_sec=-3, tv_nsec=1999999999}}");
    CHECK(st(StructKind::Itimerspec, cut(its, 31)) == "{it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=1, ...}}");
    CHECK(st(StructKind::Itimerspec, cut(its, 23)) == "{it_interval={tv_sec=0, tv_nsec=0}, it_value={...}}");
    CHECK(st(StructKind::Itimerspec, cut(its, 16)) == "{it_interval={tv_sec=0, tv_nsec=0}, ...}");
    CHECK(st(StructKind::Itimerspec, cut(its, 8)) == "{it_interval={tv_sec=0, ...}}");
    CHECK(st(StructKind::Itimerspec, cut(its, 7)) == "{it_interval={...}}");
    CHECK(st(StructKind::Itimerspec, {}) == "{...}");
}

// ------------------------------------------------------------------ rlimit

TEST_CASE("rlimit: N*1024, RLIM64_INFINITY, plain numbers", "[structs][rlimit]") {
    CHECK(st(StructKind::Rlimit, raw(std::array<uint64_t, 2>{8192 * 1024, UINT64_MAX})) ==
          "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}");
    CHECK(st(StructKind::Rlimit, raw(std::array<uint64_t, 2>{20000, 20000})) == "{rlim_cur=20000, rlim_max=20000}");
    CHECK(st(StructKind::Rlimit, raw(std::array<uint64_t, 2>{0, 2048})) == "{rlim_cur=0, rlim_max=2*1024}");
    CHECK(st(StructKind::Rlimit, raw(std::array<uint64_t, 2>{1024, 1023})) == "{rlim_cur=1024, rlim_max=1023}");
    CHECK(st(StructKind::Rlimit, raw(std::array<uint64_t, 2>{1025, UINT64_MAX - 1})) ==
          "{rlim_cur=1025, rlim_max=18446744073709551614}");
    CHECK(st(StructKind::Rlimit, raw(std::array<uint64_t, 2>{UINT64_MAX - 1023, 1024 * 1024})) ==
          "{rlim_cur=18014398509481983*1024, rlim_max=1024*1024}");
}

TEST_CASE("rlimit: short captures", "[structs][rlimit][short]") {
    const Bytes r = raw(std::array<uint64_t, 2>{4096, UINT64_MAX});
    CHECK(st(StructKind::Rlimit, cut(r, 15)) == "{rlim_cur=4*1024, ...}");
    CHECK(st(StructKind::Rlimit, cut(r, 7)) == "{...}");
}

// ------------------------------------------------------------------ signals

TEST_CASE("sigset: names without SIG, kernel realtime numbering", "[structs][sigset]") {
    CHECK(st(StructKind::Sigset, raw(uint64_t{0})) == "[]");
    CHECK(st(StructKind::Sigset, raw(sigbit(SIGINT) | sigbit(SIGTERM))) == "[INT TERM]");
    CHECK(st(StructKind::Sigset, raw(sigbit(32) | sigbit(33))) == "[RTMIN RT_1]");
    CHECK(st(StructKind::Sigset, raw(sigbit(SIGUSR1) | sigbit(34) | sigbit(35) | sigbit(64))) == "[USR1 RT_2 RT_3 RT_32]");
    CHECK(st(StructKind::Sigset, raw(sigbit(SIGIO) | sigbit(SIGSTKFLT) | sigbit(SIGPWR) | sigbit(SIGSYS) | sigbit(SIGABRT))) ==
          "[ABRT STKFLT IO PWR SYS]");
    CHECK(st(StructKind::Sigset, raw(uint64_t{0xffffffff})) ==
          "[HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG "
          "XCPU XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN]");
}

TEST_CASE("sigset: the complement when 2/3 or more of the bits are set", "[structs][sigset]") {
    CHECK(st(StructKind::Sigset, raw(~uint64_t{0})) == "~[]");
    CHECK(st(StructKind::Sigset, raw(~(sigbit(SIGKILL) | sigbit(SIGSTOP)))) == "~[KILL STOP]");
    CHECK(st(StructKind::Sigset, raw(~(sigbit(32) | sigbit(33)))) == "~[RTMIN RT_1]");
    // 42 of 64 set: the complement; 41: the plain list (strace's threshold)
    const uint64_t forty_two = (uint64_t{1} << 42) - 1;
    const uint64_t forty_one = (uint64_t{1} << 41) - 1;
    CHECK(st(StructKind::Sigset, raw(forty_two)).starts_with("~[RT_11 RT_12 "));
    CHECK(st(StructKind::Sigset, raw(forty_one)).starts_with("[HUP INT "));
}

TEST_CASE("sigset: short captures", "[structs][sigset][short]") {
    CHECK(st(StructKind::Sigset, cut(raw(sigbit(SIGINT)), 7)) == "[...]");
    CHECK(st(StructKind::Sigset, {}) == "[...]");
}

TEST_CASE("sigaction: what glibc's signal() passes", "[structs][sigaction]") {
    // strace 6.1: rt_sigaction(SIGINT, {sa_handler=0x5611eeb421e9, sa_mask=[INT],
    //   sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f011bf86050}, ...)
    KernelSigaction sa{0x5611eeb421e9, 0x14000000, 0x7f011bf86050, sigbit(SIGINT)};
    CHECK(st(StructKind::Sigaction, raw(sa)) ==
          "{sa_handler=0x5611eeb421e9, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f011bf86050}");
    sa.handler = 1;
    CHECK(st(StructKind::Sigaction, raw(sa)) ==
          "{sa_handler=SIG_IGN, sa_mask=[INT], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f011bf86050}");
}

TEST_CASE("sigaction: old action, flags, handlers", "[structs][sigaction]") {
    CHECK(st(StructKind::Sigaction, raw(KernelSigaction{0, 0, 0, 0})) == "{sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}");
    CHECK(st(StructKind::Sigaction, raw(KernelSigaction{UINT64_MAX, 0x04000000, 0, 0})) ==
          "{sa_handler=SIG_ERR, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=NULL}");
    CHECK(st(StructKind::Sigaction, raw(KernelSigaction{2, 0, 0x1234, 0})) == "{sa_handler=0x2, sa_mask=[], sa_flags=0}");
    // glibc sign-extends the int sa_flags: strace prints the high bits raw
    CHECK(st(StructKind::Sigaction,
             raw(KernelSigaction{0x401000, 0xffffffff00000000 | 0x04000000 | 0x08000000 | 0x40000000 | 0x80000000 | 4 | 1 | 2,
                                 0x7f0000000000, sigbit(SIGUSR1) | sigbit(34) | sigbit(35) | sigbit(64)})) ==
          "{sa_handler=0x401000, sa_mask=[USR1 RT_2 RT_3 RT_32], sa_flags=SA_RESTORER|SA_ONSTACK|SA_NODEFER|SA_RESETHAND|"
          "SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0xffffffff00000000, sa_restorer=0x7f0000000000}");
    // SA_UNSUPPORTED|SA_EXPOSE_TAGBITS: strace has no names for them
    CHECK(st(StructKind::Sigaction, raw(KernelSigaction{0x401000, 0x04000000 | 0x20000000 | 0xc00, 0x1234, 0})) ==
          "{sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER|SA_INTERRUPT|0xc00, sa_restorer=0x1234}");
    CHECK(st(StructKind::Sigaction, raw(KernelSigaction{0x401000, 0x100000, 0, ~uint64_t{0}})) ==
          "{sa_handler=0x401000, sa_mask=~[], sa_flags=0x100000}");
}

TEST_CASE("sigaction: short captures", "[structs][sigaction][short]") {
    const Bytes sa = raw(KernelSigaction{0, 0x14000000, 0x7f00, 0});
    CHECK(st(StructKind::Sigaction, cut(sa, 31)) == "{sa_handler=SIG_DFL, ...}");
    CHECK(st(StructKind::Sigaction, cut(sa, 8)) == "{sa_handler=SIG_DFL, ...}");
    CHECK(st(StructKind::Sigaction, cut(sa, 7)) == "{...}");
    CHECK(st(StructKind::Sigaction, {}) == "{...}");
}

// ------------------------------------------------------------------ small ones

TEST_CASE("fd pair and int out-parameters", "[structs]") {
    CHECK(st(StructKind::FdPair, raw(std::array<int32_t, 2>{3, 4})) == "[3, 4]");
    CHECK(st(StructKind::FdPair, raw(std::array<int32_t, 2>{-1, 2147483647})) == "[-1, 2147483647]");
    CHECK(st(StructKind::FdPair, cut(raw(std::array<int32_t, 2>{3, 4}), 7)) == "[3, ...]");
    CHECK(st(StructKind::FdPair, cut(raw(std::array<int32_t, 2>{3, 4}), 3)) == "[...]");
    CHECK(st(StructKind::Int, raw(int32_t{16})) == "[16]");
    CHECK(st(StructKind::Int, raw(int32_t{-1})) == "[-1]");
    CHECK(st(StructKind::Int, cut(raw(int32_t{16}), 3)) == "[...]");
    CHECK(st(StructKind::Int, {}) == "[...]");
}

TEST_CASE("wait status as the W* macros read it, as strace shows it", "[structs]") {
    CHECK(st(StructKind::WaitStatus, raw(int32_t{3 << 8})) == "[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]");
    CHECK(st(StructKind::WaitStatus, raw(int32_t{9})) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]");
    CHECK(st(StructKind::WaitStatus, raw(int32_t{11 | 0x80})) == "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]");
    CHECK(st(StructKind::WaitStatus, raw(int32_t{(19 << 8) | 0x7f})) == "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]");
    CHECK(st(StructKind::WaitStatus, raw(int32_t{0xffff})) == "[{WIFCONTINUED(s)}]");
    CHECK(st(StructKind::WaitStatus, cut(raw(int32_t{0}), 2)) == "[...]");
}

TEST_CASE("utsname: sysname and nodename, then ...", "[structs][utsname]") {
    CHECK(st(StructKind::Utsname, raw(make_uts("Linux", "vm"))) == R"({sysname="Linux", nodename="vm", ...})");
    CHECK(st(StructKind::Utsname, raw(make_uts("Li\"nux\n", ""))) == R"({sysname="Li\"nux\n", nodename="", ...})");
    // 64 chars and the NUL: all of it
    const std::string h64(64, 'h');
    CHECK(st(StructKind::Utsname, raw(make_uts("Linux", h64.c_str()))) == "{sysname=\"Linux\", nodename=\"" + h64 + "\", ...}");
    // 65 chars, no NUL: 64 and ... (strace's print_quoted_cstring)
    new_utsname u = make_uts("Linux", "");
    std::memset(u.field[1], 'n', 65);
    CHECK(st(StructKind::Utsname, raw(u)) == "{sysname=\"Linux\", nodename=\"" + std::string(64, 'n') + "\"..., ...}");
}

TEST_CASE("utsname: short captures", "[structs][utsname][short]") {
    const Bytes u = raw(make_uts("Linux", "vm"));
    CHECK(st(StructKind::Utsname, cut(u, 389)) == R"({sysname="Linux", nodename="vm", ...})");
    CHECK(st(StructKind::Utsname, cut(u, 68)) == R"({sysname="Linux", nodename="vm", ...})");
    CHECK(st(StructKind::Utsname, cut(u, 67)) == R"({sysname="Linux", ...})");  // "vm" without its NUL
    CHECK(st(StructKind::Utsname, cut(u, 6)) == R"({sysname="Linux", ...})");
    CHECK(st(StructKind::Utsname, cut(u, 5)) == "{...}");
    CHECK(st(StructKind::Utsname, {}) == "{...}");
    // garbage: no NUL anywhere
    CHECK(st(StructKind::Utsname, Bytes(390, 'x')) ==
          "{sysname=\"" + std::string(64, 'x') + "\"..., nodename=\"" + std::string(64, 'x') + "\"..., ...}");
}

// ------------------------------------------------------------------ epoll / poll

TEST_CASE("epoll_event: events and data as u32 and u64", "[structs][epoll]") {
    CHECK(st(StructKind::EpollEvent, raw(PackedEpollEvent{EPOLLIN, 3})) == "{events=EPOLLIN, data={u32=3, u64=3}}");
    CHECK(st(StructKind::EpollEvent, raw(PackedEpollEvent{EPOLLIN | EPOLLET, 0x1234567800000003})) ==
          "{events=EPOLLIN|EPOLLET, data={u32=3, u64=1311768464867721219}}");
    CHECK(st(StructKind::EpollEvent, raw(PackedEpollEvent{EPOLLOUT | EPOLLEXCLUSIVE | EPOLLWAKEUP | EPOLLONESHOT | 0x4000, 5})) ==
          "{events=EPOLLOUT|EPOLLEXCLUSIVE|EPOLLWAKEUP|EPOLLONESHOT|0x4000, data={u32=5, u64=5}}");
    CHECK(st(StructKind::EpollEvent, raw(PackedEpollEvent{0, UINT64_MAX})) ==
          "{events=0, data={u32=4294967295, u64=18446744073709551615}}");
}

TEST_CASE("epoll_event: arrays and short captures", "[structs][epoll][short]") {
    const Bytes two = concat(raw(PackedEpollEvent{EPOLLIN, 3}), raw(PackedEpollEvent{EPOLLOUT | EPOLLHUP, 4}));
    CHECK(st(StructKind::EpollEvent, two, 2) ==
          "[{events=EPOLLIN, data={u32=3, u64=3}}, {events=EPOLLOUT|EPOLLHUP, data={u32=4, u64=4}}]");
    CHECK(st(StructKind::EpollEvent, cut(two, 23), 2) == "[{events=EPOLLIN, data={u32=3, u64=3}}, ...]");
    CHECK(st(StructKind::EpollEvent, two, 5) ==
          "[{events=EPOLLIN, data={u32=3, u64=3}}, {events=EPOLLOUT|EPOLLHUP, data={u32=4, u64=4}}, ...]");
    CHECK(st(StructKind::EpollEvent, cut(two, 11)) == "{events=EPOLLIN, ...}");
    CHECK(st(StructKind::EpollEvent, cut(two, 3)) == "{...}");
    CHECK(st(StructKind::EpollEvent, {}, 4) == "[...]");
}

TEST_CASE("pollfd: one element and arrays", "[structs][poll]") {
    CHECK(st(StructKind::Pollfd, raw(pollfd{3, POLLIN, 0})) == "{fd=3, events=POLLIN}");
    CHECK(st(StructKind::Pollfd, raw(pollfd{-1, POLLIN, 0})) == "{fd=-1}");  // strace omits events of ignored fds
    CHECK(st(StructKind::Pollfd, raw(pollfd{2, 0, 0})) == "{fd=2, events=0}");
    CHECK(st(StructKind::Pollfd, raw(pollfd{1, short(POLLIN | POLLOUT | 0x1000 | 0x2000 | 0x8000 | 0x4000), 0})) ==
          "{fd=1, events=POLLIN|POLLOUT|POLLREMOVE|POLLRDHUP|POLL_BUSY_LOOP|0x4000}");
    CHECK(st(StructKind::Pollfd, raw(pollfd{0, short(POLLPRI | POLLERR | POLLHUP | POLLNVAL | POLLRDNORM | POLLRDBAND |
                                                     POLLWRNORM | POLLWRBAND | POLLMSG),
                                          0})) ==
          "{fd=0, events=POLLPRI|POLLERR|POLLHUP|POLLNVAL|POLLRDNORM|POLLRDBAND|POLLWRNORM|POLLWRBAND|POLLMSG}");
    CHECK(st(StructKind::Pollfd, poll_array({{3, POLLIN, 0}, {4, POLLIN | POLLOUT, 0}}), 2) ==
          "[{fd=3, events=POLLIN}, {fd=4, events=POLLIN|POLLOUT}]");
    CHECK(st(StructKind::Pollfd, {}, 0) == "[]");
}

TEST_CASE("pollfd: at most 32 elements, like strace", "[structs][poll]") {
    Bytes many;
    for (int i = 0; i < 40; ++i)
        many = concat(many, raw(pollfd{i, POLLIN, 0}));
    std::string expected = "[";
    for (int i = 0; i < 32; ++i)
        expected += (i ? ", " : "") + fmt::format("{{fd={}, events=POLLIN}}", i);
    expected += ", ...]";
    CHECK(st(StructKind::Pollfd, many, 40) == expected);
    std::string exact = expected.substr(0, expected.size() - 6) + "]";
    CHECK(st(StructKind::Pollfd, cut(many, 32 * 8), 32) == exact);
}

TEST_CASE("pollfd: count larger than the bytes", "[structs][poll][short]") {
    const Bytes two = poll_array({{3, POLLIN, 0}, {4, POLLOUT, 0}});
    CHECK(st(StructKind::Pollfd, two, 3) == "[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}, ...]");
    CHECK(st(StructKind::Pollfd, cut(two, 15), 2) == "[{fd=3, events=POLLIN}, ...]");
    CHECK(st(StructKind::Pollfd, cut(two, 7), 2) == "[...]");
    CHECK(st(StructKind::Pollfd, {}, 2) == "[...]");
    CHECK(st(StructKind::Pollfd, two, SIZE_MAX) == "[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}, ...]");
    CHECK(st(StructKind::Pollfd, cut(two, 5)) == "{fd=3, ...}");
    CHECK(st(StructKind::Pollfd, cut(two, 3)) == "{...}");
}

// ------------------------------------------------------------------ sockaddr

TEST_CASE("sockaddr: AF_INET", "[structs][sockaddr]") {
    CHECK(sa(inet4("127.0.0.1", 3306)) == R"({sa_family=AF_INET, sin_port=htons(3306), sin_addr=inet_addr("127.0.0.1")})");
    CHECK(sa(inet4("255.255.255.255", 65535)) ==
          R"({sa_family=AF_INET, sin_port=htons(65535), sin_addr=inet_addr("255.255.255.255")})");
    // longer than a sockaddr_in: the sin fields only
    CHECK(sa(concat(inet4("10.0.0.1", 80), Bytes(12, 0xee))) ==
          R"({sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.0.0.1")})");
    // shorter: strace's raw form (strace 6.1: sa_data="\f\352\177\0\0\1" for 8 bytes)
    CHECK(sa(cut(inet4("127.0.0.1", 3306), 8)) == R"({sa_family=AF_INET, sa_data="\f\352\177\0\0\1"})");
    CHECK(sa(cut(inet4("127.0.0.1", 3306), 15)) == R"({sa_family=AF_INET, sa_data="\f\352\177\0\0\1\0\0\0\0\0\0\0"})");
}

TEST_CASE("sockaddr: AF_INET6", "[structs][sockaddr]") {
    CHECK(sa(inet6("::1", 8080)) ==
          R"({sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0})");
    CHECK(sa(inet6("::ffff:1.2.3.4", 443, 74565)) ==
          R"({sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(74565), inet_pton(AF_INET6, "::ffff:1.2.3.4", &sin6_addr), sin6_scope_id=0})");
    // 24 bytes (SIN6_MIN_LEN): no scope id
    CHECK(sa(cut(inet6("2001:db8::ff00:42:8329", 8080, 74565), 24)) ==
          R"({sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(74565), inet_pton(AF_INET6, "2001:db8::ff00:42:8329", &sin6_addr)})");
    // 26 bytes: strace zero-pads the scope id
    CHECK(sa(cut(inet6("ff02::", 8080, 0, 0x01020304), 26)) ==
          R"({sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "ff02::", &sin6_addr), sin6_scope_id=772})");
    // link-local scope ids name the interface when there is one
    CHECK(sa(inet6("fe80::1:2", 80, 0, 0x7ffffff0)) ==
          R"({sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "fe80::1:2", &sin6_addr), sin6_scope_id=2147483632})");
    char lo[IF_NAMESIZE] = {};
    if (if_indextoname(1, lo))
        CHECK(sa(inet6("fe80::1:2", 80, 0, 1)) ==
              std::string(R"({sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "fe80::1:2", &sin6_addr), sin6_scope_id=if_nametoindex(")") +
                  lo + "\")}");
    // 20 bytes: raw
    CHECK(sa(cut(inet6("2001:db8::", 8080, 0x12345), 20)) ==
          R"({sa_family=AF_INET6, sa_data="\37\220\0\1#E \1\r\270\0\0\0\0\0\0\0\0"})");
}

TEST_CASE("sockaddr: AF_UNIX paths, abstract and unnamed", "[structs][sockaddr]") {
    CHECK(sa(unix_path(std::string("/run/x.sock\0", 12))) == R"({sa_family=AF_UNIX, sun_path="/run/x.sock"})");
    CHECK(sa(unix_path("/run/x.sock")) == R"({sa_family=AF_UNIX, sun_path="/run/x.sock"})");  // addrlen without the NUL
    CHECK(sa(unix_path(std::string("\0name", 5))) == R"({sa_family=AF_UNIX, sun_path=@"name"})");
    CHECK(sa(unix_path(std::string("\0na\0e\n", 6))) == R"({sa_family=AF_UNIX, sun_path=@"na\0e\n"})");
    CHECK(sa(unix_path(std::string("\0", 1))) == R"({sa_family=AF_UNIX, sun_path=@""})");
    CHECK(sa(unix_path("x")) == R"({sa_family=AF_UNIX, sun_path="x"})");
    CHECK(sa(unix_path("ab\"\\\t\1")) == R"({sa_family=AF_UNIX, sun_path="ab\"\\\t\1"})");
    CHECK(sa(unix_path("")) == "{sa_family=AF_UNIX}");
    // a full sun_path without NUL, and bytes past the struct: 108 chars
    CHECK(sa(unix_path(std::string(108, 'a'))) == "{sa_family=AF_UNIX, sun_path=\"" + std::string(108, 'a') + "\"}");
    CHECK(sa(unix_path(std::string(120, 'b'))) == "{sa_family=AF_UNIX, sun_path=\"" + std::string(108, 'b') + "\"}");
    // whatever follows the NUL is not printed
    CHECK(sa(unix_path(std::string("/a\0garbage", 10))) == R"({sa_family=AF_UNIX, sun_path="/a"})");
}

TEST_CASE("sockaddr: AF_NETLINK", "[structs][sockaddr]") {
    sockaddr_nl nl{};
    nl.nl_family = AF_NETLINK;
    CHECK(sa(raw(nl)) == "{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}");
    nl.nl_pid = 1234;
    nl.nl_groups = 0x11;
    CHECK(sa(raw(nl)) == "{sa_family=AF_NETLINK, nl_pid=1234, nl_groups=0x000011}");
    nl.nl_pad = 5;
    nl.nl_pid = 0;
    nl.nl_groups = 0xffffffff;
    CHECK(sa(raw(nl)) == "{sa_family=AF_NETLINK, nl_pad=0x5, nl_pid=0, nl_groups=0xffffffff}");
    CHECK(sa(raw(nl, 8)) == R"({sa_family=AF_NETLINK, sa_data="\5\0\0\0\0\0"})");
}

TEST_CASE("sockaddr: AF_UNSPEC and unknown families as sa_data", "[structs][sockaddr]") {
    Bytes unspec = {0, 0, 'a', 'b', 'c', 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(sa(unspec) == R"({sa_family=AF_UNSPEC, sa_data="abc\0\1\2\0\0\0\0\0\0\0\0"})");
    Bytes unknown = unspec;
    unknown[0] = 99;
    CHECK(sa(unknown) == R"({sa_family=0x63 /* AF_??? */, sa_data="abc\0\1\2\0\0\0\0\0\0\0\0"})");
    CHECK(sa(cut(unknown, 5)) == R"({sa_family=0x63 /* AF_??? */, sa_data="abc"})");
    Bytes packet = unspec;
    packet[0] = AF_PACKET;
    CHECK(sa(packet) == R"({sa_family=AF_PACKET, sa_data="abc\0\1\2\0\0\0\0\0\0\0\0"})");
    Bytes mctp = {45, 0, '1'};
    CHECK(sa(mctp) == R"({sa_family=AF_MCTP, sa_data="1"})");
    Bytes big(130, 'z');
    big[0] = 99;
    big[1] = 0;
    CHECK(sa(big) == "{sa_family=0x63 /* AF_??? */, sa_data=\"" + std::string(126, 'z') + "\"}");  // capped at sockaddr_storage
}

TEST_CASE("sockaddr: family only, one byte, nothing", "[structs][sockaddr][short]") {
    CHECK(sa({AF_INET, 0}) == "{sa_family=AF_INET}");
    CHECK(sa({AF_INET6, 0}) == "{sa_family=AF_INET6}");
    CHECK(sa({AF_UNIX, 0}) == "{sa_family=AF_UNIX}");
    CHECK(sa({0xff, 0xff}) == "{sa_family=0xffff /* AF_??? */}");
    CHECK(sa({AF_INET}) == "{...}");
    CHECK(sa({}) == "{...}");
}

// ------------------------------------------------------------------ robustness

TEST_CASE("every decoder stays inside garbage spans of every length", "[structs][short]") {
    std::mt19937 rng(7);
    const StructKind kinds[] = {
#define BTRACE_STRUCT_KIND(name, size, captured) StructKind::name,
        BTRACE_STRUCTS(BTRACE_STRUCT_KIND)
#undef BTRACE_STRUCT_KIND
    };
    for (StructKind kind : kinds) {
        const std::size_t size = struct_size(kind);
        for (std::size_t len = 0; len <= size * 3 + 1; ++len) {
            Bytes bytes(len);
            for (auto& b : bytes)
                b = static_cast<uint8_t>(rng());
            for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{64}, SIZE_MAX}) {
                const std::string out = st(kind, bytes, count);
                CAPTURE(static_cast<int>(kind), len, count, out);
                CHECK(!out.empty());
            }
        }
    }
    for (std::size_t len = 0; len <= 140; ++len) {
        for (int family : {0, 1, 2, 10, 16, 17, 45, 46, 99, 0xffff}) {
            Bytes bytes(len);
            for (auto& b : bytes)
                b = static_cast<uint8_t>(rng());
            if (len >= 1)
                bytes[0] = static_cast<uint8_t>(family);
            if (len >= 2)
                bytes[1] = static_cast<uint8_t>(family >> 8);
            const std::string out = sa(bytes);
            CAPTURE(len, family, out);
            CHECK(out.front() == '{');
            CHECK(out.back() == '}');
        }
    }
}

TEST_CASE("strings in hex as strace -x and -xx print them", "[structs][strings]") {
    const auto hex = [](std::string_view text, StringHex mode, bool truncated = false) {
        const Bytes bytes(text.begin(), text.end());
        Exact exact(bytes);
        fmt::memory_buffer out;
        format_string(exact.span(), truncated, false, out, mode);
        return fmt::to_string(out);
    };
    // strace 6.1: -x leaves "ab\tc\n" alone; one byte past ASCII or a control
    // byte other than \t\n\v\f\r puts the whole string in hex.
    CHECK(hex("ab\tc\n", StringHex::NonAscii) == R"("ab\tc\n")");
    CHECK(hex("h\351llo", StringHex::NonAscii) == R"("\x68\xe9\x6c\x6c\x6f")");
    CHECK(hex("a\1", StringHex::NonAscii) == R"("\x61\x01")");
    CHECK(hex(std::string_view("a\0b", 3), StringHex::NonAscii) == R"("\x61\x00\x62")");
    CHECK(hex("ab\tc\n", StringHex::All) == R"("\x61\x62\x09\x63\x0a")");
    CHECK(hex("/etc", StringHex::All, true) == R"("\x2f\x65\x74\x63"...)");
    CHECK(hex("", StringHex::All) == R"("")");
    CHECK(hex("h\351llo", StringHex::None) == R"("h\351llo")");
}

TEST_CASE("poll's result: the entries with revents set, as strace shows them after the count", "[structs][poll]") {
    const auto revents = [](const Bytes& bytes, std::size_t count) {
        Exact exact(bytes);
        fmt::memory_buffer out;
        format_poll_revents(exact.span(), count, out);
        return fmt::to_string(out);
    };
    const Bytes three = poll_array({{3, POLLIN, POLLIN}, {5, POLLIN, 0}, {4, POLLOUT, POLLOUT | POLLERR}});
    CHECK(revents(three, 3) == "[{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT|POLLERR}]");
    CHECK(revents(poll_array({{-1, POLLIN, POLLNVAL}}), 1) == "[{fd=-1, revents=POLLNVAL}]");
    // More entries than were captured (or a cut element): the rest is marked, never read.
    CHECK(revents(Bytes(three.begin(), three.end() - 1), 3) == "[{fd=3, revents=POLLIN}, ...]");
    CHECK(revents(Bytes(three.begin(), three.begin() + 4), 3) == "[...]");
    CHECK(revents({}, 0) == "[]");
}

TEST_CASE("fd sets: the set bits below nfds, bounded by the bytes captured", "[structs][select]") {
    const auto fds = [](const Bytes& bytes, int nfds) {
        Exact exact(bytes);
        std::string out;
        for (int fd = next_fd_in_set(exact.span(), nfds, 0); fd >= 0; fd = next_fd_in_set(exact.span(), nfds, fd + 1))
            out += std::to_string(fd) + " ";
        return out;
    };
    Bytes set(16, 0);
    set[0] = 0b0001'1000;  // 3 4
    set[8] = 0b0000'0001;  // 64
    set[15] = 0b1000'0000;  // 127
    CHECK(fds(set, 128) == "3 4 64 127 ");
    CHECK(fds(set, 127) == "3 4 64 ");  // bits at or past nfds are not the set's
    CHECK(fds(set, 4) == "3 ");
    CHECK(fds(set, 1 << 20) == "3 4 64 127 ");  // no further than captured
    CHECK(fds(set, 0).empty());
    CHECK(fds(set, -1).empty());
    CHECK(fds({}, 64).empty());
}
