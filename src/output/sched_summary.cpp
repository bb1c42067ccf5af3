// SPDX-License-Identifier: Apache-2.0
#include "output/sched_summary.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <string_view>
#include <vector>

#include "syscalls/table.h"

namespace btrace::output {

namespace {

uint64_t total_of(const btrace_sched_stats& s) {
    return s.total_ns[BTRACE_PART_CPU] + s.total_ns[BTRACE_PART_BLOCKED] + s.total_ns[BTRACE_PART_RUNQ];
}

uint64_t p99_ns(const btrace_sched_stats& s, int part) {
    return histogram_percentile_ns(s.hist[part], s.calls, 0.99).value_or(0);
}

double p99_us(const btrace_sched_stats& s, int part) { return static_cast<double>(p99_ns(s, part)) / 1000.0; }

void table(const std::vector<const state::SchedStatsEntry*>& rows, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{:>11} {:>11} {:>11} {:>9} {:>11} {:>11} {:>11} {}\n", "cpu s", "blocked s", "runq s",
                   "switches", "p99 cpu us", "p99 blk us", "p99 runq us", "syscall");
    constexpr std::string_view rule = "----------- ----------- ----------- --------- ----------- ----------- "
                                      "----------- ----------------\n";
    out.append(rule.data(), rule.data() + rule.size());
    for (const auto* r : rows) {
        const auto& s = r->stats;
        fmt::format_to(it, "{:11.6f} {:11.6f} {:11.6f} {:>9} {:11.3f} {:11.3f} {:11.3f} {}\n",
                       static_cast<double>(s.total_ns[BTRACE_PART_CPU]) / 1e9,
                       static_cast<double>(s.total_ns[BTRACE_PART_BLOCKED]) / 1e9,
                       static_cast<double>(s.total_ns[BTRACE_PART_RUNQ]) / 1e9, s.switches,
                       p99_us(s, BTRACE_PART_CPU), p99_us(s, BTRACE_PART_BLOCKED), p99_us(s, BTRACE_PART_RUNQ),
                       syscalls::display_name(r->key.nr));
    }
}

void json_group(const std::vector<const state::SchedStatsEntry*>& rows, SummaryBy by, uint32_t id,
                fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, R"({{"type":"sched_summary","by":"{}")",
                   by == SummaryBy::Syscall ? "syscall" : by == SummaryBy::Process ? "process" : "thread");
    if (by != SummaryBy::Syscall)
        fmt::format_to(it, R"(,"{}":{})", by == SummaryBy::Process ? "pid" : "tid", id);
    fmt::format_to(it, R"(,"syscalls":[)");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& s = rows[i]->stats;
        fmt::format_to(it,
                       R"({}{{"syscall":"{}","cpu_ns":{},"blocked_ns":{},"runq_ns":{},"switches":{},)"
                       R"("p99_cpu_ns":{},"p99_blocked_ns":{},"p99_runq_ns":{}}})",
                       i ? "," : "", syscalls::display_name(rows[i]->key.nr), s.total_ns[BTRACE_PART_CPU],
                       s.total_ns[BTRACE_PART_BLOCKED], s.total_ns[BTRACE_PART_RUNQ], s.switches,
                       p99_ns(s, BTRACE_PART_CPU), p99_ns(s, BTRACE_PART_BLOCKED), p99_ns(s, BTRACE_PART_RUNQ));
    }
    fmt::format_to(it, "]}}\n");
}

}  // namespace

void format_sched_summary(std::span<const state::SchedStatsEntry> entries, SummaryBy by, bool json,
                          fmt::memory_buffer& out) {
    std::map<uint32_t, std::vector<const state::SchedStatsEntry*>> groups;
    for (const auto& e : entries)
        if (e.stats.calls)
            groups[by == SummaryBy::Syscall ? 0 : e.key.id].push_back(&e);
    for (auto& [id, rows] : groups) {
        std::sort(rows.begin(), rows.end(), [](const auto* a, const auto* b) {
            return total_of(a->stats) != total_of(b->stats) ? total_of(a->stats) > total_of(b->stats)
                                                            : a->key.nr < b->key.nr;
        });
        if (json) {
            json_group(rows, by, id, out);
            continue;
        }
        if (by == SummaryBy::Syscall)
            fmt::format_to(std::back_inserter(out), "\nwhere the time went (--sched):\n");
        else
            fmt::format_to(std::back_inserter(out), "\nwhere the time went (--sched), {} {}:\n",
                           by == SummaryBy::Process ? "process" : "thread", id);
        table(rows, out);
    }
}

}  // namespace btrace::output
