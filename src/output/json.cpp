// SPDX-License-Identifier: Apache-2.0
#include "output/json.h"

#include <fmt/compile.h>

#include <algorithm>
#include <iterator>

#include "decode/errno.h"
#include "decode/siginfo.h"
#include "output/call.h"
#include "decode/put.h"
#include "decode/utf8.h"

namespace btrace::output {

namespace {

using decode::put;

// How far an fd argument's shown name can be trusted, when not fully:
// "unknown" (3<?>: lost, or changed while the call ran) or "cut" (3<.../b/c>).
std::string_view fd_name_state(std::string_view value) {
    const auto lt = value.find('<');
    if (lt == std::string_view::npos || lt == 0 ||
        !std::all_of(value.begin(), value.begin() + lt, [](char c) { return c >= '0' && c <= '9'; }))
        return {};
    const auto name = value.substr(lt + 1);
    if (name.size() == state::kUnknownFdName.size() + 1 && name.starts_with(state::kUnknownFdName))
        return "unknown";
    if (name.starts_with(state::kCutPathPrefix))
        return "cut";
    return {};
}

}  // namespace

void json_string(std::string_view bytes, fmt::memory_buffer& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    const std::span<const uint8_t> text(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    for (std::size_t i = 0; i < text.size();) {
        const uint8_t c = text[i];
        switch (c) {
        case '"': put(out, "\\\""); ++i; continue;
        case '\\': put(out, "\\\\"); ++i; continue;
        case '\n': put(out, "\\n"); ++i; continue;
        case '\t': put(out, "\\t"); ++i; continue;
        case '\r': put(out, "\\r"); ++i; continue;
        default: break;
        }
        if (c < 0x20 || c == 0x7f) {
            const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
            out.append(esc, esc + 6);
            ++i;
            continue;
        }
        const std::size_t length = decode::utf8_sequence_length(text.subspan(i));
        if (length == 0) {
            put(out, "\\ufffd");
            ++i;
            continue;
        }
        out.append(bytes.data() + i, bytes.data() + i + length);
        i += length;
    }
    out.push_back('"');
}

void JsonFormatter::common(std::string_view type, const btrace_hdr& hdr, fmt::memory_buffer& out) {
    // Modulo 2^64: a malformed timestamp must not overflow (undefined behaviour).
    const int64_t wall_ns = static_cast<int64_t>(hdr.ts_ns + static_cast<uint64_t>(options_.realtime_offset_ns));
    const int64_t rel_us = static_cast<int64_t>(hdr.ts_ns - options_.origin_ns) / 1000;
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{{\"type\":\"{}\",\"ts\":{}.{:06},\"rel_ms\":{}.{:03},"),
                   type, wall_ns / 1000000000, (wall_ns % 1000000000) / 1000, rel_us / 1000,
                   (rel_us < 0 ? -rel_us : rel_us) % 1000);
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("\"pid\":{},\"tid\":{},\"comm\":"), hdr.tgid, hdr.tid);
    text_.clear();
    put_comm(hdr, text_, true);
    json_string(std::string_view(text_.data(), text_.size()), out);
}

void JsonFormatter::call_fields(const btrace_syscall& rec, const syscalls::Syscall* info,
                                const decode::Payloads& payloads, const decode::CallContext& call,
                                fmt::memory_buffer& out) {
    put(out, ",\"syscall\":");
    text_.clear();
    format_name(rec, info, text_);
    json_string(std::string_view(text_.data(), text_.size()), out);
    put(out, ",\"args\":{");
    bool first = true;
    for_each_shown_arg(rec, info, payloads, call, [&](std::string_view name, std::optional<uint64_t> raw, auto&& format_into) {
        if (!first)
            out.push_back(',');
        first = false;
        json_string(name, out);
        put(out, ":{\"value\":");
        scratch_.clear();
        format_into(scratch_);
        json_string(std::string_view(scratch_.data(), scratch_.size()), out);
        if (raw)  // not for what is not in a register
            fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"raw\":{}"), *raw);
        if (const auto state = fd_name_state(std::string_view(scratch_.data(), scratch_.size())); !state.empty())
            fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"fd_name\":\"{}\""), state);
        out.push_back('}');
    });
    out.push_back('}');
}

void JsonFormatter::call_start(const DecodedCall& call, fmt::memory_buffer& out) {
    const btrace_syscall& rec = call.rec;
    common("syscall", rec.hdr, out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN)
        put(out, ",\"duration_ns\":null");
    else
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"duration_ns\":{}"), rec.duration_ns);
    if (rec.hdr.flags & BTRACE_SYS_STARTED_BEFORE)
        put(out, ",\"started_before_attach\":true");
    call_fields(rec, call.info, call.payloads, call.context, out);
}

void JsonFormatter::call_end(const DecodedCall& call, fmt::memory_buffer& out) {
    const btrace_syscall& rec = call.rec;
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN)
        put(out, ",\"ret\":null");
    else
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"ret\":{}"), rec.ret);
    text_.clear();
    format_result(rec, call.info, call.context, text_);
    put(out, ",\"result\":");
    json_string(std::string_view(text_.data(), text_.size()), out);
    put(out, ",\"errno\":");
    const auto err = call.context.failed ? decode::errno_text(-rec.ret) : decode::ErrnoText{};
    if (err.name.empty())
        put(out, "null");
    else
        json_string(err.name, out);
    if (btrace_sched sched; sched_of(rec, call.payloads, sched))
        sched_split(sched, out);
    if (call.stack)
        put_stack_json(*call.stack, out);
    put(out, "}\n");
}

void put_stack_json(const stack::Stack& stack, fmt::memory_buffer& out) {
    const auto string_or_null = [&](const char* s) {
        if (s)
            json_string(s, out);
        else
            put(out, "null");
    };
    put(out, ",\"stack\":[");
    bool first = true;
    for (const stack::Frame& frame : stack.frames) {
        put(out, first ? "{\"pc\":\"" : ",{\"pc\":\"");
        first = false;
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#x}"), frame.pc);
        put(out, "\",\"module\":");
        string_or_null(frame.module);
        put(out, ",\"offset\":");
        if (frame.module) {
            out.push_back('"');
            fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#x}"), frame.module_offset);
            out.push_back('"');
        } else {
            put(out, "null");
        }
        put(out, ",\"symbol\":");
        if (frame.symbol.empty())
            put(out, "null");
        else
            json_string(frame.symbol, out);
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"symbol_offset\":{},\"file\":"), frame.symbol_offset);
        string_or_null(frame.file);
        put(out, ",\"line\":");
        if (frame.file)
            decode::put_udec(out, static_cast<uint64_t>(frame.line));
        else
            put(out, "null");
        put(out, frame.inlined ? ",\"inlined\":true}" : ",\"inlined\":false}");
    }
    put(out, "],\"stack_cut\":");
    string_or_null(stack.cut);
    fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"kernel_frames\":{},\"kernel_stack_cut\":"),
                   stack.kernel_frames);
    string_or_null(stack.kernel_cut);
    put(out, ",\"stack_doubt\":");
    string_or_null(stack.doubt);
}

// --sched: "sched":{"cpu_ns":..,"blocked_ns":..,"runq_ns":..,"switches":..,"woken_by":W}, W null (never
// blocked), {"kind":"irq"}, {"kind":"unknown"} (its wakeup not seen) or {"kind":"task","tid":2211,"comm":"mysqld"}
void JsonFormatter::sched_split(const btrace_sched& sched, fmt::memory_buffer& out) {
    fmt::format_to(std::back_inserter(out),
                   FMT_COMPILE(",\"sched\":{{\"cpu_ns\":{},\"blocked_ns\":{},\"runq_ns\":{},\"switches\":{},\"woken_by\":"),
                   sched.cpu_ns, sched.blocked_ns, sched.runq_ns, sched.switches);
    if (sched.waker_kind == BTRACE_WAKER_NONE) {
        put(out, "null}");
        return;
    }
    if (sched.waker_kind != BTRACE_WAKER_TASK) {
        put(out, sched.waker_kind == BTRACE_WAKER_IRQ ? "{\"kind\":\"irq\"}}" : "{\"kind\":\"unknown\"}}");
        return;
    }
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{{\"kind\":\"task\",\"tid\":{},\"comm\":"), sched.waker_tid);
    text_.clear();
    put_waker_comm(sched, text_, true);
    json_string(std::string_view(text_.data(), text_.size()), out);
    put(out, "}}");
}

void JsonFormatter::in_progress(const btrace_syscall& rec, const decode::Payloads& payloads, std::string_view note,
                                fmt::memory_buffer& out) {
    common("in_progress", rec.hdr, out);
    call_fields(rec, syscalls::lookup(rec.nr), payloads, context(rec, false), out);
    put(out, ",\"note\":");
    json_string(note, out);
    put(out, "}\n");
}

void JsonFormatter::exit_line(const btrace_exit& rec, fmt::memory_buffer& out) {
    common("exit", rec.hdr, out);
    const auto status = decode::exit_status(rec.status);
    if (status.signal == 0) {
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"exit_code\":{},\"signal\":null}}\n"), status.code);
        return;
    }
    put(out, ",\"exit_code\":null,\"signal\":");
    const std::string_view name = decode::signal_name(status.signal);
    if (name.empty())
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), status.signal);
    else
        json_string(name, out);
    fmt::format_to(std::back_inserter(out), FMT_COMPILE(",\"core_dumped\":{}}}\n"), status.core_dumped);
}

void JsonFormatter::signal(const btrace_signal& rec, fmt::memory_buffer& out) {
    common("signal", rec.hdr, out);
    put(out, ",\"signal\":");
    text_.clear();
    decode::format_signal(rec.signo, text_);
    json_string(std::string_view(text_.data(), text_.size()), out);
    put(out, ",\"siginfo\":");
    text_.clear();
    decode::format_siginfo(rec.signo, rec.siginfo, text_);
    json_string(std::string_view(text_.data(), text_.size()), out);
    put(out, "}\n");
}

void JsonFormatter::lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{{\"type\":\"lost\",\"calls\":{},\"others\":{}}}\n"),
                   calls, others);
}

}  // namespace btrace::output
