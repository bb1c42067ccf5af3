// SPDX-License-Identifier: Apache-2.0
// What the trace and monitor modes share: options -> loader config, targets,
// the fd names of running processes, clocks and the final loss report.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include "cli/options.h"
#include "consumer/consumer.h"
#include "loader/tracer.h"
#include "output/formatter.h"
#include "app/formatting.h"
#include "record/file.h"
#include "stack/kernel.h"
#include "stack/mappings.h"
#include "stack/unwinder.h"
#include "state/fd_table.h"
#include "util/result.h"

namespace btrace::app {

constexpr int kPollMs = 20;  // bounds output latency: producers rarely wake us
constexpr auto kSweepInterval = std::chrono::seconds(1);  // -p: targets gone without an exit event

uint64_t monotonic_ns();
int64_t realtime_offset_ns();  // CLOCK_REALTIME - CLOCK_MONOTONIC now

// Whether calls come up as records (all but -c, whose summary is counted in the kernel).
bool sends_records(const cli::Options& opts);
// The options as a loader config, loaded (not yet attached).
Result<std::unique_ptr<loader::Tracer>> load_tracer(const cli::Options& opts);
// -a, --comm, --cgroup: the processes whose every thread they select now
// (btrace's own left out). Only those have each later change to their fds
// traced, so only their fd listing stays true (a recording's).
std::vector<pid_t> processes_selected_now(const cli::Options& opts);
// -p: each process must exist now.
Result<void> check_pids(const cli::Options& opts);
Result<void> add_targets(loader::Tracer& tracer, const cli::Options& opts);
void sweep_dead_targets(loader::Tracer& tracer);
// as_exec_leaves_them: only what survives an execve (no O_CLOEXEC fds), for
// a command about to exec whose execve may not be traced (-e trace=...).
// Returns what it put in the table (a recording keeps it).
std::vector<record::SnapshotFd> snapshot_fds(state::FdTable& fds, pid_t pid, bool as_exec_leaves_them = false);
// Records the kernel side could not deliver (ring buffer full, or no in-flight slot for a thread).
uint64_t lost_events(const loader::Counters& counters);
// The consumer, ordering the records by the tracer's per-CPU horizon.
Result<void> open_consumer(consumer::Consumer& consumer, const loader::Tracer& tracer);
// The consumer's thread at SCHED_FIFO priority 1 while this lives: from the
// drain loop's start until what the kernel side holds is collected, not for
// the work after (summaries, --perfetto). Its children and threads start at
// normal priority. Under group scheduling (autogroups: each session its own
// group; cgroups) a tracer in its own group waited ~3 s of every 4 on the
// runqueue beside a server that kept both CPUs busy, and the ring overflowed:
// nginx lost 60% of its calls. Refused (no CAP_SYS_NICE, no RT budget in its
// cgroup): normal priority, said at -v.
class RealtimeDrain {
public:
    RealtimeDrain();
    ~RealtimeDrain();
    RealtimeDrain(const RealtimeDrain&) = delete;
    RealtimeDrain& operator=(const RealtimeDrain&) = delete;

private:
    bool raised_ = false;
};

// -k and --kernel-stack: what names each call's stacks, wired to the consumer
// (mappings follow the calls, forks and exits) and the formatter. Stays put
// once shown: the unwinder refers to the mappings.
struct Stacks {
    std::optional<stack::Mappings> mappings;
    std::optional<stack::Unwinder> unwinder;
    std::optional<stack::KernelStacks> kernel;
    void show(const cli::Options& opts, const loader::Tracer& tracer, consumer::Consumer& consumer,
              output::Formatter& formatter);
};
// At the end: what the tracer and consumer lost, as report_counters takes it.
record::Counters counters_of(const loader::Tracer& tracer, const consumer::Consumer& consumer);
void report_counters(const loader::Tracer& tracer, const consumer::Consumer& consumer);

// btrace record: the closing counters, the last block, and a line on what was written.
Result<void> close_recording(record::Writer& file, const record::Counters& counters, uint64_t calls,
                             const std::string& path);

// Detaches (the targets run on untraced), then collects what the kernel side
// still holds: the ring buffer, then the per-CPU batches.
Result<void> detach_and_collect(loader::Tracer& tracer, consumer::Consumer& consumer);

}  // namespace btrace::app
