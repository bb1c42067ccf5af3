// SPDX-License-Identifier: Apache-2.0
#include "output/text.h"

#include <fmt/compile.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include "decode/errno.h"
#include "decode/siginfo.h"
#include "output/call.h"
#include "decode/put.h"

namespace btrace::output {

namespace {

using decode::put;

constexpr int kMaxWidth = 10;  // of the time and duration columns

// Nanoseconds as milliseconds with 3 decimals, right-aligned to width (at
// most kMaxWidth): the same text as {:{width}.3f} on ns / 1e6, with integers
// (floats cost a third of the formatting time).
void put_ms(int64_t ns, int width, fmt::memory_buffer& out) {
    const bool negative = ns < 0;
    const uint64_t us = (negative ? -static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns)) / 1000;
    const fmt::format_int ms(us / 1000);
    const fmt::format_int frac(1000 + us % 1000);  // "1" and the 3 decimals, zero-padded
    const int pad = width - 4 - static_cast<int>(ms.size()) - (negative ? 1 : 0);
    char* at = decode::reserve(out, kMaxWidth + 1 + ms.size() + 4);
    std::memset(at, ' ', kMaxWidth);  // one fixed-size store; the number covers what is not padding
    at += std::max(pad, 0);
    if (negative)
        *at++ = '-';
    at = decode::write(at, {ms.data(), ms.size()});
    std::memcpy(at, frac.data(), 4);
    *at = '.';
    decode::commit(out, at + 4);
}

}  // namespace

// Milliseconds since the previous line's time (0 for the first line).
void TextFormatter::since_previous(uint64_t ts_ns, fmt::memory_buffer& out) {
    put_ms(previous_ts_ns_ ? static_cast<int64_t>(ts_ns - previous_ts_ns_) : 0, 10, out);
    previous_ts_ns_ = ts_ns;
}

void TextFormatter::time_column(uint64_t ts_ns, fmt::memory_buffer& out) {
    time_of_line(ts_ns, out);
    if (options_.time_delta) {  // -t -r, as strace 6.1: 16:27:18 (+     0.005016)
        put(out, " (+");
        since_previous(ts_ns, out);
        out.push_back(')');
    }
}

void TextFormatter::time_of_line(uint64_t ts_ns, fmt::memory_buffer& out) {
    // Modulo 2^64: a malformed timestamp must not overflow (undefined behaviour).
    const int64_t wall_ns = static_cast<int64_t>(ts_ns + static_cast<uint64_t>(options_.realtime_offset_ns));
    switch (options_.time) {
    case TimeFormat::SinceStart:
        put_ms(static_cast<int64_t>(ts_ns - options_.origin_ns), 10, out);
        return;
    case TimeFormat::SincePrevious:
        since_previous(ts_ns, out);
        return;
    case TimeFormat::Epoch:
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}.{:06}"), wall_ns / 1000000000,
                       (wall_ns % 1000000000) / 1000);
        return;
    case TimeFormat::WallSeconds:
    case TimeFormat::WallMicros: {
        const int64_t second = wall_ns / 1000000000;
        if (second != cached_second_) {  // localtime once a second, not once a line
            const time_t t = static_cast<time_t>(second);
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(cached_hms_, sizeof(cached_hms_), "%H:%M:%S", &tm);
            cached_second_ = second;
        }
        put(out, std::string_view(cached_hms_, 8));
        if (options_.time == TimeFormat::WallMicros)
            fmt::format_to(std::back_inserter(out), FMT_COMPILE(".{:06}"), (wall_ns % 1000000000) / 1000);
        return;
    }
    }
}

void TextFormatter::thread_prefix(const btrace_hdr& hdr, fmt::memory_buffer& out) {
    if (prefix_.size() == 0 || hdr.tid != prefix_tid_ ||
        std::memcmp(hdr.comm, prefix_comm_, sizeof(prefix_comm_)) != 0) {
        prefix_.clear();
        put_comm(hdr, prefix_);
        prefix_.push_back('/');
        decode::put_udec(prefix_, hdr.tid);
        prefix_.push_back(' ');
        prefix_tid_ = hdr.tid;
        std::memcpy(prefix_comm_, hdr.comm, sizeof(prefix_comm_));
    }
    put(out, std::string_view(prefix_.data(), prefix_.size()));
}

void TextFormatter::call_head(const btrace_syscall& rec, const syscalls::Syscall* info,
                              const decode::Payloads& payloads, const decode::CallContext& context,
                              fmt::memory_buffer& out) {
    thread_prefix(rec.hdr, out);
    format_name(rec, info, out);
    out.push_back('(');
    bool first = true;
    for_each_shown_arg(rec, info, payloads, context, [&](std::string_view name, std::optional<uint64_t>, auto&& format_into) {
        if (!first)
            put(out, ", ");
        first = false;
        put(out, name);
        put(out, ": ");
        format_into(out);
    });
    out.push_back(')');
}

void TextFormatter::call_start(const DecodedCall& call, fmt::memory_buffer& out) {
    const btrace_syscall& rec = call.rec;
    time_column(rec.hdr.ts_ns, out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN) {
        put(out, " (         ): ");
    } else {
        // In flight when tracing began: it took at least this long.
        if (rec.hdr.flags & BTRACE_SYS_STARTED_BEFORE) {
            put(out, " (>=");
            put_ms(static_cast<int64_t>(rec.duration_ns), 0, out);
        } else {
            put(out, " (");
            put_ms(static_cast<int64_t>(rec.duration_ns), 6, out);
        }
        put(out, " ms): ");
    }
    call_head(rec, call.info, call.payloads, call.context, out);
}

void TextFormatter::call_end(const DecodedCall& call, fmt::memory_buffer& out) {
    put(out, " = ");
    format_result(call.rec, call.info, call.context, out);
    if (btrace_sched sched; sched_of(call.rec, call.payloads, sched))
        sched_split(sched, out);
    out.push_back('\n');
    if (dumps_)
        dumps_->dump(call.rec, call.payloads, out);
    if (call.stack)
        put_stack_lines(*call.stack, out);
}

void put_stack_lines(const stack::Stack& stack, fmt::memory_buffer& out) {
    const auto cut_line = [&](const char* why) {  // or doubt
        put(out, " > ... (");
        decode::format_name(why, decode::NameKind::Comm, false, out);
        put(out, ")\n");
    };
    for (std::size_t i = 0; i < stack.frames.size(); ++i) {
        const stack::Frame& frame = stack.frames[i];
        if (i == stack.kernel_frames && stack.kernel_cut)
            cut_line(stack.kernel_cut);
        put(out, " > ");
        if (!frame.module) {
            put(out, "[unknown] [");
            fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#x}"), frame.pc);
            put(out, "]\n");
            continue;
        }
        decode::format_name(frame.module, decode::NameKind::Comm, false, out);
        out.push_back('(');
        if (!frame.symbol.empty()) {
            decode::format_name(frame.symbol, decode::NameKind::Comm, false, out);
            if (!frame.inlined) {
                put(out, "+");
                fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#x}"), frame.symbol_offset);
            }
        }
        put(out, ") [");
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#x}"), frame.module_offset);
        out.push_back(']');
        if (frame.file) {
            put(out, " at ");
            decode::format_name(frame.file, decode::NameKind::Comm, false, out);
            out.push_back(':');
            decode::put_udec(out, static_cast<uint64_t>(frame.line));
        }
        if (frame.inlined)
            put(out, " (inlined)");
        out.push_back('\n');
    }
    if (stack.frames.size() == stack.kernel_frames && stack.kernel_cut)
        cut_line(stack.kernel_cut);
    if (stack.cut)
        cut_line(stack.cut);
    if (stack.doubt)
        cut_line(stack.doubt);
}

// After the result, so the columns stay put: (cpu 0.120 blocked 11.900 runq
// 0.325 ms, 3 switches, woken by mysqld/2211)
void TextFormatter::sched_split(const btrace_sched& sched, fmt::memory_buffer& out) {
    put(out, " (cpu ");
    put_ms(static_cast<int64_t>(sched.cpu_ns), 0, out);
    put(out, " blocked ");
    put_ms(static_cast<int64_t>(sched.blocked_ns), 0, out);
    put(out, " runq ");
    put_ms(static_cast<int64_t>(sched.runq_ns), 0, out);
    put(out, " ms, ");
    decode::put_udec(out, sched.switches);
    put(out, sched.switches == 1 ? " switch" : " switches");
    if (sched.waker_kind != BTRACE_WAKER_NONE) {
        put(out, ", woken by ");
        put_waker(sched, out);
    }
    out.push_back(')');
}

void TextFormatter::in_progress(const btrace_syscall& rec, const decode::Payloads& payloads, std::string_view note,
                                fmt::memory_buffer& out) {
    time_column(rec.hdr.ts_ns, out);
    put(out, " (         ): ");
    call_head(rec, syscalls::lookup(rec.nr), payloads, context(rec, false), out);
    out.push_back(' ');
    put(out, note);
    out.push_back('\n');
}

void TextFormatter::exit_line(const btrace_exit& rec, fmt::memory_buffer& out) {
    // strace stamps its +++ lines when it stamps calls (-t, -tt, -ttt, -r);
    // btrace's default column, time since start, is not strace's, and stays off them.
    if (options_.time != TimeFormat::SinceStart) {
        time_column(rec.hdr.ts_ns, out);
        out.push_back(' ');
    }
    put(out, "+++ ");
    put_comm(rec.hdr, out);
    out.push_back('/');
    decode::put_udec(out, rec.hdr.tgid);
    out.push_back(' ');
    decode::format_exit_status(rec.status, out);
    put(out, " +++\n");
}

// In the trace's columns, strace's words: ... sh/42 --- SIGCHLD {si_signo=SIGCHLD, ...} ---
void TextFormatter::signal(const btrace_signal& rec, fmt::memory_buffer& out) {
    time_column(rec.hdr.ts_ns, out);
    put(out, " (         ): ");
    thread_prefix(rec.hdr, out);
    put(out, "--- ");
    decode::format_signal(rec.signo, out);
    out.push_back(' ');
    decode::format_siginfo(rec.signo, rec.siginfo, out);
    put(out, " ---\n");
}

void TextFormatter::lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, FMT_COMPILE("... {} call{}"), calls, calls == 1 ? "" : "s");
    if (others)
        fmt::format_to(it, FMT_COMPILE(" and {} other record{}"), others, others == 1 ? "" : "s");
    put(out, " lost ...\n");
}

}  // namespace btrace::output
