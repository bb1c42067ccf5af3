// SPDX-License-Identifier: Apache-2.0
#include "output/summary.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <map>
#include <string_view>
#include <vector>

#include "decode/put.h"
#include "decode/structs.h"
#include "output/json.h"
#include "syscalls/table.h"

namespace btrace::output {

namespace {

using decode::put;

// Bucket b holds durations in [2^(b-1), 2^b) ns; bucket 0 holds 0 ns.
double bucket_low(int b) { return b == 0 ? 0 : std::ldexp(1.0, b - 1); }
double bucket_high(int b) { return b == 0 ? 1 : std::ldexp(1.0, b); }

double us(uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Rows sorted by total time, most first, like strace -c.
struct Totals {
    uint64_t total_ns = 0, calls = 0, errors = 0;
};

Totals totals_of(const std::vector<const state::StatsEntry*>& rows) {
    Totals totals;
    for (const auto* r : rows) {
        totals.total_ns += r->stats.total_ns;
        totals.calls += r->stats.calls;
        totals.errors += r->stats.errors;
    }
    return totals;
}

void table(const std::vector<const state::StatsEntry*>& rows, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    const auto [total_ns, calls, errors] = totals_of(rows);
    fmt::format_to(it, "{:>6} {:>11} {:>9} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {}\n", "% time",
                   "seconds", "calls", "errors", "min us", "avg us", "p50 us", "p90 us", "p99 us", "max us",
                   "syscall");
    const std::string rule = "------ ----------- --------- --------- ---------- ---------- ---------- ---------- "
                             "---------- ---------- ----------------\n";
    out.append(rule.data(), rule.data() + rule.size());
    for (const auto* r : rows) {
        const auto& s = r->stats;
        const double share = total_ns ? 100.0 * static_cast<double>(s.total_ns) / static_cast<double>(total_ns) : 0;
        fmt::format_to(it, "{:6.2f} {:11.6f} {:>9} {:>9} {:10.3f} {:10.3f} {:10.3f} {:10.3f} {:10.3f} {:10.3f} {}\n",
                       share, static_cast<double>(s.total_ns) / 1e9, s.calls, s.errors ? std::to_string(s.errors) : "",
                       us(s.min_ns), us(s.calls ? s.total_ns / s.calls : 0), us(percentile_ns(s, 0.5)),
                       us(percentile_ns(s, 0.9)), us(percentile_ns(s, 0.99)), us(s.max_ns), syscalls::display_name(r->key.nr));
    }
    out.append(rule.data(), rule.data() + rule.size());
    fmt::format_to(it, "{:6.2f} {:11.6f} {:>9} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} total\n", 100.0,
                   static_cast<double>(total_ns) / 1e9, calls, errors ? std::to_string(errors) : "", "", "", "", "",
                   "", "");
}

std::string duration_text(double ns) {
    if (ns < 1e3)
        return fmt::format("{:.0f} ns", ns);
    if (ns < 1e6)
        return fmt::format("{:.0f} us", ns / 1e3);
    if (ns < 1e9)
        return fmt::format("{:.0f} ms", ns / 1e6);
    return fmt::format("{:.0f} s", ns / 1e9);
}

void histogram(const state::StatsEntry& r, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    const auto& s = r.stats;
    int first = BTRACE_HIST_BUCKETS, last = -1;
    __u64 peak = 0;
    for (int b = 0; b < BTRACE_HIST_BUCKETS; ++b) {
        if (!s.hist[b])
            continue;
        first = std::min(first, b);
        last = b;
        peak = std::max(peak, s.hist[b]);
    }
    fmt::format_to(it, "\n{} ({} call{}):\n", syscalls::display_name(r.key.nr), s.calls, s.calls == 1 ? "" : "s");
    constexpr int kWidth = 40;
    for (int b = first; b <= last; ++b) {
        const int bar = peak ? static_cast<int>((s.hist[b] * kWidth + peak - 1) / peak) : 0;
        fmt::format_to(it, "  {:>8} .. {:<8} : {:>9} |{:<{}}|\n", duration_text(bucket_low(b)),
                       duration_text(bucket_high(b)), s.hist[b], std::string(static_cast<std::size_t>(bar), '*'),
                       kWidth);
    }
}

// --json: the group as one object, every duration in ns.
void json_group(const std::vector<const state::StatsEntry*>& rows, SummaryBy by, uint32_t id, bool histograms,
                fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    const auto [total_ns, calls, errors] = totals_of(rows);
    fmt::format_to(it, "{{\"type\":\"summary\",\"by\":\"{}\",",
                   by == SummaryBy::Process ? "process" : by == SummaryBy::Thread ? "thread" : "syscall");
    if (by != SummaryBy::Syscall) {
        const auto& comm = rows.front()->stats.comm;
        fmt::memory_buffer name;
        decode::format_name({comm, strnlen(comm, sizeof(comm))}, decode::NameKind::Comm, true, name);
        fmt::format_to(it, "\"{}\":{},\"comm\":", by == SummaryBy::Process ? "pid" : "tid", id);
        json_string({name.data(), name.size()}, out);
        out.push_back(',');
    }
    fmt::format_to(it, "\"calls\":{},\"errors\":{},\"total_ns\":{},\"syscalls\":[", calls, errors, total_ns);
    for (const auto* r : rows) {
        const auto& s = r->stats;
        const double share = total_ns ? 100.0 * static_cast<double>(s.total_ns) / static_cast<double>(total_ns) : 0;
        fmt::format_to(it,
                       "{}{{\"syscall\":\"{}\",\"calls\":{},\"errors\":{},\"total_ns\":{},\"time_pct\":{:.2f},"
                       "\"min_ns\":{},\"avg_ns\":{},\"p50_ns\":{},\"p90_ns\":{},\"p99_ns\":{},\"max_ns\":{}",
                       r == rows.front() ? "" : ",", syscalls::display_name(r->key.nr), s.calls, s.errors, s.total_ns,
                       share, s.min_ns, s.calls ? s.total_ns / s.calls : 0, percentile_ns(s, 0.5),
                       percentile_ns(s, 0.9), percentile_ns(s, 0.99), s.max_ns);
        if (histograms) {
            put(out, ",\"histogram\":[");
            bool first = true;
            for (int b = 0; b < BTRACE_HIST_BUCKETS; ++b) {
                if (!s.hist[b])
                    continue;
                fmt::format_to(it, "{}{{\"low_ns\":{:.0f},\"high_ns\":{:.0f},\"count\":{}}}", first ? "" : ",",
                               bucket_low(b), bucket_high(b), s.hist[b]);
                first = false;
            }
            out.push_back(']');
        }
        out.push_back('}');
    }
    put(out, "]}\n");
}

}  // namespace

std::optional<uint64_t> histogram_percentile_ns(std::span<const __u64, BTRACE_HIST_BUCKETS> hist, uint64_t count,
                                                double p) {
    const double rank = p * static_cast<double>(count);
    uint64_t seen = 0;
    for (int b = 0; b < BTRACE_HIST_BUCKETS; ++b) {
        if (!hist[b])
            continue;
        if (static_cast<double>(seen + hist[b]) >= rank) {
            if (b == 0)
                return 0;  // the bucket of 0 ns exactly
            const double inside = (rank - static_cast<double>(seen)) / static_cast<double>(hist[b]);
            return static_cast<__u64>(bucket_low(b) + inside * (bucket_high(b) - bucket_low(b)));
        }
        seen += hist[b];
    }
    return std::nullopt;
}

uint64_t percentile_ns(const btrace_stats& stats, double p) {
    if (stats.calls == 0)
        return 0;
    const auto ns = histogram_percentile_ns(stats.hist, stats.calls, p);
    return ns ? std::clamp<uint64_t>(*ns, stats.min_ns, stats.max_ns) : stats.max_ns;
}

void format_summary(std::span<const state::StatsEntry> entries, SummaryBy by, bool histograms, bool json,
                    fmt::memory_buffer& out) {
    // Groups: one for by-syscall, else one per process or thread (by id).
    std::map<uint32_t, std::vector<const state::StatsEntry*>> groups;
    // Calls that never return have no time to show: strace -c leaves them out.
    static const long nr_exit = syscalls::number_of("exit"), nr_exit_group = syscalls::number_of("exit_group");
    for (const auto& e : entries)
        if (e.stats.calls && e.key.nr != nr_exit && e.key.nr != nr_exit_group)
            groups[by == SummaryBy::Syscall ? 0 : e.key.id].push_back(&e);
    for (auto& [id, rows] : groups) {
        std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
            return a->stats.total_ns != b->stats.total_ns ? a->stats.total_ns > b->stats.total_ns
                                                          : a->stats.calls > b->stats.calls;
        });
        if (json) {
            json_group(rows, by, id, histograms, out);
            continue;
        }
        if (by != SummaryBy::Syscall) {
            const auto& comm = rows.front()->stats.comm;
            fmt::format_to(std::back_inserter(out), "\n {} ", by == SummaryBy::Process ? "process" : "thread");
            decode::format_name({comm, strnlen(comm, sizeof(comm))}, decode::NameKind::Comm, false, out);
            fmt::format_to(std::back_inserter(out), "/{}:\n\n", id);
        }
        table(rows, out);
        if (histograms)
            for (const auto* r : rows)
                histogram(*r, out);
    }
}

}  // namespace btrace::output
