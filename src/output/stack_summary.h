// SPDX-License-Identifier: Apache-2.0
// -c -k: calls grouped by (syscall, stack), with counts, errors and latency
// percentiles: "where do my 10,000 failing stats come from". Kept in the
// consumer from the records (the kernel's summary has no stacks).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <unordered_map>

#include "btrace/event.h"
#include "stack/unwinder.h"

namespace btrace::output {

class StackSummary {
public:
    explicit StackSummary(bool json) : json_(json) {}

    // A completed call (rec.ret its result) and its stack, unwound.
    void add(const btrace_syscall& rec, const stack::Stack& stack, bool failed);
    // The groups by total time, most first, each with its stack:
    //   text: "  2000 calls, 3 errors, 1.234 ms total, p50 0.001 ms, p99 0.004 ms, max 0.120 ms: openat"
    //         then the stack's " > " lines;
    //   json: {"type":"stack_summary","stacks":[{"syscall":"openat","calls":2000,"errors":3,"total_ns":..,
    //          "p50_ns":..,"p99_ns":..,"max_ns":..,"stack":[...],"stack_cut":null},...]}
    void format(fmt::memory_buffer& out) const;
    std::size_t groups() const { return groups_.size(); }

private:
    struct Group {
        long nr = 0;
        btrace_stats stats{};
        std::string stack;  // formatted once: the frames point into modules that go with their process
    };
    bool json_;
    std::string key_;  // reused: nr, then each frame's pc
    std::unordered_map<std::string, Group> groups_;
};

}  // namespace btrace::output
