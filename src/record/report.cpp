// SPDX-License-Identifier: Apache-2.0
#include "record/report.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "app/formatting.h"
#include "consumer/consumer.h"
#include "consumer/path_filter.h"
#include "consumer/unseen_fds.h"
#include "decode/errno.h"
#include "decode/payloads.h"
#include "output/call.h"
#include "output/perfetto.h"
#include "output/sched_summary.h"
#include "output/summary.h"
#include "record/file.h"
#include "record/recording.h"

namespace btrace::record {

namespace {

// A header's text, as a message shows it: the file may come from anywhere,
// so none of its bytes reaches a terminal raw.
std::string shown(std::string_view text) {
    fmt::memory_buffer out;
    decode::format_name(text, decode::NameKind::Comm, false, out);
    return fmt::to_string(out);
}

uint64_t saturating_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }

// What report narrows the recording to (the live trace's filters, run on the
// records), and the summary, counted from the calls it shows as the kernel
// side counts them live.
class ReportFilter final : public consumer::CallFilter {
public:
    ReportFilter(const cli::Options& opts, uint64_t start_ns, output::Formatter& formatter,
                 consumer::PathFilter* paths)
        : opts_(opts), formatter_(formatter), paths_(paths) {
        // Without --since, from the first record: a clock that went back (a damaged start) hides nothing.
        since_ns_ = opts.since_s > 0 ? saturating_add(start_ns, static_cast<uint64_t>(opts.since_s * 1e9)) : 0;
        until_ns_ = opts.until_s < 0 ? UINT64_MAX : saturating_add(start_ns, static_cast<uint64_t>(opts.until_s * 1e9));
        min_duration_ns_ = static_cast<uint64_t>(opts.min_duration_ms * 1e6);
    }

    bool admit(const btrace_syscall& rec, std::span<const uint8_t> record) override {
        const auto payload_area = record.subspan(std::min(record.size(), sizeof(rec)));
        bool shown = selected(rec);
        if (!shown)
            formatter_.follow_fds(rec, payload_area);  // not shown, but what it did to fds counts
        else if (paths_)
            shown = paths_->admit(rec, record);  // follows the fds of what it leaves out
        if (!shown)
            return false;
        if (opts_.summary != cli::Options::Summary::None)
            count(rec, payload_area);
        if (opts_.summary != cli::Options::Summary::Only)
            return true;
        formatter_.follow_fds(rec, payload_area);
        return false;
    }
    bool before_exit(const btrace_exit& rec) override { return of_interest(rec.hdr); }
    bool shows_in_progress(const btrace_syscall& rec, const decode::Payloads& payloads) const override {
        return of_interest(rec.hdr) && cli::selects(opts_.syscalls, rec.nr) && (!paths_ || paths_->shows_in_progress(rec, payloads));
    }
    bool admits_signal(const btrace_signal& rec) override { return of_interest(rec.hdr); }

    std::vector<state::StatsEntry> stats() const {
        std::vector<state::StatsEntry> out;
        for (const auto& [key, entry] : stats_)
            out.push_back(entry);
        return out;
    }
    std::vector<state::SchedStatsEntry> sched_stats() const {
        std::vector<state::SchedStatsEntry> out;
        for (const auto& [key, entry] : sched_stats_)
            out.push_back(entry);
        return out;
    }

private:
    bool of_interest(const btrace_hdr& hdr) const {
        if (hdr.ts_ns < since_ns_ || hdr.ts_ns > until_ns_)
            return false;
        return opts_.pids.empty() || std::any_of(opts_.pids.begin(), opts_.pids.end(), [&](pid_t pid) {
                   return static_cast<uint32_t>(pid) == hdr.tgid || static_cast<uint32_t>(pid) == hdr.tid;
               });
    }

    // As the kernel side selects live (filter.bpf.h).
    bool selected(const btrace_syscall& rec) const {
        if (!of_interest(rec.hdr))
            return false;
        if (!cli::selects(opts_.syscalls, rec.nr))
            return false;
        if (rec.hdr.flags & BTRACE_SYS_NO_RETURN)
            return opts_.status.unfinished && !min_duration_ns_;
        const bool failed = decode::is_error_return(rec.ret);
        if (rec.duration_ns < min_duration_ns_ || !(failed ? opts_.status.failed : opts_.status.successful))
            return false;
        return !failed || opts_.errnos.empty() ||
               std::find(opts_.errnos.begin(), opts_.errnos.end(), -rec.ret) != opts_.errnos.end();
    }

    void count(const btrace_syscall& rec, std::span<const uint8_t> payload_area) {
        using By = cli::Options::SummaryBy;
        btrace_stats_key key{};
        key.nr = static_cast<uint32_t>(rec.nr);
        key.id = opts_.summary_by == By::Process ? rec.hdr.tgid : opts_.summary_by == By::Thread ? rec.hdr.tid : 0;
        const bool no_return = rec.hdr.flags & BTRACE_SYS_NO_RETURN;
        const uint64_t duration = no_return ? 0 : rec.duration_ns;
        auto& entry = stats_[{key.nr, key.id}];
        entry.key = key;
        auto& s = entry.stats;
        if (!s.calls || duration < s.min_ns)
            s.min_ns = duration;
        ++s.calls;
        s.errors += !no_return && decode::is_error_return(rec.ret);
        s.total_ns += duration;
        s.max_ns = std::max<uint64_t>(s.max_ns, duration);
        ++s.hist[output::hist_bucket(duration)];
        if (key.id)
            std::memcpy(s.comm, rec.hdr.comm, sizeof(s.comm));
        decode::Payloads payloads;
        decode::split_payloads(payload_area, payloads);
        btrace_sched split;
        if (no_return || !output::sched_of(rec, payloads, split))
            return;
        auto& sched = sched_stats_[{key.nr, key.id}];
        sched.key = key;
        ++sched.stats.calls;
        sched.stats.switches += split.switches;
        const uint64_t parts[BTRACE_PARTS] = {split.cpu_ns, split.blocked_ns, split.runq_ns};
        for (int part = 0; part < BTRACE_PARTS; ++part) {
            sched.stats.total_ns[part] += parts[part];
            ++sched.stats.hist[part][output::hist_bucket(parts[part])];
        }
    }

    const cli::Options& opts_;
    output::Formatter& formatter_;
    consumer::PathFilter* paths_;
    uint64_t since_ns_ = 0, until_ns_ = UINT64_MAX, min_duration_ns_ = 0;
    std::map<std::pair<uint32_t, uint32_t>, state::StatsEntry> stats_;
    std::map<std::pair<uint32_t, uint32_t>, state::SchedStatsEntry> sched_stats_;
};

}  // namespace

Result<int> run_report(const cli::Options& opts) {
    const std::string& path = opts.command.front();
    auto reader = Reader::open(path);
    if (!reader)
        return reader.error();
    const Header& header = (*reader)->header();
    if (header.arch != this_arch())
        return Error{fmt::format("{}: recorded on {}; this btrace decodes {} system calls only", path,
                                 shown(header.arch), this_arch())};
    if (header.syscall_table != syscall_table_hash())
        spdlog::warn("{}: recorded by btrace {}, whose syscall table differs from this one's: calls it did not know "
                     "by name show as syscall_NNN, and names this one lacks too",
                     path, shown(header.btrace_version));
    // Decoded for reading: stdout unless -o (the live trace's stderr was the command's to keep).
    auto sink = !opts.perfetto_path.empty() ? output::Sink::open(opts.perfetto_path, {}, false, "--perfetto")
                : opts.output_path.empty()  ? Result<output::Sink>(output::Sink::stdout_sink())
                                            : output::Sink::open(opts.output_path, {}, opts.append);
    if (!sink)
        return sink.error();
    if (auto ok = report(**reader, opts, *sink, path); !ok)
        return ok.error();
    return 0;
}

Result<void> write_perfetto(const std::string& path, const std::string& out) {
    cli::Options opts;  // the whole recording, as report --perfetto OUT shows it
    opts.mode = cli::Options::Mode::Report;
    opts.command = {path};
    opts.perfetto_path = out;
    if (auto ok = run_report(opts); !ok)
        return ok.error();
    return {};
}

Result<void> report(Reader& reader, const cli::Options& opts, output::Sink& sink, const std::string& name) {
    const Header& header = reader.header();
    const bool summary_only = opts.summary == cli::Options::Summary::Only;
    auto discard = summary_only ? output::Sink::open("/dev/null") : Result<output::Sink>(Error{""});
    if (summary_only && !discard)
        return discard.error();

    state::FdTable fds;
    auto format = app::format_options(opts, header.start_ns, header.realtime_offset_ns);
    format.fd_names_from_records = header.names_from_records;
    format.raw = format.raw || header.raw;  // nothing was read: the registers are all there is
    std::unique_ptr<output::Formatter> formatter;
    if (opts.perfetto_path.empty())
        formatter = app::make_formatter(opts.json, format, fds);
    else
        formatter = std::make_unique<output::PerfettoFormatter>(format, &fds);
    output::Sink& lines = summary_only ? *discard : sink;
    consumer::Consumer consumer(*formatter, lines, fds);
    consumer.limit_calls(opts.max_events);
    if (header.system_wide && !header.names_from_records)
        consumer.name_unseen_fds(std::make_unique<consumer::UnknownUnseenFds>());
    std::optional<consumer::PathFilter> paths;
    if (!opts.trace_paths.empty())
        paths.emplace(consumer::resolve_trace_paths(opts.trace_paths), fds, *formatter);
    ReportFilter filter(opts, header.start_ns, *formatter, paths ? &*paths : nullptr);
    consumer.set_filter(&filter);

    std::optional<Counters> counters;
    uint64_t damaged = 0;  // frames other than records that could not be read: skipped, as malformed records are
    std::vector<SnapshotFd> snapshot;
    Frame frame{};
    for (;;) {
        auto more = reader.next(frame);
        if (!more)
            return more.error();
        if (!*more || consumer.limit_reached())
            break;
        switch (frame.type) {
        case FrameType::Record:
            if (consumer.feed(frame.payload.data(), frame.payload.size()) < 0)
                return consumer.finish().error();
            break;
        case FrameType::FdSnapshot:
            snapshot.clear();
            damaged += !parse_fds(frame.payload, snapshot);  // the entries before the damage stand
            for (const auto& f : snapshot)
                fds.set(f.tgid, f.fd, f.name, f.cloexec, f.file);
            break;
        case FrameType::InProgress: {
            InProgress call{};
            if (!parse_in_progress(frame.payload, call)) {
                ++damaged;
                break;
            }
            decode::Payloads payloads;
            decode::split_payloads(call.payload_area, payloads);
            if (!filter.shows_in_progress(call.rec, payloads))
                break;
            formatter->in_progress(call.rec, payloads, call.note, lines.buffer());
            if (auto ok = lines.route(call.rec.hdr.tid); !ok)
                return ok.error();
            break;
        }
        case FrameType::Counters: {
            auto parsed = parse_counters(
                std::string_view(reinterpret_cast<const char*>(frame.payload.data()), frame.payload.size()));
            if (parsed)
                counters = std::move(*parsed);
            else
                ++damaged;
            break;
        }
        default:
            break;  // a Header again, or a kind a later btrace added that decoding can do without
        }
    }
    if (auto ok = consumer.finish(); !ok)
        return ok.error();
    if (opts.summary != cli::Options::Summary::None) {
        output::format_summary(filter.stats(), app::summary_by(opts.summary_by), opts.histogram, opts.json,
                               sink.buffer());
        if (header.sched)
            output::format_sched_summary(filter.sched_stats(), app::summary_by(opts.summary_by), opts.json,
                                         sink.buffer());
        if (auto ok = sink.flush(); !ok)
            return ok.error();
    }
    if (counters)
        app::report_counters(*counters);
    if (consumer.malformed())
        spdlog::warn("{}: {} malformed records skipped", name, consumer.malformed());
    if (damaged)
        spdlog::warn("{}: {} damaged frame{} skipped (fd snapshots, calls in flight at attach, counters)", name,
                     damaged, damaged == 1 ? "" : "s");
    if (!reader.end_note().empty())
        spdlog::warn("{}: {}", name, reader.end_note());
    return {};
}

}  // namespace btrace::record
