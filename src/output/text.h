// SPDX-License-Identifier: Apache-2.0
// perf-trace-style text lines from kernel records:
//      0.412 ( 0.004 ms): cat/4242 openat(dfd: AT_FDCWD, filename: "/etc/issue", flags: O_RDONLY) = 3</etc/issue>
#pragma once

#include <optional>

#include "decode/args.h"
#include "decode/payloads.h"
#include "decode/put.h"
#include "output/dump.h"
#include "output/formatter.h"
#include "syscalls/table.h"

namespace btrace::output {

// -k: a stack as strace -k's lines, " > /usr/lib/x86_64-linux-gnu/libc.so.6(__read+0x12) [0x10a2d5]",
// with the source line when debug info tells it, and why it ends early.
void put_stack_lines(const stack::Stack& stack, fmt::memory_buffer& out);

class TextFormatter final : public Formatter {
public:
    explicit TextFormatter(const FormatOptions& options, state::FdTable* fds = nullptr) : Formatter(options, fds, false) {
        if (options.read_dumps.any() || options.write_dumps.any())
            dumps_.emplace(options.read_dumps, options.write_dumps);
    }

    void in_progress(const btrace_syscall& rec, const decode::Payloads& payloads, std::string_view note,
                     fmt::memory_buffer& out) override;
    void signal(const btrace_signal& rec, fmt::memory_buffer& out) override;
    void lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) override;

private:
    void call_start(const DecodedCall& call, fmt::memory_buffer& out) override;
    void call_end(const DecodedCall& call, fmt::memory_buffer& out) override;
    void exit_line(const btrace_exit& rec, fmt::memory_buffer& out) override;
    // The first column (-t, -tt, -ttt, -r or since start), then -t -r's "(+ delta)".
    void time_column(uint64_t ts_ns, fmt::memory_buffer& out);
    void sched_split(const btrace_sched& sched, fmt::memory_buffer& out);
    void time_of_line(uint64_t ts_ns, fmt::memory_buffer& out);
    void since_previous(uint64_t ts_ns, fmt::memory_buffer& out);
    // "comm/tid ", the line's thread.
    void thread_prefix(const btrace_hdr& hdr, fmt::memory_buffer& out);
    void call_head(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::Payloads& payloads,
                   const decode::CallContext& context, fmt::memory_buffer& out);

    uint64_t previous_ts_ns_ = 0;    // -r
    int64_t cached_second_ = -1;     // -t/-tt: the formatted HH:MM:SS of this second
    char cached_hms_[9] = {};
    // The prefix last made: lines come in runs from one thread. Keyed by the
    // whole comm field, so a thread that renames itself misses.
    uint32_t prefix_tid_ = 0;
    char prefix_comm_[BTRACE_COMM_LEN] = {};
    fmt::memory_buffer prefix_;  // empty: none made yet
    std::optional<IoDumps> dumps_;  // -e read=, -e write=
};

}  // namespace btrace::output
