// SPDX-License-Identifier: Apache-2.0
// The summary (-c, -S): per syscall calls, errors, time, min/avg/max and
// p50/p90/p99 from the kernel's log2 latency histograms, like strace -c and
// perf trace -s; optionally grouped by process or thread, with histograms.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>

#include "state/stats.h"

namespace btrace::output {

enum class SummaryBy { Syscall, Process, Thread };

// The p-th percentile (0 < p <= 1) in ns, interpolated inside its log2
// bucket and clamped to the observed min and max.
uint64_t percentile_ns(const btrace_stats& stats, double p);
// The same from a log2 histogram of count values, not clamped; none past its end.
std::optional<uint64_t> histogram_percentile_ns(std::span<const __u64, BTRACE_HIST_BUCKETS> hist, uint64_t count,
                                                double p);

void format_summary(std::span<const state::StatsEntry> entries, SummaryBy by, bool histograms,
                    fmt::memory_buffer& out);

}  // namespace btrace::output
