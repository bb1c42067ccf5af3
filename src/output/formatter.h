// SPDX-License-Identifier: Apache-2.0
// What a sink's lines are made of: text (perf-trace style) or JSON lines.
// Both decode a call the same way (output/call.h); they differ in layout only.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "btrace/event.h"
#include "decode/args.h"
#include "decode/payloads.h"
#include "output/stack_summary.h"
#include "stack/kernel.h"
#include "stack/unwinder.h"
#include "syscalls/table.h"
#include "state/fd_table.h"
#include "util/fd_set.h"
#include "state/fd_tracker.h"

namespace btrace::output {

// -t, -tt, -ttt, -r: what the first column shows.
enum class TimeFormat { SinceStart, WallSeconds, WallMicros, Epoch, SincePrevious };

struct FormatOptions {
    uint64_t origin_ns = 0;       // CLOCK_MONOTONIC instant shown as time 0
    int64_t realtime_offset_ns = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC at start
    bool raw = false;             // --raw: register values only
    TimeFormat time = TimeFormat::SinceStart;
    // Monitor: fds are named from each record's own descriptions, applied
    // before its arguments (the calls that opened them were not sent).
    bool fd_names_from_records = false;
    std::size_t string_max = 256;  // -s
    decode::StringHex hex = decode::StringHex::None;  // -x, -xx
    bool time_delta = false;       // -r with -t: "(+ ms)" since the previous line after the time of day
    bool exit_lines = true;        // -qq: no "+++ exited with" lines
    FdSet read_dumps{}, write_dumps{};  // -e read=, -e write=: hex dumps after the calls (text only)
};

// One call, decoded once for either layout.
struct DecodedCall {
    const btrace_syscall& rec;
    const syscalls::Syscall* info;  // null: a number missing from the table
    const decode::Payloads& payloads;
    decode::CallContext context;
    const stack::Stack* stack = nullptr;  // -k: the call's user stack, unwound
};

class Formatter {
public:
    // fds: names fd arguments and results, kept current from each call (may be null).
    // utf8: strings and names keep valid UTF-8 as characters (JSON).
    Formatter(const FormatOptions& options, state::FdTable* fds, bool utf8)
        : options_(options), fds_(fds), utf8_(utf8) {
        if (fds)
            tracker_.emplace(*fds);
    }
    virtual ~Formatter() = default;

    // payload_area: the captured memory for rec's arguments (what follows the
    // fixed part of its record, or of the execve record captured at entry).
    // Applies the call to the fd table between its arguments and its result.
    void syscall(const btrace_syscall& rec, std::span<const uint8_t> payload_area, fmt::memory_buffer& out);
    // A call sent only for what it did to fds (BTRACE_SYS_FDS_ONLY): the fd
    // table follows it; nothing is printed.
    void follow_fds(const btrace_syscall& rec, std::span<const uint8_t> payload_area);
    void follow_fds(const btrace_syscall& rec, const decode::Payloads& payloads);  // already split
    // A call with no result yet (in flight at attach, or past --pending), with a
    // note; payloads: what it was passed, read from the thread's memory.
    virtual void in_progress(const btrace_syscall& rec, const decode::Payloads& payloads, std::string_view note,
                             fmt::memory_buffer& out) = 0;
    std::size_t string_max() const { return options_.string_max; }
    // -k: calls whose records carry a user stack show it, unwound by this.
    // --kernel-stack: calls whose records carry a kernel stack id show it, from these.
    void show_stacks(stack::Unwinder* unwinder, stack::KernelStacks* kernel_stacks = nullptr) {
        unwinder_ = unwinder;
        kernel_stacks_ = kernel_stacks;
    }
    // -c -k: each call's stack goes into summary too.
    void summarize_stacks(StackSummary* summary) { stack_summary_ = summary; }
    // "+++ ... exited with N +++", unless -qq.
    void process_exit(const btrace_exit& rec, fmt::memory_buffer& out) {
        if (options_.exit_lines)
            exit_line(rec, out);
    }
    // A signal delivered to a traced thread (strace's --- SIGCHLD {...} ---).
    virtual void signal(const btrace_signal& rec, fmt::memory_buffer& out) = 0;
    // A gap in the stream: calls the kernel side could not deliver, and other
    // records (fd-only calls, forks, exits, signals).
    virtual void lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) = 0;

protected:
    // A completed call's line up to and including its arguments, then the rest.
    virtual void call_start(const DecodedCall& call, fmt::memory_buffer& out) = 0;
    virtual void call_end(const DecodedCall& call, fmt::memory_buffer& out) = 0;
    virtual void exit_line(const btrace_exit& rec, fmt::memory_buffer& out) = 0;
    decode::CallContext context(const btrace_syscall& rec, bool failed) const {
        return decode::CallContext{failed,  options_.raw, fds_,  rec.hdr.tgid,  options_.string_max, rec.ret,
                                   nullptr, rec.args,     utf8_, rec.hdr.ts_ns, options_.hex};
    }

    FormatOptions options_;
    state::FdTable* fds_;
    bool utf8_;
    std::optional<state::FdTracker> tracker_;
    stack::Unwinder* unwinder_ = nullptr;
    stack::KernelStacks* kernel_stacks_ = nullptr;
    StackSummary* stack_summary_ = nullptr;
    stack::Stack stack_;  // the call's kernel and user frames

private:
    const stack::Stack* stack_of(const btrace_syscall& rec, const decode::Payloads& payloads);
};

}  // namespace btrace::output
