#include "cli/options.h"

#include <CLI/CLI.hpp>

#include "btrace/event.h"
#include <charconv>

namespace btrace::cli {

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

Each line: time since start (ms), call duration (ms), comm/tid, call(args) = result.
)";

// CLI11 2.1 cannot set the usage line; the two forms matter more than the default.
class UsageFormatter : public CLI::Formatter {
public:
    std::string make_usage(const CLI::App*, std::string) const override {
        return "Usage: btrace [OPTIONS] -- COMMAND [ARGS...]\n       btrace [OPTIONS] -p PID[,PID...]\n";
    }
};

Result<pid_t> parse_pid(const std::string& text) {
    long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0 || value > (1L << 22))
        return Error{"-p '" + text + "': not a process id", 2};
    return static_cast<pid_t>(value);
}

}  // namespace

Result<std::size_t> parse_buffer_size(const std::string& text) {
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view suffix(end, text.data() + text.size() - end);
    int shift = suffix.empty() ? 0 : suffix == "K" || suffix == "k" ? 10 : suffix == "M" || suffix == "m" ? 20
                                 : suffix == "G" || suffix == "g"   ? 30
                                                                     : -1;
    if (ec != std::errc() || shift < 0 || value == 0 || value > (std::size_t{4} << 30 >> shift))
        return Error{"--buffer-size '" + text + "': expected a size such as 64K, 16M or 1G", 2};
    value <<= shift;
    // The kernel side writes batches of up to BTRACE_BATCH_BYTES + BTRACE_RECORD_MAX.
    constexpr std::size_t kMin = 64 << 10;
    if (value < kMin || (value & (value - 1)) != 0)
        return Error{"--buffer-size '" + text + "': must be a power of two of at least 64K", 2};
    return value;
}

ParseResult parse(int argc, const char* const* argv) {
    CLI::App app{kDescription, "btrace"};
    app.footer(kExamples);
    app.set_version_flag("-V,--version", "btrace " BTRACE_VERSION);
    app.formatter(std::make_shared<UsageFormatter>());

    Options opts;
    std::vector<std::string> pid_texts;
    std::string buffer_size;
    bool no_follow = false;
    app.add_option("-p,--pid", pid_texts, "Trace these running processes (all their threads)")
        ->delimiter(',')
        ->allow_extra_args(false)
        ->type_name("PID[,PID...]");
    app.add_option("-o,--output", opts.output_path, "Write the trace to FILE instead of stderr")
        ->type_name("FILE");
    app.add_flag("--no-follow", no_follow, "Do not trace new children or threads");
    app.add_option("--buffer-size", buffer_size, "BPF ring buffer size (power of two; default 16M)")
        ->type_name("SIZE");
    app.add_option("-s,--string-limit", opts.string_max,
                   "Show at most SIZE bytes of each string and data buffer (default 256, max 4096); "
                   "paths are shown whole")
        ->type_name("SIZE")
        ->check(CLI::Range(1, BTRACE_STRING_MAX));
    app.add_option("--pending", opts.pending_ms,
                   "Report each call still in flight after MS milliseconds, with its fds (default 1000; 0: off)")
        ->type_name("MS")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--fds", opts.fds_only, "Print the fd table of each -p process, like lsof -p, and exit");
    app.add_flag("--raw", opts.raw, "Print raw register values: read no strings, buffers or structs");
    app.add_flag("-v,--verbose", opts.verbose, "Log libbpf and loader details to stderr");
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
    else if (!opts.command.empty() && opts.command.front().starts_with("-"))
        return Error{"unknown option " + opts.command.front() + " (see btrace --help)", 2};

    for (const auto& text : pid_texts) {
        auto pid = parse_pid(text);
        if (!pid)
            return pid.error();
        opts.pids.push_back(*pid);
    }
    if (!buffer_size.empty()) {
        auto bytes = parse_buffer_size(buffer_size);
        if (!bytes)
            return bytes.error();
        opts.buffer_bytes = *bytes;
    }
    opts.follow = !no_follow;

    if (opts.command.empty() && opts.pids.empty())
        return Error{"nothing to trace: give -- COMMAND or -p PID (see btrace --help)", 2};
    if (!opts.command.empty() && !opts.pids.empty())
        return Error{"give either -- COMMAND or -p PID, not both", 2};
    if (opts.fds_only && opts.pids.empty())
        return Error{"--fds needs -p PID", 2};
    return opts;
}

}  // namespace btrace::cli
