// SPDX-License-Identifier: Apache-2.0
// Calls in flight: the ones a process is blocked in when tracing starts, and
// (--pending) the ones that have been in flight too long, reported from the
// kernel's per-thread in-flight slots before they return, with their fd names.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "consumer/consumer.h"
#include "loader/tracer.h"
#include "output/formatter.h"
#include "util/result.h"

namespace btrace::consumer {

// -p: prints the call each thread of pid is in now (from /proc) and records
// it in the kernel, so that its completion pairs up with a lower-bound
// duration (>=...). syscalls: -e trace= by number (empty: all); a call it
// leaves out is not printed, and is recorded only if it changes fds.
// filter (may be null): which of them are shown. recording: they go there instead.
Result<void> report_calls_in_flight(pid_t pid, uint64_t now_ns, const std::vector<bool>& syscalls,
                                    const CallFilter* filter, loader::Tracer& tracer, output::Formatter& formatter,
                                    output::Sink& out, record::Writer* recording = nullptr);

class PendingReporter {
public:
    // system_wide: every thread on the host may be traced; otherwise the
    // targets' (keyed by tgid, or by tid without follow).
    PendingReporter(uint64_t threshold_ns, bool system_wide, bool follow)
        : threshold_ns_(threshold_ns), system_wide_(system_wide), follow_(follow) {}

    // Prints, once per call, each call in flight for at least the threshold.
    // filter (may be null): which of them are shown.
    // consumer: what the calls were passed, as their enter parts hold it.
    Result<void> scan(const loader::Tracer& tracer, const Consumer& consumer, uint64_t now_ns,
                      const CallFilter* filter, output::Formatter& formatter, output::Sink& out);

private:
    std::vector<pid_t> traced_threads(const loader::Tracer& tracer) const;

    struct Reported {
        uint64_t call_ts_ns;  // start of the call reported
        uint64_t scan;        // the last scan that still saw it in flight
    };
    uint64_t threshold_ns_;
    bool system_wide_;
    bool follow_;
    uint64_t scans_ = 0;
    // Calls still in flight that were reported; a finished call's entry goes
    // at the next scan (threads come and go: the map must not grow with them).
    std::unordered_map<uint32_t, Reported> reported_;  // by tid
};

}  // namespace btrace::consumer
