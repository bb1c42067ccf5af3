// SPDX-License-Identifier: Apache-2.0
// The summary (-c, -S): per syscall calls, errors, time, min/avg/max and
// p50/p90/p99 from the kernel's log2 latency histograms, like strace -c and
// perf trace -s; optionally grouped by process or thread, with histograms.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <span>

#include "state/stats.h"

namespace btrace::output {

enum class SummaryBy { Syscall, Process, Thread };

// The kernel's log2 histogram bucket of ns (summary.bpf.h hist_bucket): bucket b
// holds [2^(b-1), 2^b) ns, the last everything above; for histograms made here.
inline unsigned hist_bucket(uint64_t ns) {
    return std::min<unsigned>(static_cast<unsigned>(std::bit_width(ns)), BTRACE_HIST_BUCKETS - 1);
}

// The p-th percentile (0 < p <= 1) in ns, interpolated inside its log2
// bucket and clamped to the observed min and max.
uint64_t percentile_ns(const btrace_stats& stats, double p);
// The same from a log2 histogram of count values, not clamped; none past its end.
std::optional<uint64_t> histogram_percentile_ns(std::span<const __u64, BTRACE_HIST_BUCKETS> hist, uint64_t count,
                                                double p);

// The table (or tables, one per process or thread), or with json one JSON
// object per line and group:
//   {"type":"summary","by":"syscall","calls":1140,"errors":101,"total_ns":201984000,"syscalls":[
//    {"syscall":"nanosleep","calls":10,"errors":0,"total_ns":201116000,"time_pct":99.57,"min_ns":20085846,
//     "avg_ns":20111590,"p50_ns":...,"p90_ns":...,"p99_ns":...,"max_ns":20129845,
//     "histogram":[{"low_ns":16777216,"high_ns":33554432,"count":10}]},...]}
// ("by":"process" or "thread" adds "pid" or "tid" and "comm"; "histogram" only with histograms).
void format_summary(std::span<const state::StatsEntry> entries, SummaryBy by, bool histograms, bool json,
                    fmt::memory_buffer& out);

}  // namespace btrace::output
