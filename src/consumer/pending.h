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
    uint64_t threshold_ns_;
    std::unordered_map<uint32_t, uint64_t> reported_;  // tid -> start of the call reported
};

}  // namespace btrace::consumer
