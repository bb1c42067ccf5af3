// SPDX-License-Identifier: Apache-2.0
// Named families of flag sets and enumerations that syscall arguments use.
// The syscall table refers to a family by this enum; decode/flags.cpp holds
// each family's names. X-macro so the name of each family exists once.
#pragma once

#include <cstdint>
#include <string_view>

#include <fmt/format.h>

namespace btrace::decode {

// X(name, is_flag_set): flag sets print as A|B|0x40 (unknown bits in hex at
// the end, 0 when empty); enumerations print one name or the number.
#define BTRACE_FAMILIES(X)          \
    X(OpenFlags, true)              \
    X(FdFlags, true)                \
    X(AtFlags, true)                \
    X(AccessAtFlags, true)          \
    X(AccessMode, true)             \
    X(MmapProt, true)               \
    X(MmapFlags, true)              \
    X(MremapFlags, true)            \
    X(MsyncFlags, true)             \
    X(MadviseAdvice, false)         \
    X(CloneFlags, true)             \
    X(UnshareFlags, true)           \
    X(SocketDomain, false)          \
    X(SocketType, true)             \
    X(IpProtocol, false)            \
    X(MsgFlags, true)               \
    X(ShutdownHow, false)           \
    X(SockoptLevel, false)          \
    X(FcntlCmd, false)              \
    X(IoctlCmd, false)              \
    X(PollEvents, true)             \
    X(EpollEvents, true)            \
    X(EpollCtlOp, false)            \
    X(LseekWhence, false)           \
    X(FutexOp, false)               \
    X(PrctlOption, false)           \
    X(ArchPrctlCode, false)         \
    X(RlimitResource, false)        \
    X(ClockId, false)               \
    X(TimerFlags, true)             \
    X(WaitOptions, true)            \
    X(IdType, false)                \
    X(SigprocmaskHow, false)        \
    X(FadviseAdvice, false)         \
    X(GetrandomFlags, true)         \
    X(EventfdFlags, true)           \
    X(MemfdFlags, true)             \
    X(TimerfdFlags, true)           \
    X(InotifyMask, true)            \
    X(RenameFlags, true)            \
    X(StatxMask, true)              \
    X(MountFlags, true)             \
    X(UmountFlags, true)            \
    X(FallocateMode, true)          \
    X(FlockOp, true)                \
    X(XattrFlags, true)             \
    X(SpliceFlags, true)            \
    X(SchedPolicy, false)           \
    X(PriorityWhich, false)         \
    X(ItimerWhich, false)           \
    X(PtraceRequest, false)         \
    X(SeccompOp, false)             \
    X(BpfCmd, false)                \
    X(KcmpType, false)              \
    X(MlockFlags, true)             \
    X(MembarrierCmd, false)         \
    X(CloseRangeFlags, true)        \
    X(PidfdFlags, true)             \
    X(SignalfdFlags, true)          \
    X(PersonalityFlags, true)       \
    X(SyslogAction, false)          \
    X(RebootCmd, false)             \
    X(QuotactlCmd, false)           \
    X(KeyctlCmd, false)             \
    X(SigactionFlags, true)         \
    X(StatxAttributes, true)        \
    X(DescriptorFlags, true)        \
    X(FutexBitset, true)            \
    X(Capability, false)            \
    X(StatxFlags, true)             \
    X(EpollCreateFlags, true)       \
    X(PkeyAccess, true)             \
    X(StatfsFlags, true)            \
    X(SigaltstackFlags, true)       \
    X(RusageWho, false)             \
    X(TermIflags, true)             \
    X(TermOflags, true)             \
    X(TermCflags, true)             \
    X(TermLflags, true)

enum class Family : uint8_t {
#define BTRACE_FAMILY_ENUM(name, is_flags) name,
    BTRACE_FAMILIES(BTRACE_FAMILY_ENUM)
#undef BTRACE_FAMILY_ENUM
};

// "OpenFlags"
std::string_view family_name(Family family);

// Appends the symbolic form of value, strace-style: O_RDONLY|O_CLOEXEC,
// AT_FDCWD-free flags, MAP_PRIVATE|MAP_ANONYMOUS, CLONE_VM|...|SIGCHLD,
// F_SETFD, FUTEX_WAIT_PRIVATE, 0x80000000 for unknown bits.
void format_family(Family family, uint64_t value, fmt::memory_buffer& out);

// A socket option by its level: SO_REUSEADDR (SOL_SOCKET), TCP_NODELAY
// (IPPROTO_TCP), IP_TOS, IPV6_V6ONLY, UDP_CORK, NETLINK_EXT_ACK; else the number.
void format_sockopt_name(uint64_t level, uint64_t optname, fmt::memory_buffer& out);
// A siginfo's si_code by its signal: SI_USER, CLD_EXITED, SEGV_MAPERR; an
// unknown one in hex.
void format_si_code(int signo, int code, fmt::memory_buffer& out);
// socket()'s protocol by its family: IPPROTO_TCP for AF_INET/AF_INET6,
// NETLINK_ROUTE for AF_NETLINK, else the number (AF_UNIX's 0).
void format_socket_protocol(uint64_t family, uint64_t protocol, fmt::memory_buffer& out);

// "AF_INET" for 2; empty for a number with no name.
std::string_view address_family_name(uint64_t family);

}  // namespace btrace::decode
