// SPDX-License-Identifier: Apache-2.0
// `btrace monitor`: always-on mode. Latency histograms and error counts of
// every call stay in kernel maps (exported on --metrics); only outliers (slow
// calls, and failures with --errors) come up and are printed, fully decoded.
#pragma once

#include "cli/options.h"
#include "util/result.h"

namespace btrace::monitor {

Result<int> run(const cli::Options& opts);

}  // namespace btrace::monitor
