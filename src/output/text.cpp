#include "output/text.h"

#include <fmt/compile.h>

#include <fcntl.h>

#include <cstring>
#include <iterator>
#include <string_view>

#include "decode/args.h"
#include "decode/errno.h"
#include "decode/families.h"
#include "decode/payloads.h"
#include "syscalls/table.h"

namespace btrace::output {

namespace {

using syscalls::RetKind;

constexpr long kMaxErrno = 4095;  // the kernel returns -1..-4095 for errors

bool is_error(int64_t ret) { return ret < 0 && ret >= -kMaxErrno; }

// Nanoseconds as milliseconds with 3 decimals, right-aligned to width: the
// same text as {:{width}.3f} on ns / 1e6, with integers (floats cost a third
// of the formatting time).
void put_ms(int64_t ns, int width, fmt::memory_buffer& out) {
    const bool negative = ns < 0;
    const uint64_t us = (negative ? -static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns)) / 1000;
    const auto digits = fmt::format_int(us / 1000);
    const int pad = width - 4 - static_cast<int>(digits.size()) - (negative ? 1 : 0);
    for (int i = 0; i < pad; ++i)
        out.push_back(' ');
    if (negative)
        out.push_back('-');
    out.append(digits.data(), digits.data() + digits.size());
    const unsigned frac = static_cast<unsigned>(us % 1000);
    const char tail[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                          static_cast<char>('0' + frac % 10)};
    out.append(tail, tail + 4);
}

// Whether the call's OpenFlags argument asks to create a file.
bool creates_file(const syscalls::Syscall& sc, const __u64* args) {
    constexpr uint64_t kCreate = O_CREAT | __O_TMPFILE;
    for (unsigned i = 0; i < sc.nargs; ++i)
        if (sc.args[i].kind == syscalls::ArgKind::Flags &&
            sc.args[i].aux == static_cast<uint8_t>(decode::Family::OpenFlags))
            return args[i] & kCreate;
    return false;
}

void put(fmt::memory_buffer& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

std::string_view comm_of(const btrace_hdr& hdr) {
    return {hdr.comm, strnlen(hdr.comm, sizeof(hdr.comm))};
}

}  // namespace

void TextFormatter::format_return(const btrace_syscall& rec, const syscalls::Syscall* info,
                                  fmt::memory_buffer& out) const {
    auto it = std::back_inserter(out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN) {
        fmt::format_to(it, FMT_COMPILE(" = ?\n"));
        return;
    }
    const int64_t ret = rec.ret;
    if (is_error(ret)) {
        const auto err = decode::errno_text(-ret);
        const char* shown = decode::errno_is_internal(-ret) ? "?" : "-1";
        if (err.name.empty())
            fmt::format_to(it, FMT_COMPILE(" = {} errno {} (Unknown error {})\n"), shown, -ret, -ret);
        else
            fmt::format_to(it, FMT_COMPILE(" = {} {} ({})\n"), shown, err.name, err.message);
        return;
    }
    if (info && (info->ret == RetKind::Address || info->ret == RetKind::Hex)) {
        fmt::format_to(it, FMT_COMPILE(" = {:#x}\n"), static_cast<uint64_t>(ret));
    } else if (info && info->ret == RetKind::Fd && !raw_) {
        put(out, " = ");
        const decode::CallContext call{rec.args, ret, false, raw_, fds_, rec.hdr.tgid};
        decode::format_fd(static_cast<int>(ret), call, out);
        out.push_back('\n');
    } else {
        fmt::format_to(it, FMT_COMPILE(" = {}\n"), ret);
    }
}

void TextFormatter::syscall(const btrace_syscall& rec, std::span<const uint8_t> payload_area,
                            fmt::memory_buffer& out) {
    put_ms(static_cast<int64_t>(rec.hdr.ts_ns - origin_ns_), 10, out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN) {
        put(out, " (         ): ");
    } else {
        // In flight when tracing began: it took at least this long.
        put(out, rec.hdr.flags & BTRACE_SYS_STARTED_BEFORE ? " (>=" : " (");
        put_ms(static_cast<int64_t>(rec.duration_ns), rec.hdr.flags & BTRACE_SYS_STARTED_BEFORE ? 0 : 6, out);
        put(out, " ms): ");
    }
    decode::Payloads payloads;
    decode::split_payloads(payload_area, payloads);  // a malformed tail just shows pointers
    const syscalls::Syscall* info = call_head(rec, payloads, out);
    if (tracker_)
        tracker_->apply(rec, payloads);  // the return shows the fd's new name
    format_return(rec, info, out);
}

void TextFormatter::in_progress(const btrace_syscall& rec, std::string_view note, fmt::memory_buffer& out) const {
    put_ms(static_cast<int64_t>(rec.hdr.ts_ns - origin_ns_), 10, out);
    put(out, " (         ): ");
    call_head(rec, decode::Payloads{}, out);
    put(out, " ");
    put(out, note);
    out.push_back('\n');
}

const syscalls::Syscall* TextFormatter::call_head(const btrace_syscall& rec, const decode::Payloads& payloads,
                                                  fmt::memory_buffer& out) const {
    auto it = std::back_inserter(out);
    const syscalls::Syscall* info = syscalls::lookup(rec.nr);
    if (info) {
        fmt::format_to(it, FMT_COMPILE("{}/{} {}("), comm_of(rec.hdr), rec.hdr.tid, info->name);
        const bool no_return = rec.hdr.flags & BTRACE_SYS_NO_RETURN;
        const decode::CallContext call{rec.args, rec.ret, !no_return && is_error(rec.ret), raw_, fds_, rec.hdr.tgid};
        const bool creates = creates_file(*info, rec.args);
        for (unsigned i = 0; i < info->nargs; ++i) {
            if (info->args[i].kind == syscalls::ArgKind::CreateMode && !creates && !raw_)
                continue;  // like strace: open's mode means nothing without O_CREAT
            if (i)
                put(out, ", ");
            fmt::format_to(it, FMT_COMPILE("{}: "), info->args[i].name);
            decode::format_arg(info->args[i], rec.args[i], payloads.args[i], call, out);
        }
    } else {
        // Unknown to our table (a newer kernel): every register, numbered.
        fmt::format_to(it, FMT_COMPILE("{}/{} syscall_{}("), comm_of(rec.hdr), rec.hdr.tid, rec.nr);
        for (unsigned i = 0; i < BTRACE_MAX_ARGS; ++i)
            fmt::format_to(it, FMT_COMPILE("{}arg{}: {:#x}"), i ? ", " : "", i, rec.args[i]);
    }
    out.push_back(')');
    return info;
}

void TextFormatter::process_exit(const btrace_exit& rec, fmt::memory_buffer& out) const {
    auto it = std::back_inserter(out);
    const int status = static_cast<int>(rec.status);
    const int sig = status & 0x7f;
    if (sig == 0) {
        fmt::format_to(it, FMT_COMPILE("+++ {}/{} exited with {} +++\n"), comm_of(rec.hdr), rec.hdr.tgid,
                       (status >> 8) & 0xff);
        return;
    }
    std::string_view name = decode::signal_name(sig);
    fmt::format_to(it, FMT_COMPILE("+++ {}/{} killed by "), comm_of(rec.hdr), rec.hdr.tgid);
    if (name.empty())
        fmt::format_to(it, FMT_COMPILE("signal {}"), sig);
    else
        fmt::format_to(it, FMT_COMPILE("{}"), name);
    fmt::format_to(it, FMT_COMPILE("{} +++\n"), (status & 0x80) ? " (core dumped)" : "");
}

void TextFormatter::lost(uint64_t count, fmt::memory_buffer& out) const {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("... {} events lost ...\n"), count);
}

}  // namespace btrace::output
