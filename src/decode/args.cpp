// SPDX-License-Identifier: Apache-2.0
#include "decode/args.h"

#include <fmt/compile.h>
#include <linux/sched.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <optional>

#include "decode/errno.h"
#include "decode/put.h"
#include "decode/families.h"
#include "decode/structs.h"
#include "state/fd_table.h"

namespace btrace::decode {

namespace {

using syscalls::ArgKind;

constexpr int32_t kAtFdcwd = -100;
constexpr std::size_t kArgvShown = BTRACE_ARGV_MAX;

void int32(uint64_t value, fmt::memory_buffer& out) { put_dec(out, static_cast<int32_t>(value)); }

// NUL-separated strings -> ["a", "b"]; "..." when more were there. The
// kernel side reads one byte past -s, so a longer element was cut: its first
// string_max bytes are shown, then "...", as strace does.
void argv(const Payload& p, const CallContext& call, fmt::memory_buffer& out) {
    const std::size_t string_max = call.string_max;
    out.push_back('[');
    std::size_t off = 0, shown = 0;
    while (off < p.bytes.size() && shown < kArgvShown) {
        const auto* start = p.bytes.data() + off;
        const auto* nul = static_cast<const uint8_t*>(std::memchr(start, 0, p.bytes.size() - off));
        const std::size_t len = nul ? static_cast<std::size_t>(nul - start) : p.bytes.size() - off;
        if (shown++)
            put(out, ", ");
        format_string({start, std::min(len, string_max)}, !nul || len > string_max, call.utf8, out, call.hex);
        off += len + 1;
    }
    if (p.truncated() || p.faulted())
        put(out, shown ? ", ..." : "...");
    out.push_back(']');
}

// A data buffer's first -s bytes: the kernel side may have read more (for
// -e read=/write= dumps), and the line shows what -s alone would have.
void data_buffer(const Payload& p, const CallContext& call, fmt::memory_buffer& out) {
    const std::size_t shown = std::min(p.bytes.size(), call.string_max);
    format_string(p.bytes.first(shown), p.truncated() || shown < p.bytes.size(), call.utf8, out, call.hex);
}

// transferred: for data the kernel filled in (readv, recvmsg), the call's
// result, spread over the iovecs in order: an iovec shows as cut ("...") only
// when less was shown than the call put in it, as strace shows it. -s bytes
// are shown over all the iovecs, as the kernel side reads them without dumps.
void iovec(const Payload& p, std::optional<uint64_t> transferred, const CallContext& call, fmt::memory_buffer& out) {
    out.push_back('[');
    std::size_t budget = call.string_max;
    for_each_iov(p, [&](unsigned i, uint64_t iov_len, std::span<const uint8_t> captured) {
        const uint64_t filled = transferred ? std::min<uint64_t>(iov_len, *transferred) : iov_len;
        if (transferred)
            *transferred -= filled;
        if (i)
            put(out, ", ");
        put(out, "{iov_base=");
        const std::size_t shown = std::min(captured.size(), budget);
        budget -= shown;
        format_string(captured.first(shown), shown < filled, call.utf8, out, call.hex);
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(", iov_len={}}}"), iov_len);
        return true;
    });
    if (p.truncated())
        put(out, p.hdr.count ? ", ..." : "...");
    out.push_back(']');
}

// Most options are an int: [1], as strace shows them; others their bytes.
void sockopt_value(const Payload& p, const CallContext& call, fmt::memory_buffer& out) {
    if (p.bytes.size() != sizeof(int32_t) || p.truncated()) {
        format_string(p.bytes, p.truncated(), call.utf8, out, call.hex);
        return;
    }
    int32_t v;
    std::memcpy(&v, p.bytes.data(), sizeof(v));
    out.push_back('[');
    put_dec(out, v);
    out.push_back(']');
}

// Memory kinds fall back to the pointer when nothing was captured: NULL, a
// failed call's out-parameter, or a read that faulted (strace does the same).
bool captured(const Payload& p) { return p.present && !(p.faulted() && p.bytes.empty()); }

// The fds in an fd_set, named: [3</a> 4</b>].
void fds_in_set(std::span<const uint8_t> bytes, bool truncated, int nfds, const CallContext& call,
                fmt::memory_buffer& out) {
    bool first = true;
    out.push_back('[');
    for (int fd = next_fd_in_set(bytes, nfds, 0); fd >= 0; fd = next_fd_in_set(bytes, nfds, fd + 1)) {
        if (!first)
            out.push_back(' ');
        first = false;
        format_fd(fd, call, out);
    }
    if (truncated)
        put(out, first ? "..." : " ...");
    out.push_back(']');
}

// What select, pselect6 or ppoll were passed, read at sys_enter; false if it was not.
bool passed_in(const CallContext& call, btrace_passed_in& in) {
    if (!call.payloads || !captured(call.payloads->passed_in) || call.payloads->passed_in.bytes.size() != sizeof(in))
        return false;
    std::memcpy(&in, call.payloads->passed_in.bytes.data(), sizeof(in));
    return true;
}

// {msg_name=..., msg_namelen=16, msg_iov=[...], msg_iovlen=1, msg_controllen=0, msg_flags=0}, as strace
// shows a msghdr; the name and the iovecs come as payloads of their own.
void msghdr(const Payload& p, bool out_data, const CallContext& call, fmt::memory_buffer& out) {
    struct msghdr m;
    static_assert(sizeof(m) == BTRACE_MSGHDR_SIZE);
    std::memcpy(&m, p.bytes.data(), sizeof(m));
    const Payload* name = call.payloads ? &call.payloads->msg_name : nullptr;
    const Payload* iov = call.payloads ? &call.payloads->msg_iov : nullptr;
    put(out, "{msg_name=");
    if (m.msg_name && m.msg_namelen && name && captured(*name) && !name->bytes.empty())
        format_sockaddr(name->bytes, out);
    else
        put_address(out, reinterpret_cast<uint64_t>(m.msg_name));
    fmt::format_to(std::back_inserter(out), FMT_COMPILE(", msg_namelen={}, msg_iov="), m.msg_namelen);
    if (m.msg_iov && iov && captured(*iov))
        iovec(*iov, out_data ? std::optional<uint64_t>(static_cast<uint64_t>(call.ret)) : std::nullopt, call, out);
    else
        put_address(out, reinterpret_cast<uint64_t>(m.msg_iov));
    fmt::format_to(std::back_inserter(out), FMT_COMPILE(", msg_iovlen={}"), m.msg_iovlen);
    if (m.msg_controllen) {
        put(out, ", msg_control=");
        put_address(out, reinterpret_cast<uint64_t>(m.msg_control));
    }
    fmt::format_to(std::back_inserter(out), FMT_COMPILE(", msg_controllen={}, msg_flags="), m.msg_controllen);
    format_family(Family::MsgFlags, static_cast<uint32_t>(m.msg_flags), out);
    out.push_back('}');
}

// What the call found behind fd, when the kernel side looked (only for the
// call's first fd argument, in processes whose threads share their fds). A
// call that failed with EBADF found nothing there.
std::optional<state::FdSeen> fd_seen(int fd, const CallContext& call) {
    if (!call.payloads || !call.payloads->fd_seen.present || (call.failed && call.ret == -EBADF))
        return std::nullopt;
    btrace_fd_seen seen;
    const auto bytes = call.payloads->fd_seen.bytes;
    if (bytes.size() != sizeof(seen))
        return std::nullopt;
    std::memcpy(&seen, bytes.data(), sizeof(seen));
    if (seen.fd != fd)
        return std::nullopt;
    return state::FdSeen{{seen.at_enter.ino, seen.at_enter.dev}, {seen.at_exit.ino, seen.at_exit.dev}};
}

}  // namespace

void format_fd(int fd, const CallContext& call, fmt::memory_buffer& out) {
    put_dec(out, fd);
    if (!call.fds || fd < 0)
        return;
    const std::optional<state::FdSeen> seen = call.started_ns ? fd_seen(fd, call) : std::nullopt;
    std::string_view name = call.fds->name(call.tgid, fd, call.started_ns, seen ? &*seen : nullptr);
    if (name.empty())
        return;
    out.push_back('<');
    format_name(name, NameKind::Fd, call.utf8, out);
    out.push_back('>');
}

namespace {

void format_value(const syscalls::Arg& arg, unsigned reg, uint64_t value, const Payload& payload,
                  const CallContext& call, fmt::memory_buffer& out) {
    if (call.raw) {
        switch (arg.kind) {
        case ArgKind::Signed: put_dec(out, static_cast<int64_t>(value)); return;
        case ArgKind::Unsigned: put_udec(out, value); return;
        case ArgKind::Int: case ArgKind::Fd: case ArgKind::SockFd: case ArgKind::DirFd: case ArgKind::Pid:
        case ArgKind::Signal: case ArgKind::SockoptName: case ArgKind::SockProtocol:
            int32(value, out);
            return;
        case ArgKind::Octal: case ArgKind::Mode: case ArgKind::CreateMode: put_octal(out, static_cast<uint32_t>(value)); return;
        default: put_hex(out, value); return;
        }
    }

    switch (arg.kind) {
    case ArgKind::Hex: put_hex(out, value); return;
    case ArgKind::Signed: put_dec(out, static_cast<int64_t>(value)); return;
    case ArgKind::Unsigned: put_udec(out, value); return;
    case ArgKind::Int: case ArgKind::Pid: int32(value, out); return;
    case ArgKind::Fd: case ArgKind::SockFd: format_fd(static_cast<int32_t>(value), call, out); return;
    case ArgKind::Octal: case ArgKind::Mode: case ArgKind::CreateMode: put_octal(out, static_cast<uint32_t>(value)); return;
    case ArgKind::Ptr: put_address(out, value); return;
    case ArgKind::DirFd:
        if (static_cast<int32_t>(value) == kAtFdcwd)
            put(out, "AT_FDCWD");
        else
            format_fd(static_cast<int32_t>(value), call, out);
        return;
    case ArgKind::Signal: {
        format_signal(static_cast<int32_t>(value), out);
        return;
    }
    case ArgKind::Flags: case ArgKind::Enum:
        format_family(static_cast<Family>(arg.aux), value, out);
        return;
    case ArgKind::SockoptName: case ArgKind::SockProtocol: {
        const uint64_t by = call.args && arg.len_arg < BTRACE_MAX_ARGS ? call.args[arg.len_arg] : ~0ull;
        if (arg.kind == ArgKind::SockoptName)
            format_sockopt_name(by, value, out);
        else
            format_socket_protocol(by, value, out);
        return;
    }
    case ArgKind::MsghdrIn: case ArgKind::MsghdrOut:
        if ((arg.kind == ArgKind::MsghdrOut && call.failed) || !captured(payload) ||
            payload.bytes.size() < BTRACE_MSGHDR_SIZE)
            break;
        msghdr(payload, arg.kind == ArgKind::MsghdrOut, call, out);
        return;
    case ArgKind::SockoptValIn: case ArgKind::SockoptValOut:
        if ((arg.kind == ArgKind::SockoptValOut && call.failed) || !captured(payload))
            break;
        sockopt_value(payload, call, out);
        return;
    case ArgKind::Path: case ArgKind::String:
        if (!captured(payload))
            break;
        format_string(payload.bytes, payload.truncated(), call.utf8, out, call.hex);
        return;
    case ArgKind::InBuf:
        if (!captured(payload))
            break;
        data_buffer(payload, call, out);
        return;
    case ArgKind::OutBuf: case ArgKind::OutString: case ArgKind::IovecOut:
        if (call.failed || !captured(payload) ||
            (arg.kind == ArgKind::OutBuf && arg.len_arg != syscalls::kNone && call.args && call.args[arg.len_arg] == 0))
            break;
        if (arg.kind == ArgKind::OutBuf)
            data_buffer(payload, call, out);
        else if (arg.kind == ArgKind::OutString)
            format_string(payload.bytes, payload.truncated(), call.utf8, out, call.hex);
        else
            iovec(payload, static_cast<uint64_t>(call.ret), call, out);
        return;
    case ArgKind::IovecIn:
        if (!captured(payload))
            break;
        iovec(payload, std::nullopt, call, out);
        return;
    case ArgKind::InStruct: case ArgKind::InOutStruct: case ArgKind::OutStruct: {
        const auto kind = static_cast<StructKind>(arg.aux);
        if (kind == StructKind::FdPair && !call.failed && captured(payload) && payload.bytes.size() == 2 * sizeof(int32_t)) {
            int32_t fds[2];  // pipe's and socketpair's new fds, named as strace -y names them
            std::memcpy(fds, payload.bytes.data(), sizeof(fds));
            out.push_back('[');
            format_fd(fds[0], call, out);
            put(out, ", ");
            format_fd(fds[1], call, out);
            out.push_back(']');
            return;
        }
        if ((arg.kind == ArgKind::OutStruct && call.failed) || !captured(payload) ||
            ((kind == StructKind::WaitStatus || kind == StructKind::WaitRusage) &&
             call.ret == 0))  // WNOHANG, no child changed: nothing written
            break;
        if (arg.len_arg == syscalls::kNone && kind == StructKind::CloneArgs) {
            // clone3's struct is as long as its size argument says (64 bytes in Linux 5.3's version)
            const auto bytes = payload.bytes.first(std::min<std::size_t>(payload.bytes.size(), call.args ? call.args[1] : 0));
            format_struct(kind, bytes, out);
            if (!call.failed && call.ret > 0)
                format_clone3_result(bytes, call.ret, out);
        } else if (arg.len_arg == syscalls::kNone) {
            format_struct(kind, payload.bytes, out);
        } else
            format_struct_array(kind, payload.bytes, payload.hdr.count, out);
        return;
    }
    case ArgKind::SocklenInOut: {
        if (!captured(payload) || payload.bytes.size() < sizeof(uint32_t))
            break;
        uint32_t lens[2];
        const std::size_t n = std::min<std::size_t>(payload.bytes.size() / sizeof(uint32_t), 2);
        std::memcpy(lens, payload.bytes.data(), n * sizeof(uint32_t));
        out.push_back('[');
        put_udec(out, lens[0]);
        if (n == 2 && lens[1] != lens[0]) {
            put(out, " => ");
            put_udec(out, lens[1]);
        }
        out.push_back(']');
        return;
    }
    case ArgKind::FdSet: {  // as passed in: read at sys_enter, or when the kernel wrote nothing back
        const int nfds = call.args ? static_cast<int32_t>(call.args[arg.len_arg]) : 0;
        btrace_passed_in in;
        // select's and pselect6's three sets follow nfds, the first argument
        if (const unsigned set = reg - 1; set < 3 && passed_in(call, in) && (in.present & BTRACE_PASSED_SET(set))) {
            const std::span<const uint8_t> bits(reinterpret_cast<const uint8_t*>(in.sets[set]), sizeof(in.sets[set]));
            fds_in_set(bits, nfds > static_cast<int>(bits.size() * 8), nfds, call, out);
            return;
        }
        if (!call.failed || !captured(payload))
            break;
        fds_in_set(payload.bytes, payload.truncated(), nfds, call, out);
        return;
    }
    case ArgKind::TimeLeft: {  // as passed in, read at sys_enter; the result shows the time left
        btrace_passed_in in;
        if (!passed_in(call, in) || !(in.present & BTRACE_PASSED_TIMEOUT))
            break;
        format_struct(static_cast<StructKind>(arg.aux), {in.timeout, sizeof(in.timeout)}, out);
        return;
    }
    case ArgKind::TimeRemaining:  // written only by a sleep a signal interrupted (ERESTART*, as strace checks)
        if (!is_erestart(call.ret) || !captured(payload))
            break;
        format_struct(static_cast<StructKind>(arg.aux), payload.bytes, out);
        return;
    case ArgKind::ParentTid:
        if (call.failed || call.ret <= 0 || !call.args || !(call.args[arg.len_arg] & CLONE_PARENT_SETTID))
            break;
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("[{}]"), call.ret);
        return;
    case ArgKind::RestoredMask:
        put(out, "{mask=");
        if (captured(payload))
            format_struct(StructKind::Sigset, payload.bytes, out);
        else
            out.push_back('?');
        out.push_back('}');
        return;
    case ArgKind::SockaddrIn: case ArgKind::SockaddrOut:
        if ((arg.kind == ArgKind::SockaddrOut && call.failed) || !captured(payload))
            break;
        format_sockaddr(payload.bytes, out);
        return;
    case ArgKind::Argv:
        if (!captured(payload))
            break;
        argv(payload, call, out);
        return;
    case ArgKind::Dirents:
        put_address(out, value);
        if (!call.failed && payload.present && !payload.faulted())
            fmt::format_to(std::back_inserter(out), FMT_COMPILE(" /* {}{} entries */"), payload.hdr.count,
                           payload.truncated() ? "+" : "");
        return;
    case ArgKind::Envp:
        put_address(out, value);
        if (payload.present)
            fmt::format_to(std::back_inserter(out), FMT_COMPILE(" /* {}{} vars */"), payload.hdr.count,
                           payload.truncated() ? "+" : "");
        return;
    }
    put_address(out, value);
}

}  // namespace

void format_arg(const syscalls::Arg& arg, unsigned reg, uint64_t value, const Payload& payload, const CallContext& call,
                fmt::memory_buffer& out) {
    format_value(arg, reg, value, payload, call, out);
    // Read as the call returned (not paged in as it began), while another
    // thread shares the memory: what the kernel read may differ.
    if (payload.present && (payload.hdr.flags & BTRACE_PAYLOAD_AFTER_CALL))
        put(out, " /* read after the call */");
}

}  // namespace btrace::decode
