// SPDX-License-Identifier: Apache-2.0
#include "cli/options.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "btrace/event.h"
#include "syscalls/table.h"
#include "util/parse.h"

namespace btrace::cli {

const std::vector<std::string_view> kIdleWaits = {
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "poll",  "ppoll",           "select",
    "pselect6",   "nanosleep",   "clock_nanosleep", "wait4", "waitid",      "accept",
    "accept4",    "pause",       "rt_sigsuspend",   "rt_sigtimedwait", "io_getevents", "io_pgetevents",
};

namespace {

constexpr const char* kDescription =
    "btrace: trace system calls with eBPF, strace-style, at close to the kernel's own cost.";

constexpr const char* kExamples = R"(
Examples:
  btrace -- cat /etc/os-release     run a command and trace it (and its children)
  btrace -o trace.txt -- make -j2   write the trace to a file instead of stderr
  btrace -p 1234                    trace a running process (all threads) until Ctrl-C
  btrace -p 1234,5678 --no-follow   trace only those threads, not new children/threads
  btrace --fds -p 1234              list what each fd of 1234 is (files, sockets, pipes), like lsof -p
  btrace -e trace=%file -- make     only file calls (classes, names, /regex, !negation as in strace)
  btrace --errno ENOENT -- sh       only calls that failed with ENOENT
  btrace --duration 10 -p 1234      only calls that took 10 ms or more
  btrace -c -- ls -R /usr           per-syscall counts, errors and latency percentiles, no trace
  btrace -a --comm nginx --json     every nginx on the host, as JSON lines
  btrace record -o app.btr -p 1234  record now (compressed, nothing decoded on this host), then:
  btrace report -S -e trace=%net app.btr    decode it, here or elsewhere, with the trace's options
  btrace monitor --slow 50          always-on: every process's calls of 50 ms or more, latency
                                    histograms in the kernel (see btrace monitor --help)

Each line: time since start (ms), call duration (ms), comm/tid, call(args) = result.
)";

// CLI11 2.1 cannot set the usage line; the two forms matter more than the default.
class UsageFormatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App*, std::string) const override {
        return "Usage: btrace [OPTIONS] -- COMMAND [ARGS...]\n       btrace [OPTIONS] -p PID[,PID...]\n"
               "       btrace monitor [OPTIONS]   always-on: histograms and outliers (btrace monitor --help)\n"
               "       btrace record -o FILE [OPTIONS] -- COMMAND | -p PID | -a   the records to FILE, undecoded\n"
               "       btrace report [OPTIONS] FILE   FILE decoded, as the trace would have printed it\n";
    }
};

Result<pid_t> parse_pid(std::string_view text) {
    const auto value = to_uint<uint32_t>(text);
    if (!value || *value == 0 || *value > (1u << 22))  // PID_MAX_LIMIT
        return Error{"-p '" + std::string(text) + "': not a process id", 2};
    return static_cast<pid_t>(*value);
}

// -p 12,34: split here, not by CLI11, which drops the empty items of "1,,".
// A pid given twice is one target.
Result<void> add_pids(const std::string& list, std::vector<pid_t>& pids) {
    for (std::string_view rest = list;;) {
        const auto comma = rest.find(',');
        auto pid = parse_pid(rest.substr(0, comma));
        if (!pid)
            return rest.substr(0, comma).empty() ? Error{"-p '" + list + "': an empty process id", 2} : pid.error();
        if (std::find(pids.begin(), pids.end(), *pid) == pids.end())
            pids.push_back(*pid);
        if (comma == std::string_view::npos)
            return {};
        rest.remove_prefix(comma + 1);
    }
}

// Numbers are checked here rather than by CLI11's validators, which let nan
// and inf through, read "-1" as the largest unsigned value and "010" as
// octal, and name a 310-digit bound when they refuse. A good value is handed
// on in plain decimal for CLI11 to store.
CLI::Validator whole_number(uint64_t min, uint64_t max) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            const auto value = to_uint<uint64_t>(text);
            if (!value || *value < min || *value > max)
                return max == UINT64_MAX ? fmt::format("'{}' is not a whole number of {} or more", text, min)
                                         : fmt::format("'{}' is not a whole number from {} to {}", text, min, max);
            text = std::to_string(*value);
            return {};
        },
        "");
}

// Milliseconds or seconds: finite, and few enough that nanoseconds fit in 64 bits (~31 years).
CLI::Validator time_span(const char* unit, double max) {
    return CLI::Validator(
        [=](std::string& text) -> std::string {
            double value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0 && value <= max))
                return fmt::format("'{}' is not a number of {} from 0 to {:.0f} (such as 10 or 0.5)", text, unit,
                                   max);
            text = fmt::format("{}", value);
            return {};
        },
        "");
}
CLI::Validator milliseconds() { return time_span("milliseconds", 1e12); }
CLI::Validator seconds() { return time_span("seconds", 1e9); }

// An option given an empty value ('', or a variable that was not set) is
// refused: empty would otherwise read as "not given" (-o '' as stderr,
// -u '' as root, --errno '' as every error).
Result<void> refuse_empty_values(const CLI::App& app) {
    for (const CLI::Option* option : app.get_options()) {
        const auto& results = option->results();
        if (std::find(results.begin(), results.end(), "") == results.end())
            continue;
        const std::string name =
            option->get_snames().empty() ? "--" + option->get_lnames().front() : "-" + option->get_snames().front();
        return Error{name + " needs " + option->get_type_name() + ", not an empty string", 2};
    }
    return {};
}

}  // namespace

Result<std::size_t> parse_size(const std::string& text) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view suffix(end, text.data() + text.size() - end);
    int shift = suffix.empty() ? 0 : suffix == "K" || suffix == "k" ? 10 : suffix == "M" || suffix == "m" ? 20
                                 : suffix == "G" || suffix == "g"   ? 30
                                                                     : -1;
    if (ec != std::errc() || shift < 0 || value == 0 || value > (std::size_t{1} << 40 >> shift))
        return Error{"'" + text + "': expected a size such as 64K, 16M or 1G", 2};
    return value << shift;
}

Result<std::size_t> parse_buffer_size(const std::string& text) {
    auto parsed = parse_size(text);
    if (!parsed || *parsed > (std::size_t{4} << 30))
        return Error{"--buffer-size '" + text + "': expected a size such as 64K, 16M or 1G", 2};
    const std::size_t value = *parsed;
    // The kernel side writes batches of up to BTRACE_BATCH_BYTES + BTRACE_RECORD_MAX.
    constexpr std::size_t kMin = 64 << 10;
    if (value < kMin || (value & (value - 1)) != 0)
        return Error{"--buffer-size '" + text + "': must be a power of two of at least 64K", 2};
    return value;
}

// Each CPU can fill the ring while the consumer waits to be scheduled (it is
// woken at a quarter full): on the storm 8 MiB is the least that loses nothing
// with two CPUs producing, and 4 MiB drops thousands. Every MiB costs start-up
// (the kernel zeroes and charges each page: ~0.3 ms per MiB here), and the
// monitor's peak RSS must stay under 64 MiB: at most 32 MiB.
std::size_t default_buffer_bytes(long online_cpus) {
    const std::size_t want = static_cast<std::size_t>(std::max(online_cpus, 1L)) << 22;
    std::size_t bytes = std::size_t{8} << 20;
    while (bytes < want && bytes < (std::size_t{32} << 20))
        bytes <<= 1;
    return bytes;
}

namespace {

// What both command lines share: no empty values, -p, --buffer-size and the
// --comm length.
Result<void> set_common(const CLI::App& app, Options& opts, const std::vector<std::string>& pid_texts,
                        const std::string& buffer_size) {
    if (auto ok = refuse_empty_values(app); !ok)
        return ok;
    for (const auto& text : pid_texts)
        if (auto ok = add_pids(text, opts.pids); !ok)
            return ok;
    if (!buffer_size.empty()) {
        auto bytes = parse_buffer_size(buffer_size);
        if (!bytes)
            return bytes.error();
        opts.buffer_bytes = *bytes;
    } else {
        opts.buffer_bytes = default_buffer_bytes(sysconf(_SC_NPROCESSORS_ONLN));
    }
    if (opts.comm.size() >= BTRACE_COMM_LEN)
        return Error{"--comm " + opts.comm + ": longer than the kernel's " + std::to_string(BTRACE_COMM_LEN - 1) +
                         " characters",
                     2};
    return {};
}

// -e trace=SET (t=SET), or a bare SET as strace takes it (-e open,close);
// nullopt for the other kinds (status=, signal=).
std::optional<Result<std::vector<bool>>> trace_expression(const std::string& expr) {
    if (expr.starts_with("trace="))
        return parse_trace_set(expr.substr(6));
    if (expr.starts_with("t="))  // strace's abbreviation
        return parse_trace_set(expr.substr(2));
    if (expr.find('=') == std::string::npos)
        return parse_trace_set(expr);
    return std::nullopt;
}

// The calls the monitor may report: -e trace= (default: all) without the
// idle waits, unless --include-idle. A set of idle waits only is refused: it
// would report nothing.
Result<void> select_monitored_calls(Options& opts, const std::string& expr) {
    auto& m = opts.monitor;
    if (m.include_idle)
        return {};
    if (opts.syscalls.empty())
        opts.syscalls.assign(std::max<std::size_t>(syscalls::all().size(), BTRACE_NR_MAX), true);  // numbers past the table too
    for (std::string_view name : kIdleWaits) {
        const long nr = syscalls::number_of(name);
        if (nr < 0 || static_cast<std::size_t>(nr) >= opts.syscalls.size() || !opts.syscalls[nr])
            continue;
        opts.syscalls[nr] = false;
        if (!expr.empty())
            m.idle_left_out.emplace_back(name);
    }
    if (!m.idle_left_out.empty() && std::find(opts.syscalls.begin(), opts.syscalls.end(), true) == opts.syscalls.end())
        return Error{"-e " + expr + ": only idle waits, which the monitor leaves out (add --include-idle)", 2};
    return {};
}

constexpr const char* kMonitorExamples = R"(
Examples:
  btrace monitor                                  every process: calls of 10 ms or more, as they happen
  btrace monitor --slow 50 --errors -p 1234       one daemon: calls of 50 ms or more, and failures
  btrace monitor --metrics :9464 -o /var/log/btrace/outliers.json --json --rotate-size 64M
                                                  histograms for Prometheus, outliers to a rotated file
  btrace monitor --flight 100 --comm nginx        the 100 calls before each outlier of each nginx
  btrace monitor -e trace=%file --errors          only file calls can be outliers (metrics count all)
  kill -USR1 $(pidof btrace)                      dump the flight recorder now; -HUP reopens -o FILE

Histograms of every call are kept in the kernel per (syscall, comm) or per
(syscall, cgroup); only outliers are sent up and printed. Idle waits (epoll_wait,
epoll_pwait, epoll_pwait2, poll, ppoll, select, pselect6, nanosleep,
clock_nanosleep, wait4, waitid, accept, accept4, pause, rt_sigsuspend,
rt_sigtimedwait, io_getevents, io_pgetevents, and futex waits with a timeout)
are never outliers unless --include-idle. Process exits are logged when a
signal killed the process or it had outliers (--all-exits: every one).
)";

ParseResult parse_monitor(int argc, const char* const* argv) {
    CLI::App app{"btrace monitor: always-on syscall latency monitoring: histograms in the kernel, outliers "
                 "printed, Prometheus metrics.",
                 "btrace monitor"};
    app.footer(kMonitorExamples);
    Options opts;
    auto& m = opts.monitor;
    m.enabled = true;
    opts.data = false;  // outliers go to long-lived logs: what processes read and wrote stays out of them
    std::vector<std::string> pid_texts;
    std::string by, rotate_size, buffer_size;
    app.add_option("-p,--pid", pid_texts, "Only these processes (all threads, and their children)")
        ->type_name("PID[,PID...]");
    app.add_option("--comm", opts.comm, "Only processes with this command name")->type_name("NAME");
    app.add_option("--cgroup", opts.cgroup_path, "Only processes in this cgroup v2 directory")->type_name("PATH");
    app.add_option("--slow", m.slow_ms, "Report calls that took at least MS milliseconds (default 10)")
        ->type_name("MS")
        ->transform(milliseconds());
    app.add_flag("--errors", m.errors, "Report failed calls too, however fast");
    std::vector<std::string> expressions;
    app.add_option("-e", expressions,
                   "Only these calls can be outliers: trace=SET as for tracing (names, %classes, /regex, "
                   "!negation); the metrics count every call")
        ->type_name("EXPR")
        ->allow_extra_args(false);
    app.add_flag("--include-idle", m.include_idle,
                 "Idle waits can be outliers too (epoll_wait, poll, select, nanosleep, wait4, accept, futex waits "
                 "with a timeout, ...): by default they are left out in the kernel");
    app.add_flag("--all-exits", m.all_exits,
                 "Log every process exit (by default only those killed by a signal or that had outliers)");
    app.add_option("--by", by, "Histograms per (syscall, comm) (default) or per (syscall, cgroup)")
        ->type_name("WHAT")
        ->check(CLI::IsMember({"comm", "cgroup"}));
    app.add_option("--metrics", m.metrics_address,
                   "Serve Prometheus metrics on http://ADDR:PORT/metrics (ADDR defaults to 127.0.0.1)")
        ->type_name("[ADDR:]PORT");
    app.add_option("--flight", m.flight,
                   "Keep each process's last N calls; print them before its outliers, on SIGUSR1 and when it "
                   "is killed by a signal (sends every call up: costs like tracing)")
        ->type_name("N")
        ->transform(whole_number(1, 100000));
    app.add_option("--flight-dir", m.flight_dir,
                   "With --flight: write each dump to DIR as a recording, for btrace report, and log only where "
                   "it went")
        ->type_name("DIR");
    app.add_option("-o,--output", opts.output_path, "Write outliers to FILE instead of stderr (SIGHUP reopens it)")
        ->type_name("FILE");
    app.add_flag("--json", opts.json, "Outliers as JSON lines");
    app.add_option("--rotate-size", rotate_size, "With -o: start a new file past SIZE (e.g. 64M)")->type_name("SIZE");
    app.add_option("--rotate-keep", m.rotate_keep, "With --rotate-size: keep K old files (default 5)")
        ->type_name("K")
        ->transform(whole_number(0, 1000));
    app.add_option("--max-keys", m.keys, "Histogram and error keys kept in the kernel (LRU; default 4096)")
        ->type_name("N")
        ->transform(whole_number(64, 1 << 20));
    app.add_flag("--sched", opts.sched,
                 "Split each outlier's time into on-CPU, blocked and runqueue, with who woke it, and export "
                 "the time calls wait for a CPU (btrace_syscall_runqueue_seconds)");
    app.add_flag("-k,--stack", opts.stack,
                 "Show the user-space stack of each outlier (and of the flight recorder's calls), symbolized "
                 "from the process's mappings in /proc");
    app.add_flag("--kernel-stack", opts.kernel_stack,
                 "Show where in the kernel each outlier last left its CPU (blocked or preempted)");
    app.add_flag("--bpf-stats", m.bpf_stats,
                 "Turn on the kernel's BPF run-time statistics for the metrics (costs ~35 ns per program run)");
    app.add_option("--buffer-size", buffer_size, "BPF ring buffer size (power of two; default 4M per CPU, 8M to 32M)")
        ->type_name("SIZE");
    app.add_option("-s,--string-limit", opts.string_max, "Show at most SIZE bytes of each string (default 256)")
        ->type_name("SIZE")
        ->transform(whole_number(1, BTRACE_STRING_MAX));
    app.add_flag("--capture-data", opts.data,
                 "Show the data outliers read and wrote (buffers, iovecs, messages); by default none is read "
                 "and a buffer shows as \"\"... (its length is in the call's count or result)");
    bool no_realtime = false;
    app.add_flag("--no-realtime", no_realtime,
                 "Drain outliers (and the flight recorder's calls) at normal priority, not SCHED_FIFO 1: they may "
                 "then be lost (counted) while the host's programs keep every CPU busy");
    app.add_flag("-v,--verbose", opts.verbose, "Log libbpf and loader details to stderr");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return EarlyExit{app.help()};
    } catch (const CLI::ParseError& e) {
        return Error{std::string(e.what()) + " (see btrace monitor --help)", 2};
    }
    if (auto ok = set_common(app, opts, pid_texts, buffer_size); !ok)
        return ok.error();
    opts.realtime = !no_realtime;
    if (!rotate_size.empty()) {
        auto bytes = parse_size(rotate_size);
        if (!bytes)
            return Error{"--rotate-size '" + rotate_size + "': expected a size such as 64M", 2};
        if (opts.output_path.empty())
            return Error{"--rotate-size needs -o FILE", 2};
        m.rotate_bytes = *bytes;
    }
    m.by_cgroup = by == "cgroup";
    if (!m.flight_dir.empty() && !m.flight)
        return Error{"--flight-dir needs --flight N: the calls kept for each process", 2};
    for (const auto& expr : expressions) {
        auto set = trace_expression(expr);
        if (!set)
            return Error{"-e " + expr + ": the monitor takes trace=SET only", 2};
        if (!*set)
            return set->error();
        opts.syscalls = std::move(**set);
    }
    if (auto ok = select_monitored_calls(opts, expressions.empty() ? "" : expressions.back()); !ok)
        return ok.error();
    if (!opts.pids.empty() && (!opts.comm.empty() || !opts.cgroup_path.empty()))
        return Error{"give either -p or --comm/--cgroup", 2};
    opts.system_wide = opts.pids.empty();
    return opts;
}

// As a shell would read it back: bare when nothing in it is special.
std::string shell_quoted(std::string_view arg) {
    const bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("%+,-./:=@_").find(c) != std::string_view::npos;
    });
    if (plain)
        return std::string(arg);
    std::string out = "'";
    for (char c : arg)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// What record and report take of the trace's options: record, what is read
// in the kernel (decoding options go to report); report, what is decoded and
// shown (the selection it narrows, never widens).
Result<void> check_mode(const CLI::App& app, Options& opts, const std::vector<std::string>& expressions,
                        const std::string& buffer_size) {
    using Mode = Options::Mode;
    const auto given = [&](const char* name) { return app.count(name) > 0; };
    if (opts.mode != Mode::Report && (given("--since") || given("--until")))
        return Error{"--since and --until pick from a recording: btrace report --since S FILE", 2};
    if (opts.mode == Mode::Trace && given("--perfetto"))
        return Error{"--perfetto writes a recording as a Perfetto trace: btrace record --perfetto OUT -o FILE ..., "
                     "or btrace report --perfetto OUT FILE",
                     2};
    if (opts.mode != Mode::Record && given("--no-compress"))
        return Error{"--no-compress is btrace record's", 2};
    if (opts.mode == Mode::Record) {
        if (opts.output_path.empty())
            return Error{"btrace record needs -o FILE: where the recording goes", 2};
        if (opts.summary != Options::Summary::None || opts.json || opts.time != Options::Time::Relative ||
            opts.time_delta || opts.hex != Options::Hex::None || !opts.show_exits || !opts.trace_paths.empty())
            return Error{"btrace record writes what report decodes: give -c, -S, --json, -t, -r, -x, -qq and -P to "
                         "btrace report",
                         2};
        if (opts.output_separately || opts.append || opts.fds_only)
            return Error{"btrace record writes one file: not with -ff, -A or --fds", 2};
        if (opts.stack || opts.kernel_stack)
            return Error{"btrace record does not keep stacks yet: trace with -k live", 2};
        if (given("--pending"))
            return Error{"--pending reports calls in flight as they run, which a recording does not keep: give it "
                         "to the live trace",
                         2};
        opts.pending_ms = 0;  // calls in flight too long are seen live, when they are
        return {};
    }
    if (opts.mode != Mode::Report)
        return {};
    if (opts.command.size() != 1)
        return Error{opts.command.empty() ? "btrace report needs FILE: a recording made by btrace record"
                                          : "btrace report [OPTIONS] FILE: the options go before FILE",
                     2};
    if (!opts.user.empty() || !buffer_size.empty() || opts.system_wide || given("--no-follow") || opts.sched ||
        opts.stack || opts.kernel_stack || given("--stack-size") || given("--pending") || opts.fds_only ||
        !opts.data || opts.output_separately || given("--no-realtime"))
        return Error{"btrace report decodes what was recorded: -u, --buffer-size, -a, --comm, --cgroup, "
                     "--no-follow, --sched, -k, --pending, --fds, --no-data, --no-realtime and -ff are btrace "
                     "record's (or the live trace's)",
                     2};
    for (const auto& expr : expressions)
        if (expr.starts_with("signal=") || expr.starts_with("signals=") || expr.starts_with("s="))
            return Error{"-e " + expr + ": the signals shown were chosen when recording", 2};
    if (!opts.perfetto_path.empty() && (opts.json || opts.summary != Options::Summary::None ||
                                        !opts.output_path.empty() || opts.read_dumps.any() || opts.write_dumps.any()))
        return Error{"--perfetto OUT is the output: not with -o, --json, -c, -S or -e read=/write=", 2};
    if (opts.until_s >= 0 && opts.until_s < opts.since_s)
        return Error{"--until comes before --since: nothing would be shown", 2};
    return {};
}

}  // namespace

ParseResult parse(int argc, const char* const* argv) {
    // `btrace monitor ...`: its own options (a program named monitor is `btrace -- monitor`).
    if (argc > 1 && std::string_view(argv[1]) == "monitor")
        return parse_monitor(argc - 1, argv + 1);
    // `btrace record ...` and `btrace report ...` take the trace's options, each checked below.
    Options opts;
    for (int i = 0; i < argc; ++i)
        opts.command_line += (i ? " " : "") + shell_quoted(argv[i]);
    if (argc > 1 && (std::string_view(argv[1]) == "record" || std::string_view(argv[1]) == "report")) {
        opts.mode = std::string_view(argv[1]) == "record" ? Options::Mode::Record : Options::Mode::Report;
        --argc;
        ++argv;
    }
    CLI::App app{kDescription, "btrace"};
    app.footer(kExamples);
    app.set_version_flag("-V,--version", "btrace " BTRACE_VERSION);
    app.formatter(std::make_shared<UsageFormatter>());

    std::vector<std::string> pid_texts;
    std::string buffer_size;
    bool no_follow = false;
    app.add_option("-p,--pid", pid_texts, "Trace these running processes (all their threads)")
        ->allow_extra_args(false)
        ->type_name("PID[,PID...]");
    app.add_option("-o,--output", opts.output_path, "Write the trace to FILE instead of stderr")
        ->type_name("FILE");
    app.add_flag("--no-follow", no_follow, "Do not trace new children or threads");
    // strace's habits: -f, -T, -y, -w and --always-show-pid ask for what btrace always does.
    int follow_flags = 0;
    app.add_flag("-f,--follow", follow_flags,
                 "Trace new children and threads: the default (strace's -f); -ff with -o PREFIX: each thread's "
                 "lines to PREFIX.TID");
    app.add_flag("-A,--output-append-mode", opts.append, "Append to the -o file(s) instead of truncating them");
    app.add_flag("-T")->description("Show each call's duration: always on (strace's -T)");
    app.add_flag("-y")->description("Show what each fd is: always on (strace's -y, -yy)");
    app.add_flag("-w,--summary-wall-clock")
        ->description("The summary's times are wall-clock time from entry to exit: always so (strace's -w)");
    app.add_flag("--always-show-pid")->description("Show the thread id on every line: always on (comm/tid)");
    int quiet_flags = 0;
    app.add_flag("-q,--quiet", quiet_flags,
                 "No attach or detach messages (btrace prints none); -qq: no \"+++ exited with\" lines either");
    int hex_flags = 0;
    app.add_flag("-x", hex_flags,
                 "Strings with non-ASCII or control bytes in \\x hex (-xx: every string), as strace -x");
    app.add_option("-u,--user", opts.user,
                   "Run COMMAND as USER (uid, gid, groups, HOME), not as root like btrace")
        ->type_name("USER");
    app.add_option("--buffer-size", buffer_size, "BPF ring buffer size (power of two; default 4M per CPU, 8M to 32M)")
        ->type_name("SIZE");
    app.add_option("-s,--string-limit", opts.string_max,
                   "Show at most SIZE bytes of each string and data buffer (default 256, max 4096); "
                   "paths are shown whole")
        ->type_name("SIZE")
        ->transform(whole_number(1, BTRACE_STRING_MAX));
    app.add_option("--pending", opts.pending_ms,
                   "Report each call still in flight after MS milliseconds, with its fds (default 1000; 0: off)")
        ->type_name("MS")
        ->transform(milliseconds());
    app.add_flag("--fds", opts.fds_only, "Print the fd table of each -p process, like lsof -p, and exit");
    app.add_flag("--raw", opts.raw, "Print raw register values: read no strings, buffers or structs");
    bool no_data = false;
    app.add_flag("--no-data", no_data,
                 "Do not read or show the data calls read and write (buffers, iovecs, messages): \"\"... "
                 "stands for it; paths, addresses and structs stay");
    app.add_flag("--sched", opts.sched,
                 "Split each call's time into on-CPU, blocked and runqueue (waiting for a CPU), "
                 "with its context switches and who woke it");
    app.add_flag("-k,--stack", opts.stack,
                 "Show the user-space stack of each call shown, symbolized (unwound with DWARF from a copy of "
                 "the top of the stack: works without frame pointers)");
    app.add_flag("--kernel-stack", opts.kernel_stack,
                 "Show where in the kernel each call shown last left its CPU (blocked or preempted): its kernel "
                 "stack then, symbolized from /proc/kallsyms");
    app.add_option("--stack-size", opts.stack_copy_bytes,
                   fmt::format("With -k: bytes of each call's stack copied to unwind from (default and most: {})",
                               BTRACE_STACK_COPY_MAX))
        ->type_name("SIZE")
        ->transform(whole_number(64, BTRACE_STACK_COPY_MAX));
    app.add_flag("-v,--verbose", opts.verbose, "Log libbpf and loader details to stderr");

    std::vector<std::string> expressions;
    std::string errnos, summary_by;
    bool only_successful = false, only_failed = false, summary_only = false, summary_also = false;
    bool status_given = false;  // -e status=, -z or -Z
    int time_flags = 0;
    bool since_previous = false;
    app.add_option("-e", expressions,
                   "Select calls like strace: trace=SET (names, %file %desc %network %process %memory "
                   "%signal %ipc %clock %creds %stat ..., /regex, !negation), status=successful,failed,unfinished, "
                   "signal=SET (SIGCHLD,USR1,..., all, none, !negation), or read=FDS / write=FDS "
                   "(3,5, all, none, !negation: a hex dump of the data read from / written to those fds)")
        ->type_name("EXPR")
        ->allow_extra_args(false);
    app.add_option("-P,--trace-path", opts.trace_paths,
                   "Show only calls that touch PATH, by a path or an fd argument (repeatable), like strace -P")
        ->type_name("PATH")
        ->allow_extra_args(false);
    app.add_flag("-z", only_successful, "Show only calls that succeeded (-e status=successful)");
    app.add_flag("-Z,--failure", only_failed, "Show only calls that failed (-e status=failed)");
    app.add_option("--errno", errnos,
                   "Show only calls that failed with these errors (ENOENT,EACCES or numbers); "
                   "-e status=successful,failed adds the successful calls")
        ->type_name("LIST");
    app.add_option("--duration", opts.min_duration_ms, "Show only calls that took at least MS milliseconds")
        ->type_name("MS")
        ->transform(milliseconds());
    app.add_flag("-a,--all", opts.system_wide, "Trace every process on the system (until Ctrl-C)");
    app.add_option("--comm", opts.comm, "Trace processes with this command name (system-wide)")->type_name("NAME");
    app.add_option("--cgroup", opts.cgroup_path, "Trace processes in this cgroup v2 directory (system-wide)")
        ->type_name("PATH");
    app.add_flag("-c,--summary-only", summary_only,
                 "Count time, calls and errors per syscall and print a summary at the end, no trace");
    app.add_flag("-S,--summary", summary_also, "Trace, then print the summary too");
    app.add_option("--summary-by", summary_by, "Group the summary by syscall (default), process or thread")
        ->type_name("WHAT")
        ->check(CLI::IsMember({"syscall", "process", "thread"}));
    app.add_flag("--histogram", opts.histogram, "With the summary, a latency histogram per syscall");
    app.add_flag("-t", time_flags, "Time of day (-tt with microseconds, -ttt seconds since the epoch)");
    app.add_flag("-r", since_previous, "Time since the previous line instead of since the start");
    app.add_flag("--json", opts.json, "One JSON object per line, with the same fields as the text");
    app.add_option("--max-events", opts.max_events, "Stop after N calls")
        ->type_name("N")
        ->transform(whole_number(1, UINT64_MAX));
    bool no_compress = false;
    app.add_flag("--no-compress", no_compress, "btrace record: store the blocks as they are, not zstd-compressed");
    bool no_realtime = false;
    app.add_flag("--no-realtime", no_realtime,
                 "Drain the records at normal priority, not SCHED_FIFO 1: calls may then be lost (counted) while "
                 "the traced programs keep every CPU busy");
    app.add_option("--since", opts.since_s,
                   "btrace report: only what happened from S seconds after the recording's start")
        ->type_name("S")
        ->transform(seconds());
    app.add_option("--until", opts.until_s, "btrace report: only what happened up to S seconds after its start")
        ->type_name("S")
        ->transform(seconds());
    app.add_option("--perfetto", opts.perfetto_path,
                   "btrace report: write a Perfetto trace to OUT (open it in ui.perfetto.dev) instead of text; "
                   "btrace record: also write it, from the recording, once recording ends")
        ->type_name("OUT");
    app.prefix_command();  // everything from COMMAND on belongs to COMMAND

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
        return EarlyExit{app.help()};
    } catch (const CLI::CallForVersion& e) {
        return EarlyExit{std::string(e.what()) + "\n"};
    } catch (const CLI::ParseError& e) {
        return Error{std::string(e.what()) + " (see btrace --help)", 2};
    }

    opts.command = app.remaining();
    if (!opts.command.empty() && opts.command.front() == "--")
        opts.command.erase(opts.command.begin());
    else if (!opts.command.empty() && opts.command.front().starts_with("-") &&
             !(opts.mode == Options::Mode::Report && opts.command.front() == "-"))  // report -: stdin
        return Error{"unknown option " + opts.command.front() + " (see btrace --help)", 2};

    if (auto ok = set_common(app, opts, pid_texts, buffer_size); !ok)
        return ok.error();
    if (follow_flags > 1) {
        if (opts.output_path.empty())
            return Error{"-ff needs -o PREFIX: each thread's lines go to PREFIX.TID", 2};
        opts.output_separately = true;
    }
    if (opts.append && opts.output_path.empty())
        return Error{"-A needs -o FILE", 2};
    opts.show_exits = quiet_flags < 2;
    opts.hex = hex_flags == 0 ? Options::Hex::None : hex_flags == 1 ? Options::Hex::NonAscii : Options::Hex::All;
    if (follow_flags && no_follow)
        return Error{"-f and --no-follow exclude each other", 2};
    opts.follow = !no_follow;
    opts.data = !no_data;

    for (const auto& expr : expressions) {
        // strace's qualifier names, with the abbreviations its man page gives.
        const auto equals = expr.find('=');
        const std::string_view qualifier =
            equals == std::string::npos ? std::string_view() : std::string_view(expr).substr(0, equals);
        const std::string value = equals == std::string::npos ? expr : expr.substr(equals + 1);
        if (auto set = trace_expression(expr)) {
            if (!*set)
                return set->error();
            opts.syscalls = std::move(**set);
        } else if (qualifier == "status") {
            auto status = parse_status(value);
            if (!status)
                return status.error();
            opts.status = *status;
            status_given = true;
        } else if (qualifier == "signal" || qualifier == "signals" || qualifier == "s") {
            auto signals = parse_signal_set(value);
            if (!signals)
                return signals.error();
            opts.signals = *signals;
        } else if (qualifier == "raw" || qualifier == "x") {
            if (value != "all")  // per syscall, strace's raw= would mix raw and decoded lines
                return Error{"-e " + expr + ": only " + std::string(qualifier) + "=all (--raw) is supported", 2};
            opts.raw = true;
        } else if (qualifier == "read" || qualifier == "reads" || qualifier == "r" || qualifier == "write" ||
                   qualifier == "writes" || qualifier == "w") {
            auto fds = parse_fd_set(qualifier, value);
            if (!fds)
                return fds.error();
            (qualifier.front() == 'r' ? opts.read_dumps : opts.write_dumps) = std::move(*fds);
        } else {
            return Error{"-e " + expr +
                             ": expected trace=SET (t=), status=LIST, signal=SET (s=), raw=all (x=), read=FDS (r=) "
                             "or write=FDS (w=)",
                         2};
        }
    }
    if (only_successful && only_failed)
        return Error{"-z and -Z exclude each other: nothing would be shown", 2};
    if (only_successful)
        opts.status = StatusFilter{true, false, false};
    if (only_failed)
        opts.status = StatusFilter{false, true, false};
    status_given = status_given || only_successful || only_failed;
    if (!errnos.empty()) {
        auto list = parse_errno_list(errnos);
        if (!list)
            return list.error();
        if (list->size() > BTRACE_ERRNO_FILTER_MAX)
            return Error{"--errno: at most " + std::to_string(BTRACE_ERRNO_FILTER_MAX) + " errors", 2};
        opts.errnos = std::move(*list);
        // Selecting errors selects failures: without a status of its own,
        // --errno shows only the calls that failed with those errors (the
        // same as -Z --errno); -e status=successful,failed adds successes.
        if (!status_given)
            opts.status = StatusFilter{false, true, false};
        else if (!opts.status.failed)
            return Error{"--errno selects failed calls: not with -z or an -e status= without failed", 2};
    }
    if (summary_only && summary_also)
        return Error{"-c and -S exclude each other (-c: summary only; -S: trace and summary)", 2};
    opts.summary = summary_only ? Options::Summary::Only : summary_also ? Options::Summary::Also : Options::Summary::None;
    if (summary_by == "process")
        opts.summary_by = Options::SummaryBy::Process;
    else if (summary_by == "thread")
        opts.summary_by = Options::SummaryBy::Thread;
    if ((!summary_by.empty() || opts.histogram) && opts.summary == Options::Summary::None)
        opts.summary = Options::Summary::Also;  // asking for its form asks for the summary
    if (time_flags > 0)
        opts.time = time_flags == 1 ? Options::Time::Wall : time_flags == 2 ? Options::Time::WallMicros : Options::Time::Epoch;
    if (since_previous && time_flags > 0)
        opts.time_delta = true;  // strace 6.1 prints both: 16:27:18 (+     0.005016) execve(...)
    else if (since_previous)
        opts.time = Options::Time::SincePrevious;
    if (!opts.comm.empty() || !opts.cgroup_path.empty())
        opts.system_wide = true;

    opts.compress = !no_compress;
    opts.realtime = !no_realtime;
    if (auto ok = check_mode(app, opts, expressions, buffer_size); !ok)
        return ok.error();
    if (opts.mode == Options::Mode::Report)
        return opts;  // -p: whose calls are shown, not processes that must exist

    if (!opts.any_target())
        return Error{"nothing to trace: give -- COMMAND, -p PID or -a (see btrace --help)", 2};
    if (!opts.command.empty() + !opts.pids.empty() + opts.system_wide > 1)
        return Error{"give one of -- COMMAND, -p PID or -a/--comm/--cgroup", 2};
    if (!opts.user.empty() && opts.command.empty())
        return Error{"-u needs -- COMMAND", 2};
    if (opts.fds_only && opts.pids.empty())
        return Error{"--fds needs -p PID", 2};
    if (opts.output_separately && opts.summary != Options::Summary::None)
        return Error{"-ff keeps no per-thread counts: not with -c or -S (as strace)", 2};
    if (opts.output_separately && opts.fds_only)
        return Error{"-ff writes a trace: not with --fds", 2};
    if (opts.max_events && opts.summary == Options::Summary::Only)
        return Error{"--max-events counts the calls shown, and -c shows none: use -S", 2};
    if ((opts.read_dumps.any() || opts.write_dumps.any()) &&
        (opts.raw || !opts.data || opts.json || opts.summary == Options::Summary::Only))
        return Error{"-e read=/write= dump the data calls transfer, as text: not with --raw, --no-data, --json or -c",
                     2};
    if (!opts.trace_paths.empty() && (opts.summary != Options::Summary::None || opts.raw))
        return Error{"-P picks calls by the paths read from them: not with -c, -S or --raw", 2};
    if (opts.stack && opts.raw)
        return Error{"-k names frames by the files the process mapped, which --raw does not read: not with --raw", 2};
    return opts;
}

}  // namespace btrace::cli
