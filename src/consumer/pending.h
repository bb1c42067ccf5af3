// Calls in flight: the ones a process is blocked in when tracing starts, and
// (--pending) the ones that have been in flight too long, reported from the
// kernel's in-flight map before they return, with their fd names.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <unordered_map>

#include "loader/tracer.h"
#include "output/formatter.h"
#include "util/result.h"

namespace btrace::consumer {

// -p: prints the call each thread of pid is in now (from /proc) and records
// it in the kernel, so that its completion pairs up with a lower-bound
// duration (>=...).
Result<void> report_calls_in_flight(pid_t pid, uint64_t now_ns, loader::Tracer& tracer,
                                    output::Formatter& formatter, fmt::memory_buffer& out);

class PendingReporter {
public:
    explicit PendingReporter(uint64_t threshold_ns) : threshold_ns_(threshold_ns) {}

    // Prints, once per call, each call in flight for at least the threshold.
    void scan(const loader::Tracer& tracer, uint64_t now_ns, output::Formatter& formatter,
              fmt::memory_buffer& out);

private:
    struct Reported {
        uint64_t call_ts_ns;  // start of the call reported
        uint64_t scan;        // the last scan that still saw it in flight
    };
    uint64_t threshold_ns_;
    uint64_t scans_ = 0;
    // Calls still in flight that were reported; a finished call's entry goes
    // at the next scan (threads come and go: the map must not grow with them).
    std::unordered_map<uint32_t, Reported> reported_;  // by tid
};

}  // namespace btrace::consumer
