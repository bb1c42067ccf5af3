// SPDX-License-Identifier: Apache-2.0
#include "app/formatting.h"

#include <spdlog/spdlog.h>

#include "output/json.h"
#include "output/text.h"
#include "syscalls/table.h"

namespace btrace::app {

namespace {

output::TimeFormat time_format(cli::Options::Time time) {
    using T = cli::Options::Time;
    switch (time) {
    case T::Wall: return output::TimeFormat::WallSeconds;
    case T::WallMicros: return output::TimeFormat::WallMicros;
    case T::Epoch: return output::TimeFormat::Epoch;
    case T::SincePrevious: return output::TimeFormat::SincePrevious;
    case T::Relative: break;
    }
    return output::TimeFormat::SinceStart;
}

decode::StringHex string_hex(cli::Options::Hex hex) {
    using H = cli::Options::Hex;
    return hex == H::All ? decode::StringHex::All : hex == H::NonAscii ? decode::StringHex::NonAscii : decode::StringHex::None;
}

}  // namespace

output::SummaryBy summary_by(cli::Options::SummaryBy by) {
    using B = cli::Options::SummaryBy;
    return by == B::Process ? output::SummaryBy::Process
           : by == B::Thread ? output::SummaryBy::Thread
                             : output::SummaryBy::Syscall;
}

output::FormatOptions format_options(const cli::Options& opts, uint64_t origin_ns, int64_t realtime_offset_ns) {
    output::FormatOptions format{origin_ns, realtime_offset_ns, opts.raw, time_format(opts.time)};
    format.string_max = opts.string_max;
    format.hex = string_hex(opts.hex);
    format.time_delta = opts.time_delta;
    format.exit_lines = opts.show_exits;
    format.read_dumps = opts.read_dumps;
    format.write_dumps = opts.write_dumps;
    return format;
}

std::unique_ptr<output::Formatter> make_formatter(bool json, const output::FormatOptions& format,
                                                  state::FdTable& fds) {
    if (json)
        return std::make_unique<output::JsonFormatter>(format, &fds);
    return std::make_unique<output::TextFormatter>(format, &fds);
}

void report_counters(const record::Counters& c) {
    if (c.lost_calls || c.lost_others) {
        std::string by_syscall;
        for (const auto& [nr, count] : c.lost_by_syscall)
            by_syscall += fmt::format("{}{} {}", by_syscall.empty() ? " (" : ", ", syscalls::display_name(nr), count);
        if (!by_syscall.empty())
            by_syscall += ')';
        const std::string other_records =
            c.lost_others ? fmt::format(" and {} other record{} (fd-only calls, forks, exits, signals)", c.lost_others,
                                        c.lost_others == 1 ? "" : "s")
                          : "";
        spdlog::warn("{} call{} lost{}{}{}; try a larger --buffer-size", c.lost_calls, c.lost_calls == 1 ? "" : "s",
                     by_syscall, other_records,
                     c.no_slot ? fmt::format(", {} with no in-flight slot (out of memory)", c.no_slot) : "");
    }
    if (c.late)
        spdlog::warn("{} record{} came after later ones had been printed: shown out of order, and their "
                     "processes' fds shown as unknown from there (with -k, their mappings read again)",
                     c.late, c.late == 1 ? "" : "s");
    if (c.stats_full)
        spdlog::warn("{} call{} not counted in the summary: its map is full (a key per syscall of each process or "
                     "thread)",
                     c.stats_full, c.stats_full == 1 ? "" : "s");
    if (c.fatal_signals_full)
        spdlog::warn("{} fatal signal lines lost: more processes were being killed at once than btrace holds",
                     c.fatal_signals_full);
    if (c.missed_enter)
        spdlog::info("{} call{} ended without having started (refused by seccomp or ptrace, or syscall -1): not shown",
                     c.missed_enter, c.missed_enter == 1 ? "" : "s");
    if (c.malformed)
        spdlog::warn("{} malformed records skipped", c.malformed);
}

}  // namespace btrace::app
