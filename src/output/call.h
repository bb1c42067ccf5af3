// SPDX-License-Identifier: Apache-2.0
// Decoding one call for any output form: its shown arguments (decoded text and
// raw value) and its result, with fd names. Layout is the formatter's.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "btrace/event.h"
#include "decode/args.h"
#include "decode/payloads.h"
#include "syscalls/table.h"

namespace btrace::output {

std::string_view comm_of(const btrace_hdr& hdr);
// The comm escaped as decode::format_name does (utf8: keep valid UTF-8, for JSON).
void put_comm(const btrace_hdr& hdr, fmt::memory_buffer& out, bool utf8 = false);

// Visits each argument shown for rec: visit(name, raw value, format_into),
// where format_into(buffer) appends its decoded text (formatters write it
// where they want it, with no copy). A multiplexed call shows its operation's
// arguments (syscalls::shown); open's mode is left out without
// O_CREAT/O_TMPFILE; --raw shows every register; a number missing from the
// table shows all six registers as arg0..arg5.
template <class F>
void for_each_shown_arg(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::Payloads& payloads,
                        const decode::CallContext& call, F&& visit);

// The result as text: 3</etc/issue>, 0x7f12..., -1 ENOENT (No such file or
// directory), ? ERESTARTSYS (...), or ? for a call that never returns.
void format_result(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::CallContext& call,
                   fmt::memory_buffer& out);

// The syscall's name, or syscall_N.
void format_name(const btrace_syscall& rec, const syscalls::Syscall* info, fmt::memory_buffer& out);

bool creates_file(const syscalls::Syscall& sc, const __u64* args);

// --sched: the call's split, if its record carries a whole one (a payload,
// or BTRACE_SYS_SCHED_ON_CPU: all of its duration on the CPU).
bool sched_of(const btrace_syscall& rec, const decode::Payloads& payloads, btrace_sched& sched);
// Who woke the call: "irq" or comm/tid (the comm escaped as
// put_comm does); nothing if it never blocked.
void put_waker(const btrace_sched& sched, fmt::memory_buffer& out, bool utf8 = false);
void put_waker_comm(const btrace_sched& sched, fmt::memory_buffer& out, bool utf8 = false);

template <class F>
void for_each_shown_arg(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::Payloads& payloads,
                        const decode::CallContext& call, F&& visit) {
    if (!info) {
        static constexpr std::string_view kNames[BTRACE_MAX_ARGS] = {"arg0", "arg1", "arg2", "arg3", "arg4", "arg5"};
        for (unsigned i = 0; i < BTRACE_MAX_ARGS; ++i)
            visit(kNames[i], rec.args[i], [&](fmt::memory_buffer& into) {
                fmt::format_to(std::back_inserter(into), "{:#x}", rec.args[i]);
            });
        return;
    }
    if (call.raw) {  // every register, as the syscall's prototype names them
        for (unsigned i = 0; i < info->nargs && syscalls::in_register(info->args[i]); ++i)
            visit(info->args[i].name, rec.args[i], [&](fmt::memory_buffer& into) {
                decode::format_arg(info->args[i], i, rec.args[i], payloads.args[i], call, into);
            });
        return;
    }
    const syscalls::Shown shown = syscalls::shown(*info, rec.args);
    for (unsigned i = 0; i < shown.nargs; ++i) {
        const syscalls::Arg& arg = shown.args[i];
        const unsigned reg = shown.regs[i];
        if ((arg.kind == syscalls::ArgKind::CreateMode && !creates_file(*info, rec.args)) ||
            !syscalls::is_shown(arg, rec.args))
            continue;  // like strace: open's mode means nothing without O_CREAT, clone's tls without CLONE_SETTLS
        visit(arg.name, syscalls::in_register(arg) ? std::optional(rec.args[reg]) : std::nullopt,
              [&, reg](fmt::memory_buffer& into) { decode::format_arg(arg, reg, rec.args[reg], payloads.args[reg], call, into); });
    }
}

}  // namespace btrace::output
