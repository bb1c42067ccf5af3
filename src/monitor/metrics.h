// SPDX-License-Identifier: Apache-2.0
// Prometheus text exposition (format 0.0.4) of what `btrace monitor` keeps:
// per-(syscall, comm|cgroup) latency histograms and error counts from the
// kernel maps, and btrace's own cost. Rendering only: no I/O here.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "btrace/event.h"
#include "state/stats.h"

namespace btrace::monitor {

struct HistogramSeries {
    std::string syscall;
    std::string group;  // the comm or the cgroup path (label named by MetricsSnapshot::group_label)
    uint64_t count = 0;
    uint64_t sum_ns = 0;
    // Kernel log2 buckets: bucket b counts calls in [2^(b-1), 2^b) ns, b = 0 for 0 ns.
    std::array<uint64_t, BTRACE_HIST_BUCKETS> log2_buckets{};
};

struct ErrorSeries {
    std::string syscall;
    std::string group;
    std::string errno_name;  // "ENOENT" (or the number when unnamed)
    uint64_t count = 0;
};

using state::ProgramStats;

struct MetricsSnapshot {
    std::string group_label = "comm";  // "comm" or "cgroup"
    std::vector<HistogramSeries> histograms;
    bool sched = false;                     // --sched: runqueue is exported
    std::vector<HistogramSeries> runqueue;  // time waiting for a CPU, per call
    std::vector<ErrorSeries> errors;
    uint64_t events_lost = 0;      // records the kernel side could not deliver
    uint64_t outliers = 0;         // slow or failed calls reported
    uint64_t map_overflows = 0;    // histogram/error keys evicted or not inserted (maps full)
    std::vector<ProgramStats> programs;
    bool bpf_stats_enabled = false;  // run time/count are 0 unless the kernel's BPF stats are on
    double consumer_cpu_seconds = 0;  // btrace's own user+system CPU
    uint64_t resident_bytes = 0;      // btrace's RSS
};

// The `le` boundaries exported, in nanoseconds (powers of two from ~1 us to ~17 s).
const std::vector<uint64_t>& bucket_bounds_ns();

// Appends the exposition to out; the string form is for tests and tools.
void render_prometheus(const MetricsSnapshot& snapshot, fmt::memory_buffer& out);
std::string render_prometheus(const MetricsSnapshot& snapshot);

}  // namespace btrace::monitor
