// SPDX-License-Identifier: Apache-2.0
// Names for the flag sets and enumerations in families.h, printed the way
// strace 6.x prints them (x86_64 values).
//
// Layout: one {value, "NAME"} table per family, one generic flag-set printer
// (print_flags) and one generic enumeration printer (print_enum); the families
// whose value packs several fields (open access mode, mmap map type and huge
// page size, clone's exit signal, socket type, futex command, QCMD, personality
// type) get a small function each. Nothing allocates: everything is appended
// to the caller's fmt::memory_buffer.
//
// Conventions, matching strace's printflags()/printxval():
//   * Flag sets: table entries are tried in table order (strace's xlat order,
//     which is ascending bit value except where strace differs, e.g. O_CLOEXEC
//     after O_NOATIME, SOCK_CLOEXEC before SOCK_NONBLOCK); an entry matches
//     when all of its bits are set, and its bits are then removed. Bits left
//     over are appended as hex ("O_RDONLY|0x40000000", or just "0x40000000").
//     0 prints "0", or the table's first name when that name has value 0
//     (PROT_NONE, F_OK, MEMBARRIER_CMD_QUERY...).
//   * Enumerations: the argument is an int, so only the low 32 bits count.
//     A known value prints its name; an unknown one prints as signed decimal
//     ("-1", "4096"). strace prints "0x1000 /* F_??? */" there; we print the
//     bare number and no comment. IoctlCmd is the exception: unknown commands
//     print as hex ("0x1234"), where strace prints _IOC(...).
//   * Unknown parts of the composite families are printed as hex
//     (QCMD(0x12, 0x34), PER_??? type 0x1|ADDR_NO_RANDOMIZE).
//   * SyslogAction leads with the number, as strace does for these
//     kernel-internal names: 2 /* SYSLOG_ACTION_READ */.
//   * Where this file knowingly differs from strace 6.1 (the strace on the
//     build machine): names added to the kernel after it; FutexOp and
//     SchedPolicy name the parts of combinations strace prints as hex
//     (FUTEX_WAKE|FUTEX_CLOCK_REALTIME, SCHED_FIFO|SCHED_RESET_ON_FORK);
//     AtFlags names AT_STATX_*; ArchPrctlCode names 0x3001 ARCH_CET_STATUS.
//
// Values come from the system's kernel headers (linux-libc-dev 6.1) where they
// exist there; newer names are literals with the kernel version that added
// them.

#include "decode/families.h"

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>
#include <string_view>

#include <asm/ioctls.h>
#include <asm/prctl.h>
#include <asm/termbits.h>
#include <linux/blkpg.h>
#include <linux/blktrace_api.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/dqblk_xfs.h>
#include <linux/eventpoll.h>
#include <linux/fadvise.h>
#include <linux/falloc.h>
#include <linux/fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/inotify.h>
#include <linux/kcmp.h>
#include <linux/keyctl.h>
#include <linux/membarrier.h>
#include <linux/memfd.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/personality.h>
#include <linux/pidfd.h>
#include <linux/poll.h>
#include <linux/prctl.h>
#include <linux/ptrace.h>
#include <linux/quota.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <linux/signalfd.h>
#include <linux/sockios.h>
#include <linux/stat.h>
#include <linux/timerfd.h>
#include <linux/wait.h>
#include <linux/xattr.h>
// glibc rather than linux/ for these: linux/resource.h and linux/time.h
// redefine struct timeval & co, and linux/in.h clashes with netinet/in.h.
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "decode/errno.h"
#include "decode/put.h"

namespace btrace::decode {

namespace {

struct Name {
    uint64_t value;
    std::string_view name;
};

using Table = std::span<const Name>;

// {VALUE, "VALUE"} from a header constant. Every value here fits in 32 bits;
// going through uint32_t keeps int constants such as MS_NOUSER (1<<31) from
// sign-extending.
#define N(x) Name{static_cast<uint32_t>(x), #x}

// ---------------------------------------------------------------------------
// Output helpers.

const Name* find(Table table, uint64_t value) {
    for (const Name& entry : table)
        if (entry.value == value)
            return &entry;
    return nullptr;
}

// strace's printflags(): entries in table order, each printed when all its
// bits are present and then removed; what is left in hex. 0 prints the
// table's first name when that is the name of 0, else "0".
void print_flags(Table table, uint64_t value, fmt::memory_buffer& out) {
    if (value == 0) {
        put(out, !table.empty() && table.front().value == 0 ? table.front().name : "0");
        return;
    }
    bool any = false;
    for (const Name& entry : table) {
        if (entry.value != 0 && (value & entry.value) == entry.value) {
            if (any)
                put(out, "|");
            put(out, entry.name);
            any = true;
            value &= ~entry.value;
            if (value == 0)
                return;
        }
    }
    if (any)
        put(out, "|");
    put_hex(out, value);
}

// strace's printxval() for an int argument: name, or the signed number.
void print_enum(Table table, uint64_t value, fmt::memory_buffer& out) {
    const auto v = static_cast<uint32_t>(value);
    if (const Name* entry = find(table, v))
        put(out, entry->name);
    else
        put_dec(out, static_cast<int32_t>(v));
}

// ---------------------------------------------------------------------------
// Tables. Order matters for flag sets (it is strace's printing order).

// asm-generic/fcntl.h. O_LARGEFILE is spelled out: it is the x86_64 kernel
// value, which strace names, while glibc's fcntl.h makes O_LARGEFILE 0 on
// 64-bit.
constexpr Name kOpenAccess[] = {N(O_RDONLY), N(O_WRONLY), N(O_RDWR), N(O_ACCMODE)};
constexpr Name kOpenFlags[] = {
    N(O_CREAT),     N(O_EXCL),      N(O_NOCTTY),
    N(O_TRUNC),     N(O_APPEND),    N(O_NONBLOCK),
    N(O_SYNC),  // __O_SYNC|O_DSYNC: before both, as in strace
    N(__O_SYNC),    N(O_DSYNC),     N(O_DIRECT),
    {0100000, "O_LARGEFILE"},       N(O_NOFOLLOW),  N(O_NOATIME),
    N(O_CLOEXEC),   N(O_PATH),
    N(O_TMPFILE),  // __O_TMPFILE|O_DIRECTORY: before both
    N(__O_TMPFILE), N(O_DIRECTORY), N(FASYNC),
};

// linux/fcntl.h. AT_EACCESS and AT_HANDLE_FID share 0x200 with AT_REMOVEDIR;
// strace prints AT_REMOVEDIR for the bit (it is the unlinkat meaning), so do we.
// strace's at_flags table has no AT_STATX_* (it prints statx's sync type
// separately, with AT_STATX_SYNC_AS_STAT for 0); they are named here so that
// one family serves statx too.
constexpr Name kAtFlags[] = {
    N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR),        N(AT_SYMLINK_FOLLOW),
    N(AT_NO_AUTOMOUNT),     N(AT_EMPTY_PATH),       N(AT_STATX_FORCE_SYNC),
    N(AT_STATX_DONT_SYNC),  N(AT_RECURSIVE),
};

// faccessat2's flags: 0x200 is AT_EACCESS there (strace's faccessat_flags).
constexpr Name kAccessAtFlags[] = {N(AT_SYMLINK_NOFOLLOW), N(AT_EACCESS), N(AT_EMPTY_PATH)};

// statx's flags: the sync type first, by name even when 0, as strace prints it.
void format_statx_flags(uint64_t value, fmt::memory_buffer& out) {
    const auto v = static_cast<uint32_t>(value);
    const uint32_t sync = v & AT_STATX_SYNC_TYPE;
    put(out, sync == AT_STATX_SYNC_AS_STAT ? "AT_STATX_SYNC_AS_STAT"
             : sync == AT_STATX_FORCE_SYNC ? "AT_STATX_FORCE_SYNC"
             : sync == AT_STATX_DONT_SYNC  ? "AT_STATX_DONT_SYNC"
                                           : "AT_STATX_SYNC_TYPE");
    if (v & ~AT_STATX_SYNC_TYPE) {
        put(out, "|");
        print_flags(kAtFlags, v & ~AT_STATX_SYNC_TYPE, out);
    }
}

// struct termios's flags (asm-generic/termbits.h), in strace's order
// (xlat/term_*.in). c_oflag's delay fields and c_cflag's speed and
// character size are values, printed first even when 0, as strace does;
// the flags after them print nothing when all clear (...|FF0|), as strace's.
constexpr Name kTermIflags[] = {N(IGNBRK), N(BRKINT), N(IGNPAR), N(PARMRK), N(INPCK), N(ISTRIP), N(INLCR),
                                N(IGNCR),  N(ICRNL),  N(IUCLC),  N(IXON),   N(IXANY), N(IXOFF),  N(IMAXBEL),
                                N(IUTF8)};
constexpr Name kTermOflags[] = {N(OPOST), N(OLCUC), N(ONLCR), N(OCRNL), N(ONOCR), N(ONLRET), N(OFILL), N(OFDEL)};
constexpr Name kTermLflags[] = {N(ISIG),   N(ICANON), N(XCASE),   N(ECHO),   N(ECHOE),  N(ECHOK),
                                N(ECHONL), N(NOFLSH), N(IEXTEN),  N(ECHOCTL), N(ECHOPRT), N(ECHOKE),
                                N(FLUSHO), N(PENDIN), N(TOSTOP),  N(EXTPROC)};
constexpr Name kTermCflags[] = {N(CSTOPB), N(CREAD), N(PARENB), N(PARODD), N(HUPCL), N(CLOCAL), N(CMSPAR),
                                N(CRTSCTS)};
constexpr Name kTermCsize[] = {N(CS5), N(CS6), N(CS7), N(CS8)};
constexpr Name kBaud[] = {N(B0),      N(B50),      N(B75),      N(B110),     N(B134),     N(B150),
                          N(B200),    N(B300),     N(B600),     N(B1200),    N(B1800),    N(B2400),
                          N(B4800),   N(B9600),    N(B19200),   N(B38400),   N(B57600),   N(B115200),
                          N(B230400), N(B460800),  N(B500000),  N(B576000),  N(B921600),  N(B1000000),
                          N(B1152000), N(B1500000), N(B2000000), N(B2500000), N(B3000000), N(B3500000),
                          N(B4000000), N(BOTHER)};
// One value of a field within flags: its name, or strace's placeholder.
void print_field(Table names, uint32_t value, std::string_view unknown, fmt::memory_buffer& out) {
    if (const Name* entry = find(names, value))
        put(out, entry->name);
    else
        put(out, unknown);
}

void print_flags_after_values(Table table, uint32_t value, fmt::memory_buffer& out) {
    if (value)
        print_flags(table, value, out);
}

void format_term_oflags(uint32_t value, fmt::memory_buffer& out) {
    static constexpr Name kNl[] = {N(NL0), N(NL1)}, kCr[] = {N(CR0), N(CR1), N(CR2), N(CR3)},
                          kTab[] = {N(TAB0), N(TAB1), N(TAB2), N(TAB3)}, kBs[] = {N(BS0), N(BS1)},
                          kVt[] = {N(VT0), N(VT1)}, kFf[] = {N(FF0), N(FF1)};
    static constexpr struct {
        uint32_t mask;
        Table names;
        std::string_view unknown;
    } kDelays[] = {{NLDLY, kNl, "NL?"}, {CRDLY, kCr, "CR?"}, {TABDLY, kTab, "TAB?"},
                   {BSDLY, kBs, "BS?"},  {VTDLY, kVt, "VT?"}, {FFDLY, kFf, "FF?"}};
    for (const auto& field : kDelays) {
        print_field(field.names, value & field.mask, field.unknown, out);
        out.push_back('|');
        value &= ~field.mask;
    }
    print_flags_after_values(kTermOflags, value, out);
}

void format_term_cflags(uint32_t value, fmt::memory_buffer& out) {
    print_field(kBaud, value & CBAUD, "B???", out);
    out.push_back('|');
    if (value & CIBAUD) {  // the input speed, when it differs: (B9600<<IBSHIFT)
        out.push_back('(');
        print_field(kBaud, (value & CIBAUD) >> IBSHIFT, "B???", out);
        put(out, "<<IBSHIFT)|");
    }
    print_field(kTermCsize, value & CSIZE, "CS?", out);
    out.push_back('|');
    print_flags_after_values(kTermCflags, value & ~(CBAUD | CIBAUD | CSIZE), out);
}

// unistd.h values (not included: it drags in function declarations we don't
// need); strace's order.
constexpr Name kAccessMode[] = {
    {0, "F_OK"}, {4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"},
};

// asm-generic/mman-common.h
constexpr Name kMmapProt[] = {
    N(PROT_NONE), N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC),
    N(PROT_SEM),  N(PROT_GROWSDOWN), N(PROT_GROWSUP),
};

// The map type (flags & MAP_TYPE). Type 0 has no name of its own; strace
// prints MAP_FILE (value 0) for it, as in MAP_FILE|MAP_ANONYMOUS.
constexpr Name kMmapType[] = {
    N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_SHARED_VALIDATE), N(MAP_FILE),
};
constexpr uint64_t kMapType = 0x0f;
// x86_64 values, strace's order.
constexpr Name kMmapFlags[] = {
    {0x08, "MAP_DROPPABLE"},  // Linux 6.11
    N(MAP_FIXED),
    N(MAP_ANONYMOUS),
    N(MAP_32BIT),
    {0x80, "MAP_ABOVE4G"},  // Linux 6.6, x86
    N(MAP_NORESERVE),
    N(MAP_POPULATE),
    N(MAP_NONBLOCK),
    N(MAP_GROWSDOWN),
    N(MAP_DENYWRITE),
    N(MAP_EXECUTABLE),
    N(MAP_LOCKED),
    N(MAP_STACK),
    N(MAP_HUGETLB),
    N(MAP_SYNC),
    // MAP_UNINITIALIZED (0x4000000) sits inside the MAP_HUGE_* size field,
    // which is printed as N<<MAP_HUGE_SHIFT first, so strace never names it.
    N(MAP_FIXED_NOREPLACE),
};
constexpr unsigned kHugeShift = 26;    // MAP_HUGE_SHIFT, MFD_HUGE_SHIFT
constexpr uint64_t kHugeMask = 0x3f;   // MAP_HUGE_MASK, MFD_HUGE_MASK

constexpr Name kMremapFlags[] = {N(MREMAP_MAYMOVE), N(MREMAP_FIXED), N(MREMAP_DONTUNMAP)};

// strace's order (MS_SYNC first).
constexpr Name kMsyncFlags[] = {N(MS_SYNC), N(MS_ASYNC), N(MS_INVALIDATE)};

constexpr Name kMadvise[] = {
    N(MADV_NORMAL),          N(MADV_RANDOM),          N(MADV_SEQUENTIAL),
    N(MADV_WILLNEED),        N(MADV_DONTNEED),        N(MADV_FREE),
    N(MADV_REMOVE),          N(MADV_DONTFORK),        N(MADV_DOFORK),
    N(MADV_MERGEABLE),       N(MADV_UNMERGEABLE),     N(MADV_HUGEPAGE),
    N(MADV_NOHUGEPAGE),      N(MADV_DONTDUMP),        N(MADV_DODUMP),
    N(MADV_WIPEONFORK),      N(MADV_KEEPONFORK),      N(MADV_COLD),
    N(MADV_PAGEOUT),         N(MADV_POPULATE_READ),   N(MADV_POPULATE_WRITE),
    N(MADV_DONTNEED_LOCKED), N(MADV_COLLAPSE),        N(MADV_HWPOISON),
    N(MADV_SOFT_OFFLINE),
    {102, "MADV_GUARD_INSTALL"},  // Linux 6.13
    {103, "MADV_GUARD_REMOVE"},   // Linux 6.13
};

// linux/sched.h, clone(2) flags (the low byte, CSIGNAL, is the exit signal).
// CLONE_DETACHED (0x400000) is ignored by the kernel and unnamed in strace;
// clone3-only bits (CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP) do not fit in
// clone(2)'s flags and stay hex.
constexpr uint64_t kCloneSignal = 0xff;  // CSIGNAL
constexpr Name kCloneFlags[] = {
    N(CLONE_VM),           N(CLONE_FS),             N(CLONE_FILES),
    N(CLONE_SIGHAND),      N(CLONE_PIDFD),          N(CLONE_PTRACE),
    N(CLONE_VFORK),        N(CLONE_PARENT),         N(CLONE_THREAD),
    N(CLONE_NEWNS),        N(CLONE_SYSVSEM),        N(CLONE_SETTLS),
    N(CLONE_PARENT_SETTID), N(CLONE_CHILD_CLEARTID), N(CLONE_UNTRACED),
    N(CLONE_CHILD_SETTID), N(CLONE_NEWCGROUP),      N(CLONE_NEWUTS),
    N(CLONE_NEWIPC),       N(CLONE_NEWUSER),        N(CLONE_NEWPID),
    N(CLONE_NEWNET),       N(CLONE_IO),
};

// unshare(2): the flags it accepts, strace's order (CLONE_NEWTIME first).
constexpr Name kUnshareFlags[] = {
    N(CLONE_NEWTIME),   N(CLONE_VM),     N(CLONE_FS),     N(CLONE_FILES),
    N(CLONE_SIGHAND),   N(CLONE_THREAD), N(CLONE_NEWNS),  N(CLONE_SYSVSEM),
    N(CLONE_NEWCGROUP), N(CLONE_NEWUTS), N(CLONE_NEWIPC), N(CLONE_NEWUSER),
    N(CLONE_NEWPID),    N(CLONE_NEWNET),
};

// include/linux/socket.h (glibc's copy); first name wins for aliases
// (AF_UNIX over AF_LOCAL, AF_NETLINK over AF_ROUTE).
constexpr Name kSocketDomain[] = {
    N(AF_UNSPEC),    N(AF_UNIX),     N(AF_INET),      N(AF_AX25),
    N(AF_IPX),       N(AF_APPLETALK), N(AF_NETROM),   N(AF_BRIDGE),
    N(AF_ATMPVC),    N(AF_X25),      N(AF_INET6),     N(AF_ROSE),
    N(AF_DECnet),    N(AF_NETBEUI),  N(AF_SECURITY),  N(AF_KEY),
    N(AF_NETLINK),   N(AF_PACKET),   N(AF_ASH),       N(AF_ECONET),
    N(AF_ATMSVC),    N(AF_RDS),      N(AF_SNA),       N(AF_IRDA),
    N(AF_PPPOX),     N(AF_WANPIPE),  N(AF_LLC),       N(AF_IB),
    N(AF_MPLS),      N(AF_CAN),      N(AF_TIPC),      N(AF_BLUETOOTH),
    N(AF_IUCV),      N(AF_RXRPC),    N(AF_ISDN),      N(AF_PHONET),
    N(AF_IEEE802154), N(AF_CAIF),    N(AF_ALG),       N(AF_NFC),
    N(AF_VSOCK),     N(AF_KCM),      N(AF_QIPCRTR),   N(AF_SMC),
    N(AF_XDP),       N(AF_MCTP),
};

// The socket type lives in the low 4 bits; the flags above it print in
// strace's order: SOCK_CLOEXEC before SOCK_NONBLOCK.
constexpr uint64_t kSockTypeMask = 0xf;
constexpr Name kSocketTypes[] = {
    N(SOCK_STREAM), N(SOCK_DGRAM), N(SOCK_RAW), N(SOCK_RDM),
    N(SOCK_SEQPACKET), N(SOCK_DCCP), N(SOCK_PACKET),
};
constexpr Name kSocketTypeFlags[] = {N(SOCK_CLOEXEC), N(SOCK_NONBLOCK)};

// linux/in.h, linux/in6.h: the protocols strace names for AF_INET/AF_INET6.
constexpr Name kIpProtocol[] = {
    N(IPPROTO_IP),      N(IPPROTO_ICMP),    N(IPPROTO_IGMP),     N(IPPROTO_IPIP),
    N(IPPROTO_TCP),     N(IPPROTO_EGP),     N(IPPROTO_PUP),      N(IPPROTO_UDP),
    N(IPPROTO_IDP),     N(IPPROTO_TP),      N(IPPROTO_DCCP),     N(IPPROTO_IPV6),
    N(IPPROTO_ROUTING), N(IPPROTO_FRAGMENT), N(IPPROTO_RSVP),    N(IPPROTO_GRE),
    N(IPPROTO_ESP),     N(IPPROTO_AH),      N(IPPROTO_ICMPV6),   N(IPPROTO_NONE),
    N(IPPROTO_DSTOPTS), N(IPPROTO_MTP),     N(IPPROTO_BEETPH),   N(IPPROTO_ENCAP),
    N(IPPROTO_PIM),     N(IPPROTO_COMP),    {115, "IPPROTO_L2TP"}, N(IPPROTO_SCTP),
    N(IPPROTO_MH),      N(IPPROTO_UDPLITE), N(IPPROTO_MPLS),     N(IPPROTO_ETHERNET),
    {144, "IPPROTO_AGGFRAG"},  // Linux 6.2
    N(IPPROTO_RAW),
    {256, "IPPROTO_SMC"},  // Linux 6.11
    N(IPPROTO_MPTCP),
};

// include/linux/socket.h: strace names the kernel-internal bits too.
constexpr Name kMsgFlags[] = {
    N(MSG_OOB),          N(MSG_PEEK),      N(MSG_DONTROUTE),  N(MSG_CTRUNC),
    {0x10, "MSG_PROBE"},  // glibc calls it MSG_PROXY
    N(MSG_TRUNC),        N(MSG_DONTWAIT),  N(MSG_EOR),        N(MSG_WAITALL),
    N(MSG_FIN),          N(MSG_SYN),       N(MSG_CONFIRM),    N(MSG_RST),
    N(MSG_ERRQUEUE),     N(MSG_NOSIGNAL),  N(MSG_MORE),       N(MSG_WAITFORONE),
    {0x20000, "MSG_SENDPAGE_NOTLAST"},  // kernel-internal (until 6.5)
    N(MSG_BATCH),
    {0x80000, "MSG_NO_SHARED_FRAGS"},  // kernel-internal
    {0x2000000, "MSG_SOCK_DEVMEM"},    // Linux 6.12
    N(MSG_ZEROCOPY),     N(MSG_FASTOPEN),  N(MSG_CMSG_CLOEXEC),
    {0x80000000, "MSG_CMSG_COMPAT"},  // kernel-internal
};

constexpr Name kShutdownHow[] = {N(SHUT_RD), N(SHUT_WR), N(SHUT_RDWR)};

// Socket option levels as strace prints them: SOL_* names, with AF_VSOCK for
// level 40 (vsock's options use the address family as level).
constexpr Name kSockoptLevel[] = {
    N(SOL_IP),        N(SOL_SOCKET),    {6, "SOL_TCP"},  {17, "SOL_UDP"},
    {40, "AF_VSOCK"}, N(SOL_IPV6),      N(SOL_ICMPV6),   {100, "SOL_CAN_BASE"},
    {101, "SOL_CAN_RAW"}, {132, "SOL_SCTP"}, {136, "SOL_UDPLITE"}, N(SOL_RAW),
    {256, "SOL_IPX"}, {257, "SOL_AX25"}, {258, "SOL_ATALK"}, {259, "SOL_NETROM"},
    {260, "SOL_ROSE"}, N(SOL_DECNET),   N(SOL_X25),      N(SOL_PACKET),
    N(SOL_ATM),       N(SOL_AAL),       N(SOL_IRDA),     N(SOL_NETBEUI),
    N(SOL_LLC),       N(SOL_DCCP),      N(SOL_NETLINK),  N(SOL_TIPC),
    N(SOL_RXRPC),     N(SOL_PPPOL2TP),  N(SOL_BLUETOOTH), N(SOL_PNPIPE),
    N(SOL_RDS),       N(SOL_IUCV),      N(SOL_CAIF),     N(SOL_ALG),
    N(SOL_NFC),       N(SOL_KCM),       N(SOL_TLS),      N(SOL_XDP),
    N(SOL_MPTCP),     N(SOL_MCTP),      N(SOL_SMC),
    {287, "SOL_VSOCK"},  // Linux 6.8
};

// Option names per level (asm-generic/socket.h, linux/tcp.h, linux/in.h,
// linux/in6.h, linux/udp.h, linux/netlink.h), as strace prints them; the
// numbers are the kernel ABI, spelled out since the C library's headers
// clash with the kernel's or lack the newer ones.
constexpr Name kSolSocketOptions[] = {
    {1, "SO_DEBUG"}, {2, "SO_REUSEADDR"}, {3, "SO_TYPE"}, {4, "SO_ERROR"}, {5, "SO_DONTROUTE"},
    {6, "SO_BROADCAST"}, {7, "SO_SNDBUF"}, {8, "SO_RCVBUF"}, {9, "SO_KEEPALIVE"}, {10, "SO_OOBINLINE"},
    {11, "SO_NO_CHECK"}, {12, "SO_PRIORITY"}, {13, "SO_LINGER"}, {14, "SO_BSDCOMPAT"}, {15, "SO_REUSEPORT"},
    {16, "SO_PASSCRED"}, {17, "SO_PEERCRED"}, {18, "SO_RCVLOWAT"}, {19, "SO_SNDLOWAT"},
    {20, "SO_RCVTIMEO_OLD"}, {21, "SO_SNDTIMEO_OLD"}, {22, "SO_SECURITY_AUTHENTICATION"},
    {23, "SO_SECURITY_ENCRYPTION_TRANSPORT"}, {24, "SO_SECURITY_ENCRYPTION_NETWORK"},
    {25, "SO_BINDTODEVICE"}, {26, "SO_ATTACH_FILTER"}, {27, "SO_DETACH_FILTER"}, {28, "SO_PEERNAME"},
    {29, "SO_TIMESTAMP_OLD"}, {30, "SO_ACCEPTCONN"}, {31, "SO_PEERSEC"}, {32, "SO_SNDBUFFORCE"},
    {33, "SO_RCVBUFFORCE"}, {34, "SO_PASSSEC"}, {35, "SO_TIMESTAMPNS_OLD"}, {36, "SO_MARK"},
    {37, "SO_TIMESTAMPING_OLD"}, {38, "SO_PROTOCOL"}, {39, "SO_DOMAIN"}, {40, "SO_RXQ_OVFL"},
    {41, "SO_WIFI_STATUS"}, {42, "SO_PEEK_OFF"}, {43, "SO_NOFCS"}, {44, "SO_LOCK_FILTER"},
    {45, "SO_SELECT_ERR_QUEUE"}, {46, "SO_BUSY_POLL"}, {47, "SO_MAX_PACING_RATE"},
    {48, "SO_BPF_EXTENSIONS"}, {49, "SO_INCOMING_CPU"}, {50, "SO_ATTACH_BPF"},
    {51, "SO_ATTACH_REUSEPORT_CBPF"}, {52, "SO_ATTACH_REUSEPORT_EBPF"}, {53, "SO_CNX_ADVICE"},
    {54, "SCM_TIMESTAMPING_OPT_STATS"}, {55, "SO_MEMINFO"}, {56, "SO_INCOMING_NAPI_ID"}, {57, "SO_COOKIE"},
    {58, "SCM_TIMESTAMPING_PKTINFO"}, {59, "SO_PEERGROUPS"}, {60, "SO_ZEROCOPY"}, {61, "SO_TXTIME"},
    {62, "SO_BINDTOIFINDEX"}, {63, "SO_TIMESTAMP_NEW"}, {64, "SO_TIMESTAMPNS_NEW"},
    {65, "SO_TIMESTAMPING_NEW"}, {66, "SO_RCVTIMEO_NEW"}, {67, "SO_SNDTIMEO_NEW"},
    {68, "SO_DETACH_REUSEPORT_BPF"}, {69, "SO_PREFER_BUSY_POLL"}, {70, "SO_BUSY_POLL_BUDGET"},
    {71, "SO_NETNS_COOKIE"}, {72, "SO_BUF_LOCK"}, {73, "SO_RESERVE_MEM"}, {74, "SO_TXREHASH"},
    {75, "SO_RCVMARK"}, {76, "SO_PASSPIDFD"}, {77, "SO_PEERPIDFD"},
};

constexpr Name kSolTcpOptions[] = {
    {1, "TCP_NODELAY"}, {2, "TCP_MAXSEG"}, {3, "TCP_CORK"}, {4, "TCP_KEEPIDLE"}, {5, "TCP_KEEPINTVL"},
    {6, "TCP_KEEPCNT"}, {7, "TCP_SYNCNT"}, {8, "TCP_LINGER2"}, {9, "TCP_DEFER_ACCEPT"},
    {10, "TCP_WINDOW_CLAMP"}, {11, "TCP_INFO"}, {12, "TCP_QUICKACK"}, {13, "TCP_CONGESTION"},
    {14, "TCP_MD5SIG"}, {15, "TCP_COOKIE_TRANSACTIONS"}, {16, "TCP_THIN_LINEAR_TIMEOUTS"},
    {17, "TCP_THIN_DUPACK"}, {18, "TCP_USER_TIMEOUT"}, {19, "TCP_REPAIR"}, {20, "TCP_REPAIR_QUEUE"},
    {21, "TCP_QUEUE_SEQ"}, {22, "TCP_REPAIR_OPTIONS"}, {23, "TCP_FASTOPEN"}, {24, "TCP_TIMESTAMP"},
    {25, "TCP_NOTSENT_LOWAT"}, {26, "TCP_CC_INFO"}, {27, "TCP_SAVE_SYN"}, {28, "TCP_SAVED_SYN"},
    {29, "TCP_REPAIR_WINDOW"}, {30, "TCP_FASTOPEN_CONNECT"}, {31, "TCP_ULP"}, {32, "TCP_MD5SIG_EXT"},
    {33, "TCP_FASTOPEN_KEY"}, {34, "TCP_FASTOPEN_NO_COOKIE"}, {35, "TCP_ZEROCOPY_RECEIVE"},
    {36, "TCP_INQ"}, {37, "TCP_TX_DELAY"},
};

constexpr Name kSolIpOptions[] = {
    {1, "IP_TOS"}, {2, "IP_TTL"}, {3, "IP_HDRINCL"}, {4, "IP_OPTIONS"}, {5, "IP_ROUTER_ALERT"},
    {6, "IP_RECVOPTS"}, {7, "IP_RETOPTS"}, {8, "IP_PKTINFO"}, {9, "IP_PKTOPTIONS"},
    {10, "IP_MTU_DISCOVER"}, {11, "IP_RECVERR"}, {12, "IP_RECVTTL"}, {13, "IP_RECVTOS"}, {14, "IP_MTU"},
    {15, "IP_FREEBIND"}, {16, "IP_IPSEC_POLICY"}, {17, "IP_XFRM_POLICY"}, {18, "IP_PASSSEC"},
    {19, "IP_TRANSPARENT"}, {20, "IP_ORIGDSTADDR"}, {21, "IP_MINTTL"}, {22, "IP_NODEFRAG"},
    {23, "IP_CHECKSUM"}, {24, "IP_BIND_ADDRESS_NO_PORT"}, {25, "IP_RECVFRAGSIZE"}, {26, "IP_RECVERR_RFC4884"},
    {32, "IP_MULTICAST_IF"}, {33, "IP_MULTICAST_TTL"}, {34, "IP_MULTICAST_LOOP"},
    {35, "IP_ADD_MEMBERSHIP"}, {36, "IP_DROP_MEMBERSHIP"}, {37, "IP_UNBLOCK_SOURCE"},
    {38, "IP_BLOCK_SOURCE"}, {39, "IP_ADD_SOURCE_MEMBERSHIP"}, {40, "IP_DROP_SOURCE_MEMBERSHIP"},
    {41, "IP_MSFILTER"}, {42, "MCAST_JOIN_GROUP"}, {43, "MCAST_BLOCK_SOURCE"}, {44, "MCAST_UNBLOCK_SOURCE"},
    {45, "MCAST_LEAVE_GROUP"}, {46, "MCAST_JOIN_SOURCE_GROUP"}, {47, "MCAST_LEAVE_SOURCE_GROUP"},
    {48, "MCAST_MSFILTER"}, {49, "IP_MULTICAST_ALL"}, {50, "IP_UNICAST_IF"}, {51, "IP_LOCAL_PORT_RANGE"},
    {52, "IP_PROTOCOL"},
};

constexpr Name kSolIpv6Options[] = {
    {1, "IPV6_ADDRFORM"}, {2, "IPV6_2292PKTINFO"}, {3, "IPV6_2292HOPOPTS"}, {4, "IPV6_2292DSTOPTS"},
    {5, "IPV6_2292RTHDR"}, {6, "IPV6_2292PKTOPTIONS"}, {7, "IPV6_CHECKSUM"}, {8, "IPV6_2292HOPLIMIT"},
    {9, "IPV6_NEXTHOP"}, {10, "IPV6_AUTHHDR"}, {11, "IPV6_FLOWINFO"}, {16, "IPV6_UNICAST_HOPS"},
    {17, "IPV6_MULTICAST_IF"}, {18, "IPV6_MULTICAST_HOPS"}, {19, "IPV6_MULTICAST_LOOP"},
    {20, "IPV6_ADD_MEMBERSHIP"}, {21, "IPV6_DROP_MEMBERSHIP"}, {22, "IPV6_ROUTER_ALERT"},
    {23, "IPV6_MTU_DISCOVER"}, {24, "IPV6_MTU"}, {25, "IPV6_RECVERR"}, {26, "IPV6_V6ONLY"},
    {27, "IPV6_JOIN_ANYCAST"}, {28, "IPV6_LEAVE_ANYCAST"}, {29, "IPV6_MULTICAST_ALL"},
    {30, "IPV6_ROUTER_ALERT_ISOLATE"}, {31, "IPV6_RECVERR_RFC4884"}, {32, "IPV6_FLOWLABEL_MGR"},
    {33, "IPV6_FLOWINFO_SEND"}, {34, "IPV6_IPSEC_POLICY"}, {35, "IPV6_XFRM_POLICY"}, {36, "IPV6_HDRINCL"},
    {42, "MCAST_JOIN_GROUP"}, {43, "MCAST_BLOCK_SOURCE"}, {44, "MCAST_UNBLOCK_SOURCE"}, {45, "MCAST_LEAVE_GROUP"},
    {46, "MCAST_JOIN_SOURCE_GROUP"}, {47, "MCAST_LEAVE_SOURCE_GROUP"}, {48, "MCAST_MSFILTER"},
    {49, "IPV6_RECVPKTINFO"}, {50, "IPV6_PKTINFO"}, {51, "IPV6_RECVHOPLIMIT"}, {52, "IPV6_HOPLIMIT"},
    {53, "IPV6_RECVHOPOPTS"}, {54, "IPV6_HOPOPTS"}, {55, "IPV6_RTHDRDSTOPTS"}, {56, "IPV6_RECVRTHDR"},
    {57, "IPV6_RTHDR"}, {58, "IPV6_RECVDSTOPTS"}, {59, "IPV6_DSTOPTS"}, {60, "IPV6_RECVPATHMTU"},
    {61, "IPV6_PATHMTU"}, {62, "IPV6_DONTFRAG"}, {66, "IPV6_RECVTCLASS"}, {67, "IPV6_TCLASS"},
    {70, "IPV6_AUTOFLOWLABEL"}, {72, "IPV6_ADDR_PREFERENCES"}, {73, "IPV6_MINHOPCOUNT"},
    {74, "IPV6_ORIGDSTADDR"}, {75, "IPV6_TRANSPARENT"}, {76, "IPV6_UNICAST_IF"},
    {77, "IPV6_RECVFRAGSIZE"}, {78, "IPV6_FREEBIND"},
};

constexpr Name kSolUdpOptions[] = {
    {1, "UDP_CORK"}, {100, "UDP_ENCAP"}, {101, "UDP_NO_CHECK6_TX"}, {102, "UDP_NO_CHECK6_RX"},
    {103, "UDP_SEGMENT"}, {104, "UDP_GRO"},
};

constexpr Name kSolNetlinkOptions[] = {
    {1, "NETLINK_ADD_MEMBERSHIP"}, {2, "NETLINK_DROP_MEMBERSHIP"}, {3, "NETLINK_PKTINFO"},
    {4, "NETLINK_BROADCAST_ERROR"}, {5, "NETLINK_NO_ENOBUFS"}, {6, "NETLINK_RX_RING"},
    {7, "NETLINK_TX_RING"}, {8, "NETLINK_LISTEN_ALL_NSID"}, {9, "NETLINK_LIST_MEMBERSHIPS"},
    {10, "NETLINK_CAP_ACK"}, {11, "NETLINK_EXT_ACK"}, {12, "NETLINK_GET_STRICT_CHK"},
};

// A family of names picked by another value: options by level, si_code by signal.
struct NamesBy {
    uint32_t key;
    Table names;
};

Table names_by(std::span<const NamesBy> families, uint64_t key) {
    for (const auto& [known, names] : families)
        if (known == static_cast<uint32_t>(key))
            return names;
    return {};
}

constexpr NamesBy kSockoptNames[] = {
    {SOL_SOCKET, kSolSocketOptions}, {IPPROTO_TCP, kSolTcpOptions}, {IPPROTO_IP, kSolIpOptions},
    {IPPROTO_IPV6, kSolIpv6Options}, {IPPROTO_UDP, kSolUdpOptions}, {270 /* SOL_NETLINK */, kSolNetlinkOptions},
};

// si_code (asm-generic/siginfo.h): values any signal may carry, then the
// positive ones each signal gives its own meaning, as the kernel sends them.
constexpr Name kSiCodes[] = {
    {0, "SI_USER"}, {0x80, "SI_KERNEL"}, {static_cast<uint32_t>(-1), "SI_QUEUE"},
    {static_cast<uint32_t>(-2), "SI_TIMER"}, {static_cast<uint32_t>(-3), "SI_MESGQ"},
    {static_cast<uint32_t>(-4), "SI_ASYNCIO"}, {static_cast<uint32_t>(-5), "SI_SIGIO"},
    {static_cast<uint32_t>(-6), "SI_TKILL"}, {static_cast<uint32_t>(-7), "SI_DETHREAD"},
    {static_cast<uint32_t>(-60), "SI_ASYNCNL"},
};
constexpr Name kSigillCodes[] = {
    {1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"}, {4, "ILL_ILLTRP"}, {5, "ILL_PRVOPC"},
    {6, "ILL_PRVREG"}, {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}, {9, "ILL_BADIADDR"},
};
constexpr Name kSigfpeCodes[] = {
    {1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"},  {4, "FPE_FLTOVF"},    {5, "FPE_FLTUND"},
    {6, "FPE_FLTRES"}, {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}, {14, "FPE_FLTUNK"}, {15, "FPE_CONDTRAP"},
};
constexpr Name kSigsegvCodes[] = {
    {1, "SEGV_MAPERR"},  {2, "SEGV_ACCERR"},  {3, "SEGV_BNDERR"},  {4, "SEGV_PKUERR"},  {5, "SEGV_ACCADI"},
    {6, "SEGV_ADIDERR"}, {7, "SEGV_ADIPERR"}, {8, "SEGV_MTEAERR"}, {9, "SEGV_MTESERR"}, {10, "SEGV_CPERR"},
};
constexpr Name kSigbusCodes[] = {
    {1, "BUS_ADRALN"}, {2, "BUS_ADRERR"}, {3, "BUS_OBJERR"}, {4, "BUS_MCEERR_AR"}, {5, "BUS_MCEERR_AO"},
};
constexpr Name kSigtrapCodes[] = {
    {1, "TRAP_BRKPT"}, {2, "TRAP_TRACE"}, {3, "TRAP_BRANCH"}, {4, "TRAP_HWBKPT"}, {5, "TRAP_UNK"}, {6, "TRAP_PERF"},
};
constexpr Name kSigchldCodes[] = {
    {1, "CLD_EXITED"}, {2, "CLD_KILLED"}, {3, "CLD_DUMPED"}, {4, "CLD_TRAPPED"}, {5, "CLD_STOPPED"},
    {6, "CLD_CONTINUED"},
};
constexpr Name kSigpollCodes[] = {
    {1, "POLL_IN"}, {2, "POLL_OUT"}, {3, "POLL_MSG"}, {4, "POLL_ERR"}, {5, "POLL_PRI"}, {6, "POLL_HUP"},
};
constexpr Name kSigsysCodes[] = {{1, "SYS_SECCOMP"}, {2, "SYS_USER_DISPATCH"}};
constexpr Name kSigprofCodes[] = {{1, "PROF_SIG"}};

constexpr NamesBy kSiCodesBySignal[] = {
    {SIGILL, kSigillCodes},   {SIGFPE, kSigfpeCodes},   {SIGSEGV, kSigsegvCodes}, {SIGBUS, kSigbusCodes},
    {SIGTRAP, kSigtrapCodes}, {SIGCHLD, kSigchldCodes}, {SIGPOLL, kSigpollCodes}, {SIGSYS, kSigsysCodes},
    {SIGPROF, kSigprofCodes},
};

// linux/netlink.h: socket(AF_NETLINK, ..., protocol).
constexpr Name kNetlinkProtocol[] = {
    {0, "NETLINK_ROUTE"}, {1, "NETLINK_UNUSED"}, {2, "NETLINK_USERSOCK"}, {3, "NETLINK_FIREWALL"},
    {4, "NETLINK_SOCK_DIAG"}, {5, "NETLINK_NFLOG"}, {6, "NETLINK_XFRM"}, {7, "NETLINK_SELINUX"},
    {8, "NETLINK_ISCSI"}, {9, "NETLINK_AUDIT"}, {10, "NETLINK_FIB_LOOKUP"}, {11, "NETLINK_CONNECTOR"},
    {12, "NETLINK_NETFILTER"}, {13, "NETLINK_IP6_FW"}, {14, "NETLINK_DNRTMSG"},
    {15, "NETLINK_KOBJECT_UEVENT"}, {16, "NETLINK_GENERIC"}, {18, "NETLINK_SCSITRANSPORT"},
    {19, "NETLINK_ECRYPTFS"}, {20, "NETLINK_RDMA"}, {21, "NETLINK_CRYPTO"}, {22, "NETLINK_SMC"},
};

// asm-generic/fcntl.h, linux/fcntl.h. F_GETLK64 & co. are what strace prints
// for 12..14 on x86_64 even though the 64-bit kernel headers hide them.
constexpr Name kFcntlCmd[] = {
    N(F_DUPFD),        N(F_GETFD),        N(F_SETFD),        N(F_GETFL),
    N(F_SETFL),        N(F_GETLK),        N(F_SETLK),        N(F_SETLKW),
    N(F_SETOWN),       N(F_GETOWN),       N(F_SETSIG),       N(F_GETSIG),
    {12, "F_GETLK64"}, {13, "F_SETLK64"}, {14, "F_SETLKW64"},
    N(F_SETOWN_EX),    N(F_GETOWN_EX),    N(F_GETOWNER_UIDS),
    N(F_OFD_GETLK),    N(F_OFD_SETLK),    N(F_OFD_SETLKW),
    N(F_SETLEASE),     N(F_GETLEASE),     N(F_NOTIFY),
    {1027, "F_DUPFD_QUERY"},    // Linux 6.10
    {1028, "F_CREATED_QUERY"},  // Linux 6.12
    N(F_CANCELLK),     N(F_DUPFD_CLOEXEC), N(F_SETPIPE_SZ),  N(F_GETPIPE_SZ),
    N(F_ADD_SEALS),    N(F_GET_SEALS),     N(F_GET_RW_HINT), N(F_SET_RW_HINT),
    N(F_GET_FILE_RW_HINT), N(F_SET_FILE_RW_HINT),
};

// Common terminal, socket, file and block ioctls. Where strace knows several
// names for one number it prints them all joined by " or "; so do we.
constexpr Name kIoctlCmd[] = {
    // asm-generic/ioctls.h
    N(TCGETS),
    {TCSETS, "SNDCTL_TMR_START or TCSETS"},
    {TCSETSW, "SNDCTL_TMR_STOP or TCSETSW"},
    {TCSETSF, "SNDCTL_TMR_CONTINUE or TCSETSF"},
    N(TCGETA),        N(TCSETA),        N(TCSETAW),       N(TCSETAF),
    N(TCSBRK),        N(TCXONC),        N(TCFLSH),        N(TIOCEXCL),
    N(TIOCNXCL),      N(TIOCSCTTY),     N(TIOCGPGRP),     N(TIOCSPGRP),
    N(TIOCOUTQ),      N(TIOCSTI),       N(TIOCGWINSZ),    N(TIOCSWINSZ),
    N(TIOCMGET),      N(TIOCMBIS),      N(TIOCMBIC),      N(TIOCMSET),
    N(TIOCGSOFTCAR),  N(TIOCSSOFTCAR),  N(FIONREAD),      N(TIOCLINUX),
    N(TIOCCONS),      N(TIOCGSERIAL),   N(TIOCSSERIAL),   N(TIOCPKT),
    N(FIONBIO),       N(TIOCNOTTY),     N(TIOCSETD),      N(TIOCGETD),
    N(TCSBRKP),       N(TIOCSBRK),      N(TIOCCBRK),      N(TIOCGSID),
    N(TCGETS2),       N(TCSETS2),       N(TCSETSW2),      N(TCSETSF2),
    N(TIOCGRS485),    N(TIOCSRS485),    N(TIOCGPTN),      N(TIOCSPTLCK),
    N(TIOCGDEV),      N(TCGETX),        N(TCSETX),        N(TCSETXF),
    N(TCSETXW),       N(TIOCSIG),       N(TIOCVHANGUP),   N(TIOCGPKT),
    N(TIOCGPTLCK),    N(TIOCGEXCL),     N(TIOCGPTPEER),   N(FIONCLEX),
    N(FIOCLEX),       N(FIOASYNC),      N(TIOCSERCONFIG), N(TIOCSERGWILD),
    N(TIOCSERSWILD),  N(TIOCGLCKTRMIOS), N(TIOCSLCKTRMIOS), N(TIOCSERGSTRUCT),
    N(TIOCSERGETLSR), N(TIOCSERGETMULTI), N(TIOCSERSETMULTI), N(TIOCMIWAIT),
    N(TIOCGICOUNT),   N(FIOQSIZE),
    // asm/sockios.h, linux/sockios.h
    N(FIOSETOWN),     N(SIOCSPGRP),     N(FIOGETOWN),     N(SIOCGPGRP),
    N(SIOCATMARK),    N(SIOCGSTAMP_OLD), N(SIOCGSTAMPNS_OLD),
    N(SIOCADDRT),     N(SIOCDELRT),     N(SIOCRTMSG),     N(SIOCGIFNAME),
    N(SIOCSIFLINK),   N(SIOCGIFCONF),   N(SIOCGIFFLAGS),  N(SIOCSIFFLAGS),
    N(SIOCGIFADDR),   N(SIOCSIFADDR),   N(SIOCGIFDSTADDR), N(SIOCSIFDSTADDR),
    N(SIOCGIFBRDADDR), N(SIOCSIFBRDADDR), N(SIOCGIFNETMASK), N(SIOCSIFNETMASK),
    N(SIOCGIFMETRIC), N(SIOCSIFMETRIC), N(SIOCGIFMEM),    N(SIOCSIFMEM),
    N(SIOCGIFMTU),    N(SIOCSIFMTU),    N(SIOCSIFNAME),   N(SIOCSIFHWADDR),
    N(SIOCGIFENCAP),  N(SIOCSIFENCAP),  N(SIOCGIFHWADDR), N(SIOCGIFSLAVE),
    N(SIOCSIFSLAVE),  N(SIOCADDMULTI),  N(SIOCDELMULTI),  N(SIOCGIFINDEX),
    N(SIOCSIFPFLAGS), N(SIOCGIFPFLAGS), N(SIOCDIFADDR),   N(SIOCSIFHWBROADCAST),
    N(SIOCGIFCOUNT),  N(SIOCGIFBR),     N(SIOCSIFBR),     N(SIOCGIFTXQLEN),
    N(SIOCSIFTXQLEN), N(SIOCETHTOOL),   N(SIOCGMIIPHY),   N(SIOCGMIIREG),
    N(SIOCSMIIREG),   N(SIOCWANDEV),    N(SIOCOUTQNSD),   N(SIOCGSKNS),
    N(SIOCDARP),      N(SIOCGARP),      N(SIOCSARP),      N(SIOCDRARP),
    N(SIOCGRARP),     N(SIOCSRARP),     N(SIOCGIFMAP),    N(SIOCSIFMAP),
    N(SIOCADDDLCI),   N(SIOCDELDLCI),   N(SIOCGIFVLAN),   N(SIOCSIFVLAN),
    N(SIOCBONDENSLAVE), N(SIOCBONDRELEASE), N(SIOCBONDSETHWADDR),
    N(SIOCBONDSLAVEINFOQUERY), N(SIOCBONDINFOQUERY), N(SIOCBONDCHANGEACTIVE),
    N(SIOCBRADDBR),   N(SIOCBRDELBR),   N(SIOCBRADDIF),   N(SIOCBRDELIF),
    N(SIOCSHWTSTAMP), N(SIOCGHWTSTAMP),
    // linux/fs.h
    N(FIBMAP),        N(FIGETBSZ),      N(FIFREEZE),      N(FITHAW),
    N(FITRIM),        N(FS_IOC_GETFLAGS), N(FS_IOC_SETFLAGS),
    N(FS_IOC_GETVERSION), N(FS_IOC_SETVERSION), N(FS_IOC_FIEMAP),
    N(FS_IOC_FSGETXATTR), N(FS_IOC_FSSETXATTR), N(FS_IOC_GETFSLABEL),
    N(FS_IOC_SETFSLABEL),
    {0x80111500, "FS_IOC_GETFSUUID"},       // Linux 6.5
    {0x80811501, "FS_IOC_GETFSSYSFSPATH"},  // Linux 6.9
    {FICLONE, "BTRFS_IOC_CLONE or FICLONE"},
    {FICLONERANGE, "BTRFS_IOC_CLONE_RANGE or FICLONERANGE"},
    {FIDEDUPERANGE, "BTRFS_IOC_FILE_EXTENT_SAME or FIDEDUPERANGE"},
    N(BLKROSET),      N(BLKROGET),      N(BLKRRPART),     N(BLKGETSIZE),
    N(BLKFLSBUF),     N(BLKRASET),      N(BLKRAGET),      N(BLKFRASET),
    N(BLKFRAGET),     N(BLKSECTSET),    N(BLKSECTGET),    N(BLKSSZGET),
    N(BLKPG),         N(BLKBSZGET),     N(BLKBSZSET),     N(BLKGETSIZE64),
    N(BLKTRACESETUP), N(BLKTRACESTART), N(BLKTRACESTOP),  N(BLKTRACETEARDOWN),
    N(BLKDISCARD),
    N(BLKIOMIN),      N(BLKIOOPT),      N(BLKALIGNOFF),   N(BLKPBSZGET),
    N(BLKDISCARDZEROES), N(BLKSECDISCARD), N(BLKROTATIONAL), N(BLKZEROOUT),
    N(BLKGETDISKSEQ),
};

// asm/poll.h (x86_64); POLL_BUSY_LOOP is kernel-internal but strace names it.
constexpr Name kPollEvents[] = {
    N(POLLIN),     N(POLLPRI),    N(POLLOUT),    N(POLLERR),
    N(POLLHUP),    N(POLLNVAL),   N(POLLRDNORM), N(POLLRDBAND),
    N(POLLWRNORM), N(POLLWRBAND), N(POLLMSG),    N(POLLREMOVE),
    N(POLLRDHUP),  {0x8000, "POLL_BUSY_LOOP"},
};

// linux/eventpoll.h. EPOLL_URING_WAKE (1<<27) is internal to io_uring and
// unnamed by strace: it stays hex.
constexpr Name kEpollEvents[] = {
    N(EPOLLIN),      N(EPOLLPRI),     N(EPOLLOUT),    N(EPOLLERR),
    N(EPOLLHUP),     N(EPOLLNVAL),    N(EPOLLRDNORM), N(EPOLLRDBAND),
    N(EPOLLWRNORM),  N(EPOLLWRBAND),  N(EPOLLMSG),    N(EPOLLRDHUP),
    N(EPOLLEXCLUSIVE), N(EPOLLWAKEUP), N(EPOLLONESHOT), N(EPOLLET),
};

constexpr Name kEpollCtlOp[] = {N(EPOLL_CTL_ADD), N(EPOLL_CTL_DEL), N(EPOLL_CTL_MOD)};

// linux/fs.h
constexpr Name kLseekWhence[] = {
    N(SEEK_SET), N(SEEK_CUR), N(SEEK_END), N(SEEK_DATA), N(SEEK_HOLE),
};

// linux/futex.h: the command is op & FUTEX_CMD_MASK (low 7 bits).
constexpr Name kFutexCmd[] = {
    N(FUTEX_WAIT),          N(FUTEX_WAKE),           N(FUTEX_FD),
    N(FUTEX_REQUEUE),       N(FUTEX_CMP_REQUEUE),    N(FUTEX_WAKE_OP),
    N(FUTEX_LOCK_PI),       N(FUTEX_UNLOCK_PI),      N(FUTEX_TRYLOCK_PI),
    N(FUTEX_WAIT_BITSET),   N(FUTEX_WAKE_BITSET),    N(FUTEX_WAIT_REQUEUE_PI),
    N(FUTEX_CMP_REQUEUE_PI), N(FUTEX_LOCK_PI2),
};

// linux/prctl.h
// linux/capability.h, by number. An unknown one: 0x30 /* CAP_??? */, as strace.
constexpr Name kCapability[] = {
    N(CAP_CHOWN),           N(CAP_DAC_OVERRIDE),   N(CAP_DAC_READ_SEARCH), N(CAP_FOWNER),
    N(CAP_FSETID),          N(CAP_KILL),           N(CAP_SETGID),          N(CAP_SETUID),
    N(CAP_SETPCAP),         N(CAP_LINUX_IMMUTABLE), N(CAP_NET_BIND_SERVICE), N(CAP_NET_BROADCAST),
    N(CAP_NET_ADMIN),       N(CAP_NET_RAW),        N(CAP_IPC_LOCK),        N(CAP_IPC_OWNER),
    N(CAP_SYS_MODULE),      N(CAP_SYS_RAWIO),      N(CAP_SYS_CHROOT),      N(CAP_SYS_PTRACE),
    N(CAP_SYS_PACCT),       N(CAP_SYS_ADMIN),      N(CAP_SYS_BOOT),        N(CAP_SYS_NICE),
    N(CAP_SYS_RESOURCE),    N(CAP_SYS_TIME),       N(CAP_SYS_TTY_CONFIG),  N(CAP_MKNOD),
    N(CAP_LEASE),           N(CAP_AUDIT_WRITE),    N(CAP_AUDIT_CONTROL),   N(CAP_SETFCAP),
    N(CAP_MAC_OVERRIDE),    N(CAP_MAC_ADMIN),      N(CAP_SYSLOG),          N(CAP_WAKE_ALARM),
    N(CAP_BLOCK_SUSPEND),   N(CAP_AUDIT_READ),     N(CAP_PERFMON),         N(CAP_BPF),
    N(CAP_CHECKPOINT_RESTORE),
};

void format_capability(uint64_t value, fmt::memory_buffer& out) {
    if (const Name* entry = find(kCapability, static_cast<uint32_t>(value))) {
        put(out, entry->name);
        return;
    }
    put_hex(out, static_cast<uint32_t>(value));
    put(out, " /* CAP_??? */");
}

constexpr Name kDescriptorFlags[] = {N(FD_CLOEXEC)};
// statfs's f_flags (ST_* of sys/statvfs.h, which is not included: it declares
// functions); ST_VALID first, as strace prints it.
constexpr Name kStatfsFlags[] = {
    {0x20, "ST_VALID"},    {0x1, "ST_RDONLY"},     {0x2, "ST_NOSUID"},     {0x4, "ST_NODEV"},
    {0x8, "ST_NOEXEC"},    {0x10, "ST_SYNCHRONOUS"}, {0x40, "ST_MANDLOCK"}, {0x80, "ST_WRITE"},
    {0x100, "ST_APPEND"},  {0x200, "ST_IMMUTABLE"}, {0x400, "ST_NOATIME"},  {0x800, "ST_NODIRATIME"},
    {0x1000, "ST_RELATIME"}, {0x2000000, "ST_NOSYMFOLLOW"},
};
constexpr Name kFutexBitset[] = {N(FUTEX_BITSET_MATCH_ANY)};
// stack_t's ss_flags (asm-generic/signal-defs.h); strace's sigaltstack_flags.
constexpr Name kSigaltstackFlags[] = {{SS_ONSTACK, "SS_ONSTACK"}, {SS_DISABLE, "SS_DISABLE"},
                                      {1u << 31, "SS_AUTODISARM"}};
// getrusage's who (linux/resource.h).
constexpr Name kRusageWho[] = {{static_cast<uint32_t>(RUSAGE_SELF), "RUSAGE_SELF"},
                               {static_cast<uint32_t>(RUSAGE_CHILDREN), "RUSAGE_CHILDREN"},
                               {static_cast<uint32_t>(RUSAGE_THREAD), "RUSAGE_THREAD"}};
constexpr Name kEpollCreateFlags[] = {N(EPOLL_CLOEXEC)};
// linux/mman.h has no PKEY_* before 6.x's uapi split; values from pkeys(7).
constexpr Name kPkeyAccess[] = {{1, "PKEY_DISABLE_ACCESS"}, {2, "PKEY_DISABLE_WRITE"}};

constexpr Name kPrctlOption[] = {
    N(PR_SET_PDEATHSIG),        N(PR_GET_PDEATHSIG),       N(PR_GET_DUMPABLE),
    N(PR_SET_DUMPABLE),         N(PR_GET_UNALIGN),         N(PR_SET_UNALIGN),
    N(PR_GET_KEEPCAPS),         N(PR_SET_KEEPCAPS),        N(PR_GET_FPEMU),
    N(PR_SET_FPEMU),            N(PR_GET_FPEXC),           N(PR_SET_FPEXC),
    N(PR_GET_TIMING),           N(PR_SET_TIMING),          N(PR_SET_NAME),
    N(PR_GET_NAME),             N(PR_GET_ENDIAN),          N(PR_SET_ENDIAN),
    N(PR_GET_SECCOMP),          N(PR_SET_SECCOMP),         N(PR_CAPBSET_READ),
    N(PR_CAPBSET_DROP),         N(PR_GET_TSC),             N(PR_SET_TSC),
    N(PR_GET_SECUREBITS),       N(PR_SET_SECUREBITS),      N(PR_SET_TIMERSLACK),
    N(PR_GET_TIMERSLACK),       N(PR_TASK_PERF_EVENTS_DISABLE),
    N(PR_TASK_PERF_EVENTS_ENABLE), N(PR_MCE_KILL),         N(PR_MCE_KILL_GET),
    N(PR_SET_MM),               N(PR_SET_CHILD_SUBREAPER), N(PR_GET_CHILD_SUBREAPER),
    N(PR_SET_NO_NEW_PRIVS),     N(PR_GET_NO_NEW_PRIVS),    N(PR_GET_TID_ADDRESS),
    N(PR_SET_THP_DISABLE),      N(PR_GET_THP_DISABLE),     N(PR_MPX_ENABLE_MANAGEMENT),
    N(PR_MPX_DISABLE_MANAGEMENT), N(PR_SET_FP_MODE),       N(PR_GET_FP_MODE),
    N(PR_CAP_AMBIENT),          N(PR_SVE_SET_VL),          N(PR_SVE_GET_VL),
    N(PR_GET_SPECULATION_CTRL), N(PR_SET_SPECULATION_CTRL), N(PR_PAC_RESET_KEYS),
    N(PR_SET_TAGGED_ADDR_CTRL), N(PR_GET_TAGGED_ADDR_CTRL), N(PR_SET_IO_FLUSHER),
    N(PR_GET_IO_FLUSHER),       N(PR_SET_SYSCALL_USER_DISPATCH),
    N(PR_PAC_SET_ENABLED_KEYS), N(PR_PAC_GET_ENABLED_KEYS), N(PR_SCHED_CORE),
    N(PR_SME_SET_VL),           N(PR_SME_GET_VL),
    {65, "PR_SET_MDWE"},                   // Linux 6.3
    {66, "PR_GET_MDWE"},                   // Linux 6.3
    {67, "PR_SET_MEMORY_MERGE"},           // Linux 6.4
    {68, "PR_GET_MEMORY_MERGE"},           // Linux 6.4
    {69, "PR_RISCV_V_SET_CONTROL"},        // Linux 6.5
    {70, "PR_RISCV_V_GET_CONTROL"},        // Linux 6.5
    {71, "PR_RISCV_SET_ICACHE_FLUSH_CTX"}, // Linux 6.9
    {72, "PR_PPC_GET_DEXCR"},              // Linux 6.10
    {73, "PR_PPC_SET_DEXCR"},              // Linux 6.10
    {74, "PR_GET_SHADOW_STACK_STATUS"},    // Linux 6.13
    {75, "PR_SET_SHADOW_STACK_STATUS"},    // Linux 6.13
    {76, "PR_LOCK_SHADOW_STACK_STATUS"},   // Linux 6.13
    {77, "PR_TIMER_CREATE_RESTORE_IDS"},   // Linux 6.16
    {78, "PR_FUTEX_HASH"},                 // Linux 6.16
    {0x41555856, "PR_GET_AUXV"},           // Linux 6.4
    N(PR_SET_VMA),              N(PR_SET_PTRACER),
};

// asm/prctl.h (x86). ARCH_CET_STATUS (0x3001) never reached the kernel
// headers; glibc 2.28..2.38 issues it at startup. The brief for this file asks
// for the name; strace itself (6.1 and later) prints 0x3001 /* ARCH_??? */.
constexpr Name kArchPrctlCode[] = {
    N(ARCH_SET_GS),          N(ARCH_SET_FS),          N(ARCH_GET_FS),
    N(ARCH_GET_GS),          N(ARCH_GET_CPUID),       N(ARCH_SET_CPUID),
    N(ARCH_GET_XCOMP_SUPP),  N(ARCH_GET_XCOMP_PERM),  N(ARCH_REQ_XCOMP_PERM),
    N(ARCH_GET_XCOMP_GUEST_PERM), N(ARCH_REQ_XCOMP_GUEST_PERM),
    N(ARCH_MAP_VDSO_X32),    N(ARCH_MAP_VDSO_32),     N(ARCH_MAP_VDSO_64),
    {0x3001, "ARCH_CET_STATUS"},
    {0x4001, "ARCH_GET_UNTAG_MASK"},      // Linux 6.4
    {0x4002, "ARCH_ENABLE_TAGGED_ADDR"},  // Linux 6.4
    {0x4003, "ARCH_GET_MAX_TAG_BITS"},    // Linux 6.4
    {0x4004, "ARCH_FORCE_TAGGED_SVA"},    // Linux 6.4
    {0x5001, "ARCH_SHSTK_ENABLE"},        // Linux 6.6
    {0x5002, "ARCH_SHSTK_DISABLE"},       // Linux 6.6
    {0x5003, "ARCH_SHSTK_LOCK"},          // Linux 6.6
    {0x5004, "ARCH_SHSTK_UNLOCK"},        // Linux 6.6
    {0x5005, "ARCH_SHSTK_STATUS"},        // Linux 6.6
};

// asm-generic/resource.h (x86_64 order of NPROC/NOFILE).
constexpr Name kRlimitResource[] = {
    N(RLIMIT_CPU),     N(RLIMIT_FSIZE),      N(RLIMIT_DATA),     N(RLIMIT_STACK),
    N(RLIMIT_CORE),    N(RLIMIT_RSS),        N(RLIMIT_NPROC),    N(RLIMIT_NOFILE),
    N(RLIMIT_MEMLOCK), N(RLIMIT_AS),         N(RLIMIT_LOCKS),    N(RLIMIT_SIGPENDING),
    N(RLIMIT_MSGQUEUE), N(RLIMIT_NICE),      N(RLIMIT_RTPRIO),   N(RLIMIT_RTTIME),
};

// linux/time.h. Negative ids (CPU-time clocks of other processes, and
// FD_TO_CLOCKID) print as numbers, like any unknown value.
constexpr Name kClockId[] = {
    N(CLOCK_REALTIME),        N(CLOCK_MONOTONIC),        N(CLOCK_PROCESS_CPUTIME_ID),
    N(CLOCK_THREAD_CPUTIME_ID), N(CLOCK_MONOTONIC_RAW),  N(CLOCK_REALTIME_COARSE),
    N(CLOCK_MONOTONIC_COARSE), N(CLOCK_BOOTTIME),        N(CLOCK_REALTIME_ALARM),
    N(CLOCK_BOOTTIME_ALARM),  {10, "CLOCK_SGI_CYCLE"},   N(CLOCK_TAI),
};

constexpr Name kTimerFlags[] = {N(TIMER_ABSTIME)};

// linux/wait.h, strace's order. WUNTRACED is WSTOPPED (2); strace prints
// WSTOPPED.
constexpr Name kWaitOptions[] = {
    N(WNOHANG), N(WEXITED), N(WSTOPPED), N(WCONTINUED), N(WNOWAIT),
    N(__WCLONE), N(__WALL), N(__WNOTHREAD),
};

constexpr Name kIdType[] = {N(P_ALL), N(P_PID), N(P_PGID), N(P_PIDFD)};

// asm-generic/signal-defs.h
constexpr Name kSigprocmaskHow[] = {{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}};

// linux/fadvise.h (x86_64 values)
constexpr Name kFadviseAdvice[] = {
    N(POSIX_FADV_NORMAL),   N(POSIX_FADV_RANDOM),   N(POSIX_FADV_SEQUENTIAL),
    N(POSIX_FADV_WILLNEED), N(POSIX_FADV_DONTNEED), N(POSIX_FADV_NOREUSE),
};

constexpr Name kGetrandomFlags[] = {N(GRND_NONBLOCK), N(GRND_RANDOM), N(GRND_INSECURE)};

// linux/eventfd.h (not in 6.1's uapi): EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK.
constexpr Name kEventfdFlags[] = {
    {1, "EFD_SEMAPHORE"}, {O_CLOEXEC, "EFD_CLOEXEC"}, {O_NONBLOCK, "EFD_NONBLOCK"},
};

// linux/memfd.h; MFD_HUGE_* sizes print as N<<MFD_HUGE_SHIFT.
constexpr Name kMemfdFlags[] = {
    N(MFD_CLOEXEC), N(MFD_ALLOW_SEALING), N(MFD_HUGETLB),
    {0x8, "MFD_NOEXEC_SEAL"},  // Linux 6.3
    {0x10, "MFD_EXEC"},        // Linux 6.3
};

// linux/timerfd.h: timerfd_create's and timerfd_settime's flags together, in
// strace's order.
constexpr Name kTimerfdFlags[] = {
    N(TFD_TIMER_ABSTIME), N(TFD_TIMER_CANCEL_ON_SET), N(TFD_CLOEXEC), N(TFD_NONBLOCK),
};

// linux/inotify.h (event bits plus the IN_ONLYDIR.. control bits).
constexpr Name kInotifyMask[] = {
    N(IN_ACCESS),      N(IN_MODIFY),      N(IN_ATTRIB),      N(IN_CLOSE_WRITE),
    N(IN_CLOSE_NOWRITE), N(IN_OPEN),      N(IN_MOVED_FROM),  N(IN_MOVED_TO),
    N(IN_CREATE),      N(IN_DELETE),      N(IN_DELETE_SELF), N(IN_MOVE_SELF),
    N(IN_UNMOUNT),     N(IN_Q_OVERFLOW),  N(IN_IGNORED),     N(IN_ONLYDIR),
    N(IN_DONT_FOLLOW), N(IN_EXCL_UNLINK), N(IN_MASK_CREATE), N(IN_MASK_ADD),
    N(IN_ISDIR),       N(IN_ONESHOT),
};

constexpr Name kRenameFlags[] = {N(RENAME_NOREPLACE), N(RENAME_EXCHANGE), N(RENAME_WHITEOUT)};

// linux/stat.h, strace's order: the STATX_ALL and STATX_BASIC_STATS groups
// first, then the single bits.
constexpr Name kStatxMask[] = {
    N(STATX_ALL),    N(STATX_BASIC_STATS),
    N(STATX_TYPE),   N(STATX_MODE),   N(STATX_NLINK),  N(STATX_UID),
    N(STATX_GID),    N(STATX_ATIME),  N(STATX_MTIME),  N(STATX_CTIME),
    N(STATX_INO),    N(STATX_SIZE),   N(STATX_BLOCKS), N(STATX_BTIME),
    N(STATX_MNT_ID), N(STATX_DIOALIGN),
    {0x4000, "STATX_MNT_ID_UNIQUE"},   // Linux 6.8
    {0x8000, "STATX_SUBVOL"},          // Linux 6.10
    {0x10000, "STATX_WRITE_ATOMIC"},   // Linux 6.11
    {0x20000, "STATX_DIO_READ_ALIGN"}, // Linux 6.14
};

// linux/stat.h: stx_attributes, in strace's order.
constexpr Name kStatxAttributes[] = {
    N(STATX_ATTR_COMPRESSED), N(STATX_ATTR_IMMUTABLE), N(STATX_ATTR_APPEND),     N(STATX_ATTR_NODUMP),
    N(STATX_ATTR_ENCRYPTED),  N(STATX_ATTR_AUTOMOUNT), N(STATX_ATTR_MOUNT_ROOT), N(STATX_ATTR_VERITY),
    N(STATX_ATTR_DAX),        {0x00400000, "STATX_ATTR_WRITE_ATOMIC"},  // Linux 6.11
};

// struct sigaction's sa_flags: x86_64 values, in strace's sigact_flags order.
constexpr Name kSigactionFlags[] = {
    {0x04000000, "SA_RESTORER"}, N(SA_ONSTACK),  N(SA_RESTART),   {0x20000000, "SA_INTERRUPT"},
    N(SA_NODEFER),               N(SA_RESETHAND), N(SA_SIGINFO),  N(SA_NOCLDSTOP),
    N(SA_NOCLDWAIT),
};

// linux/mount.h. The historical magic MS_MGC_VAL in the top 16 bits prints
// first, as in strace.
constexpr uint64_t kMsMgcVal = 0xc0ed0000;
constexpr uint64_t kMsMgcMask = 0xffff0000;
constexpr Name kMountFlags[] = {
    N(MS_RDONLY),     N(MS_NOSUID),     N(MS_NODEV),       N(MS_NOEXEC),
    N(MS_SYNCHRONOUS), N(MS_REMOUNT),   N(MS_MANDLOCK),    N(MS_DIRSYNC),
    N(MS_NOSYMFOLLOW), N(MS_NOATIME),   N(MS_NODIRATIME),  N(MS_BIND),
    N(MS_MOVE),       N(MS_REC),        N(MS_SILENT),      N(MS_POSIXACL),
    N(MS_UNBINDABLE), N(MS_PRIVATE),    N(MS_SLAVE),       N(MS_SHARED),
    N(MS_RELATIME),   N(MS_KERNMOUNT),  N(MS_I_VERSION),   N(MS_STRICTATIME),
    N(MS_LAZYTIME),   N(MS_SUBMOUNT),   N(MS_NOREMOTELOCK), N(MS_NOSEC),
    N(MS_BORN),       N(MS_ACTIVE),     N(MS_NOUSER),
};

// include/linux/fs.h (kernel-internal header; glibc's sys/mount.h has them).
constexpr Name kUmountFlags[] = {
    {1, "MNT_FORCE"}, {2, "MNT_DETACH"}, {4, "MNT_EXPIRE"}, {8, "UMOUNT_NOFOLLOW"},
};

// linux/falloc.h. FALLOC_FL_ALLOCATE_RANGE (0, Linux 6.13) is not named:
// strace prints a plain fallocate mode of 0 as 0.
constexpr Name kFallocateMode[] = {
    N(FALLOC_FL_KEEP_SIZE),      N(FALLOC_FL_PUNCH_HOLE),   N(FALLOC_FL_NO_HIDE_STALE),
    N(FALLOC_FL_COLLAPSE_RANGE), N(FALLOC_FL_ZERO_RANGE),   N(FALLOC_FL_INSERT_RANGE),
    N(FALLOC_FL_UNSHARE_RANGE),
    {0x80, "FALLOC_FL_WRITE_ZEROES"},  // Linux 6.17
};

// asm-generic/fcntl.h, strace's order (LOCK_RW before its two halves).
constexpr Name kFlockOp[] = {
    N(LOCK_SH), N(LOCK_EX), N(LOCK_NB), N(LOCK_UN),
    N(LOCK_MAND), N(LOCK_RW), N(LOCK_READ), N(LOCK_WRITE),
};

constexpr Name kXattrFlags[] = {N(XATTR_CREATE), N(XATTR_REPLACE)};

// include/linux/splice.h (kernel-internal; glibc's fcntl.h has them).
constexpr Name kSpliceFlags[] = {
    {1, "SPLICE_F_MOVE"}, {2, "SPLICE_F_NONBLOCK"}, {4, "SPLICE_F_MORE"}, {8, "SPLICE_F_GIFT"},
};

// linux/sched.h. SCHED_RESET_ON_FORK may be or-ed into the policy.
constexpr uint64_t kSchedResetOnFork = 0x40000000;
constexpr Name kSchedPolicy[] = {
    N(SCHED_OTHER), N(SCHED_FIFO), N(SCHED_RR), N(SCHED_BATCH),
    {4, "SCHED_ISO"},  // reserved, never implemented
    N(SCHED_IDLE), N(SCHED_DEADLINE),
    {7, "SCHED_EXT"},  // Linux 6.12
};

constexpr Name kPriorityWhich[] = {N(PRIO_PROCESS), N(PRIO_PGRP), N(PRIO_USER)};

constexpr Name kItimerWhich[] = {N(ITIMER_REAL), N(ITIMER_VIRTUAL), N(ITIMER_PROF)};

// linux/ptrace.h, asm/ptrace-abi.h (x86_64). strace spells 3 and 6 PEEKUSER
// and POKEUSER (the headers say PEEKUSR/POKEUSR).
constexpr Name kPtraceRequest[] = {
    N(PTRACE_TRACEME),    N(PTRACE_PEEKTEXT),   N(PTRACE_PEEKDATA),
    {3, "PTRACE_PEEKUSER"}, N(PTRACE_POKETEXT), N(PTRACE_POKEDATA),
    {6, "PTRACE_POKEUSER"}, N(PTRACE_CONT),     N(PTRACE_KILL),
    N(PTRACE_SINGLESTEP), N(PTRACE_GETREGS),    N(PTRACE_SETREGS),
    N(PTRACE_GETFPREGS),  N(PTRACE_SETFPREGS),  N(PTRACE_ATTACH),
    N(PTRACE_DETACH),     N(PTRACE_GETFPXREGS), N(PTRACE_SETFPXREGS),
    N(PTRACE_OLDSETOPTIONS), N(PTRACE_SYSCALL), N(PTRACE_GET_THREAD_AREA),
    N(PTRACE_SET_THREAD_AREA), N(PTRACE_ARCH_PRCTL), N(PTRACE_SYSEMU),
    N(PTRACE_SYSEMU_SINGLESTEP), N(PTRACE_SINGLEBLOCK),
    N(PTRACE_SETOPTIONS), N(PTRACE_GETEVENTMSG), N(PTRACE_GETSIGINFO),
    N(PTRACE_SETSIGINFO), N(PTRACE_GETREGSET),  N(PTRACE_SETREGSET),
    N(PTRACE_SEIZE),      N(PTRACE_INTERRUPT),  N(PTRACE_LISTEN),
    N(PTRACE_PEEKSIGINFO), N(PTRACE_GETSIGMASK), N(PTRACE_SETSIGMASK),
    N(PTRACE_SECCOMP_GET_FILTER), N(PTRACE_SECCOMP_GET_METADATA),
    N(PTRACE_GET_SYSCALL_INFO), N(PTRACE_GET_RSEQ_CONFIGURATION),
    {0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG"},  // Linux 6.11
    {0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG"},  // Linux 6.11
    {0x4212, "PTRACE_SET_SYSCALL_INFO"},                  // Linux 6.16
};

constexpr Name kSeccompOp[] = {
    N(SECCOMP_SET_MODE_STRICT), N(SECCOMP_SET_MODE_FILTER),
    N(SECCOMP_GET_ACTION_AVAIL), N(SECCOMP_GET_NOTIF_SIZES),
};

// linux/bpf.h, enum bpf_cmd.
constexpr Name kBpfCmd[] = {
    N(BPF_MAP_CREATE),          N(BPF_MAP_LOOKUP_ELEM),      N(BPF_MAP_UPDATE_ELEM),
    N(BPF_MAP_DELETE_ELEM),     N(BPF_MAP_GET_NEXT_KEY),     N(BPF_PROG_LOAD),
    N(BPF_OBJ_PIN),             N(BPF_OBJ_GET),              N(BPF_PROG_ATTACH),
    N(BPF_PROG_DETACH),         N(BPF_PROG_TEST_RUN),        N(BPF_PROG_GET_NEXT_ID),
    N(BPF_MAP_GET_NEXT_ID),     N(BPF_PROG_GET_FD_BY_ID),    N(BPF_MAP_GET_FD_BY_ID),
    N(BPF_OBJ_GET_INFO_BY_FD),  N(BPF_PROG_QUERY),           N(BPF_RAW_TRACEPOINT_OPEN),
    N(BPF_BTF_LOAD),            N(BPF_BTF_GET_FD_BY_ID),     N(BPF_TASK_FD_QUERY),
    N(BPF_MAP_LOOKUP_AND_DELETE_ELEM), N(BPF_MAP_FREEZE),    N(BPF_BTF_GET_NEXT_ID),
    N(BPF_MAP_LOOKUP_BATCH),    N(BPF_MAP_LOOKUP_AND_DELETE_BATCH),
    N(BPF_MAP_UPDATE_BATCH),    N(BPF_MAP_DELETE_BATCH),     N(BPF_LINK_CREATE),
    N(BPF_LINK_UPDATE),         N(BPF_LINK_GET_FD_BY_ID),    N(BPF_LINK_GET_NEXT_ID),
    N(BPF_ENABLE_STATS),        N(BPF_ITER_CREATE),          N(BPF_LINK_DETACH),
    N(BPF_PROG_BIND_MAP),
    {36, "BPF_TOKEN_CREATE"},            // Linux 6.9
    {37, "BPF_PROG_STREAM_READ_BY_FD"},  // Linux 6.17
};

constexpr Name kKcmpType[] = {
    N(KCMP_FILE), N(KCMP_VM), N(KCMP_FILES), N(KCMP_FS),
    N(KCMP_SIGHAND), N(KCMP_IO), N(KCMP_SYSVSEM), N(KCMP_EPOLL_TFD),
};

constexpr Name kMlockFlags[] = {N(MLOCK_ONFAULT)};

// linux/membarrier.h: the commands are single bits but membarrier takes one.
constexpr Name kMembarrierCmd[] = {
    N(MEMBARRIER_CMD_QUERY),
    N(MEMBARRIER_CMD_GLOBAL),
    N(MEMBARRIER_CMD_GLOBAL_EXPEDITED),
    N(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED),
    N(MEMBARRIER_CMD_PRIVATE_EXPEDITED),
    N(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED),
    N(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE),
    N(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE),
    N(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ),
    N(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ),
    {1 << 9, "MEMBARRIER_CMD_GET_REGISTRATIONS"},  // Linux 6.3
};

constexpr Name kCloseRangeFlags[] = {N(CLOSE_RANGE_UNSHARE), N(CLOSE_RANGE_CLOEXEC)};

// linux/pidfd.h: PIDFD_THREAD is O_EXCL (Linux 6.9).
constexpr Name kPidfdFlags[] = {N(PIDFD_NONBLOCK), {O_EXCL, "PIDFD_THREAD"}};

constexpr Name kSignalfdFlags[] = {N(SFD_CLOEXEC), N(SFD_NONBLOCK)};

// linux/personality.h. The type is the low byte; strace looks it up on its
// own, so only the types without flag bits of their own can match.
constexpr uint64_t kPerMask = 0xff;  // PER_MASK
constexpr Name kPersonalityType[] = {
    N(PER_LINUX), N(PER_BSD), N(PER_LINUX32), N(PER_RISCOS),
    N(PER_OSF4),  N(PER_HPUX), N(PER_MASK),
};
constexpr Name kPersonalityFlags[] = {
    N(UNAME26),         N(ADDR_NO_RANDOMIZE), N(FDPIC_FUNCPTRS),
    N(MMAP_PAGE_ZERO),  N(ADDR_COMPAT_LAYOUT), N(READ_IMPLIES_EXEC),
    N(ADDR_LIMIT_32BIT), N(SHORT_INODE),      N(WHOLE_SECONDS),
    N(STICKY_TIMEOUTS), N(ADDR_LIMIT_3GB),
};

// include/linux/syslog.h (kernel-internal)
constexpr Name kSyslogAction[] = {
    {0, "SYSLOG_ACTION_CLOSE"},        {1, "SYSLOG_ACTION_OPEN"},
    {2, "SYSLOG_ACTION_READ"},         {3, "SYSLOG_ACTION_READ_ALL"},
    {4, "SYSLOG_ACTION_READ_CLEAR"},   {5, "SYSLOG_ACTION_CLEAR"},
    {6, "SYSLOG_ACTION_CONSOLE_OFF"},  {7, "SYSLOG_ACTION_CONSOLE_ON"},
    {8, "SYSLOG_ACTION_CONSOLE_LEVEL"}, {9, "SYSLOG_ACTION_SIZE_UNREAD"},
    {10, "SYSLOG_ACTION_SIZE_BUFFER"},
};

// linux/reboot.h; the magic numbers are compared as unsigned 32-bit.
constexpr Name kRebootCmd[] = {
    N(LINUX_REBOOT_CMD_RESTART),   N(LINUX_REBOOT_CMD_HALT),
    N(LINUX_REBOOT_CMD_CAD_ON),    N(LINUX_REBOOT_CMD_CAD_OFF),
    N(LINUX_REBOOT_CMD_POWER_OFF), N(LINUX_REBOOT_CMD_RESTART2),
    N(LINUX_REBOOT_CMD_SW_SUSPEND), N(LINUX_REBOOT_CMD_KEXEC),
};

// quotactl's cmd is QCMD(cmd, type) = cmd << 8 | type. The table holds the
// command part (cmd >> 8): the old v1/v2 interface numbers as strace knows
// them, the generic Q_* (0x8000xx) and the XFS Q_X* ('X' << 8 | n).
constexpr unsigned kQcmdShift = 8;  // SUBCMDSHIFT
constexpr uint64_t kQcmdMask = 0xff;  // SUBCMDMASK
constexpr uint64_t old_qcmd(uint64_t n) { return n << kQcmdShift; }
constexpr Name kQuotaCmd[] = {
    {old_qcmd(0x1), "Q_V1_QUOTAON"},  {old_qcmd(0x2), "Q_V1_QUOTAOFF"},
    {old_qcmd(0x3), "Q_V1_GETQUOTA"}, {old_qcmd(0x4), "Q_V1_SETQUOTA"},
    {old_qcmd(0x5), "Q_V1_SETUSE"},   {old_qcmd(0x6), "Q_V1_SYNC"},
    {old_qcmd(0x7), "Q_SETQLIM"},     {old_qcmd(0x8), "Q_V1_GETSTATS"},
    {old_qcmd(0x10), "Q_V1_RSQUASH"},
    {old_qcmd(0xD), "Q_V2_GETQUOTA"}, {old_qcmd(0xE), "Q_V2_SETQUOTA"},
    {old_qcmd(0xF), "Q_V2_SETUSE"},   {old_qcmd(0x9), "Q_V2_GETINFO"},
    {old_qcmd(0xA), "Q_V2_SETINFO"},  {old_qcmd(0xB), "Q_V2_SETGRACE"},
    {old_qcmd(0xC), "Q_V2_SETFLAGS"}, {old_qcmd(0x11), "Q_V2_GETSTATS"},
    N(Q_SYNC),      N(Q_QUOTAON),   N(Q_QUOTAOFF),  N(Q_GETFMT),
    N(Q_GETINFO),   N(Q_SETINFO),   N(Q_GETQUOTA),  N(Q_SETQUOTA),
    N(Q_GETNEXTQUOTA),
    N(Q_XQUOTAON),  N(Q_XQUOTAOFF), N(Q_XGETQUOTA), N(Q_XSETQLIM),
    N(Q_XGETQSTAT), N(Q_XQUOTARM),  N(Q_XQUOTASYNC), N(Q_XGETQSTATV),
    N(Q_XGETNEXTQUOTA),
};
constexpr Name kQuotaType[] = {N(USRQUOTA), N(GRPQUOTA), N(PRJQUOTA)};

// linux/keyctl.h
constexpr Name kKeyctlCmd[] = {
    N(KEYCTL_GET_KEYRING_ID),   N(KEYCTL_JOIN_SESSION_KEYRING), N(KEYCTL_UPDATE),
    N(KEYCTL_REVOKE),           N(KEYCTL_CHOWN),           N(KEYCTL_SETPERM),
    N(KEYCTL_DESCRIBE),         N(KEYCTL_CLEAR),           N(KEYCTL_LINK),
    N(KEYCTL_UNLINK),           N(KEYCTL_SEARCH),          N(KEYCTL_READ),
    N(KEYCTL_INSTANTIATE),      N(KEYCTL_NEGATE),          N(KEYCTL_SET_REQKEY_KEYRING),
    N(KEYCTL_SET_TIMEOUT),      N(KEYCTL_ASSUME_AUTHORITY), N(KEYCTL_GET_SECURITY),
    N(KEYCTL_SESSION_TO_PARENT), N(KEYCTL_REJECT),         N(KEYCTL_INSTANTIATE_IOV),
    N(KEYCTL_INVALIDATE),       N(KEYCTL_GET_PERSISTENT),  N(KEYCTL_DH_COMPUTE),
    N(KEYCTL_PKEY_QUERY),       N(KEYCTL_PKEY_ENCRYPT),    N(KEYCTL_PKEY_DECRYPT),
    N(KEYCTL_PKEY_SIGN),        N(KEYCTL_PKEY_VERIFY),     N(KEYCTL_RESTRICT_KEYRING),
    N(KEYCTL_MOVE),             N(KEYCTL_CAPABILITIES),    N(KEYCTL_WATCH_KEY),
};

#undef N

// ---------------------------------------------------------------------------
// Families with more than one field.

uint64_t low32(uint64_t value) { return value & 0xffffffffu; }

// O_RDONLY|O_CLOEXEC: the access mode always prints (0 is O_RDONLY), then
// the flags.
void format_open_flags(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    put(out, kOpenAccess[value & O_ACCMODE].name);
    value &= ~static_cast<uint64_t>(O_ACCMODE);
    if (value != 0) {
        put(out, "|");
        print_flags(kOpenFlags, value, out);
    }
}

// N<<SHIFT for a MAP_HUGE_*/MFD_HUGE_* page size field.
void put_huge(uint64_t huge, std::string_view shift_name, fmt::memory_buffer& out) {
    fmt::format_to(std::back_inserter(out), "{}<<{}", huge >> kHugeShift, shift_name);
}

// MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT. strace reads the flags as an
// unsigned int, so do we; an unknown map type prints in hex (0x4|MAP_FIXED).
void format_mmap_flags(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    if (const Name* type = find(kMmapType, value & kMapType))
        put(out, type->name);
    else
        put_hex(out, value & kMapType);
    value &= ~kMapType;
    const uint64_t huge = value & (kHugeMask << kHugeShift);
    value &= ~huge;
    if (value != 0) {
        put(out, "|");
        print_flags(kMmapFlags, value, out);
    }
    if (huge != 0) {
        put(out, "|");
        put_huge(huge, "MAP_HUGE_SHIFT", out);
    }
}

// CLONE_VM|CLONE_FS|...|SIGCHLD: the low byte is the exit signal, by name
// (kernel numbering, as strace: signal_name()); unnamed ones in decimal.
void format_clone_flags(uint64_t value, fmt::memory_buffer& out) {
    const uint64_t sig = value & kCloneSignal;
    const uint64_t flags = value & ~kCloneSignal;
    if (flags == 0) {
        format_signal(static_cast<int>(sig), out);  // "0" when there is no signal either
        return;
    }
    print_flags(kCloneFlags, flags, out);
    if (sig != 0) {
        put(out, "|");
        format_signal(static_cast<int>(sig), out);
    }
}

// SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK. An unknown type is left among the
// unnamed bits (SOCK_CLOEXEC|0x7), as strace does.
void format_socket_type(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    if (const Name* type = find(kSocketTypes, value & kSockTypeMask)) {
        put(out, type->name);
        value &= ~kSockTypeMask;
        if (value == 0)
            return;
        put(out, "|");
    }
    print_flags(kSocketTypeFlags, value, out);
}

// FUTEX_WAIT_PRIVATE, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME,
// FUTEX_FD|FUTEX_PRIVATE_FLAG (FD has no _PRIVATE name). strace looks the
// whole op up in a table of exactly these combinations; composing gives the
// same text for all of them and still names the parts of the odd ones
// (FUTEX_WAKE|FUTEX_CLOCK_REALTIME, which strace prints as hex). An unknown
// command prints the whole op as a number, like other enumerations.
void format_futex_op(uint64_t value, fmt::memory_buffer& out) {
    const auto op = static_cast<uint32_t>(value);
    const Name* cmd = find(kFutexCmd, op & FUTEX_CMD_MASK);
    if (cmd == nullptr) {
        put_dec(out, static_cast<int32_t>(op));
        return;
    }
    put(out, cmd->name);
    if (op & FUTEX_PRIVATE_FLAG)
        put(out, (op & FUTEX_CMD_MASK) == FUTEX_FD ? "|FUTEX_PRIVATE_FLAG" : "_PRIVATE");
    if (op & FUTEX_CLOCK_REALTIME)
        put(out, "|FUTEX_CLOCK_REALTIME");
}

// SCHED_FIFO|SCHED_RESET_ON_FORK. (strace 6.1 prints policies carrying the
// reset bit as 0x40000001 /* SCHED_??? */; we name both parts.)
void format_sched_policy(uint64_t value, fmt::memory_buffer& out) {
    const auto v = static_cast<uint32_t>(value);
    const uint32_t policy = v & ~static_cast<uint32_t>(kSchedResetOnFork);
    if ((v & kSchedResetOnFork) == 0 || find(kSchedPolicy, policy) == nullptr) {
        print_enum(kSchedPolicy, v, out);
        return;
    }
    put(out, find(kSchedPolicy, policy)->name);
    put(out, "|SCHED_RESET_ON_FORK");
}

// MS_MGC_VAL|MS_RDONLY|MS_BIND
void format_mount_flags(uint64_t value, fmt::memory_buffer& out) {
    if ((value & kMsMgcMask) == kMsMgcVal) {
        put(out, "MS_MGC_VAL");
        value &= ~kMsMgcMask;
        if (value == 0)
            return;
        put(out, "|");
    }
    print_flags(kMountFlags, value, out);
}

// MFD_CLOEXEC|MFD_HUGETLB|30<<MFD_HUGE_SHIFT
void format_memfd_flags(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    const uint64_t huge = value & (kHugeMask << kHugeShift);
    value &= ~huge;
    if (value != 0 || huge == 0)
        print_flags(kMemfdFlags, value, out);
    if (huge != 0) {
        if (value != 0)
            put(out, "|");
        put_huge(huge, "MFD_HUGE_SHIFT", out);
    }
}

// PER_LINUX32|ADDR_NO_RANDOMIZE; 0xffffffff is the "query" value and prints
// as is, like strace. An unknown type prints in hex.
void format_personality(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    if (value == 0xffffffff) {
        put_hex(out, value);
        return;
    }
    if (const Name* type = find(kPersonalityType, value & kPerMask))
        put(out, type->name);
    else
        put_hex(out, value & kPerMask);
    value &= ~kPerMask;
    if (value != 0) {
        put(out, "|");
        print_flags(kPersonalityFlags, value, out);
    }
}

// QCMD(Q_GETQUOTA, USRQUOTA); unknown parts in hex.
void format_quotactl_cmd(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    put(out, "QCMD(");
    if (const Name* cmd = find(kQuotaCmd, value >> kQcmdShift))
        put(out, cmd->name);
    else
        put_hex(out, value >> kQcmdShift);
    put(out, ", ");
    if (const Name* type = find(kQuotaType, value & kQcmdMask))
        put(out, type->name);
    else
        put_hex(out, value & kQcmdMask);
    put(out, ")");
}

// syslog(2)'s action: its names are kernel-internal, so strace leads with
// the number: 2 /* SYSLOG_ACTION_READ */. Unknown: the number alone.
void format_syslog_action(uint64_t value, fmt::memory_buffer& out) {
    const auto v = static_cast<uint32_t>(value);
    put_dec(out, static_cast<int32_t>(v));
    if (const Name* entry = find(kSyslogAction, v)) {
        put(out, " /* ");
        put(out, entry->name);
        put(out, " */");
    }
}

// TCGETS, or the number in hex.
void format_ioctl_cmd(uint64_t value, fmt::memory_buffer& out) {
    value = low32(value);
    if (const Name* entry = find(kIoctlCmd, value))
        put(out, entry->name);
    else
        put_hex(out, value);
}

}  // namespace

std::string_view family_name(Family family) {
    switch (family) {
#define BTRACE_FAMILY_NAME(name, is_flags) \
    case Family::name:                     \
        return #name;
        BTRACE_FAMILIES(BTRACE_FAMILY_NAME)
#undef BTRACE_FAMILY_NAME
    }
    return "?";
}

// The switch names every family (-Wswitch flags a new one left out). Flag
// sets of int arguments look at the low 32 bits; those of unsigned long
// arguments (mprotect, mremap, clone, unshare, mount) at all 64, as strace
// does (mmap's flags too are unsigned long, but strace reads 32 bits).
void format_family(Family family, uint64_t value, fmt::memory_buffer& out) {
    switch (family) {
    case Family::OpenFlags:        return format_open_flags(value, out);
    case Family::FdFlags:          return print_flags(kOpenFlags, low32(value), out);  // no access mode
    case Family::AtFlags:          return print_flags(kAtFlags, low32(value), out);
    case Family::AccessAtFlags:    return print_flags(kAccessAtFlags, low32(value), out);
    case Family::AccessMode:       return print_flags(kAccessMode, low32(value), out);
    case Family::MmapProt:         return print_flags(kMmapProt, value, out);
    case Family::MmapFlags:        return format_mmap_flags(value, out);
    case Family::MremapFlags:      return print_flags(kMremapFlags, value, out);
    case Family::MsyncFlags:       return print_flags(kMsyncFlags, low32(value), out);
    case Family::MadviseAdvice:    return print_enum(kMadvise, value, out);
    case Family::CloneFlags:       return format_clone_flags(value, out);
    case Family::UnshareFlags:     return print_flags(kUnshareFlags, value, out);
    case Family::SocketDomain:     return print_enum(kSocketDomain, value, out);
    case Family::SocketType:       return format_socket_type(value, out);
    case Family::IpProtocol:       return print_enum(kIpProtocol, value, out);
    case Family::MsgFlags:         return print_flags(kMsgFlags, low32(value), out);
    case Family::ShutdownHow:      return print_enum(kShutdownHow, value, out);
    case Family::SockoptLevel:     return print_enum(kSockoptLevel, value, out);
    case Family::FcntlCmd:         return print_enum(kFcntlCmd, value, out);
    case Family::IoctlCmd:         return format_ioctl_cmd(value, out);
    // struct pollfd's events is a short: 16 bits.
    case Family::PollEvents:       return print_flags(kPollEvents, value & 0xffff, out);
    case Family::EpollEvents:      return print_flags(kEpollEvents, low32(value), out);
    case Family::EpollCtlOp:       return print_enum(kEpollCtlOp, value, out);
    case Family::LseekWhence:      return print_enum(kLseekWhence, value, out);
    case Family::FutexOp:          return format_futex_op(value, out);
    case Family::PrctlOption:      return print_enum(kPrctlOption, value, out);
    case Family::ArchPrctlCode:    return print_enum(kArchPrctlCode, value, out);
    case Family::RlimitResource:   return print_enum(kRlimitResource, value, out);
    case Family::ClockId:          return print_enum(kClockId, value, out);
    case Family::TimerFlags:       return print_flags(kTimerFlags, low32(value), out);
    case Family::WaitOptions:      return print_flags(kWaitOptions, low32(value), out);
    case Family::IdType:           return print_enum(kIdType, value, out);
    case Family::SigprocmaskHow:   return print_enum(kSigprocmaskHow, value, out);
    case Family::FadviseAdvice:    return print_enum(kFadviseAdvice, value, out);
    case Family::GetrandomFlags:   return print_flags(kGetrandomFlags, low32(value), out);
    case Family::EventfdFlags:     return print_flags(kEventfdFlags, low32(value), out);
    case Family::MemfdFlags:       return format_memfd_flags(value, out);
    case Family::TimerfdFlags:     return print_flags(kTimerfdFlags, low32(value), out);
    case Family::InotifyMask:      return print_flags(kInotifyMask, low32(value), out);
    case Family::RenameFlags:      return print_flags(kRenameFlags, low32(value), out);
    case Family::StatxMask:        return print_flags(kStatxMask, low32(value), out);
    case Family::MountFlags:       return format_mount_flags(value, out);
    case Family::UmountFlags:      return print_flags(kUmountFlags, low32(value), out);
    case Family::FallocateMode:    return print_flags(kFallocateMode, low32(value), out);
    case Family::FlockOp:          return print_flags(kFlockOp, low32(value), out);
    case Family::XattrFlags:       return print_flags(kXattrFlags, low32(value), out);
    case Family::SpliceFlags:      return print_flags(kSpliceFlags, low32(value), out);
    case Family::SchedPolicy:      return format_sched_policy(value, out);
    case Family::PriorityWhich:    return print_enum(kPriorityWhich, value, out);
    case Family::ItimerWhich:      return print_enum(kItimerWhich, value, out);
    case Family::PtraceRequest:    return print_enum(kPtraceRequest, value, out);
    case Family::SeccompOp:        return print_enum(kSeccompOp, value, out);
    case Family::BpfCmd:           return print_enum(kBpfCmd, value, out);
    case Family::KcmpType:         return print_enum(kKcmpType, value, out);
    case Family::MlockFlags:       return print_flags(kMlockFlags, low32(value), out);
    case Family::MembarrierCmd:    return print_enum(kMembarrierCmd, value, out);
    case Family::CloseRangeFlags:  return print_flags(kCloseRangeFlags, low32(value), out);
    case Family::PidfdFlags:       return print_flags(kPidfdFlags, low32(value), out);
    case Family::SignalfdFlags:    return print_flags(kSignalfdFlags, low32(value), out);
    case Family::PersonalityFlags: return format_personality(value, out);
    case Family::SyslogAction:     return format_syslog_action(value, out);
    case Family::RebootCmd:        return print_enum(kRebootCmd, value, out);
    case Family::QuotactlCmd:      return format_quotactl_cmd(value, out);
    case Family::KeyctlCmd:        return print_enum(kKeyctlCmd, value, out);
    case Family::SigactionFlags:   return print_flags(kSigactionFlags, value, out);  // unsigned long
    case Family::StatxAttributes:  return print_flags(kStatxAttributes, value, out);
    case Family::DescriptorFlags:  return print_flags(kDescriptorFlags, low32(value), out);
    case Family::FutexBitset:      return print_flags(kFutexBitset, low32(value), out);
    case Family::Capability:       return format_capability(value, out);
    case Family::StatxFlags:       return format_statx_flags(value, out);
    case Family::EpollCreateFlags: return print_flags(kEpollCreateFlags, low32(value), out);
    case Family::PkeyAccess:       return print_flags(kPkeyAccess, low32(value), out);
    case Family::StatfsFlags:      return print_flags(kStatfsFlags, value, out);
    case Family::SigaltstackFlags: return print_flags(kSigaltstackFlags, low32(value), out);
    case Family::RusageWho:        return print_enum(kRusageWho, value, out);
    case Family::TermIflags:       return print_flags(kTermIflags, low32(value), out);
    case Family::TermOflags:       return format_term_oflags(low32(value), out);
    case Family::TermCflags:       return format_term_cflags(low32(value), out);
    case Family::TermLflags:       return print_flags(kTermLflags, low32(value), out);
    }
    // Not a Family value: show the number rather than nothing.
    put_hex(out, value);
}

void format_sockopt_name(uint64_t level, uint64_t optname, fmt::memory_buffer& out) {
    print_enum(names_by(kSockoptNames, level), optname, out);  // an unknown level: the number
}

void format_si_code(int signo, int code, fmt::memory_buffer& out) {
    const Table names = code > 0 && code != 0x80 ? names_by(kSiCodesBySignal, signo) : Table(kSiCodes);
    if (const Name* entry = find(names, static_cast<uint32_t>(code)))
        put(out, entry->name);
    else
        put_hex(out, static_cast<uint32_t>(code));  // as strace shows an unknown code
}

void format_socket_protocol(uint64_t family, uint64_t protocol, fmt::memory_buffer& out) {
    switch (static_cast<uint32_t>(family)) {
    case AF_INET: case AF_INET6: return print_enum(kIpProtocol, protocol, out);
    case AF_NETLINK: return print_enum(kNetlinkProtocol, protocol, out);
    default: put_dec(out, static_cast<int32_t>(protocol)); return;  // AF_UNIX and the rest: a number, as strace
    }
}

std::string_view address_family_name(uint64_t family) {
    const Name* entry = find(kSocketDomain, family);
    return entry ? entry->name : std::string_view{};
}

}  // namespace btrace::decode
