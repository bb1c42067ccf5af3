// SPDX-License-Identifier: Apache-2.0
// What the options ask of the output, shared by the live trace and btrace
// report: the formatter, the summary's grouping, and the closing report of
// what was lost.
#pragma once

#include <cstdint>
#include <memory>

#include "cli/options.h"
#include "output/formatter.h"
#include "output/summary.h"
#include "record/file.h"
#include "state/fd_table.h"

namespace btrace::app {

// origin_ns: the CLOCK_MONOTONIC instant shown as time 0; realtime_offset_ns: for -t, -tt, -ttt.
output::FormatOptions format_options(const cli::Options& opts, uint64_t origin_ns, int64_t realtime_offset_ns);
// JSON lines or text, naming fds from fds.
std::unique_ptr<output::Formatter> make_formatter(bool json, const output::FormatOptions& format,
                                                  state::FdTable& fds);
output::SummaryBy summary_by(cli::Options::SummaryBy by);
// At the end, on stderr: what was lost (in the user's terms: calls, by syscall), late or malformed.
void report_counters(const record::Counters& counters);

}  // namespace btrace::app
