// SPDX-License-Identifier: Apache-2.0
// btrace report: a recording decoded as the live trace would have printed it,
// through the same consumer and formatter, with the trace's output options
// and filters that narrow what was recorded.
#pragma once

#include "cli/options.h"
#include "util/result.h"

namespace btrace::record {

Result<int> run_report(const cli::Options& opts);

}  // namespace btrace::record
