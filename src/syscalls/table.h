// SPDX-License-Identifier: Apache-2.0
// Per-arch syscall table: number -> name, argument names and kinds, return kind.
// The data lives in generated, committed files (syscalls_<arch>.cpp, made by
// scripts/gen-syscall-table from the tracefs snapshot and the reviewed kinds in
// scripts/syscall-kinds.txt); this header is the only way the rest of btrace sees it.
#pragma once

#include <cstdint>
#include <linux/types.h>
#include <span>
#include <string>
#include <string_view>

namespace btrace::syscalls {

// What an argument is, which picks its formatter (decode/) and, for memory it
// points to, what the kernel side captures.
enum class ArgKind : uint8_t {
    // Printed from the register alone.
    Hex,       // opaque words: 0x7ffd1234
    Signed,    // long, off_t: the whole register, signed
    Int,       // int: only the low 32 bits count
    Unsigned,  // size_t, counts: 131072
    Octal,     // 0644
    Ptr,       // a pointer we do not follow: 0x7ffd1234 or NULL
    Fd,        // int fd, printed with its name: 3</etc/issue>
    SockFd,    // an fd the call changes (bind, connect, listen): named again after it
    DirFd,     // int dirfd: AT_FDCWD or an fd
    Pid,       // pid_t
    Signal,    // SIGKILL, or 0
    Mode,      // file mode: 0644, with S_IF* type bits when present
    CreateMode,  // a Mode shown only when the call's OpenFlags argument creates (O_CREAT, O_TMPFILE)
    Flags,     // aux = decode::Family (a flag set)
    Enum,      // aux = decode::Family (one value)
    // Memory captured in the kernel.
    Path,      // NUL-terminated path, bounded by -s
    String,    // other NUL-terminated string, bounded by -s
    InBuf,     // bytes the caller passes in; length = argument len_arg
    OutBuf,    // bytes the kernel fills in; length = the return value, at most len_arg's value
               // when set (MSG_TRUNC returns more), whose 0 asks only how much there is (getxattr):
               // nothing written, its address
    OutString, // a NUL-terminated string the kernel fills in (getcwd), bounded by -s
    InStruct,  // aux = decode::StructKind, read as passed in; len_arg = element count arg or kNone
    OutStruct, // aux = decode::StructKind, read after a successful call; len_arg as above
    InOutStruct,  // aux, len_arg as InStruct: passed in and written back by the call (poll's
                  // revents), read as the call left it
    Argv,      // char *const argv[]: the strings
    Envp,      // char *const envp[]: counted
    IovecIn,   // const struct iovec *; len_arg = iovcnt: data gathered, bounded by -s
    IovecOut,  // struct iovec *; len_arg = iovcnt: data scattered (up to the return value)
    SockaddrIn,   // const struct sockaddr *; len_arg = addrlen (a value)
    SockaddrOut,  // struct sockaddr *; len_arg = socklen_t *addrlen (read after the call)
    SocklenInOut, // socklen_t *: the length passed in and, after the call, out: [128 => 16]
    SockoptValIn,   // setsockopt's optval; len_arg = optlen: [1] for an int, else the bytes
    SockoptValOut,  // getsockopt's optval; len_arg = socklen_t *optlen (read after the call)
    MsghdrIn,       // struct msghdr *: its name and iovecs (data bounded by -s)
    MsghdrOut,      // as MsghdrIn, read after a successful call (data up to the return value)
    Dirents,        // getdents's buffer: its address and /* N entries */ (counted in the kernel)
    // select's fd_set of len_arg bits (the first argument; the three sets
    // follow it): read at sys_enter, as passed in, which the argument shows
    // (fds below 64 * BTRACE_FDSET_WORDS), and at sys_exit, the ready fds,
    // which the result shows.
    FdSet,
    // aux = decode::StructKind: a timeout the kernel rewrites with the time
    // left (select, ppoll): read at sys_enter, as passed in, which the
    // argument shows, and at sys_exit: the result shows "left {...}".
    TimeLeft,
    // aux = decode::StructKind: the time a sleep had left (nanosleep's rem),
    // which the kernel writes only when a signal interrupted it (the call
    // returns ERESTART*): shown then, else its address.
    TimeRemaining,
    // rt_sigreturn's signal frame, on the user stack rather than in a register:
    // the signal mask it restores, read from the task at sys_exit ({mask=[TERM]}).
    RestoredMask,
    // clone's parent_tid: the child's tid it was given ([1234], the result)
    // when the flags (len_arg) hold CLONE_PARENT_SETTID, else its address.
    ParentTid,
    // Named by another argument's value, whose index is len_arg.
    SockoptName,    // optname, by the level argument: SO_REUSEADDR, TCP_NODELAY ...
    SockProtocol,   // socket's protocol, by the family argument: IPPROTO_TCP, NETLINK_ROUTE, 0
};

constexpr uint8_t kNone = 0xff;

enum class RetKind : uint8_t {
    Signed,   // counts, 0/-1: decimal, negative errno decoded
    Address,  // mmap, brk, mremap, shmat: hex unless an errno
    Fd,       // a new file descriptor
    Pid,      // a process or thread id
    Hex,      // masks returned (personality)
    Flags,    // a flag set returned, in hex and by name: 0x8001 (flags O_WRONLY|O_LARGEFILE); aux = Family
    Ready,    // poll/select's count of ready fds, with them as strace: 1 ([{fd=3, revents=POLLIN}]), 0 (Timeout)
};

struct Arg {
    std::string_view name;
    ArgKind kind;
    uint8_t aux = 0;          // Family or StructKind, per kind
    uint8_t len_arg = kNone;  // index of the length/count argument (or the naming one), per kind
    // Shown only when args[shown_if_arg] & shown_if (clone's tls with CLONE_SETTLS); kNone: always.
    uint8_t shown_if_arg = kNone;
    uint32_t shown_if = 0;
};

// Whether the call's arguments make arg shown (see Arg::shown_if).
constexpr bool is_shown(const Arg& arg, const __u64* args) {
    return arg.shown_if_arg == kNone || (args[arg.shown_if_arg] & arg.shown_if) != 0;
}

// Whether arg is a register (rt_sigreturn's frame is on the user stack).
constexpr bool in_register(const Arg& arg) { return arg.kind != ArgKind::RestoredMask; }

// Whether arg is an fd shown by name (fd, socket fd, dirfd).
constexpr bool is_fd_arg(const Arg& arg) {
    return arg.kind == ArgKind::Fd || arg.kind == ArgKind::SockFd || arg.kind == ArgKind::DirFd;
}

// strace's syscall classes (-e trace=%CLASS), one bit each; Syscall::classes
// holds the set. Membership is the reviewed scripts/syscall-classes.txt,
// which follows strace's own tables.
enum SyscallClass : uint16_t {
    kFile = 1 << 0,         // %file: takes a file name
    kDesc = 1 << 1,         // %desc: takes or returns a file descriptor
    kNetwork = 1 << 2,      // %network (%net)
    kProcess = 1 << 3,      // %process: process lifecycle
    kMemory = 1 << 4,       // %memory: memory mapping
    kSignal = 1 << 5,       // %signal
    kIpc = 1 << 6,          // %ipc: SysV IPC
    kClock = 1 << 7,        // %clock: read or change system clocks
    kCreds = 1 << 8,        // %creds: read or change user/group ids, capabilities
    kStat = 1 << 9,         // %stat: stat variants
    kLstat = 1 << 10,       // %lstat: lstat variants
    kFstat = 1 << 11,       // %fstat: fstat and fstatat variants
    kStatfs = 1 << 12,      // %statfs: statfs variants
    kFstatfs = 1 << 13,     // %fstatfs: fstatfs variants
    kStatfsLike = 1 << 14,  // %%statfs: statfs, fstatfs and ustat variants
    kPure = 1 << 15,        // %pure: no arguments, never fail (getpid, ...)
};

// strace's %%stat (stat, lstat, fstat and their variants) has no bit of its
// own: on x86_64 and arm64 it is exactly the union of these three, which the
// generator checks against the %%stat column of scripts/syscall-classes.txt.
constexpr uint16_t kStatLike = kStat | kLstat | kFstat;

// The arguments one operation of a multiplexed syscall takes (futex's op,
// fcntl's cmd, prctl's option), as strace shows them: a subset of the
// registers, each under its own name and kind, and the result's kind.
struct Variant {
    uint32_t value;   // the selecting argument & Syscall::select_mask
    uint8_t nargs;
    Arg args[6];
    uint8_t regs[6];  // the register each shown argument reads
    RetKind ret;
    uint8_t ret_aux = 0;  // the Family of a RetKind::Flags result
};

struct Syscall {
    std::string_view name;
    uint8_t nargs;
    Arg args[6];
    RetKind ret;
    uint16_t classes = 0;  // SyscallClass bits
    // Per-operation argument lists, chosen by args[select_arg] & select_mask;
    // an operation not listed shows all of args.
    uint8_t select_arg = kNone;
    uint32_t select_mask = UINT32_MAX;
    std::span<const Variant> variants{};
};

// What a call shows: the operation's arguments, or all of the syscall's.
struct Shown {
    uint8_t nargs;
    const Arg* args;
    const uint8_t* regs;  // register index of each of args
    RetKind ret;
    uint8_t ret_aux;
};
Shown shown(const Syscall& sc, const __u64* args);  // args: the call's six registers

// nullptr when the number is not a syscall on this arch.
const Syscall* lookup(long nr);

// The name to show: the syscall's, or "syscall_N" for a number this arch
// does not have (the formatter writes the same without allocating).
std::string display_name(long nr);

// -1 when no syscall has that name.
long number_of(std::string_view name);

// The whole table (entries with an empty name are holes in the numbering).
std::span<const Syscall> all();

}  // namespace btrace::syscalls
