// SPDX-License-Identifier: Apache-2.0
// btrace report: a recording decoded as the live trace would have printed it,
// through the same consumer and formatter, with the trace's output options
// and filters that narrow what was recorded.
#pragma once

#include "cli/options.h"
#include "output/sink.h"
#include "record/file.h"
#include "util/result.h"

namespace btrace::record {

// opts.command's one item is the file.
Result<int> run_report(const cli::Options& opts);
// btrace record --perfetto: the recording at path, as a Perfetto trace to out.
Result<void> write_perfetto(const std::string& path, const std::string& out);
// The decoding and printing from any reader (the fuzz target's reads bytes);
// name: the recording's, in messages.
Result<void> report(Reader& reader, const cli::Options& opts, output::Sink& sink, const std::string& name);

}  // namespace btrace::record
