// SPDX-License-Identifier: Apache-2.0
// strace-style text for strings, data buffers and structs captured in the
// kernel. Every decoder takes the captured bytes and their length and must
// never read past them: a short or malformed capture prints what it can and
// marks the rest ("..." or the raw pointer), it never crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <fmt/format.h>

namespace btrace::decode {

// Structs the kernel side captures by size (x86_64 / arm64 kernel layouts):
// the struct's size, and the bytes captured of one. stat and statx are shown
// abbreviated, as strace shows them without -v (mode and size, then "..."):
// only the leading part that holds those fields is read and sent.
#define BTRACE_STRUCTS(X)                                             \
    X(Stat, 144, 56)       /* struct stat (x86_64), through st_size */ \
    X(Statx, 256, 48)      /* struct statx, through stx_size */        \
    X(Timespec, 16, 16)    /* struct __kernel_timespec */              \
    X(Timeval, 16, 16)     /* struct __kernel_old_timeval */           \
    X(Itimerspec, 32, 32)  /* struct __kernel_itimerspec */            \
    X(Rlimit, 16, 16)      /* struct rlimit64 */                       \
    X(Sigset, 8, 8)        /* kernel sigset_t */                       \
    X(Sigaction, 32, 32)   /* struct kernel_sigaction (x86_64) */      \
    X(FdPair, 8, 8)        /* int[2] from pipe/socketpair */           \
    X(Utsname, 390, 390)   /* struct new_utsname */                    \
    X(EpollEvent, 12, 12)  /* struct epoll_event (packed) */           \
    X(Pollfd, 8, 8)        /* one struct pollfd; arrays repeat */      \
    X(Int, 4, 4)           /* int out-parameter (e.g. *addrlen) */       \
    X(WaitStatus, 4, 4)    /* wait4's int status */              \
    X(Flock, 32, 32)       /* struct flock (64-bit) */           \
    X(FlockPid, 32, 32)    /* struct flock as F_GETLK fills it: with l_pid */ \
    X(Statfs, 120, 120)    /* struct statfs (64-bit) */          \
    X(Sysinfo, 112, 112)   /* struct sysinfo (64-bit) */        \
    X(CapHeader, 8, 8)     /* struct __user_cap_header_struct */  \
    X(CapData, 24, 24)     /* struct __user_cap_data_struct[2] (v2, v3) */ \
    X(CloneArgs, 88, 88)   /* struct clone_args (Linux 5.7) */  \
    X(StackT, 24, 24)      /* stack_t (sigaltstack) */          \
    X(Rusage, 144, 32)     /* struct rusage, through ru_stime */ \
    X(WaitRusage, 144, 32) /* wait4's struct rusage: written only for a child reaped */ \
    X(Itimerval, 32, 32)   /* struct __kernel_old_itimerval */ \
    X(Tms, 32, 32)         /* struct tms */                     \
    X(Utimens, 32, 32)     /* utimensat's struct __kernel_timespec[2] */ \
    X(Gid, 4, 4)           /* gid_t; arrays repeat */           \
    X(CpuMask, 1, 1)       /* a byte of a CPU bit mask; a mask is an array of them */ \
    X(Termios, 36, 36)     /* the kernel's struct termios (asm-generic/termbits.h) */ \
    X(Winsize, 8, 8)       /* struct winsize */

enum class StructKind : uint8_t {
#define BTRACE_STRUCT_ENUM(name, size, captured) name,
    BTRACE_STRUCTS(BTRACE_STRUCT_ENUM)
#undef BTRACE_STRUCT_ENUM
};

// Bytes the kernel side captures for one element of kind (arrays of a kind
// are captured whole: for them this is the element's size).
std::size_t struct_size(StructKind kind);

// Quoted, escaped like strace: printable ASCII as is, \t \n \v \f \r \" \\,
// other bytes as octal (\0, \177, \377; three digits when a digit follows).
// truncated: append "..." after the closing quote (the string was longer).
// utf8 (JSON): valid UTF-8 stays as characters, so only bytes that are not
// UTF-8 show as octal.
// hex (strace's -x, -xx): the whole string as \x.. when it has a byte that is
// neither printable ASCII nor \t \n \v \f \r (NonAscii), or always (All).
enum class StringHex : uint8_t { None, NonAscii, All };
void format_string(std::span<const uint8_t> bytes, bool truncated, bool utf8, fmt::memory_buffer& out,
                   StringHex hex = StringHex::None);

// A name from the traced side, a comm or an fd's name (path, socket, anon
// inode), escaped as a string's body but with no quotes around it, so that no
// byte of it reaches a terminal raw. fd names also escape < and >, between
// which they print (strace -yy's 3</tmp/a\76b>), all but the > of a "->";
// utf8 as for format_string.
enum class NameKind : uint8_t { Comm, Fd };
void format_name(std::string_view name, NameKind kind, bool utf8, fmt::memory_buffer& out);

// One struct. bytes may be shorter than needed: print the fields that are
// complete and "..." for the rest.
void format_struct(StructKind kind, std::span<const uint8_t> bytes, fmt::memory_buffer& out);

// What clone3 wrote back, as strace shows it after the struct: the child's
// tid in parent_tid (CLONE_PARENT_SETTID), which is the call's result.
void format_clone3_result(std::span<const uint8_t> bytes, int64_t child, fmt::memory_buffer& out);

// An array of `count` elements, always bracketed like strace's
// [{fd=3, events=POLLIN}, ...] (at most 32 shown); bounded by bytes as above.
void format_struct_array(StructKind kind, std::span<const uint8_t> bytes, std::size_t count, fmt::memory_buffer& out);

// The first fd at or after `from` (and below nfds) in an fd_set of nfds bits,
// or -1; bounded by bytes.
int next_fd_in_set(std::span<const uint8_t> bytes, int nfds, int from);

// What poll wrote back, as strace shows it after the count: the entries of
// a pollfd array with revents set, [{fd=3, revents=POLLIN}, ...]. count is
// the array's length; bounded by bytes.
void format_poll_revents(std::span<const uint8_t> bytes, std::size_t count, fmt::memory_buffer& out);

// A sockaddr: {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")},
// AF_INET6 with inet_pton(AF_INET6, "::1", &sin6_addr), AF_UNIX with sun_path="/run/x.sock"
// (abstract: @name), AF_NETLINK and others as {sa_family=AF_X, sa_data=...}.
void format_sockaddr(std::span<const uint8_t> bytes, fmt::memory_buffer& out);

}  // namespace btrace::decode
