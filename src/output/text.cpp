#include "output/text.h"

#include <fmt/compile.h>

#include <cstring>
#include <iterator>
#include <string_view>

#include "decode/errno.h"
#include "syscalls/table.h"

namespace btrace::output {

namespace {

using syscalls::ArgKind;
using syscalls::RetKind;

constexpr long kMaxErrno = 4095;  // the kernel returns -1..-4095 for errors

std::string_view comm_of(const btrace_hdr& hdr) {
    return {hdr.comm, strnlen(hdr.comm, sizeof(hdr.comm))};
}

void format_arg(uint64_t value, ArgKind kind, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    switch (kind) {
    case ArgKind::Hex:
        if (value == 0)
            out.push_back('0');
        else
            fmt::format_to(it, FMT_COMPILE("{:#x}"), value);
        break;
    case ArgKind::Signed:
        fmt::format_to(it, FMT_COMPILE("{}"), static_cast<int64_t>(value));
        break;
    case ArgKind::Int:
        fmt::format_to(it, FMT_COMPILE("{}"), static_cast<int32_t>(value));
        break;
    case ArgKind::Unsigned:
        fmt::format_to(it, FMT_COMPILE("{}"), value);
        break;
    case ArgKind::Octal:
        fmt::format_to(it, FMT_COMPILE("{:#o}"), value);
        break;
    }
}

void format_return(const btrace_syscall& rec, const syscalls::Syscall* info, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN) {
        fmt::format_to(it, FMT_COMPILE(" = ?\n"));
        return;
    }
    const int64_t ret = rec.ret;
    if (ret < 0 && ret >= -kMaxErrno) {
        const auto err = decode::errno_text(-ret);
        const char* shown = decode::errno_is_internal(-ret) ? "?" : "-1";
        if (err.name.empty())
            fmt::format_to(it, FMT_COMPILE(" = {} errno {} (Unknown error {})\n"), shown, -ret, -ret);
        else
            fmt::format_to(it, FMT_COMPILE(" = {} {} ({})\n"), shown, err.name, err.message);
        return;
    }
    if (info && info->ret == RetKind::Address)
        fmt::format_to(it, FMT_COMPILE(" = {:#x}\n"), static_cast<uint64_t>(ret));
    else
        fmt::format_to(it, FMT_COMPILE(" = {}\n"), ret);
}

}  // namespace

void TextFormatter::syscall(const btrace_syscall& rec, fmt::memory_buffer& out) const {
    auto it = std::back_inserter(out);
    const double since_ms = static_cast<double>(static_cast<int64_t>(rec.hdr.ts_ns - origin_ns_)) / 1e6;
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN)
        fmt::format_to(it, FMT_COMPILE("{:10.3f} (         ): "), since_ms);
    else
        fmt::format_to(it, FMT_COMPILE("{:10.3f} ({:6.3f} ms): "), since_ms,
                       static_cast<double>(rec.duration_ns) / 1e6);

    const syscalls::Syscall* info = syscalls::lookup(rec.nr);
    if (info) {
        fmt::format_to(it, FMT_COMPILE("{}/{} {}("), comm_of(rec.hdr), rec.hdr.tid, info->name);
        for (unsigned i = 0; i < info->nargs; ++i) {
            if (i)
                fmt::format_to(it, FMT_COMPILE(", "));
            fmt::format_to(it, FMT_COMPILE("{}: "), info->args[i].name);
            format_arg(rec.args[i], info->args[i].kind, out);
        }
    } else {
        // Unknown to our table (a newer kernel): every register, numbered.
        fmt::format_to(it, FMT_COMPILE("{}/{} syscall_{}("), comm_of(rec.hdr), rec.hdr.tid, rec.nr);
        for (unsigned i = 0; i < BTRACE_MAX_ARGS; ++i)
            fmt::format_to(it, FMT_COMPILE("{}arg{}: {:#x}"), i ? ", " : "", i, rec.args[i]);
    }
    out.push_back(')');
    format_return(rec, info, out);
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
