// SPDX-License-Identifier: Apache-2.0
// btrace entry point: options -> targets -> BPF -> drain loop -> exit status.
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <memory>
#include <optional>

#include "cli/options.h"
#include "consumer/consumer.h"
#include "consumer/path_filter.h"
#include "consumer/pending.h"
#include "consumer/proc_fd_names.h"
#include "decode/structs.h"
#include "loader/tracer.h"
#include "output/fd_listing.h"
#include "output/sink.h"
#include "output/sched_summary.h"
#include "output/stack_summary.h"
#include "output/summary.h"
#include "state/fd_desc.h"
#include "state/fd_table.h"
#include "state/open_files.h"
#include "state/proc_snapshot.h"
#include "target/attach.h"
#include "target/launch.h"
#include "app/common.h"
#include "monitor/monitor.h"
#include "record/recording.h"
#include "record/report.h"

namespace btrace {

using namespace app;

namespace {

constexpr auto kPendingScanInterval = std::chrono::milliseconds(100);
// A recording's block is written when full, and at least this often: what a
// kill or a crash can take from a quiet process's recording.
constexpr auto kRecordingFlushInterval = std::chrono::seconds(1);

volatile sig_atomic_t g_stop_signal = 0;
volatile sig_atomic_t g_interrupts = 0;  // SIGINT and SIGTERM received
volatile pid_t g_child = 0;
// With -u the command leads a session and process group of its own, out of
// reach of the terminal's Ctrl-C and hangup: the signal goes to that group.
volatile sig_atomic_t g_child_leads_group = 0;

// With -- COMMAND the command decides when tracing ends: pass the signal on;
// a second SIGINT or SIGTERM (the command ignored the first) stops tracing
// and leaves it running. With -p, the signal means "stop tracing and detach".
void on_signal(int sig) {
    const int saved_errno = errno;
    if (sig != SIGHUP)
        g_interrupts = g_interrupts + 1;
    if (g_child > 0 && (sig == SIGHUP || g_interrupts < 2)) {
        if (!g_child_leads_group || kill(-g_child, sig) < 0)  // no group before the child's setsid
            kill(g_child, sig);
    } else {
        g_stop_signal = sig;
    }
    errno = saved_errno;
}

void install_signal_handlers(bool child_leads_group) {
    g_child_leads_group = child_leads_group;
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    if (child_leads_group)  // else the kernel sends the terminal's hangup to the command too
        sigaction(SIGHUP, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a closed output becomes EPIPE and a clear error
}


int exit_code_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}




// --fds: what each process has open, like lsof -p.
Result<int> print_fd_tables(const cli::Options& opts, output::Sink& sink) {
    std::vector<output::ProcessFiles> processes;
    for (pid_t pid : opts.pids) {
        auto files = state::open_files(pid);
        if (!files)
            return Error{"--fds -p " + std::to_string(pid) + ": " + files.error().message};
        const auto id = state::thread_identity(pid);
        processes.push_back({pid, id ? id->comm : "?", std::move(*files)});
    }
    output::format_fd_listing(processes, opts.json, sink.buffer());
    if (auto ok = sink.flush(); !ok)
        return ok.error();
    return 0;
}


Result<int> run(const cli::Options& opts) {
    std::string command_path;
    std::optional<target::RunAs> run_as;
    if (!opts.command.empty()) {
        auto path = target::resolve_command(opts.command.front());
        if (!path)
            return path.error();
        command_path = *path;
    }
    if (!opts.user.empty()) {
        auto user = target::resolve_user(opts.user);
        if (!user)
            return user.error();
        run_as = *user;
    }
    if (auto ok = check_pids(opts); !ok)
        return ok.error();

    // A recording's -o is the file the records go to; nothing is printed.
    const bool recording = opts.mode == cli::Options::Mode::Record;
    auto sink = recording                ? output::Sink::open("/dev/null")
                : opts.output_separately ? Result<output::Sink>(output::Sink::separate(opts.output_path, opts.append))
                                         : output::Sink::open(opts.output_path, {}, opts.append);
    if (!sink)
        return sink.error();
    if (opts.fds_only) {  // a listing, not a trace: stdout unless -o
        auto listing = opts.output_path.empty() ? output::Sink::stdout_sink() : std::move(*sink);
        return print_fd_tables(opts, listing);
    }
    auto tracer = load_tracer(opts);
    if (!tracer)
        return tracer.error();
    install_signal_handlers(run_as.has_value());

    state::FdTable fds;
    const output::FormatOptions format = format_options(opts, monotonic_ns(), realtime_offset_ns());
    auto formatter = make_formatter(opts.json, format, fds);
    // -c -k: the calls come up for their stacks; their lines go nowhere.
    const bool stacks_shown = opts.stack || opts.kernel_stack;
    const bool stacks_only = stacks_shown && opts.summary == cli::Options::Summary::Only;
    auto discard = stacks_only ? output::Sink::open("/dev/null") : Result<output::Sink>(Error{""});
    if (stacks_only && !discard)
        return discard.error();
    consumer::Consumer consumer(*formatter, stacks_only ? *discard : *sink, fds);
    consumer.limit_calls(opts.max_events);
    std::unique_ptr<record::Writer> recording_file;
    if (recording) {
        auto created = record::Writer::create(opts.output_path, opts.compress);
        if (!created)
            return created.error();
        recording_file = std::move(*created);
        const auto header = record::header_text(record::header_for(opts, format.origin_ns, format.realtime_offset_ns));
        recording_file->frame(record::FrameType::Header, header);
        consumer.record_to(recording_file.get());
    }
    // What each fd of a process is at attach, in the table and the recording.
    const auto take_snapshot = [&](pid_t pid, bool as_exec_leaves_them) {
        const auto taken = snapshot_fds(fds, pid, as_exec_leaves_them);
        if (recording_file && !taken.empty())
            recording_file->fds(taken);
    };
    app::Stacks stacks;
    stacks.show(opts, **tracer, consumer, *formatter);
    std::optional<output::StackSummary> stack_summary;
    if (stacks_shown && opts.summary != cli::Options::Summary::None)
        formatter->summarize_stacks(&stack_summary.emplace(opts.json));
    // Only system-wide (with --comm and --cgroup too) do processes come in with fds no snapshot listed.
    // Without follow, other threads of a process run untraced: their fd changes go unseen, and so would
    // a /proc name's staleness.
    if (opts.system_wide && (*tracer)->names_fds() && opts.follow)
        consumer.name_unseen_fds(std::make_unique<consumer::ProcFdNames>(**tracer));
    std::optional<consumer::PathFilter> path_filter;
    if (!opts.trace_paths.empty()) {
        path_filter.emplace(consumer::resolve_trace_paths(opts.trace_paths), fds, *formatter);
        consumer.set_filter(&*path_filter);
    }
    if (auto ok = open_consumer(consumer, **tracer); !ok)
        return ok.error();

    std::optional<target::HeldChild> child;
    if (!opts.command.empty()) {
        auto spawned = target::HeldChild::spawn(command_path, opts.command, run_as);
        if (!spawned)
            return spawned.error();
        child.emplace(std::move(*spawned));
        take_snapshot(child->pid(), true);  // what its execve leaves it of ours
        if (auto ok = (*tracer)->add_target(static_cast<uint32_t>(child->pid()), BTRACE_TARGET_AWAIT_EXEC); !ok)
            return ok.error();
    } else {
        if (auto ok = add_targets(**tracer, opts); !ok)
            return ok.error();
        // Recorded system-wide, every selected process's fds: report has no /proc to name the unseen ones
        // from. Not the others': what they change untraced (a shell's redirection before it execs a
        // command --comm selects) would make their listing lie.
        if (recording_file && opts.system_wide)
            for (pid_t pid : processes_selected_now(opts))
                take_snapshot(pid, false);
        for (pid_t pid : opts.pids) {
            take_snapshot(pid, false);
            if (auto ok = consumer::report_calls_in_flight(pid, monotonic_ns(), opts.syscalls, path_filter ? &*path_filter : nullptr,
                                                          **tracer, *formatter, *sink, recording_file.get());
                !ok)
                return ok.error();
        }
    }
    if (auto ok = (*tracer)->attach(); !ok)
        return ok.error();
    if (child) {
        g_child = child->pid();
        if (auto ok = child->release(); !ok)
            return Error{opts.command.front() + ": " + ok.error().message, ok.error().exit_code};
        if (child->exit_fd() >= 0)
            if (auto ok = consumer.wake_on(child->exit_fd()); !ok)
                return ok.error();
    } else if (!opts.system_wide) {
        sweep_dead_targets(**tracer);
    }

    std::optional<int> child_status;
    auto next_sweep = std::chrono::steady_clock::now() + kSweepInterval;
    auto next_recording_flush = std::chrono::steady_clock::now() + kRecordingFlushInterval;
    // No call (not even one in flight at attach) is older than the threshold before then.
    auto next_pending_scan = std::chrono::steady_clock::now() +
                             std::max<std::chrono::steady_clock::duration>(
                                 kPendingScanInterval, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                           std::chrono::duration<double, std::milli>(opts.pending_ms)));
    consumer::PendingReporter pending(static_cast<uint64_t>(opts.pending_ms * 1e6), opts.system_wide, opts.follow);

    std::optional<RealtimeDrain> realtime;
    if (opts.realtime && sends_records(opts))
        realtime.emplace();
    while (!g_stop_signal) {
        if (auto ok = consumer.poll(kPollMs); !ok)
            return ok.error();
        if (child && !child_status) {
            int status;
            if (waitpid(child->pid(), &status, WNOHANG) == child->pid()) {
                child_status = status;
                consumer.stop_waking_on(child->exit_fd());  // reaped: the pidfd stays readable
            }
        }
        if (auto now = std::chrono::steady_clock::now(); !opts.system_wide && now >= next_sweep) {
            sweep_dead_targets(**tracer);
            next_sweep = now + kSweepInterval;
        }
        if (auto now = std::chrono::steady_clock::now(); opts.pending_ms > 0 && now >= next_pending_scan) {
            if (auto ok = pending.scan(**tracer, consumer, monotonic_ns(), path_filter ? &*path_filter : nullptr, *formatter,
                                       *sink);
                !ok)
                return ok.error();
            next_pending_scan = now + kPendingScanInterval;
        }
        if (auto now = std::chrono::steady_clock::now(); recording_file && now >= next_recording_flush) {
            if (auto ok = recording_file->flush(); !ok)
                return ok.error();
            next_recording_flush = now + kRecordingFlushInterval;
        }
        if (consumer.limit_reached())
            break;  // --max-events: the command, if any, runs on untraced
        if (!opts.system_wide && !(*tracer)->has_targets())
            break;  // system-wide tracing ends only on a signal
    }

    // Detach first (the command runs on untraced), then collect what the
    // kernel side still holds: the ring buffer, then the per-CPU batches.
    if (auto ok = detach_and_collect(**tracer, consumer); !ok)
        return ok.error();
    realtime.reset();
    if (opts.summary != cli::Options::Summary::None) {
        output::format_summary((*tracer)->stats(), summary_by(opts.summary_by), opts.histogram, opts.json,
                               sink->buffer());
        if (opts.sched)
            output::format_sched_summary((*tracer)->sched_stats(), summary_by(opts.summary_by), opts.json,
                                         sink->buffer());
        if (stack_summary)
            stack_summary->format(sink->buffer());
    }
    if (auto ok = sink->flush(); !ok)
        return ok.error();
    report_counters(**tracer, consumer);
    if (recording_file)
        if (auto ok = close_recording(*recording_file, counters_of(**tracer, consumer), consumer.calls(),
                                      opts.output_path);
            !ok)
            return ok.error();
    if (recording_file && !opts.perfetto_path.empty())
        if (auto ok = record::write_perfetto(opts.output_path, opts.perfetto_path); !ok)
            return ok.error();
    tracer->reset();

    if (!child)
        return 0;
    if (!child_status) {
        int status;
        // Stopped early (--max-events, a second interrupt): the command is
        // not waited for, unless it has already ended.
        const bool stopped_early = consumer.limit_reached() || g_stop_signal;
        pid_t reaped;
        while ((reaped = waitpid(child->pid(), &status, stopped_early ? WNOHANG : 0)) < 0 && errno == EINTR) {
        }
        if (reaped != child->pid()) {
            if (g_stop_signal) {
                spdlog::info("interrupted again: stopped tracing; the command (pid {}) did not exit and is left "
                             "running, untraced",
                             child->pid());
                return 128 + g_stop_signal;
            }
            spdlog::info("--max-events {} reached: stopped tracing; the command (pid {}) runs on, untraced",
                         opts.max_events, child->pid());
            return 0;
        }
        child_status = status;
    }
    return exit_code_of(*child_status);
}

}  // namespace

}  // namespace btrace

int main(int argc, char** argv) {
    auto logger = spdlog::stderr_logger_st("btrace");
    logger->set_pattern("btrace: %v");
    spdlog::set_default_logger(logger);

    auto parsed = btrace::cli::parse(argc, argv);
    if (auto* early = std::get_if<btrace::cli::EarlyExit>(&parsed)) {
        std::fputs(early->text.c_str(), stdout);
        return 0;
    }
    if (auto* error = std::get_if<btrace::Error>(&parsed)) {
        spdlog::error("{}", error->message);
        return error->exit_code;
    }
    const auto& opts = std::get<btrace::cli::Options>(parsed);
    spdlog::set_level(opts.verbose ? spdlog::level::debug : spdlog::level::info);

    auto code = opts.monitor.enabled                               ? btrace::monitor::run(opts)
                : opts.mode == btrace::cli::Options::Mode::Report ? btrace::record::run_report(opts)
                                                                   : btrace::run(opts);
    if (!code) {
        spdlog::error("{}", code.error().message);
        return code.error().exit_code;
    }
    return *code;
}
