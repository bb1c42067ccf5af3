// SPDX-License-Identifier: Apache-2.0
#include "monitor/monitor.h"

#include <bpf/bpf.h>
#include <malloc.h>
#include <signal.h>
#include <fmt/chrono.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "app/common.h"
#include "consumer/consumer.h"
#include "decode/errno.h"
#include "monitor/cgroup_names.h"
#include "monitor/flight.h"
#include "monitor/http_server.h"
#include "monitor/metrics.h"
#include "output/json.h"
#include "record/recording.h"
#include "syscalls/table.h"

namespace btrace::monitor {

namespace {

// The flight recorder's share of btrace's memory bound (docs: <= 64 MiB in all).
constexpr std::size_t kFlightBudgetBytes = 16u << 20;

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_reopen = 0;
volatile sig_atomic_t g_dump = 0;

void on_stop(int) { g_stop = 1; }
void on_reopen(int) { g_reopen = 1; }
void on_dump(int) { g_dump = 1; }

void install_signal_handlers() {
    struct sigaction action {};
    sigemptyset(&action.sa_mask);
    action.sa_handler = on_stop;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    action.sa_handler = on_reopen;
    sigaction(SIGHUP, &action, nullptr);
    action.sa_handler = on_dump;
    sigaction(SIGUSR1, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);
}

// What of the kernel's records is printed: the outliers (with --flight, after
// the calls that led to them; the others wait in the recorder) and the exits
// that tell something, of a process killed by a signal or that had outliers
// (--all-exits: every one): on a host, exits are mostly noise.
class OutlierFilter final : public consumer::CallFilter {
public:
    // recording: what a --flight-dir dump's header says.
    OutlierFilter(const cli::Options::Monitor& m, bool json, output::Formatter& formatter, output::Sink& sink,
                  record::Header recording)
        : slow_ns_(static_cast<uint64_t>(m.slow_ms * 1e6)),
          errors_(m.errors),
          all_exits_(m.all_exits),
          json_(json),
          formatter_(formatter),
          sink_(sink),
          flight_dir_(m.flight_dir),
          recording_(record::header_text(recording)) {
        if (m.flight)
            recorder_.emplace(m.flight, kFlightBudgetBytes);
    }

    bool admit(const btrace_syscall& rec, std::span<const uint8_t> record) override {
        if (recorder_) {  // every call came up: the outliers are picked here
            const bool returned = !(rec.hdr.flags & BTRACE_SYS_NO_RETURN);
            const bool outlier =
                returned && (rec.duration_ns >= slow_ns_ || (errors_ && decode::is_error_return(rec.ret)));
            if (!outlier) {
                recorder_->record(rec.hdr.tgid, record);
                return false;
            }
            dump(rec.hdr.tgid, "outlier", record);
        }
        had_outliers_.insert(rec.hdr.tgid);
        return true;
    }

    bool before_exit(const btrace_exit& rec) override {
        const int signal = decode::exit_status(rec.status).signal;
        if (recorder_) {
            if (signal)  // killed: what it did last is the story
                dump(rec.hdr.tgid, "killed by " + std::string(decode::signal_name(signal)),
                     std::span(reinterpret_cast<const uint8_t*>(&rec), sizeof(rec)));
            recorder_->forget(rec.hdr.tgid);
        }
        const bool had_outliers = had_outliers_.erase(rec.hdr.tgid) != 0;
        return all_exits_ || signal || had_outliers;
    }

    void dump_everything(const char* reason) {
        if (!recorder_)
            return;
        std::vector<uint32_t> tgids = recorder_->tgids();
        for (uint32_t tgid : tgids)
            dump(tgid, reason);
    }

private:
    // last: what set the dump off (the outlier, the exit), printed after it
    // and, in a --flight-dir recording, its last record.
    void dump(uint32_t tgid, const std::string& reason, std::span<const uint8_t> last = {}) {
        const std::size_t n = recorder_->records(tgid);
        if (n == 0)
            return;
        const std::string file = flight_dir_.empty() ? "" : write_recording(tgid, last);
        auto& out = sink_.buffer();
        if (json_)
            fmt::format_to(std::back_inserter(out),
                           "{{\"type\":\"flight_recorder\",\"pid\":{},\"calls\":{},\"reason\":\"{}\"", tgid, n,
                           reason);
        else
            fmt::format_to(std::back_inserter(out), "--- flight recorder: the last {} call{} of pid {} ({})", n,
                           n == 1 ? "" : "s", tgid, reason);
        if (!file.empty()) {  // the directory is the operator's: its name is printed as given
            if (json_) {
                fmt::format_to(std::back_inserter(out), ",\"file\":");
                output::json_string(file, out);
                fmt::format_to(std::back_inserter(out), "}}\n");
            } else {
                fmt::format_to(std::back_inserter(out), " in {} ---\n", file);
            }
            return;
        }
        out.append(std::string_view(json_ ? "}\n" : " ---\n"));
        recorder_->dump(tgid, [&](std::span<const uint8_t> record) {
            btrace_syscall rec;
            std::memcpy(&rec, record.data(), sizeof(rec));
            formatter_.syscall(rec, record.subspan(sizeof(rec)), out);
        });
    }

    // --flight-dir: tgid's records (and last) as a recording there; its path,
    // or "" (said on stderr) when it could not be written.
    std::string write_recording(uint32_t tgid, std::span<const uint8_t> last) {
        const std::string path = fmt::format("{}/flight-{}-{:%Y%m%dT%H%M%S}-{}.btr", flight_dir_, tgid,
                                             fmt::localtime(std::time(nullptr)), ++dumps_);
        auto writer = record::Writer::create(path, true);
        if (writer) {
            (*writer)->frame(record::FrameType::Header, recording_);
            recorder_->dump(tgid, [&](std::span<const uint8_t> record) {
                (*writer)->frame(record::FrameType::Record, record);
            });
            if (!last.empty())
                (*writer)->frame(record::FrameType::Record, last);
            (*writer)->frame(record::FrameType::Counters, record::counters_text({}));
            if (auto ok = (*writer)->close(); ok)
                return path;
            else
                spdlog::warn("flight recorder: {}", ok.error().message);
        } else {
            spdlog::warn("flight recorder: {}", writer.error().message);
        }
        return "";  // the dump goes to the log, as without --flight-dir
    }

    std::optional<FlightRecorder> recorder_;  // --flight
    std::unordered_set<uint32_t> had_outliers_;  // tgids, until their exit
    uint64_t slow_ns_;
    bool errors_;
    bool all_exits_;
    bool json_;
    output::Formatter& formatter_;
    output::Sink& sink_;
    std::string flight_dir_;
    std::string recording_;  // a --flight-dir recording's header frame
    uint64_t dumps_ = 0;
};

uint64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    statm >> size >> resident;
    return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

double own_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

bool kernel_bpf_stats_on() {
    std::ifstream sysctl("/proc/sys/kernel/bpf_stats_enabled");
    int on = 0;
    sysctl >> on;
    return on == 1;
}

// Everything /metrics shows, read on the server thread (one render at a
// time, so the cgroup cache needs no lock): the kernel maps through their
// fds, the consumer's figures through atomics.
class MetricsSource {
public:
    MetricsSource(const loader::Tracer& tracer, bool by_cgroup, bool stats_fd_held, bool sched)
        : tracer_(tracer), by_cgroup_(by_cgroup), stats_fd_held_(stats_fd_held), sched_(sched) {}

    std::atomic<uint64_t> outliers{0};

    void render(fmt::memory_buffer& out) {
        MetricsSnapshot snap;
        snap.group_label = by_cgroup_ ? "cgroup" : "comm";
        cgroups_.new_scrape();
        const auto stats = tracer_.stats();
        const auto errors = tracer_.errno_counts();
        for (const auto& entry : stats) {
            HistogramSeries series;
            series.syscall = syscalls::display_name(entry.key.nr);
            series.group = group_of(entry.key);
            series.count = entry.stats.calls;
            series.sum_ns = entry.stats.total_ns;
            std::copy(std::begin(entry.stats.hist), std::end(entry.stats.hist), series.log2_buckets.begin());
            snap.histograms.push_back(std::move(series));
        }
        snap.sched = sched_;
        if (sched_)
            for (const auto& entry : tracer_.sched_stats()) {
                HistogramSeries series;
                series.syscall = syscalls::display_name(entry.key.nr);
                series.group = group_of(entry.key);
                series.count = entry.stats.calls;
                series.sum_ns = entry.stats.total_ns[BTRACE_PART_RUNQ];
                std::copy(std::begin(entry.stats.hist[BTRACE_PART_RUNQ]), std::end(entry.stats.hist[BTRACE_PART_RUNQ]),
                          series.log2_buckets.begin());
                snap.runqueue.push_back(std::move(series));
            }
        for (const auto& [key, count] : errors) {
            const auto text = decode::errno_text(key.id);
            snap.errors.push_back({syscalls::display_name(key.nr), group_of(key),
                                   text.name.empty() ? std::to_string(key.id) : std::string(text.name), count});
        }
        const auto counters = tracer_.counters();
        snap.events_lost = app::lost_events(counters);
        snap.outliers = outliers.load();
        const uint64_t inserted = counters[BTRACE_CNT_STATS_KEYS] + counters[BTRACE_CNT_ERROR_KEYS];
        const uint64_t live = stats.size() + errors.size();
        snap.map_overflows = (inserted > live ? inserted - live : 0) + counters[BTRACE_CNT_STATS_FULL];
        snap.programs = tracer_.program_stats();
        snap.bpf_stats_enabled = stats_fd_held_ || kernel_bpf_stats_on();
        snap.consumer_cpu_seconds = own_cpu_seconds();
        snap.resident_bytes = resident_bytes();
        render_prometheus(snap, out);
    }

private:
    std::string group_of(const btrace_stats_key& key) {
        if (by_cgroup_)
            return cgroups_.name(key.cgroup);
        return std::string(key.comm, strnlen(key.comm, sizeof(key.comm)));
    }

    const loader::Tracer& tracer_;
    bool by_cgroup_;
    bool stats_fd_held_;
    bool sched_;
    CgroupNames cgroups_ = CgroupNames::of_this_host();
};

}  // namespace

Result<int> run(const cli::Options& opts) {
    const auto& m = opts.monitor;
    std::optional<ListenAddress> metrics_address;
    if (!m.metrics_address.empty()) {
        auto parsed = parse_listen_address(m.metrics_address);
        if (!parsed)
            return parsed.error();
        metrics_address = *parsed;
    }
    if (auto ok = app::check_pids(opts); !ok)
        return ok.error();
    if (struct stat st {}; !m.flight_dir.empty()) {
        if (stat(m.flight_dir.c_str(), &st) != 0)
            return errno_error("--flight-dir " + m.flight_dir, errno);
        if (!S_ISDIR(st.st_mode))
            return Error{"--flight-dir " + m.flight_dir + ": not a directory"};
    }
    auto sink = output::Sink::open(opts.output_path, {m.rotate_bytes, m.rotate_keep});
    if (!sink)
        return sink.error();
    auto tracer = app::load_tracer(opts);
    if (!tracer)
        return tracer.error();
    install_signal_handlers();
    // Exposition bodies run to megabytes: mmapped, they go back to the system when
    // freed. glibc's threshold would otherwise rise to their size after the first
    // one and keep the next ones in a heap that does not shrink.
    mallopt(M_MMAP_THRESHOLD, 1 << 20);

    // BPF program run time and count: the kernel keeps them only while asked.
    int stats_fd = m.bpf_stats ? bpf_enable_stats(BPF_STATS_RUN_TIME) : -1;
    if (m.bpf_stats && stats_fd < 0)
        spdlog::warn("could not enable BPF run-time statistics: {}", std::strerror(errno));

    state::FdTable fds;
    output::FormatOptions format{app::monotonic_ns(), app::realtime_offset_ns(), false,
                                 output::TimeFormat::WallMicros};
    format.fd_names_from_records = true;
    format.string_max = opts.string_max;
    auto formatter = app::make_formatter(opts.json, format, fds);
    consumer::Consumer consumer(*formatter, *sink, fds);
    if (auto ok = app::open_consumer(consumer, **tracer); !ok)
        return ok.error();
    record::Header recording = record::header_for(opts, format.origin_ns, format.realtime_offset_ns);
    recording.names_from_records = true;
    OutlierFilter outliers(m, opts.json, *formatter, *sink, recording);
    consumer.set_filter(&outliers);
    app::Stacks stacks;
    stacks.show(opts, **tracer, consumer, *formatter);
    if (!m.idle_left_out.empty())
        spdlog::info("idle waits left out of the outliers: {} (--include-idle keeps them)",
                     fmt::join(m.idle_left_out, ", "));
    if (auto ok = app::add_targets(**tracer, opts); !ok)
        return ok.error();
    for (pid_t pid : opts.pids)
        app::snapshot_fds(fds, pid);

    MetricsSource source(**tracer, m.by_cgroup, stats_fd >= 0, opts.sched);
    std::unique_ptr<MetricsServer> server;
    if (metrics_address) {
        auto started = MetricsServer::start(*metrics_address, [&source](fmt::memory_buffer& out) { source.render(out); });
        if (!started)
            return started.error();
        server = std::move(*started);
        spdlog::info("metrics on {}", server->url());
    }
    if (auto ok = (*tracer)->attach(); !ok)
        return ok.error();

    auto next_sweep = std::chrono::steady_clock::now() + app::kSweepInterval;
    auto publish = [&] { source.outliers = consumer.calls(); };
    uint64_t dump_after_ns = 0;  // SIGUSR1's time: the dump waits for the calls before it
    std::optional<app::RealtimeDrain> realtime;
    if (opts.realtime)
        realtime.emplace();  // not the metrics thread, started before
    while (!g_stop) {
        if (auto ok = consumer.poll(app::kPollMs); !ok)
            return ok.error();
        publish();
        if (g_dump && m.flight) {  // once every call made before the signal is in
            g_dump = 0;
            dump_after_ns = app::monotonic_ns();
        }
        if (dump_after_ns && consumer.released_up_to() >= dump_after_ns) {
            dump_after_ns = 0;
            outliers.dump_everything("SIGUSR1");
            if (auto ok = sink->flush(); !ok)
                return ok.error();
        }
        if (g_reopen) {
            g_reopen = 0;
            if (auto ok = sink->reopen(); !ok)
                return ok.error();
        }
        if (auto now = std::chrono::steady_clock::now(); !opts.system_wide && now >= next_sweep) {
            app::sweep_dead_targets(**tracer);
            next_sweep = now + app::kSweepInterval;
            if (!(*tracer)->has_targets())
                break;  // every -p process is gone
        }
    }

    if (auto ok = app::detach_and_collect(**tracer, consumer); !ok)
        return ok.error();
    realtime.reset();
    if (auto ok = sink->flush(); !ok)
        return ok.error();
    server.reset();
    if (stats_fd >= 0)
        close(stats_fd);
    app::report_counters(**tracer, consumer);
    return 0;
}

}  // namespace btrace::monitor
