// SPDX-License-Identifier: Apache-2.0
// What the kernel side measured, read back: summary statistics per syscall
// (and per process, thread, comm or cgroup), summed over CPUs, and the BPF
// programs' own cost.
#pragma once

#include <cstdint>
#include <string>

#include "btrace/event.h"

namespace btrace::state {

struct StatsEntry {
    btrace_stats_key key;
    btrace_stats stats;
};

// --sched: the split of the same key's calls.
struct SchedStatsEntry {
    btrace_stats_key key;
    btrace_sched_stats stats;
};

// From the kernel's BPF stats: 0 while they are off.
struct ProgramStats {
    std::string name;  // e.g. "on_sys_enter"
    uint64_t run_time_ns = 0;
    uint64_t run_count = 0;
};

}  // namespace btrace::state
