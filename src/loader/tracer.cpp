// SPDX-License-Identifier: Apache-2.0
#include "loader/tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <spdlog/spdlog.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "btrace_bpf.skel.h"
#include "loader/core_btf.h"
#include "state/fd_tracker.h"
#include "stack/mappings.h"
#include "util/parse.h"
#include "util/file.h"
#include "syscalls/capture_spec.h"
#include "syscalls/table.h"

namespace btrace::loader {

namespace {

int libbpf_log(enum libbpf_print_level level, const char* format, va_list args) {
    va_list copy;
    va_copy(copy, args);
    std::string text(static_cast<std::size_t>(std::max(vsnprintf(nullptr, 0, format, copy), 0)), '\0');
    va_end(copy);
    vsnprintf(text.data(), text.size() + 1, format, args);
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    // The verifier log of a failed load is long: it shows with -v only.
    spdlog::log(level == LIBBPF_WARN ? spdlog::level::warn : spdlog::level::debug, "{}", text);
    return static_cast<int>(text.size());
}

// Task storage is keyed by pidfd. PIDFD_THREAD (Linux 6.9) names any thread;
// without it, only a thread-group leader can be named.
int open_thread(pid_t tid) {
    constexpr unsigned kPidfdThread = O_EXCL;
    int fd = static_cast<int>(syscall(SYS_pidfd_open, tid, kPidfdThread));
    if (fd < 0 && errno == EINVAL)
        fd = static_cast<int>(syscall(SYS_pidfd_open, tid, 0));
    return fd;
}

// The largest pid + 1 (the targets' keys are pids or tids).
uint32_t pid_max() {
    constexpr uint32_t kPidMaxLimit = 4u << 20;  // PID_MAX_LIMIT on 64-bit
    std::string text = read_whole("/proc/sys/kernel/pid_max").value_or("");
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    const auto value = to_uint<uint32_t>(text);
    return value && *value > 0 && *value <= kPidMaxLimit ? *value : kPidMaxLimit;
}

// tp_btf programs in "btrace_tp_btf/TRACEPOINT" sections. To find what a
// tp_btf program attaches to, libbpf reads all of the kernel BTF (~45 ms),
// subset for CO-RE or not. These open as raw_tp, which needs none of it, and
// become tp_btf just before the kernel loads them, with the tracepoint's ID
// from tracepoint_btf_ids' cache.
constexpr std::string_view kCachedTpBtf = "btrace_tp_btf/";

std::unordered_map<std::string, uint32_t>& cached_tp_btf_ids() {  // for the load in progress
    static std::unordered_map<std::string, uint32_t> ids;
    return ids;
}

int prepare_cached_tp_btf(bpf_program* prog, bpf_prog_load_opts* opts, long) {
    const std::string_view section = bpf_program__section_name(prog);
    const auto id = cached_tp_btf_ids().find(std::string(section.substr(kCachedTpBtf.size())));
    if (id == cached_tp_btf_ids().end())
        return -ESRCH;
    opts->attach_btf_id = id->second;
    opts->expected_attach_type = BPF_TRACE_RAW_TP;
    return bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING);
}

int attach_cached_tp_btf(const bpf_program* prog, long, bpf_link** link) {
    *link = bpf_program__attach_trace(prog);
    return *link ? 0 : -errno;
}

// Before the object is opened: libbpf gives each program its handler then.
void register_cached_tp_btf() {
    [[maybe_unused]] static const int handler = [] {
        LIBBPF_OPTS(libbpf_prog_handler_opts, opts, .prog_prepare_load_fn = prepare_cached_tp_btf,
                    .prog_attach_fn = attach_cached_tp_btf);
        const int id =
            libbpf_register_prog_handler("btrace_tp_btf+", BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_TRACE_RAW_TP, &opts);
        if (id < 0)
            spdlog::warn("registering the btrace_tp_btf section: {}", strerror(-id));
        return id;
    }();
}

Result<void> resolve_cached_tp_btf(bpf_object* obj) {
    std::vector<std::string> names;
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj) {
        const std::string_view section = bpf_program__section_name(prog);
        if (bpf_program__autoload(prog) && section.starts_with(kCachedTpBtf))
            names.emplace_back(section.substr(kCachedTpBtf.size()));
    }
    if (names.empty())
        return {};
    cached_tp_btf_ids() = tracepoint_btf_ids(names, default_cache_dir());
    for (const std::string& name : names)
        if (!cached_tp_btf_ids().contains(name))
            return Error{fmt::format("the kernel BTF has no {} tracepoint (btf_trace_{})", name, name)};
    return {};
}

bool has_capability(const __user_cap_data_struct (&caps)[2], int cap) {
    return caps[cap / 32].effective & (1u << (cap % 32));
}

Result<void> check_privileges() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct caps[2]{};
    if (syscall(SYS_capget, &header, caps) != 0)
        return errno_error("reading capabilities", errno);
    constexpr int kCapPerfmon = 38, kCapBpf = 39;  // Linux 5.8
    if (has_capability(caps, CAP_SYS_ADMIN) ||
        (has_capability(caps, kCapBpf) && has_capability(caps, kCapPerfmon)))
        return {};
    return Error{"permission denied: run as root (or with CAP_BPF and CAP_PERFMON) to load BPF programs"};
}

Result<void> check_kernel() {
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
        return Error{"kernel BTF not found at /sys/kernel/btf/vmlinux: btrace needs Linux 5.5+ built with "
                     "CONFIG_DEBUG_INFO_BTF=y"};
    // Each probe names the kernel release that added the feature.
    if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) != 1)
        return Error{"kernel has no BPF ring buffer: btrace needs Linux 5.8 or newer"};
    // The newest feature: task storage (5.11) and bpf_task_pt_regs (5.15) come with it.
    if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_loop, nullptr) != 1)
        return Error{"kernel has no bpf_loop helper: btrace needs Linux 5.17 or newer"};
    return {};
}

}  // namespace

Result<std::unique_ptr<Tracer>> Tracer::load(const Config& config) {
    libbpf_set_print(libbpf_log);
    if (auto ok = check_privileges(); !ok)
        return ok.error();
    if (auto ok = check_kernel(); !ok)
        return ok.error();

    std::size_t object_size = 0;
    const auto* object = static_cast<const uint8_t*>(btrace_bpf__elf_bytes(&object_size));
    const std::string core_btf = core_btf_path({object, object_size}, default_cache_dir());
    register_cached_tp_btf();
    LIBBPF_OPTS(bpf_object_open_opts, open_opts, .btf_custom_path = core_btf.empty() ? nullptr : core_btf.c_str());
    btrace_bpf* skel = btrace_bpf__open_opts(&open_opts);
    if (!skel)
        return errno_error("opening BPF object", errno);
    std::unique_ptr<Tracer> tracer(new Tracer(skel));

    auto* rodata = skel->rodata;
    rodata->follow = config.follow;
    rodata->capture_enabled = config.capture && config.records;
    rodata->filter_syscalls = !config.syscalls.empty();
    const bool leaves_calls_out = !config.syscalls.empty() || config.status_mask != BTRACE_STATUS_ALL ||
                                  config.min_duration_ns || !config.errnos.empty();
    rodata->track_fds = (config.track_fds || config.mapping_calls) && rodata->capture_enabled && leaves_calls_out;
    rodata->user_stacks = config.user_stacks && config.records;
    rodata->kernel_stacks_on = config.kernel_stacks && config.records;
    if (rodata->kernel_stacks_on)
        bpf_map__set_max_entries(skel->maps.kernel_stacks, kKernelStacks);
    rodata->stack_copy_max = static_cast<uint32_t>(std::min<std::size_t>(config.stack_copy_bytes, BTRACE_STACK_COPY_MAX));
    tracer->names_fds_ = config.track_fds && rodata->capture_enabled;
    rodata->status_mask = config.status_mask;
    rodata->min_duration_ns = config.min_duration_ns;
    rodata->errno_count = static_cast<uint32_t>(std::min<std::size_t>(config.errnos.size(), BTRACE_ERRNO_FILTER_MAX));
    for (uint32_t i = 0; i < rodata->errno_count; ++i)
        rodata->errno_filter[i] = config.errnos[i];
    rodata->system_wide = config.system_wide;
    rodata->self_tgid = static_cast<uint32_t>(getpid());
    std::memcpy(const_cast<char*>(rodata->comm_filter), config.comm.c_str(),
                std::min(config.comm.size(), sizeof(rodata->comm_filter) - 1));
    rodata->cgroup_id = config.cgroup_id;
    rodata->summary_enabled = config.summary;
    rodata->records_enabled = config.records;
    rodata->summary_by = config.summary_by;
    rodata->string_max = static_cast<uint32_t>(config.string_max);
    rodata->data_max = static_cast<uint32_t>(config.data_max);
    bpf_map__set_max_entries(skel->maps.target_bits, (pid_max() + 63) / 64);
    // -c sends no records: one page, not 16 MiB to allocate and charge at start.
    const std::size_t ring_bytes = config.records ? config.ring_bytes : static_cast<std::size_t>(getpagesize());
    rodata->wakeup_bytes = ring_bytes / 4;
    rodata->nr_exit = syscalls::number_of("exit");
    rodata->nr_exit_group = syscalls::number_of("exit_group");
    rodata->nr_execve = syscalls::number_of("execve");
    rodata->nr_execveat = syscalls::number_of("execveat");
    if (int err = bpf_map__set_max_entries(skel->maps.events, ring_bytes))
        return errno_error("sizing the ring buffer", err);
    if (config.summary && config.summary_by == BTRACE_SUMMARY_BY_SYSCALL)
        bpf_map__set_max_entries(skel->maps.stats_by_nr, static_cast<uint32_t>(syscalls::all().size()));
    if (!config.summary || config.summary_by == BTRACE_SUMMARY_BY_SYSCALL)
        bpf_map__set_max_entries(skel->maps.stats_cache, 1);
    else if (!config.monitor)
        // Keyed (by process or thread): new keys come in bursts as threads
        // start, and a map that allocates as it goes fails some of them
        // (its per-CPU free lists refill only after the program returns).
        bpf_map__set_map_flags(skel->maps.stats, 0);
    // Batches are flushed on a context switch only if records are written (not
    // with -c); with --sched, by the switch program that keeps the split.
    rodata->sched_split = config.sched_split;
    bpf_program__set_autoload(skel->progs.on_sched_switch, config.records && !config.sched_split);
    bpf_program__set_autoload(skel->progs.on_sched_switch_split, config.sched_split);
    bpf_program__set_autoload(skel->progs.on_sched_waking, config.sched_split);
    bpf_program__set_autoload(skel->progs.flush_cpu, config.records);
    const int ncpus = libbpf_num_possible_cpus();
    bpf_map__set_max_entries(skel->maps.cpu_pending, static_cast<uint32_t>(ncpus > 0 ? ncpus : 1));
    // Signal lines belong to the trace: not to -c, nor to the monitor's outliers.
    rodata->signals_shown = config.signals;
    const bool signal_lines = config.records && !config.monitor && config.signals != 0;
    bpf_program__set_autoload(skel->progs.on_signal, signal_lines);
    bpf_program__set_autoload(skel->progs.on_signal_generate, signal_lines);
    if (!signal_lines)
        bpf_map__set_max_entries(skel->maps.fatal_signals, 1);  // preallocated: none to make
    if (config.sched_split && config.summary) {
        bpf_map__set_max_entries(skel->maps.sched_stats, config.monitor ? config.monitor_keys : 16384);
        if (config.monitor) {
            bpf_map__set_type(skel->maps.sched_stats, BPF_MAP_TYPE_LRU_PERCPU_HASH);
            bpf_map__set_map_flags(skel->maps.sched_stats, 0);
        }
    }
    if (config.monitor) {
        // Commands and cgroups come and go without end: least recently used
        // keys make room (counted: keys inserted minus keys live).
        rodata->summarize_all = true;
        rodata->count_errnos = true;
        rodata->failures_are_outliers = config.failures_are_outliers;
        rodata->timed_futex_waits_idle = config.timed_futex_waits_idle;
        rodata->nr_futex = syscalls::number_of("futex");
        rodata->nr_futex_wait = syscalls::number_of("futex_wait");
        rodata->nr_futex_waitv = syscalls::number_of("futex_waitv");
        bpf_map__set_type(skel->maps.stats, BPF_MAP_TYPE_LRU_PERCPU_HASH);
        bpf_map__set_map_flags(skel->maps.stats, 0);
        bpf_map__set_max_entries(skel->maps.stats, config.monitor_keys);
        bpf_map__set_type(skel->maps.errors, BPF_MAP_TYPE_LRU_HASH);
        bpf_map__set_max_entries(skel->maps.errors, config.monitor_keys);
    }

    if (auto ok = resolve_cached_tp_btf(skel->obj); !ok)
        return ok.error();
    if (int err = btrace_bpf__load(skel))
        return errno_error("loading BPF programs (run with -v for the verifier log)", err);
    const syscalls::CaptureOptions capture{
        .describe_fd_args = config.monitor, .fd_seen = tracer->names_fds_, .inputs_at_enter = !config.monitor};
    if (auto ok = tracer->fill_capture_specs(capture); !ok)
        return ok.error();
    if (auto ok = tracer->fill_syscall_set(config.syscalls, config.mapping_calls); !ok)
        return ok.error();
    return tracer;
}

Tracer::~Tracer() { btrace_bpf__destroy(skel_); }

Result<void> Tracer::attach() {
    if (int err = btrace_bpf__attach(skel_))
        return errno_error("attaching to raw_syscalls tracepoints", err);
    return {};
}

Result<void> Tracer::fill_capture_specs(const syscalls::CaptureOptions& options) {
    const auto table = syscalls::all();
    const uint32_t limit = bpf_map__max_entries(skel_->maps.capture_specs);
    std::vector<uint32_t> keys;
    std::vector<btrace_capture_spec> specs;
    for (uint32_t nr = 0; nr < table.size() && nr < limit; ++nr) {
        if (table[nr].name.empty())
            continue;
        const btrace_capture_spec spec = syscalls::capture_spec_for(table[nr], options);
        if (spec.items[0].how == BTRACE_CAP_NONE && spec.describe == BTRACE_DESCRIBE_NONE && !spec.named_fd_arg &&
            !spec.socklen_arg)
            continue;
        keys.push_back(nr);
        specs.push_back(spec);
    }
    // One call, not one per syscall: a few hundred updates were ~1 ms of start-up.
    uint32_t count = static_cast<uint32_t>(keys.size());
    if (bpf_map_update_batch(bpf_map__fd(skel_->maps.capture_specs), keys.data(), specs.data(), &count, nullptr) != 0)
        return errno_error("filling the capture table", errno);
    return {};
}

// The fd-changing calls are always filled in: a loss reports the processes
// whose fds may have changed by them, filters or not.
Result<void> Tracer::fill_syscall_set(const std::vector<bool>& syscalls, bool mapping_calls) {
    btrace_syscall_set set{};
    const auto table = syscalls::all();
    for (std::size_t nr = 0; nr < BTRACE_NR_MAX; ++nr) {
        if (nr < syscalls.size() && syscalls[nr])
            set.words[nr / 64] |= 1ull << (nr % 64);
        if (nr < table.size() && !table[nr].name.empty() && state::changes_fds(table[nr]))
            set.fd_words[nr / 64] |= 1ull << (nr % 64);
        if (mapping_calls && nr < table.size() && !table[nr].name.empty() && stack::changes_mappings(table[nr]))
            set.maps_words[nr / 64] |= 1ull << (nr % 64);
    }
    uint32_t zero = 0;
    if (bpf_map_update_elem(bpf_map__fd(skel_->maps.syscall_set), &zero, &set, BPF_ANY) != 0)
        return errno_error("setting the syscall filter", errno);
    return {};
}

namespace {

void add_stats(btrace_stats& into, const btrace_stats& cpu) {
    into.min_ns = into.calls ? std::min(into.min_ns, cpu.min_ns) : cpu.min_ns;
    into.calls += cpu.calls;
    into.errors += cpu.errors;
    into.total_ns += cpu.total_ns;
    into.max_ns = std::max(into.max_ns, cpu.max_ns);
    for (int b = 0; b < BTRACE_HIST_BUCKETS; ++b)
        into.hist[b] += cpu.hist[b];
    if (cpu.comm[0])
        std::memcpy(into.comm, cpu.comm, sizeof(cpu.comm));
}

}  // namespace

// Per-CPU values from three places, summed by key: the by-syscall array, the
// keyed map, and the cache in front of it, whose slots each hold their own
// key (a key may be in the map and in a slot, on different CPUs).
std::vector<StatsEntry> Tracer::stats() const {
    std::vector<StatsEntry> entries;
    std::unordered_map<std::string, std::size_t> index;  // key bytes -> entries
    const auto add = [&](const btrace_stats_key& key, const btrace_stats& cpu) {
        if (cpu.calls == 0)
            return;
        auto [it, fresh] =
            index.try_emplace(std::string(reinterpret_cast<const char*>(&key), sizeof(key)), entries.size());
        if (fresh)
            entries.push_back(StatsEntry{key, {}});
        add_stats(entries[it->second].stats, cpu);
    };
    const std::size_t ncpus = static_cast<std::size_t>(std::max(libbpf_num_possible_cpus(), 1));
    std::vector<btrace_stats> per_cpu(ncpus);  // 8-byte multiples: no per-CPU padding
    static_assert(sizeof(btrace_stats) % 8 == 0 && sizeof(btrace_cached_stats) % 8 == 0);
    const int by_nr = bpf_map__fd(skel_->maps.stats_by_nr);
    btrace_stats_key syscall_key{};
    for (syscall_key.nr = 0; syscall_key.nr < bpf_map__max_entries(skel_->maps.stats_by_nr); ++syscall_key.nr)
        if (bpf_map_lookup_elem(by_nr, &syscall_key.nr, per_cpu.data()) == 0)
            for (const auto& cpu : per_cpu)
                add(syscall_key, cpu);
    const int keyed = bpf_map__fd(skel_->maps.stats);
    for_each_key<btrace_stats_key>(keyed, [&](const btrace_stats_key& key) {
        if (bpf_map_lookup_elem(keyed, &key, per_cpu.data()) == 0)
            for (const auto& cpu : per_cpu)
                add(key, cpu);
    });
    std::vector<btrace_cached_stats> cached(ncpus);
    const int cache = bpf_map__fd(skel_->maps.stats_cache);
    const uint32_t slots = bpf_map__max_entries(skel_->maps.stats_cache);
    for (uint32_t slot = 0; slots > 1 && slot < slots; ++slot)
        if (bpf_map_lookup_elem(cache, &slot, cached.data()) == 0)
            for (const auto& cpu : cached)
                add(cpu.key, cpu.stats);
    return entries;
}

std::vector<state::SchedStatsEntry> Tracer::sched_stats() const {
    std::vector<state::SchedStatsEntry> entries;
    static_assert(sizeof(btrace_sched_stats) % 8 == 0);  // no per-CPU padding
    std::vector<btrace_sched_stats> per_cpu(static_cast<std::size_t>(std::max(libbpf_num_possible_cpus(), 1)));
    const int fd = bpf_map__fd(skel_->maps.sched_stats);
    for_each_key<btrace_stats_key>(fd, [&](const btrace_stats_key& key) {
        if (bpf_map_lookup_elem(fd, &key, per_cpu.data()) != 0)
            return;
        state::SchedStatsEntry entry{key, {}};
        for (const auto& cpu : per_cpu) {
            entry.stats.calls += cpu.calls;
            entry.stats.switches += cpu.switches;
            for (int part = 0; part < BTRACE_PARTS; ++part) {
                entry.stats.total_ns[part] += cpu.total_ns[part];
                for (int b = 0; b < BTRACE_HIST_BUCKETS; ++b)
                    entry.stats.hist[part][b] += cpu.hist[part][b];
            }
        }
        entries.push_back(entry);
    });
    return entries;
}

std::vector<std::pair<btrace_stats_key, uint64_t>> Tracer::errno_counts() const {
    std::vector<std::pair<btrace_stats_key, uint64_t>> counts;
    const int fd = bpf_map__fd(skel_->maps.errors);
    for_each_key<btrace_stats_key>(fd, [&](const btrace_stats_key& key) {
        uint64_t n;
        if (bpf_map_lookup_elem(fd, &key, &n) == 0)
            counts.emplace_back(key, n);
    });
    return counts;
}

std::vector<ProgramStats> Tracer::program_stats() const {
    std::vector<ProgramStats> programs;
    bpf_program* prog;
    bpf_object__for_each_program(prog, skel_->obj) {
        bpf_prog_info info{};
        uint32_t len = sizeof(info);
        if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0)
            programs.push_back({bpf_program__name(prog), info.run_time_ns, info.run_cnt});
    }
    return programs;
}

void Tracer::detach() {
    // sys_exit goes first: with sys_enter gone, every call made before
    // sys_exit goes too would end without having started, and be counted as
    // refused by seccomp or ptrace (BTRACE_CNT_MISSED_ENTER) when nothing was.
    bpf_link__destroy(skel_->links.on_sys_exit);
    skel_->links.on_sys_exit = nullptr;
    btrace_bpf__detach(skel_);
}

std::vector<std::vector<uint8_t>> Tracer::unflushed_batches() const {
    const int ncpus = libbpf_num_possible_cpus();
    // Per-CPU values come back each rounded up to 8 bytes.
    const std::size_t stride = (sizeof(btrace_batch) + 7) & ~std::size_t{7};
    std::vector<uint8_t> values(stride * static_cast<std::size_t>(ncpus > 0 ? ncpus : 1));
    std::vector<std::vector<uint8_t>> batches;
    uint32_t zero = 0;
    if (bpf_map_lookup_elem(bpf_map__fd(skel_->maps.batches), &zero, values.data()) != 0)
        return batches;
    for (std::size_t off = 0; off < values.size(); off += stride) {
        btrace_batch batch;
        std::memcpy(&batch, values.data() + off, sizeof(batch));
        if (batch.loss.calls || batch.loss.others) {  // told ahead of the CPU's records, as a flush would
            batch.loss.hdr.type = BTRACE_REC_LOSS;
            batch.loss.hdr.size = sizeof(batch.loss);
            const auto* loss = reinterpret_cast<const uint8_t*>(&batch.loss);
            batches.emplace_back(loss, loss + sizeof(batch.loss));
        }
        if (batch.len > 0 && batch.len <= sizeof(batch.data))
            batches.emplace_back(batch.data, batch.data + batch.len);
    }
    return batches;
}

int Tracer::targets_fd() const { return bpf_map__fd(skel_->maps.targets); }

Result<void> Tracer::add_target(uint32_t key, btrace_target_state state) {
    // Before attach only: this read-modify-write of a bit word is not atomic
    // against the kernel side's. Past pid_max, the kernel side looks anyway.
    const uint32_t word_index = key / 64;
    uint64_t word = 0;
    const int bits_fd = bpf_map__fd(skel_->maps.target_bits);
    if (bpf_map_lookup_elem(bits_fd, &word_index, &word) == 0) {
        word |= 1ull << (key % 64);
        bpf_map_update_elem(bits_fd, &word_index, &word, BPF_ANY);
    }
    uint8_t value = state;
    if (bpf_map_update_elem(targets_fd(), &key, &value, BPF_ANY) != 0)
        return errno_error("adding " + std::to_string(key) + " to the target set", errno);
    return {};
}

void Tracer::remove_target(uint32_t key) { bpf_map_delete_elem(targets_fd(), &key); }

bool Tracer::next_key(int map_fd, const void* prev, void* next) {
    return bpf_map_get_next_key(map_fd, prev, next) == 0;
}

Result<void> Tracer::add_inflight(pid_t tid, const btrace_inflight& call) {
    const int pidfd = open_thread(tid);
    if (pidfd < 0) {
        if (errno == EINVAL)  // before Linux 6.9, only a leader has a pidfd: shown, not paired
            spdlog::warn("thread {}: the call it is in will not be shown when it returns (needs Linux 6.9)", tid);
        else if (errno != ESRCH)  // ESRCH: gone meanwhile, nothing left to pair
            return errno_error("recording the call in flight in thread " + std::to_string(tid), errno);
        return {};
    }
    const int err = bpf_map_update_elem(inflight_fd(), &pidfd, &call, BPF_ANY) != 0 ? errno : 0;
    close(pidfd);
    if (err != 0)
        return errno_error("recording the call in flight in thread " + std::to_string(tid), err);
    return {};
}

std::optional<btrace_inflight> Tracer::inflight_of(pid_t tid) const {
    const int pidfd = open_thread(tid);
    if (pidfd < 0)
        return std::nullopt;
    btrace_inflight call;
    const bool found = bpf_map_lookup_elem(inflight_fd(), &pidfd, &call) == 0;
    close(pidfd);
    return found ? std::optional(call) : std::nullopt;
}

int Tracer::inflight_fd() const { return bpf_map__fd(skel_->maps.inflight); }

bool Tracer::has_targets() const {
    uint32_t key;
    return next_key(targets_fd(), nullptr, &key);
}

bool Tracer::tracks_fds() const { return skel_->rodata->track_fds; }

namespace {

// A per-CPU array's value at key, summed over the CPUs (0 if unreadable);
// per_cpu: a value for each possible CPU.
uint64_t sum_over_cpus(int map_fd, uint32_t key, std::vector<uint64_t>& per_cpu) {
    uint64_t total = 0;
    if (bpf_map_lookup_elem(map_fd, &key, per_cpu.data()) == 0)
        for (uint64_t value : per_cpu)
            total += value;
    return total;
}

std::vector<uint64_t> per_cpu_values() {
    const int ncpus = libbpf_num_possible_cpus();
    return std::vector<uint64_t>(ncpus > 0 ? static_cast<std::size_t>(ncpus) : 1);
}

}  // namespace

Counters Tracer::counters() const {
    Counters totals{};
    auto per_cpu = per_cpu_values();
    for (uint32_t key = 0; key < BTRACE_CNT_MAX; ++key)
        totals[key] = sum_over_cpus(bpf_map__fd(skel_->maps.counters), key, per_cpu);
    return totals;
}

bpf_map* Tracer::events() const { return skel_->maps.events; }

int Tracer::kernel_stacks_fd() const { return bpf_map__fd(skel_->maps.kernel_stacks); }

bpf_map* Tracer::cpu_pending() const { return skel_->maps.cpu_pending; }

void Tracer::flush_cpu(int cpu) const {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = static_cast<uint32_t>(cpu));
    bpf_prog_test_run_opts(bpf_program__fd(skel_->progs.flush_cpu), &opts);
}

std::vector<std::pair<long, uint64_t>> Tracer::lost_calls() const {
    auto per_cpu = per_cpu_values();
    std::vector<std::pair<long, uint64_t>> lost;
    for (uint32_t nr = 0; nr < BTRACE_NR_MAX; ++nr)
        if (const uint64_t total = sum_over_cpus(bpf_map__fd(skel_->maps.lost_calls), nr, per_cpu))
            lost.emplace_back(nr, total);
    return lost;
}

}  // namespace btrace::loader
