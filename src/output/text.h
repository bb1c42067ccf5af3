// perf-trace-style text lines from kernel records:
//      0.412 ( 0.004 ms): cat/4242 openat(dfd: -100, filename: 0x7ffd1234, flags: 0x80000, mode: 0) = 3
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>

#include "btrace/event.h"

namespace btrace::output {

class TextFormatter {
public:
    // origin_ns: CLOCK_MONOTONIC instant printed as time 0.
    // raw: print register values only (--raw).
    explicit TextFormatter(uint64_t origin_ns, bool raw = false) : origin_ns_(origin_ns), raw_(raw) {}

    // payload_area: the captured memory for rec's arguments (what follows the
    // fixed part of its record, or of the execve record captured at entry).
    void syscall(const btrace_syscall& rec, std::span<const uint8_t> payload_area, fmt::memory_buffer& out) const;
    void process_exit(const btrace_exit& rec, fmt::memory_buffer& out) const;
    // A gap in the stream: calls the kernel side could not deliver.
    void lost(uint64_t count, fmt::memory_buffer& out) const;

private:
    uint64_t origin_ns_;
    bool raw_;
};

}  // namespace btrace::output
