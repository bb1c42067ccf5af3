// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "decode/families.h"

using namespace btrace::decode;

namespace {

std::string show(Family family, uint64_t value) {
    fmt::memory_buffer out;
    format_family(family, value, out);
    return fmt::to_string(out);
}

constexpr Family kAllFamilies[] = {
#define BTRACE_TEST_FAMILY(name, is_flags) Family::name,
    BTRACE_FAMILIES(BTRACE_TEST_FAMILY)
#undef BTRACE_TEST_FAMILY
};

}  // namespace

// Expected strings were checked against strace 6.1 on x86_64 (syscalls made
// to fail under seccomp, so any value can be passed), except where a comment
// says strace differs: names newer than 6.1, and the documented conventions
// of flags.cpp (unknown enumeration values as bare decimal, no /* X_??? */).

TEST_CASE("family names", "[flags]") {
    CHECK(family_name(Family::OpenFlags) == "OpenFlags");
    CHECK(family_name(Family::FutexOp) == "FutexOp");
    CHECK(family_name(Family::KeyctlCmd) == "KeyctlCmd");
    std::set<std::string_view> seen;
    for (Family family : kAllFamilies) {
        const std::string_view name = family_name(family);
        CHECK_FALSE(name.empty());
        CHECK(seen.insert(name).second);
    }
}

TEST_CASE("output is appended to the buffer", "[flags]") {
    fmt::memory_buffer out;
    out.append(std::string_view("flags="));
    format_family(Family::OpenFlags, 0x80000, out);
    CHECK(fmt::to_string(out) == "flags=O_RDONLY|O_CLOEXEC");
}

TEST_CASE("OpenFlags: access mode first, O_CLOEXEC late, unknown bits in hex", "[flags]") {
    CHECK(show(Family::OpenFlags, 0) == "O_RDONLY");
    CHECK(show(Family::OpenFlags, 0x80000) == "O_RDONLY|O_CLOEXEC");
    CHECK(show(Family::OpenFlags, 01 | 0100 | 01000) == "O_WRONLY|O_CREAT|O_TRUNC");
    CHECK(show(Family::OpenFlags, 02 | 0100) == "O_RDWR|O_CREAT");
    CHECK(show(Family::OpenFlags, 0x40000000) == "O_RDONLY|0x40000000");
    CHECK(show(Family::OpenFlags, 3) == "O_ACCMODE");
    CHECK(show(Family::OpenFlags, 0x101000) == "O_RDONLY|O_SYNC");            // not __O_SYNC|O_DSYNC
    CHECK(show(Family::OpenFlags, 0x410002) == "O_RDWR|O_TMPFILE");           // not O_DIRECTORY|...
    CHECK(show(Family::OpenFlags, 0x8000) == "O_RDONLY|O_LARGEFILE");
    CHECK(show(Family::OpenFlags, 0x10000) == "O_RDONLY|O_DIRECTORY");
    CHECK(show(Family::OpenFlags, 0x90800) == "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY");
    // int argument: the upper half of the register is ignored
    CHECK(show(Family::OpenFlags, 0xffffffff00000000) == "O_RDONLY");
}

TEST_CASE("AtFlags", "[flags]") {
    CHECK(show(Family::AtFlags, 0) == "0");
    CHECK(show(Family::AtFlags, 0x1000) == "AT_EMPTY_PATH");
    CHECK(show(Family::AtFlags, 0x1100) == "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
    CHECK(show(Family::AtFlags, 0x200) == "AT_REMOVEDIR");  // also AT_EACCESS, AT_HANDLE_FID
    CHECK(show(Family::AtFlags, 0x8000) == "AT_RECURSIVE");
    // strace's at_flags leave these two unnamed; the brief asks for them.
    CHECK(show(Family::AtFlags, 0x6000) == "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC");
    CHECK(show(Family::AtFlags, 0x10000) == "0x10000");
    // faccessat2 means AT_EACCESS by 0x200, as strace shows it there.
    CHECK(show(Family::AccessAtFlags, 0x200) == "AT_EACCESS");
    CHECK(show(Family::AccessAtFlags, 0x1300) == "AT_SYMLINK_NOFOLLOW|AT_EACCESS|AT_EMPTY_PATH");
    CHECK(show(Family::AccessAtFlags, 0x400) == "0x400");
}

TEST_CASE("AccessMode: 0 is F_OK", "[flags]") {
    CHECK(show(Family::AccessMode, 0) == "F_OK");
    CHECK(show(Family::AccessMode, 4) == "R_OK");
    CHECK(show(Family::AccessMode, 7) == "R_OK|W_OK|X_OK");
    CHECK(show(Family::AccessMode, 8) == "0x8");
}

TEST_CASE("MmapProt: 0 is PROT_NONE", "[flags]") {
    CHECK(show(Family::MmapProt, 0) == "PROT_NONE");
    CHECK(show(Family::MmapProt, 3) == "PROT_READ|PROT_WRITE");
    CHECK(show(Family::MmapProt, 7) == "PROT_READ|PROT_WRITE|PROT_EXEC");
    CHECK(show(Family::MmapProt, 0x1000001) == "PROT_READ|PROT_GROWSDOWN");
    CHECK(show(Family::MmapProt, 0x10) == "0x10");
    CHECK(show(Family::MmapProt, 0x100000001) == "PROT_READ|0x100000000");  // unsigned long
}

TEST_CASE("MmapFlags: map type, flags, huge page size", "[flags]") {
    CHECK(show(Family::MmapFlags, 0x22) == "MAP_PRIVATE|MAP_ANONYMOUS");
    CHECK(show(Family::MmapFlags, 0x01) == "MAP_SHARED");
    CHECK(show(Family::MmapFlags, 0x03) == "MAP_SHARED_VALIDATE");
    CHECK(show(Family::MmapFlags, 0x20) == "MAP_FILE|MAP_ANONYMOUS");  // type 0
    CHECK(show(Family::MmapFlags, 0x812) == "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
    CHECK(show(Family::MmapFlags, 0x100022) == "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE");
    CHECK(show(Family::MmapFlags, 0x4000022) == "MAP_PRIVATE|MAP_ANONYMOUS|1<<MAP_HUGE_SHIFT");
    CHECK(show(Family::MmapFlags, 0x54040022) ==
          "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|21<<MAP_HUGE_SHIFT");
    CHECK(show(Family::MmapFlags, 0x24) == "0x4|MAP_ANONYMOUS");  // unknown map type
    CHECK(show(Family::MmapFlags, 0x82) == "MAP_PRIVATE|MAP_ABOVE4G");  // newer than strace 6.1
    CHECK(show(Family::MmapFlags, 0x100000022) == "MAP_PRIVATE|MAP_ANONYMOUS");  // strace reads 32 bits
}

TEST_CASE("MremapFlags, MsyncFlags, MlockFlags", "[flags]") {
    CHECK(show(Family::MremapFlags, 1) == "MREMAP_MAYMOVE");
    CHECK(show(Family::MremapFlags, 3) == "MREMAP_MAYMOVE|MREMAP_FIXED");
    CHECK(show(Family::MremapFlags, 0) == "0");
    CHECK(show(Family::MsyncFlags, 4) == "MS_SYNC");
    CHECK(show(Family::MsyncFlags, 7) == "MS_SYNC|MS_ASYNC|MS_INVALIDATE");  // strace's order
    CHECK(show(Family::MsyncFlags, 0) == "0");
    CHECK(show(Family::MlockFlags, 1) == "MLOCK_ONFAULT");
    CHECK(show(Family::MlockFlags, 2) == "0x2");
}

TEST_CASE("MadviseAdvice", "[flags]") {
    CHECK(show(Family::MadviseAdvice, 4) == "MADV_DONTNEED");
    CHECK(show(Family::MadviseAdvice, 14) == "MADV_HUGEPAGE");
    CHECK(show(Family::MadviseAdvice, 25) == "MADV_COLLAPSE");
    CHECK(show(Family::MadviseAdvice, 100) == "MADV_HWPOISON");
    CHECK(show(Family::MadviseAdvice, 99) == "99");
    CHECK(show(Family::MadviseAdvice, 0xffffffff) == "-1");
}

TEST_CASE("CloneFlags: flags then the exit signal", "[flags]") {
    CHECK(show(Family::CloneFlags, 0x1200011) == "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
    CHECK(show(Family::CloneFlags, 0x3d0f00) ==
          "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
          "CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
    CHECK(show(Family::CloneFlags, 0x4111) == "CLONE_VM|CLONE_VFORK|SIGCHLD");
    CHECK(show(Family::CloneFlags, 0x11) == "SIGCHLD");
    CHECK(show(Family::CloneFlags, 0) == "0");
    CHECK(show(Family::CloneFlags, 0x400000) == "0x400000");  // CLONE_DETACHED: unnamed
    // realtime signals by the kernel's numbering, as strace prints them
    CHECK(show(Family::CloneFlags, 0x120) == "CLONE_VM|SIGRTMIN");
    CHECK(show(Family::CloneFlags, 0x122) == "CLONE_VM|SIGRT_2");
    CHECK(show(Family::CloneFlags, 0x140) == "CLONE_VM|SIGRT_32");
    CHECK(show(Family::CloneFlags, 0x17f) == "CLONE_VM|127");
}

TEST_CASE("UnshareFlags", "[flags]") {
    CHECK(show(Family::UnshareFlags, 0x20000) == "CLONE_NEWNS");
    CHECK(show(Family::UnshareFlags, 0x10000000) == "CLONE_NEWUSER");
    CHECK(show(Family::UnshareFlags, 0x80) == "CLONE_NEWTIME");
    CHECK(show(Family::UnshareFlags, 0x60000080) == "CLONE_NEWTIME|CLONE_NEWPID|CLONE_NEWNET");
    CHECK(show(Family::UnshareFlags, 0) == "0");
    CHECK(show(Family::UnshareFlags, 3) == "0x3");
}

TEST_CASE("sockets", "[flags]") {
    CHECK(show(Family::SocketDomain, 1) == "AF_UNIX");
    CHECK(show(Family::SocketDomain, 2) == "AF_INET");
    CHECK(show(Family::SocketDomain, 10) == "AF_INET6");
    CHECK(show(Family::SocketDomain, 16) == "AF_NETLINK");
    CHECK(show(Family::SocketDomain, 45) == "AF_MCTP");
    CHECK(show(Family::SocketDomain, 46) == "46");

    CHECK(show(Family::SocketType, 0x80001) == "SOCK_STREAM|SOCK_CLOEXEC");
    CHECK(show(Family::SocketType, 0x80801) == "SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK");
    CHECK(show(Family::SocketType, 2) == "SOCK_DGRAM");
    CHECK(show(Family::SocketType, 5) == "SOCK_SEQPACKET");
    CHECK(show(Family::SocketType, 0x80800) == "SOCK_CLOEXEC|SOCK_NONBLOCK");
    CHECK(show(Family::SocketType, 7) == "0x7");
    CHECK(show(Family::SocketType, 0x80807) == "SOCK_CLOEXEC|SOCK_NONBLOCK|0x7");
    CHECK(show(Family::SocketType, 0) == "0");

    CHECK(show(Family::IpProtocol, 0) == "IPPROTO_IP");
    CHECK(show(Family::IpProtocol, 6) == "IPPROTO_TCP");
    CHECK(show(Family::IpProtocol, 17) == "IPPROTO_UDP");
    CHECK(show(Family::IpProtocol, 262) == "IPPROTO_MPTCP");
    CHECK(show(Family::IpProtocol, 999) == "999");

    CHECK(show(Family::MsgFlags, 0) == "0");
    CHECK(show(Family::MsgFlags, 0x4000) == "MSG_NOSIGNAL");
    CHECK(show(Family::MsgFlags, 0x4040) == "MSG_DONTWAIT|MSG_NOSIGNAL");
    CHECK(show(Family::MsgFlags, 0x40000000) == "MSG_CMSG_CLOEXEC");
    CHECK(show(Family::MsgFlags, 0x800000) == "0x800000");

    CHECK(show(Family::ShutdownHow, 0) == "SHUT_RD");
    CHECK(show(Family::ShutdownHow, 2) == "SHUT_RDWR");
    CHECK(show(Family::ShutdownHow, 3) == "3");

    CHECK(show(Family::SockoptLevel, 0) == "SOL_IP");
    CHECK(show(Family::SockoptLevel, 1) == "SOL_SOCKET");
    CHECK(show(Family::SockoptLevel, 6) == "SOL_TCP");
    CHECK(show(Family::SockoptLevel, 41) == "SOL_IPV6");
    CHECK(show(Family::SockoptLevel, 40) == "AF_VSOCK");
    CHECK(show(Family::SockoptLevel, 999) == "999");
}

TEST_CASE("FcntlCmd", "[flags]") {
    CHECK(show(Family::FcntlCmd, 2) == "F_SETFD");
    CHECK(show(Family::FcntlCmd, 0) == "F_DUPFD");
    CHECK(show(Family::FcntlCmd, 1030) == "F_DUPFD_CLOEXEC");
    CHECK(show(Family::FcntlCmd, 1031) == "F_SETPIPE_SZ");
    CHECK(show(Family::FcntlCmd, 1033) == "F_ADD_SEALS");
    CHECK(show(Family::FcntlCmd, 1034) == "F_GET_SEALS");
    CHECK(show(Family::FcntlCmd, 36) == "F_OFD_GETLK");
    CHECK(show(Family::FcntlCmd, 12) == "F_GETLK64");
    CHECK(show(Family::FcntlCmd, 999) == "999");
}

TEST_CASE("IoctlCmd: names, unknown in hex", "[flags]") {
    CHECK(show(Family::IoctlCmd, 0x5401) == "TCGETS");
    CHECK(show(Family::IoctlCmd, 0x5402) == "SNDCTL_TMR_START or TCSETS");
    CHECK(show(Family::IoctlCmd, 0x5403) == "SNDCTL_TMR_STOP or TCSETSW");
    CHECK(show(Family::IoctlCmd, 0x5404) == "SNDCTL_TMR_CONTINUE or TCSETSF");
    CHECK(show(Family::IoctlCmd, 0x5413) == "TIOCGWINSZ");
    CHECK(show(Family::IoctlCmd, 0x5414) == "TIOCSWINSZ");
    CHECK(show(Family::IoctlCmd, 0x540f) == "TIOCGPGRP");
    CHECK(show(Family::IoctlCmd, 0x5410) == "TIOCSPGRP");
    CHECK(show(Family::IoctlCmd, 0x540e) == "TIOCSCTTY");
    CHECK(show(Family::IoctlCmd, 0x5422) == "TIOCNOTTY");
    CHECK(show(Family::IoctlCmd, 0x541b) == "FIONREAD");
    CHECK(show(Family::IoctlCmd, 0x5421) == "FIONBIO");
    CHECK(show(Family::IoctlCmd, 0x5451) == "FIOCLEX");
    CHECK(show(Family::IoctlCmd, 0x5450) == "FIONCLEX");
    CHECK(show(Family::IoctlCmd, 0x5452) == "FIOASYNC");
    CHECK(show(Family::IoctlCmd, 0x80045430) == "TIOCGPTN");
    CHECK(show(Family::IoctlCmd, 0x40045431) == "TIOCSPTLCK");
    CHECK(show(Family::IoctlCmd, 0x40049409) == "BTRFS_IOC_CLONE or FICLONE");
    CHECK(show(Family::IoctlCmd, 0x80086601) == "FS_IOC_GETFLAGS");
    CHECK(show(Family::IoctlCmd, 0x80081272) == "BLKGETSIZE64");
    CHECK(show(Family::IoctlCmd, 0x8912) == "SIOCGIFCONF");
    CHECK(show(Family::IoctlCmd, 0x8913) == "SIOCGIFFLAGS");
    CHECK(show(Family::IoctlCmd, 0x8933) == "SIOCGIFINDEX");
    CHECK(show(Family::IoctlCmd, 0x1234) == "0x1234");  // strace: _IOC(_IOC_NONE, 0x12, 0x34, 0)
    CHECK(show(Family::IoctlCmd, 0) == "0");
}

TEST_CASE("PollEvents and EpollEvents", "[flags]") {
    CHECK(show(Family::PollEvents, 0) == "0");
    CHECK(show(Family::PollEvents, 1) == "POLLIN");
    CHECK(show(Family::PollEvents, 0x2001) == "POLLIN|POLLRDHUP");
    CHECK(show(Family::PollEvents, 0x19) == "POLLIN|POLLERR|POLLHUP");
    CHECK(show(Family::PollEvents, 0x4000) == "0x4000");
    CHECK(show(Family::PollEvents, 0xffffffffffff8001) == "POLLIN|POLL_BUSY_LOOP");  // a short

    CHECK(show(Family::EpollEvents, 0x80000001) == "EPOLLIN|EPOLLET");
    CHECK(show(Family::EpollEvents, 0x2019) == "EPOLLIN|EPOLLERR|EPOLLHUP|EPOLLRDHUP");
    CHECK(show(Family::EpollEvents, 0x70000004) ==
          "EPOLLOUT|EPOLLEXCLUSIVE|EPOLLWAKEUP|EPOLLONESHOT");
    CHECK(show(Family::EpollEvents, 0) == "0");
    CHECK(show(Family::EpollEvents, 0x8000000) == "0x8000000");

    CHECK(show(Family::EpollCtlOp, 1) == "EPOLL_CTL_ADD");
    CHECK(show(Family::EpollCtlOp, 2) == "EPOLL_CTL_DEL");
    CHECK(show(Family::EpollCtlOp, 3) == "EPOLL_CTL_MOD");
    CHECK(show(Family::EpollCtlOp, 0) == "0");
}

TEST_CASE("LseekWhence", "[flags]") {
    CHECK(show(Family::LseekWhence, 0) == "SEEK_SET");
    CHECK(show(Family::LseekWhence, 1) == "SEEK_CUR");
    CHECK(show(Family::LseekWhence, 2) == "SEEK_END");
    CHECK(show(Family::LseekWhence, 3) == "SEEK_DATA");
    CHECK(show(Family::LseekWhence, 4) == "SEEK_HOLE");
    CHECK(show(Family::LseekWhence, 5) == "5");
}

TEST_CASE("FutexOp: command, _PRIVATE, FUTEX_CLOCK_REALTIME", "[flags]") {
    CHECK(show(Family::FutexOp, 0x80) == "FUTEX_WAIT_PRIVATE");
    CHECK(show(Family::FutexOp, 0x81) == "FUTEX_WAKE_PRIVATE");
    CHECK(show(Family::FutexOp, 0) == "FUTEX_WAIT");
    CHECK(show(Family::FutexOp, 1) == "FUTEX_WAKE");
    CHECK(show(Family::FutexOp, 0x189) == "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME");
    CHECK(show(Family::FutexOp, 0x109) == "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME");
    CHECK(show(Family::FutexOp, 0x82) == "FUTEX_FD|FUTEX_PRIVATE_FLAG");
    CHECK(show(Family::FutexOp, 0x8d) == "FUTEX_LOCK_PI2_PRIVATE");
    // strace prints 0x101 /* FUTEX_??? */; we name the parts
    CHECK(show(Family::FutexOp, 0x101) == "FUTEX_WAKE|FUTEX_CLOCK_REALTIME");
    CHECK(show(Family::FutexOp, 14) == "14");
}

TEST_CASE("PrctlOption and ArchPrctlCode", "[flags]") {
    CHECK(show(Family::PrctlOption, 15) == "PR_SET_NAME");
    CHECK(show(Family::PrctlOption, 38) == "PR_SET_NO_NEW_PRIVS");
    CHECK(show(Family::PrctlOption, 22) == "PR_SET_SECCOMP");
    CHECK(show(Family::PrctlOption, 0x53564d41) == "PR_SET_VMA");
    CHECK(show(Family::PrctlOption, 0x59616d61) == "PR_SET_PTRACER");
    CHECK(show(Family::PrctlOption, 78) == "PR_FUTEX_HASH");  // newer than strace 6.1
    CHECK(show(Family::PrctlOption, 0) == "0");

    CHECK(show(Family::ArchPrctlCode, 0x1001) == "ARCH_SET_GS");
    CHECK(show(Family::ArchPrctlCode, 0x1002) == "ARCH_SET_FS");
    CHECK(show(Family::ArchPrctlCode, 0x1003) == "ARCH_GET_FS");
    CHECK(show(Family::ArchPrctlCode, 0x1021) == "ARCH_GET_XCOMP_SUPP");
    CHECK(show(Family::ArchPrctlCode, 0x1023) == "ARCH_REQ_XCOMP_PERM");
    CHECK(show(Family::ArchPrctlCode, 0x2003) == "ARCH_MAP_VDSO_64");
    CHECK(show(Family::ArchPrctlCode, 0x3001) == "ARCH_CET_STATUS");  // strace: 0x3001 /* ARCH_??? */
    CHECK(show(Family::ArchPrctlCode, 0x4001) == "ARCH_GET_UNTAG_MASK");
    CHECK(show(Family::ArchPrctlCode, 0x5005) == "ARCH_SHSTK_STATUS");
    CHECK(show(Family::ArchPrctlCode, 0x1000) == "4096");
}

TEST_CASE("RlimitResource, ClockId, TimerFlags", "[flags]") {
    CHECK(show(Family::RlimitResource, 3) == "RLIMIT_STACK");
    CHECK(show(Family::RlimitResource, 7) == "RLIMIT_NOFILE");
    CHECK(show(Family::RlimitResource, 15) == "RLIMIT_RTTIME");
    CHECK(show(Family::RlimitResource, 16) == "16");

    CHECK(show(Family::ClockId, 0) == "CLOCK_REALTIME");
    CHECK(show(Family::ClockId, 1) == "CLOCK_MONOTONIC");
    CHECK(show(Family::ClockId, 7) == "CLOCK_BOOTTIME");
    CHECK(show(Family::ClockId, 11) == "CLOCK_TAI");
    CHECK(show(Family::ClockId, 12) == "12");
    CHECK(show(Family::ClockId, 0xfffffffa) == "-6");  // a CPU-time clock id

    CHECK(show(Family::TimerFlags, 0) == "0");
    CHECK(show(Family::TimerFlags, 1) == "TIMER_ABSTIME");
    CHECK(show(Family::TimerFlags, 2) == "0x2");
}

TEST_CASE("WaitOptions, IdType, SigprocmaskHow", "[flags]") {
    CHECK(show(Family::WaitOptions, 0) == "0");
    CHECK(show(Family::WaitOptions, 1) == "WNOHANG");
    CHECK(show(Family::WaitOptions, 2) == "WSTOPPED");  // == WUNTRACED
    CHECK(show(Family::WaitOptions, 3) == "WNOHANG|WSTOPPED");
    CHECK(show(Family::WaitOptions, 0x40000000) == "__WALL");
    CHECK(show(Family::WaitOptions, 0x1000004) == "WEXITED|WNOWAIT");

    CHECK(show(Family::IdType, 0) == "P_ALL");
    CHECK(show(Family::IdType, 1) == "P_PID");
    CHECK(show(Family::IdType, 3) == "P_PIDFD");
    CHECK(show(Family::IdType, 4) == "4");

    CHECK(show(Family::SigprocmaskHow, 0) == "SIG_BLOCK");
    CHECK(show(Family::SigprocmaskHow, 1) == "SIG_UNBLOCK");
    CHECK(show(Family::SigprocmaskHow, 2) == "SIG_SETMASK");
    CHECK(show(Family::SigprocmaskHow, 3) == "3");
}

TEST_CASE("FadviseAdvice, GetrandomFlags", "[flags]") {
    CHECK(show(Family::FadviseAdvice, 4) == "POSIX_FADV_DONTNEED");
    CHECK(show(Family::FadviseAdvice, 2) == "POSIX_FADV_SEQUENTIAL");
    CHECK(show(Family::FadviseAdvice, 6) == "6");

    CHECK(show(Family::GetrandomFlags, 1) == "GRND_NONBLOCK");
    CHECK(show(Family::GetrandomFlags, 3) == "GRND_NONBLOCK|GRND_RANDOM");
    CHECK(show(Family::GetrandomFlags, 0) == "0");
    CHECK(show(Family::GetrandomFlags, 8) == "0x8");
}

TEST_CASE("fd-creating flags: eventfd, memfd, timerfd, signalfd, pidfd", "[flags]") {
    CHECK(show(Family::EventfdFlags, 0x80800) == "EFD_CLOEXEC|EFD_NONBLOCK");
    CHECK(show(Family::EventfdFlags, 0x80001) == "EFD_SEMAPHORE|EFD_CLOEXEC");
    CHECK(show(Family::EventfdFlags, 0) == "0");

    CHECK(show(Family::MemfdFlags, 1) == "MFD_CLOEXEC");
    CHECK(show(Family::MemfdFlags, 3) == "MFD_CLOEXEC|MFD_ALLOW_SEALING");
    CHECK(show(Family::MemfdFlags, 0x54000005) == "MFD_CLOEXEC|MFD_HUGETLB|21<<MFD_HUGE_SHIFT");
    CHECK(show(Family::MemfdFlags, 0x18) == "MFD_NOEXEC_SEAL|MFD_EXEC");  // newer than strace 6.1
    CHECK(show(Family::MemfdFlags, 0) == "0");
    CHECK(show(Family::MemfdFlags, 0x40) == "0x40");

    CHECK(show(Family::TimerfdFlags, 0x80800) == "TFD_CLOEXEC|TFD_NONBLOCK");
    CHECK(show(Family::TimerfdFlags, 1) == "TFD_TIMER_ABSTIME");
    CHECK(show(Family::TimerfdFlags, 3) == "TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET");
    CHECK(show(Family::TimerfdFlags, 0) == "0");

    CHECK(show(Family::SignalfdFlags, 0x80800) == "SFD_CLOEXEC|SFD_NONBLOCK");
    CHECK(show(Family::SignalfdFlags, 0x800) == "SFD_NONBLOCK");
    CHECK(show(Family::SignalfdFlags, 0) == "0");

    CHECK(show(Family::PidfdFlags, 0x800) == "PIDFD_NONBLOCK");
    CHECK(show(Family::PidfdFlags, 0x80) == "PIDFD_THREAD");  // newer than strace 6.1
    CHECK(show(Family::PidfdFlags, 0) == "0");

    CHECK(show(Family::CloseRangeFlags, 2) == "CLOSE_RANGE_UNSHARE");
    CHECK(show(Family::CloseRangeFlags, 6) == "CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC");
    CHECK(show(Family::CloseRangeFlags, 0) == "0");
}

TEST_CASE("InotifyMask, RenameFlags, StatxMask", "[flags]") {
    CHECK(show(Family::InotifyMask, 0x100) == "IN_CREATE");
    CHECK(show(Family::InotifyMask, 0x40000100) == "IN_CREATE|IN_ISDIR");
    CHECK(show(Family::InotifyMask, 0x80000008) == "IN_CLOSE_WRITE|IN_ONESHOT");
    CHECK(show(Family::InotifyMask, 0x1000) == "0x1000");

    CHECK(show(Family::RenameFlags, 1) == "RENAME_NOREPLACE");
    CHECK(show(Family::RenameFlags, 2) == "RENAME_EXCHANGE");
    CHECK(show(Family::RenameFlags, 5) == "RENAME_NOREPLACE|RENAME_WHITEOUT");
    CHECK(show(Family::RenameFlags, 0) == "0");

    CHECK(show(Family::StatxMask, 0xfff) == "STATX_ALL");
    CHECK(show(Family::StatxMask, 0x7ff) == "STATX_BASIC_STATS");
    CHECK(show(Family::StatxMask, 0x1fff) == "STATX_ALL|STATX_MNT_ID");
    CHECK(show(Family::StatxMask, 2) == "STATX_MODE");
    CHECK(show(Family::StatxMask, 0) == "0");
    CHECK(show(Family::StatxMask, 0x80000000) == "0x80000000");
}

TEST_CASE("mount, umount, fallocate, flock, xattr, splice", "[flags]") {
    CHECK(show(Family::MountFlags, 0) == "0");
    CHECK(show(Family::MountFlags, 0x1000) == "MS_BIND");
    CHECK(show(Family::MountFlags, 0x5000) == "MS_BIND|MS_REC");
    CHECK(show(Family::MountFlags, 0x40000) == "MS_PRIVATE");
    CHECK(show(Family::MountFlags, 0x80000000) == "MS_NOUSER");
    CHECK(show(Family::MountFlags, 0xc0ed0000) == "MS_MGC_VAL");
    CHECK(show(Family::MountFlags, 0xc0ed0001) == "MS_MGC_VAL|MS_RDONLY");

    CHECK(show(Family::UmountFlags, 2) == "MNT_DETACH");
    CHECK(show(Family::UmountFlags, 0xa) == "MNT_DETACH|UMOUNT_NOFOLLOW");
    CHECK(show(Family::UmountFlags, 0) == "0");

    CHECK(show(Family::FallocateMode, 3) == "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE");
    CHECK(show(Family::FallocateMode, 0x10) == "FALLOC_FL_ZERO_RANGE");
    CHECK(show(Family::FallocateMode, 0) == "0");

    CHECK(show(Family::FlockOp, 2) == "LOCK_EX");
    CHECK(show(Family::FlockOp, 6) == "LOCK_EX|LOCK_NB");
    CHECK(show(Family::FlockOp, 8) == "LOCK_UN");
    CHECK(show(Family::FlockOp, 0xc0) == "LOCK_RW");
    CHECK(show(Family::FlockOp, 0) == "0");

    CHECK(show(Family::XattrFlags, 1) == "XATTR_CREATE");
    CHECK(show(Family::XattrFlags, 2) == "XATTR_REPLACE");
    CHECK(show(Family::XattrFlags, 0) == "0");

    CHECK(show(Family::SpliceFlags, 1) == "SPLICE_F_MOVE");
    CHECK(show(Family::SpliceFlags, 0xf) ==
          "SPLICE_F_MOVE|SPLICE_F_NONBLOCK|SPLICE_F_MORE|SPLICE_F_GIFT");
    CHECK(show(Family::SpliceFlags, 0) == "0");
}

TEST_CASE("scheduling, priorities, timers", "[flags]") {
    CHECK(show(Family::SchedPolicy, 0) == "SCHED_OTHER");
    CHECK(show(Family::SchedPolicy, 1) == "SCHED_FIFO");
    CHECK(show(Family::SchedPolicy, 6) == "SCHED_DEADLINE");
    // strace 6.1: 0x40000001 /* SCHED_??? */
    CHECK(show(Family::SchedPolicy, 0x40000001) == "SCHED_FIFO|SCHED_RESET_ON_FORK");
    CHECK(show(Family::SchedPolicy, 9) == "9");

    CHECK(show(Family::PriorityWhich, 0) == "PRIO_PROCESS");
    CHECK(show(Family::PriorityWhich, 2) == "PRIO_USER");
    CHECK(show(Family::PriorityWhich, 3) == "3");

    CHECK(show(Family::ItimerWhich, 0) == "ITIMER_REAL");
    CHECK(show(Family::ItimerWhich, 2) == "ITIMER_PROF");
    CHECK(show(Family::ItimerWhich, 3) == "3");
}

TEST_CASE("ptrace, seccomp, bpf, kcmp, membarrier", "[flags]") {
    CHECK(show(Family::PtraceRequest, 0) == "PTRACE_TRACEME");
    CHECK(show(Family::PtraceRequest, 3) == "PTRACE_PEEKUSER");
    CHECK(show(Family::PtraceRequest, 0x18) == "PTRACE_SYSCALL");
    CHECK(show(Family::PtraceRequest, 0x4206) == "PTRACE_SEIZE");
    CHECK(show(Family::PtraceRequest, 0x420e) == "PTRACE_GET_SYSCALL_INFO");
    CHECK(show(Family::PtraceRequest, 0x99) == "153");

    CHECK(show(Family::SeccompOp, 0) == "SECCOMP_SET_MODE_STRICT");
    CHECK(show(Family::SeccompOp, 1) == "SECCOMP_SET_MODE_FILTER");
    CHECK(show(Family::SeccompOp, 4) == "4");

    CHECK(show(Family::BpfCmd, 0) == "BPF_MAP_CREATE");
    CHECK(show(Family::BpfCmd, 5) == "BPF_PROG_LOAD");
    CHECK(show(Family::BpfCmd, 28) == "BPF_LINK_CREATE");
    CHECK(show(Family::BpfCmd, 99) == "99");

    CHECK(show(Family::KcmpType, 0) == "KCMP_FILE");
    CHECK(show(Family::KcmpType, 7) == "KCMP_EPOLL_TFD");
    CHECK(show(Family::KcmpType, 8) == "8");

    CHECK(show(Family::MembarrierCmd, 0) == "MEMBARRIER_CMD_QUERY");
    CHECK(show(Family::MembarrierCmd, 8) == "MEMBARRIER_CMD_PRIVATE_EXPEDITED");
    CHECK(show(Family::MembarrierCmd, 16) == "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED");
    CHECK(show(Family::MembarrierCmd, 3) == "3");
}

TEST_CASE("PersonalityFlags: type byte then flags", "[flags]") {
    CHECK(show(Family::PersonalityFlags, 0) == "PER_LINUX");
    CHECK(show(Family::PersonalityFlags, 0xffffffff) == "0xffffffff");  // the query value
    CHECK(show(Family::PersonalityFlags, 0x40000) == "PER_LINUX|ADDR_NO_RANDOMIZE");
    CHECK(show(Family::PersonalityFlags, 8) == "PER_LINUX32");
    CHECK(show(Family::PersonalityFlags, 0x400008) == "PER_LINUX32|READ_IMPLIES_EXEC");
    CHECK(show(Family::PersonalityFlags, 1) == "0x1");  // strace: 0x1 /* PER_??? */
    CHECK(show(Family::PersonalityFlags, 0x40001) == "0x1|ADDR_NO_RANDOMIZE");
}

TEST_CASE("SyslogAction leads with the number, as strace does", "[flags]") {
    CHECK(show(Family::SyslogAction, 2) == "2 /* SYSLOG_ACTION_READ */");
    CHECK(show(Family::SyslogAction, 10) == "10 /* SYSLOG_ACTION_SIZE_BUFFER */");
    CHECK(show(Family::SyslogAction, 11) == "11");
    CHECK(show(Family::SyslogAction, 0xffffffff) == "-1");
}

TEST_CASE("RebootCmd", "[flags]") {
    CHECK(show(Family::RebootCmd, 0x01234567) == "LINUX_REBOOT_CMD_RESTART");
    CHECK(show(Family::RebootCmd, 0xcdef0123) == "LINUX_REBOOT_CMD_HALT");
    CHECK(show(Family::RebootCmd, 0xffffffffcdef0123) == "LINUX_REBOOT_CMD_HALT");
    CHECK(show(Family::RebootCmd, 0x4321fedc) == "LINUX_REBOOT_CMD_POWER_OFF");
    CHECK(show(Family::RebootCmd, 0) == "LINUX_REBOOT_CMD_CAD_OFF");
    CHECK(show(Family::RebootCmd, 5) == "5");
}

TEST_CASE("QuotactlCmd: QCMD(cmd, type)", "[flags]") {
    CHECK(show(Family::QuotactlCmd, 0x80000700) == "QCMD(Q_GETQUOTA, USRQUOTA)");
    CHECK(show(Family::QuotactlCmd, 0x80000201) == "QCMD(Q_QUOTAON, GRPQUOTA)");
    CHECK(show(Family::QuotactlCmd, 0x580302) == "QCMD(Q_XGETQUOTA, PRJQUOTA)");
    CHECK(show(Family::QuotactlCmd, 0x30001) == "QCMD(Q_V1_GETQUOTA, GRPQUOTA)");
    CHECK(show(Family::QuotactlCmd, 0x1234) == "QCMD(0x12, 0x34)");
    CHECK(show(Family::QuotactlCmd, 3) == "QCMD(0, 0x3)");
}

TEST_CASE("KeyctlCmd", "[flags]") {
    CHECK(show(Family::KeyctlCmd, 0) == "KEYCTL_GET_KEYRING_ID");
    CHECK(show(Family::KeyctlCmd, 2) == "KEYCTL_UPDATE");
    CHECK(show(Family::KeyctlCmd, 32) == "KEYCTL_WATCH_KEY");
    CHECK(show(Family::KeyctlCmd, 33) == "33");
}

TEST_CASE("every family prints something for any value", "[flags]") {
    std::mt19937_64 rng(20240607);
    std::vector<uint64_t> values = {0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, ~0ULL,
                                    0xffffffff00000000, 0x8000000000000000};
    for (int i = 0; i < 64; ++i)
        values.push_back(rng());
    for (int bit = 0; bit < 64; ++bit)
        values.push_back(uint64_t{1} << bit);
    for (Family family : kAllFamilies) {
        for (uint64_t value : values) {
            const std::string text = show(family, value);
            INFO(family_name(family) << " " << value);
            CHECK_FALSE(text.empty());
            CHECK(text.size() < 1024);
            CHECK(text.find('\0') == std::string::npos);
        }
    }
}
