// SPDX-License-Identifier: Apache-2.0
// The summary's --sched table: per syscall (and process or thread), where the
// calls' time went (on-CPU, blocked, waiting for a CPU), with the p99 of each
// part from the kernel's log2 histograms.
#pragma once

#include <fmt/format.h>

#include <span>

#include "output/summary.h"
#include "state/stats.h"

namespace btrace::output {

// Text tables, or with json one object per line and group:
//   {"type":"sched_summary","by":"syscall","syscalls":[{"syscall":"read","cpu_ns":..,"blocked_ns":..,
//    "runq_ns":..,"switches":..,"p99_cpu_ns":..,"p99_blocked_ns":..,"p99_runq_ns":..},...]}
// ("by":"process" or "thread" adds "pid" or "tid").
void format_sched_summary(std::span<const state::SchedStatsEntry> entries, SummaryBy by, bool json,
                          fmt::memory_buffer& out);

}  // namespace btrace::output
