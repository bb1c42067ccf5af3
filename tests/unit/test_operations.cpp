// SPDX-License-Identifier: Apache-2.0
// Arguments as strace shows them: each operation of a multiplexed call with
// its own arguments (syscalls::Variant), and the structs that are no longer
// pointers. Expected strings are strace 6.1's.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/magic.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/vfs.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "decode/structs.h"
#include "output/text.h"
#include "records.h"
#include "syscalls/table.h"

namespace {

using btrace::decode::StructKind;

// Just the call: "name(args) = result", from the text line.
std::string call(const char* name, int64_t ret, std::initializer_list<uint64_t> args) {
    const btrace_syscall rec = test::make_call(name, ret, args, {.comm = "t"});
    fmt::memory_buffer out;
    btrace::output::TextFormatter(btrace::output::FormatOptions{test::kOrigin}).syscall(rec, {}, out);
    std::string line = fmt::to_string(out);
    return line.substr(line.find(": t/7 ") + 6, line.size() - line.find(": t/7 ") - 7);
}

template <typename T>
std::string decoded(StructKind kind, const T& value) {
    fmt::memory_buffer out;
    btrace::decode::format_struct(kind, {reinterpret_cast<const uint8_t*>(&value), sizeof(value)}, out);
    return fmt::to_string(out);
}

constexpr uint64_t kAddr = 0x7f0000001000;

}  // namespace

TEST_CASE("futex shows the arguments each operation takes", "[operations]") {
    CHECK(call("futex", 0, {kAddr, FUTEX_WAKE_PRIVATE, 2147483647, 0, 3, 0}) ==
          "futex(uaddr: 0x7f0000001000, op: FUTEX_WAKE_PRIVATE, val: 2147483647) = 0");
    CHECK(call("futex", 0, {kAddr, FUTEX_WAIT_PRIVATE, 2, 0, 7, 9}) ==
          "futex(uaddr: 0x7f0000001000, op: FUTEX_WAIT_PRIVATE, val: 2, utime: NULL) = 0");
    CHECK(call("futex", 0, {kAddr, FUTEX_WAIT_BITSET_PRIVATE, 0, 0, 0, FUTEX_BITSET_MATCH_ANY}) ==
          "futex(uaddr: 0x7f0000001000, op: FUTEX_WAIT_BITSET_PRIVATE, val: 0, utime: NULL, "
          "val3: FUTEX_BITSET_MATCH_ANY) = 0");
    // The utime register is a count here, shown under strace's name for it.
    CHECK(call("futex", 1, {kAddr, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2147483647, kAddr + 4, 5}) ==
          "futex(uaddr: 0x7f0000001000, op: FUTEX_CMP_REQUEUE_PRIVATE, val: 1, val2: 2147483647, "
          "uaddr2: 0x7f0000001004, val3: 5) = 1");
    CHECK(call("futex", 0, {kAddr, FUTEX_UNLOCK_PI_PRIVATE, 0, 0, 0, 0}) ==
          "futex(uaddr: 0x7f0000001000, op: FUTEX_UNLOCK_PI_PRIVATE) = 0");
    // An operation with no list of its own shows every argument.
    CHECK(call("futex", -22, {kAddr, 99, 1, 0, 0, 0}) ==
          "futex(uaddr: 0x7f0000001000, op: 99, val: 1, utime: NULL, uaddr2: NULL, val3: 0) = -1 EINVAL (Invalid argument)");
}

TEST_CASE("fcntl shows each command's argument and result by kind", "[operations]") {
    CHECK(call("fcntl", 0, {3, F_GETFD, 0}) == "fcntl(fd: 3, cmd: F_GETFD) = 0");
    CHECK(call("fcntl", 1, {3, F_GETFD, 0}) == "fcntl(fd: 3, cmd: F_GETFD) = 0x1 (flags FD_CLOEXEC)");
    CHECK(call("fcntl", 0, {3, F_SETFD, FD_CLOEXEC}) == "fcntl(fd: 3, cmd: F_SETFD, arg: FD_CLOEXEC) = 0");
    CHECK(call("fcntl", 0x8001, {3, F_GETFL, 0}) == "fcntl(fd: 3, cmd: F_GETFL) = 0x8001 (flags O_WRONLY|O_LARGEFILE)");
    CHECK(call("fcntl", 0, {3, F_GETFL, 0}) == "fcntl(fd: 3, cmd: F_GETFL) = 0 (flags O_RDONLY)");
    CHECK(call("fcntl", 0, {3, F_SETFL, O_RDWR | O_NONBLOCK}) == "fcntl(fd: 3, cmd: F_SETFL, arg: O_RDWR|O_NONBLOCK) = 0");
    CHECK(call("fcntl", 10, {3, F_DUPFD, 10}) == "fcntl(fd: 3, cmd: F_DUPFD, arg: 10) = 10");
    CHECK(call("fcntl", -9, {3, F_SETFD, FD_CLOEXEC}) ==
          "fcntl(fd: 3, cmd: F_SETFD, arg: FD_CLOEXEC) = -1 EBADF (Bad file descriptor)");
    // A lock command's struct flock, when it was not captured (a bad address): the pointer.
    CHECK(call("fcntl", 0, {3, F_SETLK, kAddr}) == "fcntl(fd: 3, cmd: F_SETLK, arg: 0x7f0000001000) = 0");
}

TEST_CASE("prctl shows the option's arguments", "[operations]") {
    CHECK(call("prctl", 1, {PR_CAPBSET_READ, CAP_MAC_OVERRIDE, 0, kAddr, kAddr}) ==
          "prctl(option: PR_CAPBSET_READ, arg2: CAP_MAC_OVERRIDE) = 1");
    CHECK(call("prctl", -22, {PR_CAPBSET_READ, 0x30, 0, 0, 0}) ==
          "prctl(option: PR_CAPBSET_READ, arg2: 0x30 /* CAP_??? */) = -1 EINVAL (Invalid argument)");
    CHECK(call("prctl", 0, {PR_SET_PDEATHSIG, 9, 0, 0, 0}) == "prctl(option: PR_SET_PDEATHSIG, arg2: SIGKILL) = 0");
    CHECK(call("prctl", 1, {PR_GET_DUMPABLE, 0, 0, 0, 0}) == "prctl(option: PR_GET_DUMPABLE) = 1");
}

TEST_CASE("flag arguments strace names: O_DIRECTORY has no mode, statx's sync type, rseq's length", "[operations]") {
    CHECK(call("openat", 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0}) ==
          "openat(dfd: AT_FDCWD, filename: NULL, flags: O_RDONLY|O_CLOEXEC|O_DIRECTORY) = 3");
    CHECK(call("openat", 3, {static_cast<uint64_t>(AT_FDCWD), 0, O_RDWR | O_TMPFILE, 0600}) ==
          "openat(dfd: AT_FDCWD, filename: NULL, flags: O_RDWR|O_TMPFILE, mode: 0600) = 3");
    CHECK(call("statx", 0, {static_cast<uint64_t>(AT_FDCWD), 0, AT_SYMLINK_NOFOLLOW, 0, 0}).starts_with(
        "statx(dfd: AT_FDCWD, filename: NULL, flags: AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, mask: 0,"));
    CHECK(call("rseq", 0, {kAddr, 32, 0, 0x53053053}) ==
          "rseq(rseq: 0x7f0000001000, rseq_len: 0x20, flags: 0, sig: 0x53053053) = 0");
    CHECK(call("epoll_create1", 3, {O_CLOEXEC}) == "epoll_create1(flags: EPOLL_CLOEXEC) = 3");
}

TEST_CASE("struct flock, statfs and sysinfo", "[operations][structs]") {
    struct flock lock {};
    lock.l_type = F_RDLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 1073741824;
    lock.l_len = 1;
    CHECK(decoded(StructKind::Flock, lock) == "{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=1073741824, l_len=1}");

    struct statfs fs {};
    fs.f_type = TMPFS_MAGIC;
    fs.f_bsize = 4096;
    fs.f_blocks = 3;
    fs.f_bfree = 2;
    fs.f_bavail = 1;
    fs.f_files = 10;
    fs.f_ffree = 9;
    std::memcpy(&fs.f_fsid, "\xeb\xe2\x9d\x83\xd6\x5e\xe8\x1c", 8);
    fs.f_namelen = 255;
    fs.f_frsize = 4096;
    fs.f_flags = 0x1020;  // ST_VALID|ST_RELATIME
    CHECK(decoded(StructKind::Statfs, fs) ==
          "{f_type=TMPFS_MAGIC, f_bsize=4096, f_blocks=3, f_bfree=2, f_bavail=1, f_files=10, f_ffree=9, "
          "f_fsid={val=[0x839de2eb, 0x1ce85ed6]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}");
    fs.f_type = 0x12345678;
    CHECK(decoded(StructKind::Statfs, fs).starts_with("{f_type=0x12345678, "));
    fs.f_fsid = {};
    fs.f_fsid.__val[0] = 0xd;  // C's %#x, as strace: 0 is "0"
    CHECK(decoded(StructKind::Statfs, fs).find("f_fsid={val=[0xd, 0]}") != std::string::npos);

    struct sysinfo info {};
    info.uptime = 11255;
    info.loads[0] = 671104;
    info.totalram = 25276157952;
    info.procs = 163;
    info.mem_unit = 1;
    CHECK(decoded(StructKind::Sysinfo, info) ==
          "{uptime=11255, loads=[671104, 0, 0], totalram=25276157952, freeram=0, sharedram=0, bufferram=0, "
          "totalswap=0, freeswap=0, procs=163, totalhigh=0, freehigh=0, mem_unit=1}");
}

TEST_CASE("a struct cut short shows its complete fields, then ...", "[operations][structs]") {
    struct flock lock {};
    lock.l_type = F_WRLCK;
    fmt::memory_buffer out;
    btrace::decode::format_struct(StructKind::Flock, {reinterpret_cast<const uint8_t*>(&lock), 6}, out);
    CHECK(fmt::to_string(out) == "{l_type=F_WRLCK, l_whence=SEEK_SET, ...}");
    out.clear();
    btrace::decode::format_struct(StructKind::Sysinfo, {reinterpret_cast<const uint8_t*>(&lock), 0}, out);
    CHECK(fmt::to_string(out) == "{...}");
}

TEST_CASE("capabilities: header and the joined sets", "[operations][structs]") {
    const __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 42};
    CHECK(decoded(StructKind::CapHeader, header) == "{version=_LINUX_CAPABILITY_VERSION_3, pid=42}");
    __user_cap_data_struct data[2] = {};
    data[0].effective = 1u << CAP_CHOWN | 1u << CAP_KILL;
    data[1].effective = 1u << (CAP_BPF - 32);
    data[0].permitted = 1u << CAP_CHOWN;
    CHECK(decoded(StructKind::CapData, data) ==
          "{effective=1<<CAP_CHOWN|1<<CAP_KILL|1<<CAP_BPF, permitted=1<<CAP_CHOWN, inheritable=0}");
}

TEST_CASE("clone3's struct shows the fields its flags use", "[operations][structs]") {
    struct clone_args args {};
    args.flags = CLONE_VM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    args.child_tid = 0x7f82fda12990;
    args.parent_tid = 0x7f82fda12990;
    args.stack = 0x7f82fd212000;
    args.stack_size = 0x7ffe80;
    args.tls = 0x7f82fda126c0;
    CHECK(decoded(StructKind::CloneArgs, args) ==
          "{flags=CLONE_VM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f82fda12990, "
          "parent_tid=0x7f82fda12990, exit_signal=0, stack=0x7f82fd212000, stack_size=0x7ffe80, tls=0x7f82fda126c0}");
    fmt::memory_buffer out;
    btrace::decode::format_clone3_result({reinterpret_cast<const uint8_t*>(&args), sizeof(args)}, 6979, out);
    CHECK(fmt::to_string(out) == " => {parent_tid=[6979]}");
}

namespace {

std::string array(StructKind kind, std::span<const uint8_t> bytes, std::size_t count) {
    fmt::memory_buffer out;
    btrace::decode::format_struct_array(kind, bytes, count, out);
    return fmt::to_string(out);
}

}  // namespace

TEST_CASE("process and time structs: stack_t, rusage, itimerval, tms", "[operations][structs]") {
    stack_t ss{};
    ss.ss_sp = reinterpret_cast<void*>(kAddr);
    ss.ss_size = 65536;
    CHECK(decoded(StructKind::StackT, ss) == "{ss_sp=0x7f0000001000, ss_flags=0, ss_size=65536}");
    ss = stack_t{};
    ss.ss_flags = SS_DISABLE;
    CHECK(decoded(StructKind::StackT, ss) == "{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}");
    ss.ss_flags = SS_ONSTACK | (1 << 31) | 0x100;
    CHECK(decoded(StructKind::StackT, ss) == "{ss_sp=NULL, ss_flags=SS_ONSTACK|SS_AUTODISARM|0x100, ss_size=0}");

    struct rusage ru {};
    ru.ru_utime.tv_usec = 2020;
    ru.ru_stime.tv_sec = 1;
    ru.ru_maxrss = 99;  // not shown, as strace without -v
    CHECK(decoded(StructKind::Rusage, ru) ==
          "{ru_utime={tv_sec=0, tv_usec=2020}, ru_stime={tv_sec=1, tv_usec=0}, ...}");
    CHECK(decoded(StructKind::WaitRusage, ru) == decoded(StructKind::Rusage, ru));

    const struct itimerval it {{0, 250000}, {5, 0}};
    CHECK(decoded(StructKind::Itimerval, it) ==
          "{it_interval={tv_sec=0, tv_usec=250000}, it_value={tv_sec=5, tv_usec=0}}");

    const struct tms t {1, 2, 3, 4};
    CHECK(decoded(StructKind::Tms, t) == "{tms_utime=1, tms_stime=2, tms_cutime=3, tms_cstime=4}");
}

TEST_CASE("utimensat's times: UTIME_NOW, UTIME_OMIT, or the time with its date", "[operations][structs]") {
    setenv("TZ", "UTC", 1);  // strace writes the date in local time
    tzset();
    struct timespec times[2] = {{1700000000, 5}, {0, UTIME_OMIT}};
    CHECK(decoded(StructKind::Utimens, times) ==
          "[{tv_sec=1700000000, tv_nsec=5} /* 2023-11-14T22:13:20.000000005+0000 */, UTIME_OMIT]");
    times[0] = {0, UTIME_NOW};
    times[1] = {1, 0};
    CHECK(decoded(StructKind::Utimens, times) == "[UTIME_NOW, {tv_sec=1, tv_nsec=0} /* 1970-01-01T00:00:01+0000 */]");
    // Hostile: no date for a time no calendar holds, or nanoseconds past a second.
    times[0] = {INT64_MAX, 0};
    times[1] = {1, 1000000000};
    CHECK(decoded(StructKind::Utimens, times) ==
          "[{tv_sec=9223372036854775807, tv_nsec=0}, {tv_sec=1, tv_nsec=1000000000}]");
    fmt::memory_buffer out;
    btrace::decode::format_struct(StructKind::Utimens, {reinterpret_cast<const uint8_t*>(times), 24}, out);
    CHECK(fmt::to_string(out) == "[{tv_sec=9223372036854775807, tv_nsec=0}, {tv_sec=1, ...}]");
}

TEST_CASE("CPU masks show the set CPUs, group lists their ids", "[operations][structs]") {
    const uint8_t mask[16] = {0x03, 0, 0, 0, 0, 0, 0, 0, 0x80};
    CHECK(array(StructKind::CpuMask, mask, sizeof(mask)) == "[0 1 71]");
    CHECK(array(StructKind::CpuMask, {mask, 8}, 8) == "[0 1]");
    CHECK(array(StructKind::CpuMask, {mask, 8}, 128) == "[0 1 ...]");  // the rest was not captured
    const uint8_t none[8] = {};
    CHECK(array(StructKind::CpuMask, none, sizeof(none)) == "[]");

    const gid_t groups[3] = {0, 4, 65534};
    CHECK(array(StructKind::Gid, {reinterpret_cast<const uint8_t*>(groups), sizeof(groups)}, 3) == "[0, 4, 65534]");
    CHECK(array(StructKind::Gid, {reinterpret_cast<const uint8_t*>(groups), 8}, 3) == "[0, 4, ...]");
    CHECK(array(StructKind::Gid, {}, 0) == "[]");
}

TEST_CASE("a terminal's settings and size, as strace prints them", "[operations][structs]") {
    // The kernel's struct termios: four flag words, c_line, c_cc[19].
    struct {
        uint32_t iflag, oflag, cflag, lflag;
        uint8_t line, cc[19];
    } tio{};
    static_assert(sizeof(tio) == 36);
    tio.iflag = 0400 | 02000;              // ICRNL|IXON
    tio.oflag = 1 | 4 | 014000;            // OPOST|ONLCR, TAB3
    tio.cflag = 017 | 060 | 0200 | (015 << 16);  // B38400, CS8, CREAD, input B9600
    tio.lflag = 1 | 2 | 0100000;           // ISIG|ICANON|IEXTEN
    CHECK(decoded(StructKind::Termios, tio) ==
          "{c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB3|BS0|VT0|FF0|OPOST|ONLCR, "
          "c_cflag=B38400|(B9600<<IBSHIFT)|CS8|CREAD, c_lflag=ISIG|ICANON|IEXTEN, ...}");
    tio = {};  // all clear: strace prints nothing for the flags, the values by name
    CHECK(decoded(StructKind::Termios, tio) ==
          "{c_iflag=, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, c_cflag=B0|CS5|, c_lflag=, ...}");
    tio.iflag = 0x80000000;  // unknown bits in hex
    tio.cflag = 010020;      // a speed set apart (BOTHER: termios2's c_ospeed)
    CHECK(decoded(StructKind::Termios, tio).starts_with("{c_iflag=0x80000000, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|, "
                                                        "c_cflag=BOTHER|CS6|, "));
    fmt::memory_buffer out;
    btrace::decode::format_struct(StructKind::Termios, {reinterpret_cast<const uint8_t*>(&tio), 6}, out);
    CHECK(fmt::to_string(out) == "{c_iflag=0x80000000, ...}");

    const struct winsize ws {50, 132, 0, 0};
    CHECK(decoded(StructKind::Winsize, ws) == "{ws_row=50, ws_col=132, ws_xpixel=0, ws_ypixel=0}");
}
