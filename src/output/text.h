// perf-trace-style text lines from kernel records:
//      0.412 ( 0.004 ms): cat/4242 openat(dfd: -100, filename: 0x7ffd1234, flags: 0x80000, mode: 0) = 3
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>

#include <optional>
#include <string_view>

#include "btrace/event.h"
#include "decode/payloads.h"
#include "state/fd_tracker.h"
#include "syscalls/table.h"

namespace btrace::output {

class TextFormatter {
public:
    // origin_ns: CLOCK_MONOTONIC instant printed as time 0.
    // raw: print register values only (--raw).
    // fds: names fd arguments and results, and is kept current from each call.
    explicit TextFormatter(uint64_t origin_ns, bool raw = false, state::FdTable* fds = nullptr)
        : origin_ns_(origin_ns), raw_(raw), fds_(fds) {
        if (fds)
            tracker_.emplace(*fds);
    }

    // payload_area: the captured memory for rec's arguments (what follows the
    // fixed part of its record, or of the execve record captured at entry).
    // Applies the call to the fd table between its arguments and its result.
    void syscall(const btrace_syscall& rec, std::span<const uint8_t> payload_area, fmt::memory_buffer& out);
    // A call with no result yet (in flight at attach, or past --pending),
    // followed by note ("... still in progress after 1.000 s").
    void in_progress(const btrace_syscall& rec, std::string_view note, fmt::memory_buffer& out) const;
    void process_exit(const btrace_exit& rec, fmt::memory_buffer& out) const;
    // A gap in the stream: calls the kernel side could not deliver.
    void lost(uint64_t count, fmt::memory_buffer& out) const;

private:
    const syscalls::Syscall* call_head(const btrace_syscall& rec, const decode::Payloads& payloads,
                                       fmt::memory_buffer& out) const;
    void format_return(const btrace_syscall& rec, const syscalls::Syscall* info, fmt::memory_buffer& out) const;

    uint64_t origin_ns_;
    bool raw_;
    state::FdTable* fds_;
    std::optional<state::FdTracker> tracker_;
};

}  // namespace btrace::output
