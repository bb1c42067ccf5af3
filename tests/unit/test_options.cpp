// SPDX-License-Identifier: Apache-2.0
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "cli/options.h"
#include "syscalls/table.h"

using namespace btrace::cli;

namespace {

ParseResult parse_args(std::vector<const char*> args) {
    args.insert(args.begin(), "btrace");
    return parse(static_cast<int>(args.size()), args.data());
}

const Options& options_of(const ParseResult& result) {
    if (auto* error = std::get_if<btrace::Error>(&result))
        FAIL(error->message);
    return std::get<Options>(result);
}

std::string error_of(const ParseResult& result) {
    REQUIRE(std::holds_alternative<btrace::Error>(result));
    return std::get<btrace::Error>(result).message;
}

}  // namespace

TEST_CASE("COMMAND after -- keeps the command's own options", "[cli]") {
    auto result = parse_args({"-o", "out.txt", "--", "cat", "-n", "--", "/etc/issue"});
    const auto& opts = options_of(result);
    CHECK(opts.command == std::vector<std::string>{"cat", "-n", "--", "/etc/issue"});
    CHECK(opts.output_path == "out.txt");
    CHECK(opts.follow);
    CHECK(opts.pids.empty());
}

TEST_CASE("COMMAND without -- also works, like strace", "[cli]") {
    auto result = parse_args({"ls", "-l"});
    const auto& opts = options_of(result);
    CHECK(opts.command == std::vector<std::string>{"ls", "-l"});
}

TEST_CASE("option -p takes comma lists and repeats", "[cli]") {
    auto result = parse_args({"-p", "12,34", "-p", "56", "--no-follow"});
    const auto& opts = options_of(result);
    CHECK(opts.pids == std::vector<pid_t>{12, 34, 56});
    CHECK_FALSE(opts.follow);
    // the same pid twice is one target
    CHECK(options_of(parse_args({"-p", "12,34,12", "-p", "34"})).pids == std::vector<pid_t>{12, 34});
}

TEST_CASE("strace's -f, -T and -y are accepted: btrace always follows, times and names fds", "[cli]") {
    auto result = parse_args({"-f", "-T", "-yy", "-p", "12"});
    const auto& opts = options_of(result);
    CHECK(opts.follow);
    CHECK(opts.pids == std::vector<pid_t>{12});
    CHECK(options_of(parse_args({"-y", "--", "true"})).command == std::vector<std::string>{"true"});
    CHECK(error_of(parse_args({"-ff", "--", "true"})) == "-ff needs -o PREFIX: each thread's lines go to PREFIX.TID");
    CHECK(error_of(parse_args({"-f", "--no-follow", "-p", "1"})) == "-f and --no-follow exclude each other");
}

TEST_CASE("stacks: -k, --kernel-stack and --stack-size parse, -k not with --raw", "[cli]") {
    const auto opts = options_of(parse_args({"-k", "--kernel-stack", "--stack-size", "1024", "--", "true"}));
    CHECK(opts.stack);
    CHECK(opts.kernel_stack);
    CHECK(opts.stack_copy_bytes == 1024);
    CHECK(options_of(parse_args({"--stack", "--", "true"})).stack_copy_bytes == BTRACE_STACK_COPY_MAX);
    CHECK(error_of(parse_args({"-k", "--raw", "--", "true"})) ==
          "-k names frames by the files the process mapped, which --raw does not read: not with --raw");
    CHECK(!error_of(parse_args({"-k", "--stack-size", "8192", "--", "true"})).empty());
}

TEST_CASE("path selection: -P takes paths, repeated, and not with -c, -S or --raw", "[cli]") {
    auto result = parse_args({"-P", "/etc/hostname", "--trace-path", "/tmp/x", "--", "cat"});
    CHECK(options_of(result).trace_paths == std::vector<std::string>{"/etc/hostname", "/tmp/x"});
    for (const char* other : {"-c", "-S", "--raw"})
        CHECK(error_of(parse_args({"-P", "/etc/hostname", other, "--", "cat"})) ==
              "-P picks calls by the paths read from them: not with -c, -S or --raw");
    CHECK(error_of(parse_args({"-P", "", "--", "cat"})) == "-P needs PATH, not an empty string");
}

TEST_CASE("bad input gives one clear error", "[cli]") {
    CHECK(error_of(parse_args({})) == "nothing to trace: give -- COMMAND, -p PID or -a (see btrace --help)");
    CHECK(error_of(parse_args({"-p", "abc"})) == "-p 'abc': not a process id");
    CHECK(error_of(parse_args({"-p", "0"})) == "-p '0': not a process id");
    CHECK(error_of(parse_args({"-p", "1", "--", "true"})) == "give one of -- COMMAND, -p PID or -a/--comm/--cgroup");
    CHECK(error_of(parse_args({"--bogus"})) == "unknown option --bogus (see btrace --help)");
    CHECK(error_of(parse_args({"-p"})).find("-p") != std::string::npos);
    CHECK(std::get<btrace::Error>(parse_args({"--bogus"})).exit_code == 2);
}

TEST_CASE("an empty value is refused, not read as the option's absence", "[cli]") {
    // -u '' ran the command as root, -o '' wrote to stderr, --errno '' meant every error.
    CHECK(error_of(parse_args({"-u", "", "--", "id"})) == "-u needs USER, not an empty string");
    CHECK(error_of(parse_args({"-o", "", "--", "true"})) == "-o needs FILE, not an empty string");
    CHECK(error_of(parse_args({"--errno", "", "--", "true"})) == "--errno needs LIST, not an empty string");
    CHECK(error_of(parse_args({"--comm", ""})) == "--comm needs NAME, not an empty string");
    CHECK(error_of(parse_args({"-p", ""})) == "-p needs PID[,PID...], not an empty string");
    CHECK(error_of(parse_args({"monitor", "-o", ""})) == "-o needs FILE, not an empty string");
    CHECK(std::get<btrace::Error>(parse_args({"-u", "", "--", "id"})).exit_code == 2);
}

TEST_CASE("errno selection: --errno selects failures with those errors, and a status may add successes", "[cli]") {
    const auto alone = options_of(parse_args({"--errno", "EACCES", "--", "true"}));
    CHECK((!alone.status.successful && alone.status.failed && !alone.status.unfinished));
    CHECK(alone.errnos == std::vector<int>{EACCES});
    const auto with_successes = options_of(parse_args({"-e", "status=successful,failed", "--errno", "EACCES", "--", "true"}));
    CHECK((with_successes.status.successful && with_successes.status.failed && !with_successes.status.unfinished));
    CHECK(error_of(parse_args({"-z", "--errno", "EACCES", "--", "true"})) ==
          "--errno selects failed calls: not with -z or an -e status= without failed");
    CHECK(error_of(parse_args({"-e", "status=successful", "--errno", "EACCES", "--", "true"})) ==
          "--errno selects failed calls: not with -z or an -e status= without failed");
}

TEST_CASE("option -p refuses empty items in its list", "[cli]") {
    CHECK(error_of(parse_args({"-p", "1,,"})) == "-p '1,,': an empty process id");
    CHECK(error_of(parse_args({"-p", ",1"})) == "-p ',1': an empty process id");
    CHECK(error_of(parse_args({"-p", "1,x"})) == "-p 'x': not a process id");
    CHECK(options_of(parse_args({"-p", "1,2", "-p", "3"})).pids == std::vector<pid_t>{1, 2, 3});
}

TEST_CASE("numeric options take finite numbers in range, or say which in one readable line", "[cli]") {
    const std::string ms = "' is not a number of milliseconds from 0 to 1000000000000 (such as 10 or 0.5) (see btrace --help)";
    for (const char* bad : {"nan", "NaN", "inf", "-inf", "-1", "1e400", "1e13", "10abc", "abc", "0x10", " 1", "+1"}) {
        INFO(bad);
        CHECK(error_of(parse_args({"--duration", bad, "--", "true"})) == "--duration: '" + std::string(bad) + ms);
        CHECK(error_of(parse_args({"--pending", bad, "--", "true"})) == "--pending: '" + std::string(bad) + ms);
    }
    CHECK(options_of(parse_args({"--duration", "0.5", "--", "true"})).min_duration_ms == 0.5);
    CHECK(options_of(parse_args({"--pending", "0", "--", "true"})).pending_ms == 0);
    CHECK(error_of(parse_args({"monitor", "--slow", "nan"})) ==
          "--slow: 'nan' is not a number of milliseconds from 0 to 1000000000000 (such as 10 or 0.5) (see btrace "
          "monitor --help)");

    // no 20-digit bound: "1 or more" (the values past 2^64-1 are refused too)
    const std::string events = "' is not a whole number of 1 or more (see btrace --help)";
    for (const char* bad : {"0", "-1", "18446744073709551616", "99999999999999999999999", "1.5", "1e3", "10x", "0x10"}) {
        INFO(bad);
        CHECK(error_of(parse_args({"--max-events", bad, "--", "true"})) == "--max-events: '" + std::string(bad) + events);
    }
    CHECK(options_of(parse_args({"--max-events", "18446744073709551615", "--", "true"})).max_events == UINT64_MAX);
    CHECK(options_of(parse_args({"--max-events", "010", "--", "true"})).max_events == 10);  // decimal, not octal
    // -c shows no call, so a count of shown calls would never be reached.
    CHECK(error_of(parse_args({"--max-events", "5", "-c", "--", "true"})) ==
          "--max-events counts the calls shown, and -c shows none: use -S");
    CHECK(options_of(parse_args({"--max-events", "5", "-S", "--", "true"})).max_events == 5);
    CHECK(error_of(parse_args({"-s", "0x10", "--", "true"})) ==
          "--string-limit: '0x10' is not a whole number from 1 to 4096 (see btrace --help)");
    CHECK(error_of(parse_args({"-s", "-1", "--", "true"})) ==
          "--string-limit: '-1' is not a whole number from 1 to 4096 (see btrace --help)");
    CHECK(error_of(parse_args({"monitor", "--flight", "0"})) ==
          "--flight: '0' is not a whole number from 1 to 100000 (see btrace monitor --help)");
    CHECK(error_of(parse_args({"monitor", "--max-keys", "-1"})) ==
          "--max-keys: '-1' is not a whole number from 64 to 1048576 (see btrace monitor --help)");
    CHECK(error_of(parse_args({"monitor", "--rotate-keep", "1001"})) ==
          "--rotate-keep: '1001' is not a whole number from 0 to 1000 (see btrace monitor --help)");
}

TEST_CASE("help and version exit early with text", "[cli]") {
    auto help = parse_args({"--help"});
    REQUIRE(std::holds_alternative<EarlyExit>(help));
    CHECK(std::get<EarlyExit>(help).text.find("btrace -p 1234") != std::string::npos);
    auto version = parse_args({"--version"});
    REQUIRE(std::holds_alternative<EarlyExit>(version));
    CHECK(std::get<EarlyExit>(version).text == "btrace " BTRACE_VERSION "\n");
}

TEST_CASE("the default ring buffer is 4 MiB per CPU, a power of two from 8 to 32 MiB", "[cli]") {
    CHECK(default_buffer_bytes(1) == (8u << 20));
    CHECK(default_buffer_bytes(2) == (8u << 20));
    CHECK(default_buffer_bytes(3) == (16u << 20));
    CHECK(default_buffer_bytes(8) == (32u << 20));
    CHECK(default_buffer_bytes(256) == (32u << 20));
    CHECK(default_buffer_bytes(-1) == (8u << 20));  // sysconf failed
    auto parsed = parse_args({"--", "true"});
    REQUIRE(std::holds_alternative<Options>(parsed));
    CHECK(std::get<Options>(parsed).buffer_bytes == default_buffer_bytes(sysconf(_SC_NPROCESSORS_ONLN)));
    parsed = parse_args({"--buffer-size", "1M", "--", "true"});
    REQUIRE(std::holds_alternative<Options>(parsed));
    CHECK(std::get<Options>(parsed).buffer_bytes == (1u << 20));
}

TEST_CASE("buffer size accepts powers of two with K/M/G", "[cli]") {
    CHECK(*parse_buffer_size("16M") == (16u << 20));
    CHECK(*parse_buffer_size("64K") == (64u << 10));
    CHECK(*parse_buffer_size("1G") == (1u << 30));
    CHECK(*parse_buffer_size("65536") == 65536);
    CHECK_FALSE(parse_buffer_size("32K"));
    CHECK_FALSE(parse_buffer_size("3M"));
    CHECK_FALSE(parse_buffer_size("16X"));
    CHECK_FALSE(parse_buffer_size("0"));
    CHECK_FALSE(parse_buffer_size("1024"));
    CHECK_FALSE(parse_buffer_size(""));
    auto result = parse_args({"--buffer-size", "64M", "--", "true"});
    const auto& opts = options_of(result);
    CHECK(opts.buffer_bytes == (64u << 20));
}

TEST_CASE("data buffers: shown in a trace unless --no-data and hidden by the monitor unless --capture-data", "[cli]") {
    CHECK(options_of(parse_args({"--", "true"})).data);
    CHECK_FALSE(options_of(parse_args({"--no-data", "--", "true"})).data);
    CHECK_FALSE(options_of(parse_args({"monitor"})).data);
    CHECK(options_of(parse_args({"monitor", "--capture-data"})).data);
    CHECK(error_of(parse_args({"--capture-data", "--", "true"})) == "unknown option --capture-data (see btrace --help)");
}

TEST_CASE("btrace --help tells of btrace monitor", "[cli]") {
    auto help = parse_args({"--help"});
    REQUIRE(std::holds_alternative<EarlyExit>(help));
    const std::string& text = std::get<EarlyExit>(help).text;
    CHECK(text.find("btrace monitor [OPTIONS]") != std::string::npos);
    CHECK(text.find("btrace monitor --help") != std::string::npos);
}

namespace {

bool selects(const Options& opts, const char* name) {
    const long nr = btrace::syscalls::number_of(name);
    REQUIRE(nr >= 0);
    return opts.syscalls.empty() || (static_cast<std::size_t>(nr) < opts.syscalls.size() && opts.syscalls[nr]);
}

}  // namespace

TEST_CASE("monitor: idle waits are left out of the outliers unless --include-idle", "[cli]") {
    const Options quiet = options_of(parse_args({"monitor"}));
    for (const char* idle : {"epoll_wait", "epoll_pwait", "poll", "ppoll", "select", "pselect6", "nanosleep",
                             "clock_nanosleep", "wait4", "waitid", "accept", "accept4", "pause", "rt_sigtimedwait",
                             "rt_sigsuspend", "io_getevents"}) {
        INFO(idle);
        CHECK_FALSE(selects(quiet, idle));
    }
    for (const char* busy : {"read", "openat", "futex", "connect", "fsync", "getppid"})
        CHECK(selects(quiet, busy));
    CHECK(quiet.monitor.idle_left_out.empty());  // nothing asked for: nothing to tell

    const Options all = options_of(parse_args({"monitor", "--include-idle"}));
    CHECK(all.monitor.include_idle);
    CHECK(selects(all, "epoll_wait"));
    CHECK(selects(all, "clock_nanosleep"));
}

TEST_CASE("monitor -e trace=: strace's sets choose the outliers, without idle waits", "[cli]") {
    const Options openat = options_of(parse_args({"monitor", "-e", "trace=openat"}));
    CHECK(selects(openat, "openat"));
    CHECK_FALSE(selects(openat, "read"));

    const Options desc = options_of(parse_args({"monitor", "-e", "trace=%desc"}));
    CHECK(selects(desc, "read"));
    CHECK_FALSE(selects(desc, "epoll_wait"));
    CHECK_FALSE(selects(desc, "poll"));
    // The waits the set named and the monitor leaves out are told (at start).
    const auto& told = desc.monitor.idle_left_out;
    CHECK(std::find(told.begin(), told.end(), "epoll_wait") != told.end());
    CHECK(std::find(told.begin(), told.end(), "openat") == told.end());

    const Options both = options_of(parse_args({"monitor", "-e", "trace=%desc", "--include-idle"}));
    CHECK(selects(both, "epoll_wait"));
    CHECK(options_of(parse_args({"monitor", "-e", "openat,read"})).syscalls.size() > 0);
}

TEST_CASE("monitor -e: a bad set is one clear line", "[cli]") {
    CHECK(error_of(parse_args({"monitor", "-e", "trace=opnat"})) ==
          "-e trace=opnat: unknown syscall 'opnat' (did you mean 'openat'?)");
    CHECK(error_of(parse_args({"monitor", "-e", "trace=epoll_wait,poll"})) ==
          "-e trace=epoll_wait,poll: only idle waits, which the monitor leaves out (add --include-idle)");
    CHECK(error_of(parse_args({"monitor", "-e", "status=failed"})) ==
          "-e status=failed: the monitor takes trace=SET only");
    CHECK(std::holds_alternative<Options>(parse_args({"monitor", "-e", "trace=epoll_wait", "--include-idle"})));
}

TEST_CASE("monitor: exits are logged only when telling, unless --all-exits", "[cli]") {
    CHECK_FALSE(options_of(parse_args({"monitor"})).monitor.all_exits);
    CHECK(options_of(parse_args({"monitor", "--all-exits"})).monitor.all_exits);
}

TEST_CASE("strace's -ff -o PREFIX, -A, -q, -qq, -w, -x, -xx and --always-show-pid", "[cli]") {
    const auto parsed = parse_args({"-ff", "-o", "trace", "-A", "--", "true"});
    const auto& separate = options_of(parsed);
    CHECK(separate.output_separately);
    CHECK(separate.append);
    CHECK(separate.output_path == "trace");
    CHECK_FALSE(options_of(parse_args({"-f", "-o", "trace", "--", "true"})).output_separately);
    CHECK(error_of(parse_args({"-ff", "-o", "t", "-c", "--", "true"})) ==
          "-ff keeps no per-thread counts: not with -c or -S (as strace)");
    CHECK(error_of(parse_args({"-A", "--", "true"})) == "-A needs -o FILE");
    CHECK(options_of(parse_args({"-q", "--", "true"})).show_exits);
    CHECK_FALSE(options_of(parse_args({"-qq", "--", "true"})).show_exits);
    CHECK(options_of(parse_args({"--", "true"})).hex == Options::Hex::None);
    CHECK(options_of(parse_args({"-x", "--", "true"})).hex == Options::Hex::NonAscii);
    CHECK(options_of(parse_args({"-xx", "--", "true"})).hex == Options::Hex::All);
    CHECK(options_of(parse_args({"-w", "-c", "--always-show-pid", "--", "true"})).summary == Options::Summary::Only);
}

TEST_CASE("qualifiers of -e take strace's abbreviations: t= s= x=", "[cli][filter]") {
    const auto parsed = parse_args({"-e", "t=getpid", "--", "true"});
    const auto& trace = options_of(parsed);
    CHECK(trace.syscalls == options_of(parse_args({"-e", "trace=getpid", "--", "true"})).syscalls);
    CHECK_FALSE(trace.syscalls.empty());
    CHECK(options_of(parse_args({"-e", "s=none", "--", "true"})).signals == 0);
    CHECK(options_of(parse_args({"-e", "signal=none", "--", "true"})).signals == 0);
    CHECK(options_of(parse_args({"-e", "x=all", "--", "true"})).raw);
    CHECK(options_of(parse_args({"-e", "raw=all", "--", "true"})).raw);
    CHECK(error_of(parse_args({"-e", "x=read", "--", "true"})) == "-e x=read: only x=all (--raw) is supported");
    CHECK(error_of(parse_args({"-e", "q=x", "--", "true"})) ==
          "-e q=x: expected trace=SET (t=), status=LIST, signal=SET (s=), raw=all (x=), read=FDS (r=) or "
          "write=FDS (w=)");
    // Without '=', a list of syscalls, as before: "t" is no qualifier there.
    CHECK(error_of(parse_args({"-e", "t", "--", "true"})) == error_of(parse_args({"-e", "trace=t", "--", "true"})));
}

TEST_CASE("qualifiers read= and write= take strace's fd sets: numbers, all, none, leading ! negating", "[cli][filter]") {
    const auto parsed = parse_args({"-e", "read=5,3,,5", "-e", "w=1", "--", "true"});
    const auto& opts = options_of(parsed);
    CHECK(opts.read_dumps.fds == std::vector<int>{3, 5});
    CHECK_FALSE(opts.read_dumps.negated);
    CHECK(opts.read_dumps.contains(3));
    CHECK_FALSE(opts.read_dumps.contains(4));
    CHECK(opts.write_dumps.contains(1));
    CHECK_FALSE(opts.write_dumps.contains(2));
    const auto negated_parsed = parse_args({"-e", "reads=!3", "--", "true"});
    const auto& negated = options_of(negated_parsed).read_dumps;
    CHECK(negated.contains(0));
    CHECK(negated.contains(4));
    CHECK_FALSE(negated.contains(3));
    CHECK_FALSE(negated.contains(-1));  // strace dumps no negative fd
    CHECK(options_of(parse_args({"-e", "r=all", "--", "true"})).read_dumps.contains(1000));
    CHECK_FALSE(options_of(parse_args({"-e", "writes=none", "--", "true"})).write_dumps.any());
    CHECK_FALSE(options_of(parse_args({"-e", "r=!all", "--", "true"})).read_dumps.any());
    CHECK(options_of(parse_args({"-e", "r=!!3", "--", "true"})).read_dumps.fds == std::vector<int>{3});
    CHECK_FALSE(options_of(parse_args({"-e", "r=!!3", "--", "true"})).read_dumps.negated);
    CHECK(error_of(parse_args({"-e", "read=3,x", "--", "true"})) ==
          "-e read=3,x: 'x' is not a file descriptor (0 or more, all or none)");
    CHECK(error_of(parse_args({"-e", "write=-1", "--", "true"})) ==
          "-e write=-1: '-1' is not a file descriptor (0 or more, all or none)");
    CHECK(error_of(parse_args({"-e", "w=2147483648", "--", "true"})) ==
          "-e w=2147483648: '2147483648' is not a file descriptor (0 or more, all or none)");
    CHECK(error_of(parse_args({"-e", "read=,", "--", "true"})) == "-e read=,: no file descriptor given");
    CHECK(error_of(parse_args({"-e", "read=", "--", "true"})) == "-e read=: no file descriptor given");
    for (const char* other : {"--raw", "--no-data", "--json", "-c"})
        CHECK(error_of(parse_args({"-e", "read=3", other, "--", "true"})) ==
              "-e read=/write= dump the data calls transfer, as text: not with --raw, --no-data, --json or -c");
    CHECK(options_of(parse_args({"-e", "read=3", "-S", "--", "true"})).read_dumps.any());
}

TEST_CASE("time of day with -r shows both, as strace 6.1 does - -r alone replaces the column", "[cli]") {
    const auto both_parsed = parse_args({"-t", "-r", "--", "true"});
    const auto& both = options_of(both_parsed);
    CHECK(both.time == Options::Time::Wall);
    CHECK(both.time_delta);
    const auto micros_parsed = parse_args({"-tt", "-r", "--", "true"});
    const auto& micros = options_of(micros_parsed);
    CHECK(micros.time == Options::Time::WallMicros);
    CHECK(micros.time_delta);
    const auto relative_parsed = parse_args({"-r", "--", "true"});
    const auto& relative = options_of(relative_parsed);
    CHECK(relative.time == Options::Time::SincePrevious);
    CHECK_FALSE(relative.time_delta);
}
