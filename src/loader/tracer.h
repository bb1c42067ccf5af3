// SPDX-License-Identifier: Apache-2.0
// Owns the BPF side: open -> set rodata and map sizes -> load -> attach.
// Destroying the Tracer closes every link and map (RAII over the skeleton).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "btrace/event.h"
#include "syscalls/capture_spec.h"
#include "state/stats.h"
#include "util/result.h"

struct btrace_bpf;
struct bpf_map;

namespace btrace::loader {

struct Config {
    bool follow = true;
    std::size_t ring_bytes = 16u << 20;
    bool capture = true;             // read argument memory (off: --raw)
    std::size_t string_max = 256;    // -s
    std::size_t data_max = 256;      // bytes of each data buffer (-s, or 0: shown as "")

    // Selection in the kernel.
    std::vector<bool> syscalls;      // by number; empty: all
    uint32_t status_mask = BTRACE_STATUS_ALL;
    uint64_t min_duration_ns = 0;
    std::vector<int> errnos;         // at most BTRACE_ERRNO_FILTER_MAX
    bool system_wide = false;        // every process but btrace (narrowed by comm, cgroup_id)
    uint64_t signals = ~0ull;        // -e signal=: bit sig - 1 for each signal delivery shown
    bool track_fds = false;          // fd names: the fd-changing calls the selection leaves out are sent too
    std::string comm;
    uint64_t cgroup_id = 0;

    // Summary statistics in the kernel; records off for -c.
    bool summary = false;
    bool records = true;
    btrace_summary_by summary_by = BTRACE_SUMMARY_BY_SYSCALL;

    // Monitor: histograms of every call in LRU maps of this many keys, failures
    // by errno, records only for what passes the selection (the outliers).
    bool monitor = false;
    uint32_t monitor_keys = 4096;
    bool failures_are_outliers = false;  // --errors
    bool timed_futex_waits_idle = false; // never outliers (no --include-idle)

    // --sched: the records of shown calls carry their on-CPU, blocked and
    // runqueue time (bpf/sched.bpf.h).
    bool sched_split = false;

    // -k: shown calls carry the user registers and stack (bpf/stack.bpf.h);
    // with mapping_calls, the calls that change mappings are sent whatever
    // the filters (the monitor reads /proc instead).
    bool user_stacks = false;
    bool mapping_calls = false;
    std::size_t stack_copy_bytes = BTRACE_STACK_COPY_MAX;
    // --kernel-stack: where in the kernel each shown call last left its CPU.
    bool kernel_stacks = false;
};

// Distinct kernel stacks kept (never evicted: an id stays valid); a stack
// that finds its slot taken is reported as not kept.
constexpr uint32_t kKernelStacks = 16384;

using state::ProgramStats;

using state::StatsEntry;

using Counters = std::array<uint64_t, BTRACE_CNT_MAX>;

class Tracer {
public:
    // Checks privileges and kernel features first, so failures read as one clear line.
    static Result<std::unique_ptr<Tracer>> load(const Config& config);
    ~Tracer();

    Result<void> add_target(uint32_t key, btrace_target_state state);
    void remove_target(uint32_t key);
    Result<void> attach();
    // Closes the links (the kernel stops producing); maps stay readable.
    void detach();
    // After detach(): the records still sitting in per-CPU batches.
    std::vector<std::vector<uint8_t>> unflushed_batches() const;

    // Visits each key of the target set (tgids, or tids with --no-follow).
    template <class F>
    void for_each_target(F&& visit) const;
    bool has_targets() const;

    // Whether calls the selection leaves out are still sent when they change
    // fds (Config::track_fds, with filters on and capture).
    bool tracks_fds() const;
    // Whether every call that changes fds reaches the consumer, filtered or
    // not (Config::track_fds with capture): the fd table is whole.
    bool names_fds() const { return names_fds_; }

    // A call already in flight at attach, so that its completion pairs up.
    Result<void> add_inflight(pid_t tid, const btrace_inflight& call);
    // The thread's in-flight slot (ts_ns == 0: no call); none if the thread
    // never made a traced call or is gone.
    std::optional<btrace_inflight> inflight_of(pid_t tid) const;

    Counters counters() const;  // summed over CPUs
    std::vector<StatsEntry> stats() const;
    std::vector<state::SchedStatsEntry> sched_stats() const;  // --sched with a summary
    // Monitor: failed calls per (syscall, group, errno in key.id).
    std::vector<std::pair<btrace_stats_key, uint64_t>> errno_counts() const;
    std::vector<ProgramStats> program_stats() const;
    bpf_map* events() const;
    // --kernel-stack: stack ids to kernel return addresses (BTRACE_KERNEL_STACK_DEPTH per id).
    int kernel_stacks_fd() const;
    // Per CPU, the order of the oldest record it holds back (struct btrace_cpu_pending).
    bpf_map* cpu_pending() const;
    // Sends what the CPU holds back (an interrupt there runs the flush).
    void flush_cpu(int cpu) const;
    // Calls the selection shows that were lost, by syscall number (nonzero only).
    std::vector<std::pair<long, uint64_t>> lost_calls() const;

private:
    explicit Tracer(btrace_bpf* skel) : skel_(skel) {}
    Result<void> fill_capture_specs(const syscalls::CaptureOptions& options);
    Result<void> fill_syscall_set(const std::vector<bool>& syscalls, bool mapping_calls);
    int targets_fd() const;
    int inflight_fd() const;
    // bpf_map_get_next_key; prev null: the first key.
    static bool next_key(int map_fd, const void* prev, void* next);
    // Visits each key of a hash map (a snapshot of a moving map: keys added or
    // deleted meanwhile may or may not be seen).
    template <class K, class F>
    static void for_each_key(int map_fd, F&& visit);

    btrace_bpf* skel_;
    bool names_fds_ = false;
};

template <class K, class F>
void Tracer::for_each_key(int map_fd, F&& visit) {
    K key{};
    bool have = next_key(map_fd, nullptr, &key);
    while (have) {
        K current = key;
        have = next_key(map_fd, &current, &key);  // before visit, which may delete current
        visit(current);
    }
}

template <class F>
void Tracer::for_each_target(F&& visit) const {
    for_each_key<uint32_t>(targets_fd(), visit);
}

}  // namespace btrace::loader
