// SPDX-License-Identifier: Apache-2.0
#include "app/common.h"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string_view>

#include "monitor/cgroup_names.h"
#include "state/fd_desc.h"
#include "state/fd_tracker.h"
#include "state/proc_snapshot.h"
#include "syscalls/table.h"
#include "target/attach.h"

namespace btrace::app {

namespace {

// --cgroup PATH: the cgroup v2 id the kernel reports is the directory's inode.
Result<uint64_t> cgroup_id_of(const std::string& path) {
    struct statfs fs;
    struct stat st;
    if (statfs(path.c_str(), &fs) != 0 || stat(path.c_str(), &st) != 0)
        return errno_error("--cgroup " + path, errno);
    constexpr long kCgroup2Magic = 0x63677270;
    if (fs.f_type != kCgroup2Magic)
        return Error{"--cgroup " + path + ": not a cgroup v2 directory (cgroup v1 is not supported)", 2};
    return static_cast<uint64_t>(st.st_ino);
}

// Whether every thread of pid has this comm now (the kernel selects --comm thread by thread).
bool all_threads_named(pid_t pid, std::string_view comm) {
    const std::string_view shown = comm.substr(0, BTRACE_COMM_LEN - 1);  // as the kernel keeps it
    const auto threads = state::thread_ids(pid);
    return !threads.empty() &&
           std::all_of(threads.begin(), threads.end(), [&](pid_t tid) { return state::thread_comm(tid) == shown; });
}

// Whether pid is in the cgroup v2 directory whose inode is id (bpf_get_current_cgroup_id()'s value).
bool in_cgroup(pid_t pid, const std::string& unified_mount, uint64_t id) {
    const auto path = state::unified_cgroup(pid);
    struct stat st;
    return path && stat((unified_mount + *path).c_str(), &st) == 0 && static_cast<uint64_t>(st.st_ino) == id;
}

}  // namespace

std::vector<pid_t> processes_selected_now(const cli::Options& opts) {
    std::optional<uint64_t> cgroup;
    std::string mount;
    if (!opts.cgroup_path.empty()) {
        std::ifstream mountinfo("/proc/self/mountinfo");
        auto id = cgroup_id_of(opts.cgroup_path);
        auto unified = monitor::unified_cgroup_mount(mountinfo);
        if (!id || !unified)
            return {};
        cgroup = *id;
        mount = *unified;
    }
    std::vector<pid_t> selected;
    for (pid_t pid : state::process_ids())
        if (pid != getpid() && (opts.comm.empty() || all_threads_named(pid, opts.comm)) &&
            (!cgroup || in_cgroup(pid, mount, *cgroup)))
            selected.push_back(pid);
    return selected;
}

bool sends_records(const cli::Options& opts) {
    return opts.summary != cli::Options::Summary::Only || opts.stack || opts.kernel_stack;  // -c -k: by stack
}

uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + ts.tv_nsec;
}

int64_t realtime_offset_ns() {
    timespec real, mono;
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    return (static_cast<int64_t>(real.tv_sec) - mono.tv_sec) * 1000000000 + (real.tv_nsec - mono.tv_nsec);
}

// Whether the calls -e trace= selects (by number; empty: all) show fds by
// name, so that the fd-changing calls it leaves out must still be followed.
static bool shows_fd_names(const std::vector<bool>& selected) {
    const auto table = syscalls::all();
    if (selected.empty())
        return true;
    for (std::size_t nr = 0; nr < selected.size() && nr < table.size(); ++nr)
        if (selected[nr] && !table[nr].name.empty() && state::names_fd_args(table[nr]))
            return true;
    return false;
}

static Result<loader::Config> loader_config(const cli::Options& opts) {
    loader::Config config;
    config.follow = opts.follow;
    config.ring_bytes = opts.buffer_bytes;
    config.capture = !opts.raw;
    config.string_max = opts.string_max;
    // -e read=/write= dump whole transfers: each call's data is read up to the
    // kernel side's bound, and the line still shows -s bytes of it.
    const bool dumps = opts.read_dumps.any() || opts.write_dumps.any();
    config.data_max = !opts.data ? 0 : dumps ? BTRACE_STRING_MAX : opts.string_max;
    config.sched_split = opts.sched;
    config.user_stacks = opts.stack;
    config.mapping_calls = opts.stack && !opts.monitor.enabled;
    config.kernel_stacks = opts.kernel_stack;
    config.stack_copy_bytes = opts.stack_copy_bytes;
    config.syscalls = opts.syscalls;
    config.status_mask = (opts.status.successful ? BTRACE_STATUS_SUCCESSFUL : 0) |
                         (opts.status.failed ? BTRACE_STATUS_FAILED : 0) |
                         (opts.status.unfinished ? BTRACE_STATUS_UNFINISHED : 0);
    config.min_duration_ns = static_cast<uint64_t>(opts.min_duration_ms * 1e6);
    config.errnos = opts.errnos;
    config.system_wide = opts.system_wide;
    config.signals = opts.signals;
    config.track_fds = !opts.monitor.enabled && shows_fd_names(opts.syscalls);  // the monitor names them from its records
    config.comm = opts.comm;
    if (!opts.cgroup_path.empty()) {
        auto id = cgroup_id_of(opts.cgroup_path);
        if (!id)
            return id.error();
        config.cgroup_id = *id;
    }
    config.summary = opts.summary != cli::Options::Summary::None;
    config.records = sends_records(opts);
    config.summary_by = opts.summary_by == cli::Options::SummaryBy::Process  ? BTRACE_SUMMARY_BY_PROCESS
                        : opts.summary_by == cli::Options::SummaryBy::Thread ? BTRACE_SUMMARY_BY_THREAD
                                                                             : BTRACE_SUMMARY_BY_SYSCALL;
    if (const auto& m = opts.monitor; m.enabled) {
        config.monitor = true;
        config.monitor_keys = m.keys;
        config.summary = true;
        config.summary_by = m.by_cgroup ? BTRACE_SUMMARY_BY_CGROUP : BTRACE_SUMMARY_BY_COMM;
        config.timed_futex_waits_idle = !m.include_idle;
        // --flight keeps every call, so the kernel sends them all and the
        // consumer picks the outliers.
        if (!m.flight) {
            config.min_duration_ns = static_cast<uint64_t>(m.slow_ms * 1e6);
            config.failures_are_outliers = m.errors;
        }
    }
    return config;
}

Result<std::unique_ptr<loader::Tracer>> load_tracer(const cli::Options& opts) {
    auto config = loader_config(opts);
    if (!config)
        return config.error();
    return loader::Tracer::load(*config);
}

Result<void> check_pids(const cli::Options& opts) {
    for (pid_t pid : opts.pids)
        if (auto ok = target::check_process(pid); !ok)
            return ok;
    return {};
}

Result<void> add_targets(loader::Tracer& tracer, const cli::Options& opts) {
    for (pid_t pid : opts.pids) {
        // Keyed by tgid, every thread (present and future) matches; with
        // --no-follow only the threads that exist now are keyed, by tid.
        std::vector<pid_t> keys = opts.follow ? std::vector<pid_t>{pid} : state::thread_ids(pid);
        for (pid_t key : keys)
            if (auto ok = tracer.add_target(static_cast<uint32_t>(key), BTRACE_TARGET_ACTIVE); !ok)
                return ok;
    }
    return {};
}

// Drops targets whose task is gone without an exit event (e.g. exited between
// the -p check and the attach), so the loop cannot wait for them forever.
void sweep_dead_targets(loader::Tracer& tracer) {
    tracer.for_each_target([&](uint32_t key) {
        if (!target::task_exists(static_cast<pid_t>(key)))
            tracer.remove_target(key);
    });
}

// What each fd of pid is now, from /proc: names for fds opened before tracing.
// Root reads every process's fds: only a process already gone has none, and
// its trace ends at once.
std::vector<record::SnapshotFd> snapshot_fds(state::FdTable& fds, pid_t pid, bool as_exec_leaves_them) {
    std::vector<record::SnapshotFd> set;
    auto entries = state::snapshot_fds(pid);
    if (!entries)
        return set;
    for (const auto& entry : *entries) {
        if (as_exec_leaves_them && entry.cloexec)
            continue;
        set.push_back({static_cast<uint32_t>(pid), entry.fd, state::fd_name(entry.desc), entry.cloexec,
                       state::file_id(entry.desc)});
        fds.set(set.back().tgid, entry.fd, set.back().name, entry.cloexec, set.back().file);
    }
    return set;
}

uint64_t lost_events(const loader::Counters& counters) {
    return counters[BTRACE_CNT_RB_FULL] + counters[BTRACE_CNT_STASH_FULL];
}

void Stacks::show(const cli::Options& opts, const loader::Tracer& tracer, consumer::Consumer& consumer,
                  output::Formatter& formatter) {
    if (opts.stack) {
        mappings.emplace();
        unwinder.emplace(*mappings);
        consumer.follow_mappings(&*mappings, &*unwinder);
    }
    if (opts.kernel_stack)
        kernel.emplace(tracer.kernel_stacks_fd());
    formatter.show_stacks(unwinder ? &*unwinder : nullptr, kernel ? &*kernel : nullptr);
}

RealtimeDrain::RealtimeDrain() {
    const sched_param param{.sched_priority = 1};
    raised_ = sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) == 0;
    if (!raised_)
        spdlog::debug("draining at normal priority: SCHED_FIFO refused: {}", std::strerror(errno));
}

RealtimeDrain::~RealtimeDrain() {
    const sched_param param{.sched_priority = 0};
    if (raised_)
        sched_setscheduler(0, SCHED_OTHER, &param);
}

Result<void> open_consumer(consumer::Consumer& consumer, const loader::Tracer& tracer) {
    return consumer.open(tracer.events(), tracer.cpu_pending(), [&tracer](int cpu) { tracer.flush_cpu(cpu); });
}

record::Counters counters_of(const loader::Tracer& tracer, const consumer::Consumer& consumer) {
    const auto counters = tracer.counters();
    record::Counters c;
    c.lost_calls = consumer.lost_calls();
    c.lost_others = consumer.lost_others();
    c.no_slot = counters[BTRACE_CNT_STASH_FULL];
    c.missed_enter = counters[BTRACE_CNT_MISSED_ENTER];
    c.fatal_signals_full = counters[BTRACE_CNT_FATAL_SIGNALS_FULL];
    c.stats_full = counters[BTRACE_CNT_STATS_FULL];
    c.late = consumer.late();
    c.malformed = consumer.malformed();
    c.lost_by_syscall = tracer.lost_calls();
    return c;
}

void report_counters(const loader::Tracer& tracer, const consumer::Consumer& consumer) {
    report_counters(counters_of(tracer, consumer));
    spdlog::debug("{} ring-buffer samples of {} bytes in all", consumer.samples(), consumer.sample_bytes());
}

Result<void> close_recording(record::Writer& file, const record::Counters& counters, uint64_t calls,
                             const std::string& path) {
    file.frame(record::FrameType::Counters, record::counters_text(counters));
    if (auto ok = file.close(); !ok)
        return ok;
    const auto size = [](uint64_t bytes) {
        return bytes < (10u << 10) ? fmt::format("{} bytes", bytes)
               : bytes < (10u << 20) ? fmt::format("{:.1f} KiB", bytes / 1024.0)
                                     : fmt::format("{:.1f} MiB", bytes / 1048576.0);
    };
    spdlog::info("recorded {} call{} to {}: {}{}", calls, calls == 1 ? "" : "s", path, size(file.bytes_written()),
                 file.compressed() ? fmt::format(" ({} before compression)", size(file.raw_bytes())) : "");
    return {};
}

Result<void> detach_and_collect(loader::Tracer& tracer, consumer::Consumer& consumer) {
    tracer.detach();
    if (auto ok = consumer.drain(); !ok)
        return ok;
    for (const auto& batch : tracer.unflushed_batches())
        consumer.feed(batch.data(), batch.size());
    return consumer.finish();
}

}  // namespace btrace::app
