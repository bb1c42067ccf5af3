// SPDX-License-Identifier: Apache-2.0
#include "output/call.h"

#include <fcntl.h>
#include <fmt/compile.h>

#include <cstring>
#include <iterator>

#include "decode/errno.h"
#include "decode/families.h"
#include "decode/put.h"
#include "decode/structs.h"

namespace btrace::output {

namespace {

using decode::put;

bool captured(const decode::Payload& p) { return p.present && !p.faulted(); }

// The ready fds of a poll or select that returned `ready` > 0, as strace
// shows them after the count: " ([{fd=3, revents=POLLIN}], left {...})" or
// " (in [3], out [4], left {...})"; nothing when nothing was captured.
void put_ready(const syscalls::Shown& shown, int64_t ready, const decode::CallContext& call, fmt::memory_buffer& out) {
    static constexpr std::string_view kSetNames[] = {"in", "out", "except"};
    const std::size_t start = out.size();
    const char* sep = "";
    unsigned sets = 0;
    put(out, " (");
    for (unsigned i = 0; i < shown.nargs; ++i) {
        const syscalls::Arg& arg = shown.args[i];
        const decode::Payload& p = call.payloads->args[shown.regs[i]];
        const unsigned set = sets;  // in, out, except, NULL or not
        sets += arg.kind == syscalls::ArgKind::FdSet;
        if (!captured(p))
            continue;
        if (arg.kind == syscalls::ArgKind::InOutStruct && arg.aux == static_cast<uint8_t>(decode::StructKind::Pollfd)) {
            put(out, sep);
            sep = ", ";
            decode::format_poll_revents(p.bytes, p.hdr.count, out);
        } else if (arg.kind == syscalls::ArgKind::FdSet && set < std::size(kSetNames)) {
            // strace lists set bits until it has counted the result's
            const int nfds = static_cast<int32_t>(call.args[arg.len_arg]);
            const char* space = "";
            const auto next = [&] {
                if (!*space)
                    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}{} ["), sep, kSetNames[set]);
                put(out, space);
                space = " ";
                sep = ", ";
            };
            for (int fd = decode::next_fd_in_set(p.bytes, nfds, 0); fd >= 0 && ready > 0;
                 fd = decode::next_fd_in_set(p.bytes, nfds, fd + 1), --ready) {
                next();
                decode::put_dec(out, fd);
            }
            if (p.truncated() && ready > 0) {  // ready fds past the bits captured may be in this set
                next();
                put(out, "...");
            }
            if (*space)
                out.push_back(']');
        } else if (arg.kind == syscalls::ArgKind::TimeLeft) {  // after the fds in both
            fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}left "), sep);
            decode::format_struct(static_cast<decode::StructKind>(arg.aux), p.bytes, out);
            sep = ", ";
        }
    }
    if (*sep)
        out.push_back(')');
    else
        out.resize(start);
}

}  // namespace

std::string_view comm_of(const btrace_hdr& hdr) { return {hdr.comm, strnlen(hdr.comm, sizeof(hdr.comm))}; }

void put_comm(const btrace_hdr& hdr, fmt::memory_buffer& out, bool utf8) {
    decode::format_name(comm_of(hdr), decode::NameKind::Comm, utf8, out);
}

bool sched_of(const btrace_syscall& rec, const decode::Payloads& payloads, btrace_sched& sched) {
    if (rec.hdr.flags & BTRACE_SYS_SCHED_ON_CPU) {
        sched = btrace_sched{};
        sched.cpu_ns = rec.duration_ns;
        return true;
    }
    if (!payloads.sched.present || payloads.sched.bytes.size() != sizeof(sched))
        return false;
    std::memcpy(&sched, payloads.sched.bytes.data(), sizeof(sched));
    return true;
}

void put_waker_comm(const btrace_sched& sched, fmt::memory_buffer& out, bool utf8) {
    decode::format_name({sched.waker_comm, strnlen(sched.waker_comm, sizeof(sched.waker_comm))},
                        decode::NameKind::Comm, utf8, out);
}

void put_waker(const btrace_sched& sched, fmt::memory_buffer& out, bool utf8) {
    switch (sched.waker_kind) {
    case BTRACE_WAKER_IRQ:
        put(out, "irq");
        return;
    case BTRACE_WAKER_UNSEEN:
        out.push_back('?');
        return;
    case BTRACE_WAKER_TASK:
        put_waker_comm(sched, out, utf8);
        out.push_back('/');
        decode::put_udec(out, sched.waker_tid);
        return;
    }
}

bool creates_file(const syscalls::Syscall& sc, const __u64* args) {
    for (unsigned i = 0; i < sc.nargs; ++i)
        if (sc.args[i].kind == syscalls::ArgKind::Flags &&
            sc.args[i].aux == static_cast<uint8_t>(decode::Family::OpenFlags))  // O_TMPFILE includes O_DIRECTORY
            return (args[i] & O_CREAT) || (args[i] & __O_TMPFILE) == __O_TMPFILE;
    return false;
}

void format_name(const btrace_syscall& rec, const syscalls::Syscall* info, fmt::memory_buffer& out) {
    if (info)
        put(out, info->name);
    else
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("syscall_{}"), rec.nr);
}

void format_result(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::CallContext& call,
                   fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN) {
        out.push_back('?');
        return;
    }
    const int64_t ret = rec.ret;
    if (decode::is_error_return(ret)) {
        const auto err = decode::errno_text(-ret);
        const char* shown = decode::errno_is_internal(-ret) ? "?" : "-1";
        if (err.name.empty())
            fmt::format_to(it, FMT_COMPILE("{} errno {} (Unknown error {})"), shown, -ret, -ret);
        else
            fmt::format_to(it, FMT_COMPILE("{} {} ({})"), shown, err.name, err.message);
        return;
    }
    const syscalls::Shown shown = info ? syscalls::shown(*info, rec.args) : syscalls::Shown{};
    const syscalls::RetKind kind = info ? shown.ret : syscalls::RetKind::Signed;
    if (kind == syscalls::RetKind::Flags && !call.raw) {
        // As strace: 0x8001 (flags O_WRONLY|O_LARGEFILE); a 0 with no name is just 0.
        const auto family = static_cast<decode::Family>(shown.ret_aux);
        if (ret == 0)
            out.push_back('0');  // C's %#x, which strace uses, has no 0x for 0
        else
            fmt::format_to(it, FMT_COMPILE("{:#x}"), static_cast<uint64_t>(ret));
        fmt::memory_buffer names;
        decode::format_family(family, static_cast<uint64_t>(ret), names);
        if (ret != 0 || std::string_view(names.data(), names.size()) != "0")
            fmt::format_to(it, FMT_COMPILE(" (flags {})"), std::string_view(names.data(), names.size()));
    } else if (kind == syscalls::RetKind::Ready && !call.raw) {
        decode::put_dec(out, ret);
        if (ret == 0)
            put(out, " (Timeout)");
        else if (call.payloads && call.args)
            put_ready(shown, ret, call, out);
    } else if (kind == syscalls::RetKind::Address || kind == syscalls::RetKind::Hex)
        fmt::format_to(it, FMT_COMPILE("{:#x}"), static_cast<uint64_t>(ret));
    else if (kind == syscalls::RetKind::Fd && !call.raw) {
        decode::CallContext after = call;  // the fd as the call left it
        after.started_ns = 0;
        decode::format_fd(static_cast<int>(ret), after, out);
    }
    else
        decode::put_dec(out, ret);
}

}  // namespace btrace::output
