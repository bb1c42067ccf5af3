// SPDX-License-Identifier: Apache-2.0
// Command-line options: parsing and validation only, no side effects.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "btrace/event.h"
#include "cli/filter.h"
#include "util/result.h"

namespace btrace::cli {

struct Options {
    std::vector<std::string> command;  // -- COMMAND [ARGS...]
    std::vector<pid_t> pids;           // -p PID[,PID...]
    std::string output_path;           // -o FILE; empty: stderr
    bool output_separately = false;    // -ff: -o PREFIX writes each thread's lines to PREFIX.TID
    bool append = false;               // -A: open -o FILE(s) for appending
    std::string user;                  // -u USER: run COMMAND as this user
    bool follow = true;                // children and threads
    std::size_t buffer_bytes = 0;  // --buffer-size; 0 until set_common: default_buffer_bytes()
    bool verbose = false;
    std::size_t string_max = 256;  // -s: bytes of each string or buffer shown
    bool raw = false;              // --raw: register values only, nothing read from memory
    double pending_ms = 1000;      // --pending: report calls in flight this long (0: never)
    bool fds_only = false;         // --fds: print the fd table of each -p target and exit
    // Buffer contents (read/write/send/recv data, iovecs, a msghdr's data) shown:
    // the trace's --no-data turns them off, the monitor's --capture-data on.
    bool data = true;
    bool sched = false;            // --sched: each call's time split into cpu, blocked, runqueue; its waker
    bool stack = false;            // -k: each shown call's user stack
    bool kernel_stack = false;     // --kernel-stack: where in the kernel each shown call last left its CPU
    std::size_t stack_copy_bytes = BTRACE_STACK_COPY_MAX;  // --stack-size

    // Selection, applied in the kernel.
    std::vector<bool> syscalls;       // -e trace=: by number; empty = all
    StatusFilter status;              // -e status=, -z, -Z, --failure
    uint64_t signals = ~0ull;         // -e signal=: bit sig - 1 for each signal shown
    FdSet read_dumps{}, write_dumps{};  // -e read=, -e write=: hex dumps of the data on these fds
    std::vector<std::string> trace_paths;  // -P: only calls that touch these paths
    std::vector<int> errnos;          // --errno: failed calls with these only
    double min_duration_ms = 0;       // --duration
    bool system_wide = false;         // -a
    std::string comm;                 // --comm: processes with this name (implies -a)
    std::string cgroup_path;          // --cgroup: processes in this cgroup v2 (implies -a)

    // Summary and output form.
    enum class Summary { None, Only, Also } summary = Summary::None;  // -c / -S
    enum class SummaryBy { Syscall, Process, Thread } summary_by = SummaryBy::Syscall;
    bool histogram = false;           // --histogram: latency histograms with the summary
    enum class Time { Relative, Wall, WallMicros, Epoch, SincePrevious } time = Time::Relative;  // -t -tt -ttt -r
    // -r with -t/-tt/-ttt: the time since the previous line follows the time of day, as strace's "(+ ...)".
    bool time_delta = false;
    bool json = false;                // --json: one JSON object per line
    // -x: strings with a byte that is neither printable ASCII nor \t\n\v\f\r in \x.. hex;
    // -xx: every string in hex (strace's --strings-in-hex).
    enum class Hex { None, NonAscii, All } hex = Hex::None;
    bool show_exits = true;           // -qq: no "+++ exited with" lines
    uint64_t max_events = 0;          // --max-events: stop after this many calls (0: no limit)

    // `btrace monitor`: always-on mode (histograms in the kernel, outliers only).
    struct Monitor {
        bool enabled = false;
        double slow_ms = 10;            // --slow: calls at least this long are outliers
        bool errors = false;            // --errors: failed calls are outliers too
        bool by_cgroup = false;         // --by cgroup (default: comm)
        std::string metrics_address;    // --metrics ADDR:PORT; empty: no endpoint
        std::size_t flight = 0;         // --flight N: last N calls per process, dumped on triggers
        std::string flight_dir;         // --flight-dir: each dump a recording there (btrace report reads it)
        std::size_t rotate_bytes = 0;   // --rotate-size (with -o)
        unsigned rotate_keep = 5;       // --rotate-keep
        uint32_t keys = 4096;           // --max-keys: (syscall, group) keys kept in the kernel
        bool bpf_stats = false;         // --bpf-stats: turn on the kernel's BPF run-time stats
        bool include_idle = false;      // --include-idle: idle waits can be outliers too
        std::vector<std::string> idle_left_out;  // idle waits an -e trace= set named, left out
        bool all_exits = false;         // --all-exits: log every process exit, not only the telling ones
    } monitor;

    // `btrace record -o FILE ...`: the records to a file, undecoded; `btrace
    // report [OPTIONS] FILE`: decoded from it (the file is `command`'s one item).
    enum class Mode { Trace, Record, Report } mode = Mode::Trace;
    std::string command_line;  // btrace's own, shell-quoted: a recording keeps it
    bool compress = true;  // record --no-compress: blocks stored as they are
    bool realtime = true;  // --no-realtime: the records are drained at normal priority
    // report --since/--until: only what happened in this window, in seconds from the recording's start.
    double since_s = 0;
    double until_s = -1;  // < 0: to the end
    std::string perfetto_path;  // report --perfetto OUT: a Perfetto trace instead of text

    bool any_target() const { return !command.empty() || !pids.empty() || system_wide; }
};

// The waits the monitor leaves out of its outliers unless --include-idle:
// slow by design (event loops, sleeps, a parent waiting for its children, a
// server for connections or signals). Names missing on an arch are skipped.
// Futex waits with a timeout are idle too, told apart in the kernel.
extern const std::vector<std::string_view> kIdleWaits;

// --help / --version: print text to stdout and exit 0.
struct EarlyExit {
    std::string text;
};

using ParseResult = std::variant<Options, EarlyExit, Error>;

ParseResult parse(int argc, const char* const* argv);

// "16M", "512K", "1G", "65536" -> bytes.
Result<std::size_t> parse_size(const std::string& text);
// parse_size, and a power of two of at least 64K.
Result<std::size_t> parse_buffer_size(const std::string& text);
// The ring buffer without --buffer-size: 4 MiB per CPU, a power of two of 8 to 32 MiB.
std::size_t default_buffer_bytes(long online_cpus);

}  // namespace btrace::cli
