// SPDX-License-Identifier: Apache-2.0
#include "decode/structs.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <fmt/compile.h>

#include <algorithm>
#include <array>
#include <bit>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <iterator>
#include <string_view>

#include "decode/errno.h"
#include "decode/families.h"
#include "decode/put.h"
#include "decode/utf8.h"

namespace btrace::decode {

namespace {

using Bytes = std::span<const uint8_t>;

// Kernel layouts. glibc's struct stat, struct statx and struct epoll_event
// are the kernel's byte for byte (x86_64: stat is 144 bytes and epoll_event
// packed to 12, as the BTRACE_STRUCTS sizes say; arm64's stat is 128 bytes
// and its epoll_event 16, which offsetof/sizeof below follow).
#if defined(__x86_64__)
static_assert(sizeof(struct stat) == 144);
static_assert(sizeof(struct epoll_event) == 12);
#endif
static_assert(sizeof(struct statx) == 256);
static_assert(sizeof(struct sockaddr_in) == 16);
static_assert(sizeof(struct sockaddr_in6) == 28);
static_assert(sizeof(struct sockaddr_un) == 110);
static_assert(sizeof(struct sockaddr_nl) == 12);
static_assert(sizeof(struct sockaddr_storage) == 128);

constexpr std::size_t kStatMode = offsetof(struct stat, st_mode);
constexpr std::size_t kStatRdev = offsetof(struct stat, st_rdev);
constexpr std::size_t kStatSize = offsetof(struct stat, st_size);
constexpr std::size_t kStatxMask = offsetof(struct statx, stx_mask);
constexpr std::size_t kStatxAttributes = offsetof(struct statx, stx_attributes);
constexpr std::size_t kStatxMode = offsetof(struct statx, stx_mode);
constexpr std::size_t kStatxSize = offsetof(struct statx, stx_size);
constexpr std::size_t kEpollEvents = offsetof(struct epoll_event, events);
constexpr std::size_t kEpollData = offsetof(struct epoll_event, data);
constexpr std::size_t kEpollEventSize = sizeof(struct epoll_event);

// The kernel's struct sigaction (x86_64, arm64): handler, flags, restorer, mask.
constexpr std::size_t kSaHandlerOff = 0, kSaFlagsOff = 8, kSaRestorerOff = 16, kSaMaskOff = 24;
constexpr uint64_t kSaRestorerFlag = 0x04000000;

// struct new_utsname: six char[65].
constexpr std::size_t kUtsField = 65;

// strace prints at most this many array elements by default (-s 32).
constexpr std::size_t kMaxArrayElements = 32;

// format is always an FMT_COMPILE string.
template <typename Format, typename... Args>
void put_fmt(fmt::memory_buffer& out, const Format& format, const Args&... args) {
    fmt::format_to(std::back_inserter(out), format, args...);
}

// Copies a T out of bytes at off; false when the bytes do not cover it.
template <typename T>
bool load(Bytes bytes, std::size_t off, T& value) {
    if (off > bytes.size() || bytes.size() - off < sizeof(T))
        return false;
    std::memcpy(&value, bytes.data() + off, sizeof(T));
    return true;
}

// ---------------------------------------------------------------- strings

bool is_octal_digit(uint8_t c) { return c >= '0' && c <= '7'; }

// What quote_body escapes beyond strace's string body: fd names sit between
// < and >, so strace -yy escapes those too, but for the "->" that btrace's
// own socket names use (TCP a->b, UNIX ->peer); JSON keeps valid UTF-8 (but
// not C1 controls, which terminals obey) as characters where strace prints octal.
struct QuoteStyle {
    bool angle_brackets = false;
    bool utf8 = false;
};

// The length of a printable UTF-8 character at the start of bytes, 0 if none.
std::size_t printable_utf8(Bytes bytes) {
    const std::size_t length = utf8_sequence_length(bytes);
    const bool c1_control = length == 2 && bytes[0] == 0xc2 && bytes[1] < 0xa0;
    return length > 1 && !c1_control ? length : 0;
}

// strace's string_quote body (no quotes): the lookahead for 3-digit octal
// only sees bytes inside the span, as strace only sees the printed size.
// Written through one reservation of the worst case (every byte as \ooo):
// binary data escapes nearly every byte.
template <QuoteStyle style>
void quote_body(Bytes bytes, fmt::memory_buffer& out) {
    static constexpr char kDigits[] = "01234567";
    const std::size_t n = bytes.size();
    char* at = reserve(out, 4 * n);
    for (std::size_t i = 0; i < n;) {
        const uint8_t c = bytes[i++];
        if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' &&
            !(style.angle_brackets && (c == '<' || (c == '>' && !(i >= 2 && bytes[i - 2] == '-'))))) {
            *at++ = static_cast<char>(c);
            continue;
        }
        if constexpr (style.utf8) {
            if (const std::size_t length = c >= 0x80 ? printable_utf8(bytes.subspan(i - 1)) : 0) {
                at = std::copy_n(bytes.data() + i - 1, length, at);  // at most 4 bytes for the 4 reserved
                i += length - 1;
                continue;
            }
        }
        *at++ = '\\';
        switch (c) {
        case '"': *at++ = '"'; continue;
        case '\\': *at++ = '\\'; continue;
        case '\t': *at++ = 't'; continue;
        case '\n': *at++ = 'n'; continue;
        case '\v': *at++ = 'v'; continue;
        case '\f': *at++ = 'f'; continue;
        case '\r': *at++ = 'r'; continue;
        default: break;
        }
        // Octal, three digits when an octal digit follows (i is the next byte).
        const bool digit_follows = i < n && is_octal_digit(bytes[i]);
        if (digit_follows || c >= 0100) {
            *at++ = kDigits[c >> 6];
            *at++ = kDigits[(c >> 3) & 7];
        } else if (c >= 010) {
            *at++ = kDigits[c >> 3];
        }
        *at++ = kDigits[c & 7];
    }
    commit(out, at);
}

template <QuoteStyle style = QuoteStyle{}>
void quote(Bytes bytes, fmt::memory_buffer& out) {
    out.push_back('"');
    quote_body<style>(bytes, out);
    out.push_back('"');
}

// ---------------------------------------------------------------- flags

// ---------------------------------------------------------------- scalars

// strace's print_symbolic_mode_t (abbreviated style).
void symbolic_mode(uint32_t mode, fmt::memory_buffer& out) {
    std::string_view type;
    switch (mode & S_IFMT) {
    case 0: break;
    case S_IFREG: type = "S_IFREG"; break;
    case S_IFSOCK: type = "S_IFSOCK"; break;
    case S_IFIFO: type = "S_IFIFO"; break;
    case S_IFLNK: type = "S_IFLNK"; break;
    case S_IFDIR: type = "S_IFDIR"; break;
    case S_IFBLK: type = "S_IFBLK"; break;
    case S_IFCHR: type = "S_IFCHR"; break;
    default:  // an unknown file type: the whole value, raw
        put_octal(out, mode);
        return;
    }
    if (!type.empty()) {
        put(out, type);
        out.push_back('|');
    }
    if (mode & S_ISUID)
        put(out, "S_ISUID|");
    if (mode & S_ISGID)
        put(out, "S_ISGID|");
    if (mode & S_ISVTX)
        put(out, "S_ISVTX|");
    put_octal(out, mode & ~(S_IFMT | S_ISUID | S_ISGID | S_ISVTX));
}

void rlim(uint64_t value, fmt::memory_buffer& out) {
    if (value == UINT64_MAX)
        put(out, "RLIM64_INFINITY");
    else if (value > 1024 && value % 1024 == 0)
        put_fmt(out, FMT_COMPILE("{}*1024"), value / 1024);
    else
        put_udec(out, value);
}

// strace's signal names: no SIG prefix, kernel realtime numbering.
// Sigset members print without the SIG prefix: [INT TERM RTMIN RT_1].
void signal_abbrev(int sig, fmt::memory_buffer& out) {
    std::string_view name = signal_name(sig);
    if (name.starts_with("SIG"))
        put(out, name.substr(3));
    else
        put_dec(out, sig);
}

// strace's sprintsigmask_n for a 64-bit kernel sigset: the complement with
// "~" when at least 2/3 of the bits are set.
void print_sigmask(uint64_t mask, fmt::memory_buffer& out) {
    if (std::popcount(mask) >= 64 * 2 / 3) {
        out.push_back('~');
        mask = ~mask;
    }
    out.push_back('[');
    bool first = true;
    for (int bit = 0; bit < 64; ++bit) {
        if (!(mask & (uint64_t{1} << bit)))
            continue;
        if (!first)
            out.push_back(' ');
        signal_abbrev(bit + 1, out);
        first = false;
    }
    out.push_back(']');
}

// ---------------------------------------------------------------- structs

// Each struct printer prints the fields that are complete in order and, at
// the first one that is not, "..." in its place. It returns false then.

void elided(bool first, fmt::memory_buffer& out) { put(out, first ? "..." : ", ..."); }

void format_stat(Bytes b, fmt::memory_buffer& out) {
    out.push_back('{');
    uint32_t mode;
    if (!load(b, kStatMode, mode)) {
        put(out, "...}");
        return;
    }
    put(out, "st_mode=");
    symbolic_mode(mode, out);
    uint64_t value;
    const bool device = (mode & S_IFMT) == S_IFCHR || (mode & S_IFMT) == S_IFBLK;
    if (load(b, device ? kStatRdev : kStatSize, value)) {
        if (device) {
            put(out, ", st_rdev=makedev(");
            put_hex(out, major(value));
            put(out, ", ");
            put_hex(out, minor(value));
            out.push_back(')');
        } else {
            put_fmt(out, FMT_COMPILE(", st_size={}"), value);
        }
    }
    put(out, ", ...}");
}

void format_statx(Bytes b, fmt::memory_buffer& out) {
    out.push_back('{');
    uint32_t mask;
    uint64_t attributes, size;
    uint16_t mode;
    if (!load(b, kStatxMask, mask)) {
        put(out, "...}");
        return;
    }
    put(out, "stx_mask=");
    format_family(Family::StatxMask, mask, out);
    if (load(b, kStatxAttributes, attributes)) {
        put(out, ", stx_attributes=");
        format_family(Family::StatxAttributes, attributes, out);
        if (load(b, kStatxMode, mode)) {
            put(out, ", stx_mode=");
            symbolic_mode(mode, out);
            if (load(b, kStatxSize, size))
                put_fmt(out, FMT_COMPILE(", stx_size={}"), size);
        }
    }
    put(out, ", ...}");
}

// {tv_sec=S, tv_<frac>=N}: strace prints the seconds signed, the fraction
// unsigned. Returns false when incomplete.
bool format_time_pair(Bytes b, std::string_view frac, fmt::memory_buffer& out) {
    out.push_back('{');
    int64_t sec;
    uint64_t sub;
    if (!load(b, 0, sec)) {
        put(out, "...}");
        return false;
    }
    put_fmt(out, FMT_COMPILE("tv_sec={}"), sec);
    if (!load(b, 8, sub)) {
        put(out, ", ...}");
        return false;
    }
    put_fmt(out, FMT_COMPILE(", tv_{}={}}}"), frac, sub);
    return true;
}

// Two time pairs in a struct: {it_interval={...}, it_value={...}}.
void format_time_pairs(Bytes b, std::string_view first, std::string_view second, std::string_view frac,
                       fmt::memory_buffer& out) {
    if (b.empty()) {
        put(out, "{...}");
        return;
    }
    put_fmt(out, FMT_COMPILE("{{{}="), first);
    if (format_time_pair(b, frac, out)) {
        if (b.size() <= 16) {
            put(out, ", ...}");
            return;
        }
        put_fmt(out, FMT_COMPILE(", {}="), second);
        format_time_pair(b.subspan(16), frac, out);
    }
    out.push_back('}');
}

// utimensat's times: UTIME_NOW, UTIME_OMIT, or the time with the date it
// means as strace comments it: {tv_sec=1, tv_nsec=0} /* 1970-01-01T00:00:01+0000 */.
void format_utime(Bytes b, fmt::memory_buffer& out) {
    int64_t sec = 0;
    uint64_t nsec = 0;
    if (load(b, 8, nsec) && (nsec == UTIME_NOW || nsec == UTIME_OMIT)) {
        put(out, nsec == UTIME_NOW ? "UTIME_NOW" : "UTIME_OMIT");
        return;
    }
    if (!format_time_pair(b, "nsec", out) || !load(b, 0, sec) || nsec > 999'999'999)
        return;
    const time_t t = sec;
    struct tm tm;
    char date[64];
    if (t != sec || !localtime_r(&t, &tm) || !std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
        return;
    char zone[8];
    if (!std::strftime(zone, sizeof(zone), "%z", &tm))
        return;
    if (nsec)
        put_fmt(out, FMT_COMPILE(" /* {}.{:09}{} */"), std::string_view(date), nsec, std::string_view(zone));
    else
        put_fmt(out, FMT_COMPILE(" /* {}{} */"), std::string_view(date), std::string_view(zone));
}

void format_utimens(Bytes b, fmt::memory_buffer& out) {
    out.push_back('[');
    format_utime(b.first(std::min<std::size_t>(b.size(), 16)), out);
    put(out, ", ");
    if (b.size() > 16)
        format_utime(b.subspan(16), out);
    else
        put(out, "...");
    out.push_back(']');
}

void format_rusage(Bytes b, fmt::memory_buffer& out) {
    // Without -v strace shows the two times and elides the counters, which btrace does not capture.
    if (b.size() < 32) {
        put(out, "{...}");
        return;
    }
    put(out, "{ru_utime=");
    format_time_pair(b, "usec", out);
    put(out, ", ru_stime=");
    format_time_pair(b.subspan(16), "usec", out);
    put(out, ", ...}");
}

// As strace without -v: the four flag words, then "..." for c_line and c_cc.
// c_oflag and c_cflag always name their delay, speed and size values.
void format_termios(Bytes b, fmt::memory_buffer& out) {
    static constexpr std::pair<std::string_view, Family> kFlags[] = {
        {"c_iflag", Family::TermIflags}, {"c_oflag", Family::TermOflags},
        {"c_cflag", Family::TermCflags}, {"c_lflag", Family::TermLflags}};
    out.push_back('{');
    for (std::size_t i = 0; i < std::size(kFlags); ++i) {
        uint32_t flags;
        if (!load(b, i * sizeof(flags), flags)) {
            put(out, i ? ", ...}" : "...}");
            return;
        }
        put_fmt(out, FMT_COMPILE("{}{}="), i ? ", " : "", kFlags[i].first);
        if (flags || i == 1 || i == 2)  // strace prints no flags as nothing: "c_iflag=, "
            format_family(kFlags[i].second, flags, out);
    }
    put(out, ", ...}");
}

void format_gid(Bytes b, fmt::memory_buffer& out) {
    uint32_t gid;
    if (load(b, 0, gid))
        put_udec(out, gid);
    else
        put(out, "...");
}

// A CPU mask as strace shows it: the set CPUs, [0 1]; bits past the captured bytes as "...".
void format_cpu_mask(Bytes b, std::size_t bytes, fmt::memory_buffer& out) {
    bool first = true;
    out.push_back('[');
    for (std::size_t i = 0; i < b.size() * 8; ++i) {
        if (!(b[i / 8] & (1u << (i % 8))))  // the mask's longs are little-endian on x86_64 and arm64
            continue;
        if (!first)
            out.push_back(' ');
        first = false;
        put_udec(out, i);
    }
    if (b.size() < bytes)
        put(out, first ? "..." : " ...");
    out.push_back(']');
}

void format_rlimit(Bytes b, fmt::memory_buffer& out) {
    uint64_t cur, max;
    out.push_back('{');
    if (!load(b, 0, cur)) {
        put(out, "...}");
        return;
    }
    put(out, "rlim_cur=");
    rlim(cur, out);
    if (!load(b, 8, max)) {
        put(out, ", ...}");
        return;
    }
    put(out, ", rlim_max=");
    rlim(max, out);
    out.push_back('}');
}

void format_sigset(Bytes b, fmt::memory_buffer& out) {
    uint64_t mask;
    if (!load(b, 0, mask))
        put(out, "[...]");
    else
        print_sigmask(mask, out);
}

void format_sigaction(Bytes b, fmt::memory_buffer& out) {
    uint64_t handler = 0, sa_flags = 0, restorer = 0, mask = 0;
    out.push_back('{');
    if (!load(b, kSaHandlerOff, handler)) {
        put(out, "...}");
        return;
    }
    put(out, "sa_handler=");
    if (handler == 0)
        put(out, "SIG_DFL");
    else if (handler == 1)
        put(out, "SIG_IGN");
    else if (handler == UINT64_MAX)
        put(out, "SIG_ERR");
    else
        put_address(out, handler);
    if (!load(b, kSaMaskOff, mask)) {  // the mask is last in memory, second in print
        put(out, ", ...}");
        return;
    }
    put(out, ", sa_mask=");
    print_sigmask(mask, out);
    load(b, kSaFlagsOff, sa_flags);
    put(out, ", sa_flags=");
    format_family(Family::SigactionFlags, sa_flags, out);
    load(b, kSaRestorerOff, restorer);
    if (sa_flags & kSaRestorerFlag) {
        put(out, ", sa_restorer=");
        put_address(out, restorer);
    }
    out.push_back('}');
}

void format_fd_pair(Bytes b, fmt::memory_buffer& out) {
    int32_t fds[2];
    out.push_back('[');
    if (!load(b, 0, fds[0])) {
        put(out, "...]");
        return;
    }
    put_dec(out, fds[0]);
    if (load(b, 4, fds[1]))
        put_fmt(out, FMT_COMPILE(", {}]"), fds[1]);
    else
        put(out, ", ...]");
}

void format_int(Bytes b, fmt::memory_buffer& out) {
    int32_t value;
    if (load(b, 0, value))
        put_fmt(out, FMT_COMPILE("[{}]"), value);
    else
        put(out, "[...]");
}

// wait(2)'s status as the W* macros read it, as strace shows it:
// [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}].
void format_wait_status(Bytes b, fmt::memory_buffer& out) {
    int32_t s;
    if (!load(b, 0, s)) {
        put(out, "[...]");
        return;
    }
    const auto status = static_cast<uint32_t>(s);
    if (WIFEXITED(status)) {
        put_fmt(out, FMT_COMPILE("[{{WIFEXITED(s) && WEXITSTATUS(s) == {}"), WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        put(out, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
        format_signal(WTERMSIG(status), out);
        if (WCOREDUMP(status))
            put(out, " && WCOREDUMP(s)");
    } else if (WIFSTOPPED(status)) {
        put(out, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
        format_signal(WSTOPSIG(status), out);
    } else if (WIFCONTINUED(status)) {
        put(out, "[{WIFCONTINUED(s)");
    } else {
        put_fmt(out, FMT_COMPILE("[{:#x}]"), status);
        return;
    }
    put(out, "}]");
}

// One char[65] of struct new_utsname, as strace's PRINT_FIELD_CSTRING: at
// most 64 chars, "..." when the 65th is not NUL. False when the capture
// ends before the string does.
bool uts_field(Bytes b, std::size_t off, std::string_view name, fmt::memory_buffer& out) {
    if (off >= b.size())
        return false;
    const Bytes field = b.subspan(off, std::min(kUtsField, b.size() - off));
    const auto* nul = static_cast<const uint8_t*>(std::memchr(field.data(), 0, field.size()));
    if (!nul && field.size() < kUtsField)
        return false;
    const std::size_t len = nul ? static_cast<std::size_t>(nul - field.data()) : kUtsField;
    put(out, name);
    out.push_back('=');
    quote(field.first(std::min<std::size_t>(len, kUtsField - 1)), out);
    if (len == kUtsField)
        put(out, "...");
    return true;
}

void format_utsname(Bytes b, fmt::memory_buffer& out) {
    out.push_back('{');
    if (!uts_field(b, 0, "sysname", out)) {
        put(out, "...}");
        return;
    }
    put(out, ", ");
    if (uts_field(b, kUtsField, "nodename", out))
        put(out, ", ");
    put(out, "...}");
}

// {a=1, b=2}: fields printed in order while the captured bytes cover them;
// the first that is not covered ends the struct with "...".
class Fields {
public:
    Fields(Bytes bytes, fmt::memory_buffer& out) : bytes_(bytes), out_(out) { out_.push_back('{'); }
    ~Fields() { out_.push_back('}'); }
    Fields(const Fields&) = delete;
    Fields& operator=(const Fields&) = delete;

    template <typename T, typename Print>
    Fields& field(std::string_view name, std::size_t off, Print print) {
        T value;
        if (cut_)
            return *this;
        if (!load(bytes_, off, value)) {
            put(out_, first_ ? "..." : ", ...");
            cut_ = true;
            return *this;
        }
        if (!first_)
            put(out_, ", ");
        first_ = false;
        put(out_, name);
        out_.push_back('=');
        print(value);
        return *this;
    }
    template <typename T>
    Fields& dec(std::string_view name, std::size_t off) {
        return field<T>(name, off, [this](T v) { put_fmt(out_, FMT_COMPILE("{}"), v); });
    }

private:
    Bytes bytes_;
    fmt::memory_buffer& out_;
    bool first_ = true;
    bool cut_ = false;
};

void format_flock(Bytes b, bool with_pid, fmt::memory_buffer& out) {
    static constexpr std::string_view kTypes[] = {"F_RDLCK", "F_WRLCK", "F_UNLCK"};
    Fields fields(b, out);
    fields.field<int16_t>("l_type", 0,
                        [&](int16_t t) {
                            if (t >= 0 && t < 3)
                                put(out, kTypes[t]);
                            else
                                put_fmt(out, FMT_COMPILE("{:#x} /* F_??? */"), static_cast<uint16_t>(t));
                        })
        .field<int16_t>("l_whence", 2, [&](int16_t w) { format_family(Family::LseekWhence, static_cast<uint16_t>(w), out); })
        .dec<int64_t>("l_start", 8)
        .dec<int64_t>("l_len", 16);
    if (with_pid)
        fields.dec<int32_t>("l_pid", 24);
}

void format_stack(Bytes b, fmt::memory_buffer& out) {
    Fields(b, out)
        .field<uint64_t>("ss_sp", 0, [&](uint64_t sp) { put_address(out, sp); })
        .field<int32_t>("ss_flags", 8,
                        [&](int32_t f) { format_family(Family::SigaltstackFlags, static_cast<uint32_t>(f), out); })
        .dec<uint64_t>("ss_size", 16);
}

void format_tms(Bytes b, fmt::memory_buffer& out) {
    Fields(b, out).dec<int64_t>("tms_utime", 0).dec<int64_t>("tms_stime", 8).dec<int64_t>("tms_cutime", 16)
        .dec<int64_t>("tms_cstime", 24);
}

void format_winsize(Bytes b, fmt::memory_buffer& out) {
    Fields(b, out).dec<uint16_t>("ws_row", 0).dec<uint16_t>("ws_col", 2).dec<uint16_t>("ws_xpixel", 4)
        .dec<uint16_t>("ws_ypixel", 6);
}

// linux/magic.h, the file systems a host mounts; strace's names (ext4 is EXT2_SUPER_MAGIC).
constexpr std::pair<uint64_t, std::string_view> kFsMagic[] = {
    {EXT2_SUPER_MAGIC, "EXT2_SUPER_MAGIC"}, {TMPFS_MAGIC, "TMPFS_MAGIC"},
    {PROC_SUPER_MAGIC, "PROC_SUPER_MAGIC"}, {SYSFS_MAGIC, "SYSFS_MAGIC"},
    {CGROUP_SUPER_MAGIC, "CGROUP_SUPER_MAGIC"}, {CGROUP2_SUPER_MAGIC, "CGROUP2_SUPER_MAGIC"},
    {DEVPTS_SUPER_MAGIC, "DEVPTS_SUPER_MAGIC"}, {TRACEFS_MAGIC, "TRACEFS_MAGIC"},
    {DEBUGFS_MAGIC, "DEBUGFS_MAGIC"}, {SECURITYFS_MAGIC, "SECURITYFS_MAGIC"},
    {OVERLAYFS_SUPER_MAGIC, "OVERLAYFS_SUPER_MAGIC"}, {XFS_SUPER_MAGIC, "XFS_SUPER_MAGIC"},
    {BTRFS_SUPER_MAGIC, "BTRFS_SUPER_MAGIC"}, {SQUASHFS_MAGIC, "SQUASHFS_MAGIC"},
    {MSDOS_SUPER_MAGIC, "MSDOS_SUPER_MAGIC"}, {NFS_SUPER_MAGIC, "NFS_SUPER_MAGIC"},
    {HUGETLBFS_MAGIC, "HUGETLBFS_MAGIC"},
    {BPF_FS_MAGIC, "BPF_FS_MAGIC"}, {PSTOREFS_MAGIC, "PSTOREFS_MAGIC"},
    {EFIVARFS_MAGIC, "EFIVARFS_MAGIC"}, {FUSE_SUPER_MAGIC, "FUSE_SUPER_MAGIC"},
    {BINFMTFS_MAGIC, "BINFMTFS_MAGIC"},
    {NSFS_MAGIC, "NSFS_MAGIC"}, {SOCKFS_MAGIC, "SOCKFS_MAGIC"}, {PIPEFS_MAGIC, "PIPEFS_MAGIC"},
    {RAMFS_MAGIC, "RAMFS_MAGIC"}, {AUTOFS_SUPER_MAGIC, "AUTOFS_SUPER_MAGIC"},
};

void format_statfs(Bytes b, fmt::memory_buffer& out) {
    Fields(b, out)
        .field<uint64_t>("f_type", 0,
                         [&](uint64_t t) {
                             const auto* it = std::find_if(std::begin(kFsMagic), std::end(kFsMagic),
                                                           [t](const auto& m) { return m.first == t; });
                             if (it != std::end(kFsMagic))
                                 put(out, it->second);
                             else
                                 put_fmt(out, FMT_COMPILE("{:#x}"), t);
                         })
        .dec<uint64_t>("f_bsize", 8)
        .dec<uint64_t>("f_blocks", 16)
        .dec<uint64_t>("f_bfree", 24)
        .dec<uint64_t>("f_bavail", 32)
        .dec<uint64_t>("f_files", 40)
        .dec<uint64_t>("f_ffree", 48)
        .field<std::array<uint32_t, 2>>("f_fsid", 56,
                                        [&](const std::array<uint32_t, 2>& v) {
                                            put(out, "{val=[");  // C's %#x: 0 is "0"
                                            put_hex(out, v[0]);
                                            put(out, ", ");
                                            put_hex(out, v[1]);
                                            put(out, "]}");
                                        })
        .dec<uint64_t>("f_namelen", 64)
        .dec<uint64_t>("f_frsize", 72)
        .field<uint64_t>("f_flags", 80, [&](uint64_t f) { format_family(Family::StatfsFlags, f, out); });
}

void format_sysinfo(Bytes b, fmt::memory_buffer& out) {
    Fields(b, out)
        .dec<int64_t>("uptime", 0)
        .field<std::array<uint64_t, 3>>("loads", 8,
                                        [&](const std::array<uint64_t, 3>& l) {
                                            put_fmt(out, FMT_COMPILE("[{}, {}, {}]"), l[0], l[1], l[2]);
                                        })
        .dec<uint64_t>("totalram", 32)
        .dec<uint64_t>("freeram", 40)
        .dec<uint64_t>("sharedram", 48)
        .dec<uint64_t>("bufferram", 56)
        .dec<uint64_t>("totalswap", 64)
        .dec<uint64_t>("freeswap", 72)
        .dec<uint16_t>("procs", 80)
        .dec<uint64_t>("totalhigh", 88)
        .dec<uint64_t>("freehigh", 96)
        .dec<uint32_t>("mem_unit", 104);
}

void format_cap_header(Bytes b, fmt::memory_buffer& out) {
    Fields(b, out)
        .field<uint32_t>("version", 0,
                         [&](uint32_t v) {
                             switch (v) {
                             case _LINUX_CAPABILITY_VERSION_1: put(out, "_LINUX_CAPABILITY_VERSION_1"); break;
                             case _LINUX_CAPABILITY_VERSION_2: put(out, "_LINUX_CAPABILITY_VERSION_2"); break;
                             case _LINUX_CAPABILITY_VERSION_3: put(out, "_LINUX_CAPABILITY_VERSION_3"); break;
                             default: put_fmt(out, FMT_COMPILE("{:#x} /* _LINUX_CAPABILITY_VERSION_??? */"), v);
                             }
                         })
        .dec<int32_t>("pid", 4);
}

// 1<<CAP_CHOWN|1<<CAP_KILL, bits with no name in hex at the end; 0 when empty.
void cap_set(uint64_t set, fmt::memory_buffer& out) {
    if (set == 0) {
        out.push_back('0');
        return;
    }
    bool any = false;
    for (unsigned bit = 0; bit <= CAP_LAST_CAP; ++bit) {
        if (!(set >> bit & 1))
            continue;
        put(out, any ? "|1<<" : "1<<");
        format_family(Family::Capability, bit, out);
        any = true;
        set &= ~(uint64_t{1} << bit);
    }
    if (set) {
        if (any)
            out.push_back('|');
        put_fmt(out, FMT_COMPILE("{:#x}"), set);
    }
}

// Versions 2 and 3 pass two 32-bit halves of each set; strace joins them.
void format_cap_data(Bytes b, fmt::memory_buffer& out) {
    using Half = std::array<uint32_t, 3>;  // effective, permitted, inheritable
    Half low{}, high{};
    if (!load(b, 0, low) || !load(b, sizeof(Half), high)) {
        put(out, "{...}");
        return;
    }
    const auto joined = [&](int i) { return uint64_t{high[i]} << 32 | low[i]; };
    put(out, "{effective=");
    cap_set(joined(0), out);
    put(out, ", permitted=");
    cap_set(joined(1), out);
    put(out, ", inheritable=");
    cap_set(joined(2), out);
    out.push_back('}');
}

// The fields strace shows: the tid pointers and tls only where the flags use them.
void format_clone_args(Bytes b, fmt::memory_buffer& out) {
    struct clone_args a;
    if (b.size() < offsetof(struct clone_args, set_tid)) {
        put(out, "{...}");
        return;
    }
    std::memset(&a, 0, sizeof(a));
    std::memcpy(&a, b.data(), std::min(b.size(), sizeof(a)));
    put(out, "{flags=");
    format_family(Family::CloneFlags, a.flags, out);
    // strace's %#x fields: 0 is "0"
    const auto hex_field = [&](std::string_view name, uint64_t value) {
        put_fmt(out, FMT_COMPILE(", {}="), name);
        put_hex(out, value);
    };
    if (a.flags & CLONE_PIDFD)
        hex_field("pidfd", a.pidfd);
    if (a.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
        hex_field("child_tid", a.child_tid);
    if (a.flags & CLONE_PARENT_SETTID)
        hex_field("parent_tid", a.parent_tid);
    put(out, ", exit_signal=");
    if (a.exit_signal < INT32_MAX)
        format_signal(static_cast<int>(a.exit_signal), out);
    else
        put_fmt(out, FMT_COMPILE("{}"), a.exit_signal);
    put(out, ", stack=");
    put_address(out, a.stack);
    hex_field("stack_size", a.stack_size);
    if (a.flags & CLONE_SETTLS)
        hex_field("tls", a.tls);
    if (a.set_tid || a.set_tid_size) {
        hex_field("set_tid", a.set_tid);
        put_fmt(out, FMT_COMPILE(", set_tid_size={}"), a.set_tid_size);
    }
    if (a.cgroup || (a.flags & CLONE_INTO_CGROUP))
        put_fmt(out, FMT_COMPILE(", cgroup={}"), a.cgroup);
    out.push_back('}');
}

void format_epoll_event(Bytes b, fmt::memory_buffer& out) {
    uint32_t events;
    uint64_t data;
    out.push_back('{');
    if (!load(b, kEpollEvents, events)) {
        put(out, "...}");
        return;
    }
    put(out, "events=");
    format_family(Family::EpollEvents, events, out);
    if (!load(b, kEpollData, data)) {
        put(out, ", ...}");
        return;
    }
    put_fmt(out, FMT_COMPILE(", data={{u32={}, u64={}}}}}"), static_cast<uint32_t>(data), data);
}

void format_pollfd(Bytes b, fmt::memory_buffer& out) {
    int32_t fd;
    uint16_t events;
    out.push_back('{');
    if (!load(b, 0, fd)) {
        put(out, "...}");
        return;
    }
    put_fmt(out, FMT_COMPILE("fd={}"), fd);
    if (fd < 0) {  // strace omits events of ignored entries
        out.push_back('}');
        return;
    }
    if (!load(b, 4, events)) {
        put(out, ", ...}");
        return;
    }
    put(out, ", events=");
    format_family(Family::PollEvents, events, out);
    out.push_back('}');
}

using ElementPrinter = void (*)(Bytes, fmt::memory_buffer&);

// [e0, e1, ...]: complete elements only, at most kMaxArrayElements.
void format_array(Bytes b, std::size_t elem_size, std::size_t count, ElementPrinter print,
                  fmt::memory_buffer& out) {
    const std::size_t complete = b.size() / elem_size;
    const std::size_t shown = std::min({count, complete, kMaxArrayElements});
    out.push_back('[');
    for (std::size_t i = 0; i < shown; ++i) {
        if (i)
            put(out, ", ");
        print(b.subspan(i * elem_size, elem_size), out);
    }
    if (shown < count)
        elided(shown == 0, out);
    out.push_back(']');
}

constexpr std::size_t kStructSizes[] = {
#define BTRACE_STRUCT_SIZE(name, size, captured) captured,
    BTRACE_STRUCTS(BTRACE_STRUCT_SIZE)
#undef BTRACE_STRUCT_SIZE
};
// The captured prefixes of stat and statx reach the last field their decoders show.
static_assert(kStructSizes[static_cast<std::size_t>(StructKind::Stat)] >=
              std::max(kStatSize, kStatRdev) + sizeof(uint64_t));
static_assert(kStructSizes[static_cast<std::size_t>(StructKind::Statx)] >= kStatxSize + sizeof(uint64_t));

// ---------------------------------------------------------------- sockaddr

// strace's print_ifindex: if_nametoindex("lo") when the index names an
// interface, else the number.
void ifindex(uint32_t index, fmt::memory_buffer& out) {
    char name[IF_NAMESIZE + 1] = {};
    if (index != 0 && if_indextoname(index, name))
        put_fmt(out, FMT_COMPILE("if_nametoindex(\"{}\")"), std::string_view(name));
    else
        put_udec(out, index);
}

}  // namespace

std::size_t struct_size(StructKind kind) {
    const auto index = static_cast<std::size_t>(kind);
    return index < std::size(kStructSizes) ? kStructSizes[index] : 0;
}

// strace's string_quote under xflag == 1: which bytes force the whole string into hex.
static bool needs_hex(Bytes bytes) {
    return std::any_of(bytes.begin(), bytes.end(),
                       [](uint8_t c) { return c > 0x7e || (c < 0x20 && static_cast<unsigned>(c - '\t') >= 5); });
}

void format_string(std::span<const uint8_t> bytes, bool truncated, bool utf8, fmt::memory_buffer& out,
                   StringHex hex) {
    if (hex == StringHex::All || (hex == StringHex::NonAscii && needs_hex(bytes))) {
        static constexpr char kHex[] = "0123456789abcdef";
        char* at = reserve(out, 4 * bytes.size() + 2);
        *at++ = '"';
        for (const uint8_t c : bytes) {
            *at++ = '\\';
            *at++ = 'x';
            *at++ = kHex[c >> 4];
            *at++ = kHex[c & 15];
        }
        *at++ = '"';
        commit(out, at);
    } else if (utf8)
        quote<QuoteStyle{.utf8 = true}>(bytes, out);
    else
        quote(bytes, out);
    if (truncated)
        put(out, "...");
}

void format_name(std::string_view name, NameKind kind, bool utf8, fmt::memory_buffer& out) {
    const Bytes bytes(reinterpret_cast<const uint8_t*>(name.data()), name.size());
    const bool fd = kind == NameKind::Fd;
    if (fd && utf8)
        quote_body<QuoteStyle{.angle_brackets = true, .utf8 = true}>(bytes, out);
    else if (fd)
        quote_body<QuoteStyle{.angle_brackets = true}>(bytes, out);
    else if (utf8)
        quote_body<QuoteStyle{.utf8 = true}>(bytes, out);
    else
        quote_body<QuoteStyle{}>(bytes, out);
}

void format_struct_array(StructKind kind, std::span<const uint8_t> bytes, std::size_t count,
                         fmt::memory_buffer& out) {
    switch (kind) {
    case StructKind::EpollEvent: format_array(bytes, kEpollEventSize, count, format_epoll_event, out); return;
    case StructKind::Pollfd: format_array(bytes, sizeof(struct pollfd), count, format_pollfd, out); return;
    case StructKind::Gid: format_array(bytes, sizeof(gid_t), count, format_gid, out); return;
    case StructKind::CpuMask: format_cpu_mask(bytes, count, out); return;
    default: break;
    }
    out.push_back('[');
    format_struct(kind, bytes, out);
    put(out, count > 1 ? ", ...]" : "]");
}

int next_fd_in_set(std::span<const uint8_t> bytes, int nfds, int from) {
    const int end = static_cast<int>(std::min<std::size_t>(std::max(nfds, 0), bytes.size() * 8));
    for (int fd = std::max(from, 0); fd < end; ++fd)
        if (bytes[fd / 8] & (1u << (fd % 8)))  // fd_set's longs are little-endian on x86_64 and arm64
            return fd;
    return -1;
}

void format_poll_revents(std::span<const uint8_t> bytes, std::size_t count, fmt::memory_buffer& out) {
    constexpr std::size_t kSize = sizeof(struct pollfd);
    const std::size_t complete = std::min(count, bytes.size() / kSize);
    bool first = true;
    out.push_back('[');
    for (std::size_t i = 0; i < complete; ++i) {
        struct pollfd entry;
        std::memcpy(&entry, bytes.data() + i * kSize, kSize);
        if (!entry.revents)
            continue;
        if (!first)
            put(out, ", ");
        first = false;
        put_fmt(out, FMT_COMPILE("{{fd={}, revents="), entry.fd);
        format_family(Family::PollEvents, static_cast<uint16_t>(entry.revents), out);
        out.push_back('}');
    }
    if (complete < count)  // the rest was not captured
        elided(first, out);
    out.push_back(']');
}

void format_struct(StructKind kind, std::span<const uint8_t> bytes, fmt::memory_buffer& out) {
    switch (kind) {
    case StructKind::Stat: format_stat(bytes, out); return;
    case StructKind::Statx: format_statx(bytes, out); return;
    case StructKind::Timespec: format_time_pair(bytes, "nsec", out); return;
    case StructKind::Timeval: format_time_pair(bytes, "usec", out); return;
    case StructKind::Itimerspec: format_time_pairs(bytes, "it_interval", "it_value", "nsec", out); return;
    case StructKind::Itimerval: format_time_pairs(bytes, "it_interval", "it_value", "usec", out); return;
    case StructKind::Rlimit: format_rlimit(bytes, out); return;
    case StructKind::Sigset: format_sigset(bytes, out); return;
    case StructKind::Sigaction: format_sigaction(bytes, out); return;
    case StructKind::FdPair: format_fd_pair(bytes, out); return;
    case StructKind::Int: format_int(bytes, out); return;
    case StructKind::WaitStatus: format_wait_status(bytes, out); return;
    case StructKind::Utsname: format_utsname(bytes, out); return;
    case StructKind::EpollEvent: format_epoll_event(bytes, out); return;
    case StructKind::Pollfd: format_pollfd(bytes, out); return;
    case StructKind::Flock: format_flock(bytes, false, out); return;
    case StructKind::FlockPid: format_flock(bytes, true, out); return;
    case StructKind::Statfs: format_statfs(bytes, out); return;
    case StructKind::Sysinfo: format_sysinfo(bytes, out); return;
    case StructKind::CapHeader: format_cap_header(bytes, out); return;
    case StructKind::CapData: format_cap_data(bytes, out); return;
    case StructKind::CloneArgs: format_clone_args(bytes, out); return;
    case StructKind::StackT: format_stack(bytes, out); return;
    case StructKind::Rusage: case StructKind::WaitRusage: format_rusage(bytes, out); return;
    case StructKind::Tms: format_tms(bytes, out); return;
    case StructKind::Utimens: format_utimens(bytes, out); return;
    case StructKind::Gid: format_gid(bytes, out); return;
    case StructKind::CpuMask: format_cpu_mask(bytes, bytes.size(), out); return;
    case StructKind::Termios: format_termios(bytes, out); return;
    case StructKind::Winsize: format_winsize(bytes, out); return;
    }
    put(out, "...");
}

void format_clone3_result(std::span<const uint8_t> bytes, int64_t child, fmt::memory_buffer& out) {
    uint64_t flags;
    if (load(bytes, offsetof(struct clone_args, flags), flags) && (flags & CLONE_PARENT_SETTID))
        put_fmt(out, FMT_COMPILE(" => {{parent_tid=[{}]}}"), child);
}

void format_sockaddr(std::span<const uint8_t> bytes, fmt::memory_buffer& out) {
    if (bytes.size() < sizeof(sa_family_t)) {
        put(out, "{...}");
        return;
    }
    // As strace: at most a sockaddr_storage, zero past the end (so a field
    // the address only partly covers reads as zero-padded).
    std::array<uint8_t, sizeof(sockaddr_storage) + 1> buf{};
    const std::size_t len = std::min(bytes.size(), sizeof(sockaddr_storage));
    std::memcpy(buf.data(), bytes.data(), len);
    const Bytes sa{buf.data(), len};

    uint16_t family;
    std::memcpy(&family, buf.data(), sizeof(family));
    put(out, "{sa_family=");
    if (const std::string_view name = address_family_name(family); !name.empty())
        put(out, name);
    else
        put_fmt(out, FMT_COMPILE("{:#x} /* AF_??? */"), family);
    if (len == sizeof(sa_family_t)) {
        out.push_back('}');
        return;
    }
    put(out, ", ");

    if (family == AF_UNIX && len >= sizeof(sa_family_t) + 1) {
        const std::size_t path_len = std::min(len, sizeof(sockaddr_un)) - sizeof(sa_family_t);
        const Bytes path = sa.subspan(offsetof(sockaddr_un, sun_path), path_len);
        put(out, "sun_path=");
        if (path[0] != 0) {
            const auto* nul = static_cast<const uint8_t*>(std::memchr(path.data(), 0, path.size()));
            quote(path.first(nul ? static_cast<std::size_t>(nul - path.data()) : path.size()), out);
        } else {
            out.push_back('@');
            quote(path.subspan(1), out);
        }
    } else if (family == AF_INET && len >= sizeof(sockaddr_in)) {
        sockaddr_in in;
        std::memcpy(&in, buf.data(), sizeof(in));
        char text[INET_ADDRSTRLEN] = {};
        inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
        put_fmt(out, FMT_COMPILE("sin_port=htons({}), sin_addr=inet_addr(\"{}\")"), ntohs(in.sin_port),
                std::string_view(text));
    } else if (family == AF_INET6 && len >= offsetof(sockaddr_in6, sin6_scope_id)) {
        sockaddr_in6 in6;
        std::memcpy(&in6, buf.data(), sizeof(in6));
        char text[INET6_ADDRSTRLEN] = {};
        inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
        put_fmt(out, FMT_COMPILE("sin6_port=htons({}), sin6_flowinfo=htonl({}), inet_pton(AF_INET6, \"{}\", &sin6_addr)"),
                ntohs(in6.sin6_port), ntohl(in6.sin6_flowinfo), std::string_view(text));
        if (len > offsetof(sockaddr_in6, sin6_scope_id)) {
            put(out, ", sin6_scope_id=");
            if (IN6_IS_ADDR_LINKLOCAL(&in6.sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&in6.sin6_addr))
                ifindex(in6.sin6_scope_id, out);
            else
                put_udec(out, in6.sin6_scope_id);
        }
    } else if (family == AF_NETLINK && len >= sizeof(sockaddr_nl)) {
        sockaddr_nl nl;
        std::memcpy(&nl, buf.data(), sizeof(nl));
        if (nl.nl_pad)
            put_fmt(out, FMT_COMPILE("nl_pad={:#x}, "), nl.nl_pad);
        put_fmt(out, FMT_COMPILE("nl_pid={}, nl_groups="), static_cast<int32_t>(nl.nl_pid));
        if (nl.nl_groups == 0)
            put(out, "00000000");  // C's %#08x
        else
            put_fmt(out, FMT_COMPILE("{:#08x}"), nl.nl_groups);
    } else {
        put(out, "sa_data=");
        quote(sa.subspan(sizeof(sa_family_t)), out);
    }
    out.push_back('}');
}

}  // namespace btrace::decode
