// Summary statistics read back from the kernel, per syscall (and per process
// or thread with --summary-by), summed over CPUs.
#pragma once

#include "btrace/event.h"

namespace btrace::state {

struct StatsEntry {
    btrace_stats_key key;
    btrace_stats stats;
};

}  // namespace btrace::state
