// SPDX-License-Identifier: Apache-2.0
#include "monitor/metrics.h"
#include "decode/put.h"
#include "decode/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <initializer_list>
#include <iterator>
#include <string_view>
#include <utility>

namespace btrace::monitor {

namespace {

using Label = std::pair<std::string_view, std::string_view>;

using decode::put;

// A comm cut at 15 bytes can end mid-character, and one invalid label value makes
// the whole scrape fail: bytes that are not UTF-8 become U+FFFD.
void put_label_value(std::string_view value, fmt::memory_buffer& out) {
    while (!value.empty()) {
        const size_t length = decode::utf8_sequence_length(
            {reinterpret_cast<const uint8_t*>(value.data()), value.size()});
        if (length == 0) {
            put(out, "\xef\xbf\xbd");
            value.remove_prefix(1);
            continue;
        }
        switch (value[0]) {
        case '\\': put(out, "\\\\"); break;
        case '"': put(out, "\\\""); break;
        case '\n': put(out, "\\n"); break;
        default: put(out, value.substr(0, length));
        }
        value.remove_prefix(length);
    }
}

void family(fmt::memory_buffer& out, std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// Values are integers or doubles; fmt's "{}" gives a double's shortest exact form.
template <class Value>
void sample(fmt::memory_buffer& out, std::string_view name, std::initializer_list<Label> labels, Value value) {
    put(out, name);
    if (labels.size()) {
        char separator = '{';
        for (const auto& [label, label_value] : labels) {
            out.push_back(separator);
            put(out, label);
            put(out, "=\"");
            put_label_value(label_value, out);
            out.push_back('"');
            separator = ',';
        }
        out.push_back('}');
    }
    fmt::format_to(std::back_inserter(out), " {}\n", value);
}

double seconds(uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// One histogram family (name_bucket, name_sum, name_count) of series by syscall and group.
void histograms(std::string_view name, std::string_view help, const std::vector<HistogramSeries>& all,
                std::string_view group, fmt::memory_buffer& out) {
    family(out, name, "histogram", help);
    const std::string bucket_name = fmt::format("{}_bucket", name), sum_name = fmt::format("{}_sum", name),
                      count_name = fmt::format("{}_count", name);
    static const std::vector<std::string> bound_texts = [] {
        std::vector<std::string> texts;
        for (uint64_t bound : bucket_bounds_ns())
            texts.push_back(fmt::format("{}", seconds(bound)));
        return texts;
    }();
    const auto& bounds = bucket_bounds_ns();
    for (const auto& series : all) {
        uint64_t cumulative = 0;
        size_t next_bucket = 0;
        for (size_t i = 0; i < bounds.size(); ++i) {
            // Buckets 0..log2(bound) hold the calls shorter than the bound.
            const size_t last_bucket = static_cast<size_t>(std::countr_zero(bounds[i]));
            for (; next_bucket <= last_bucket; ++next_bucket)
                cumulative += series.log2_buckets[next_bucket];
            sample(out, bucket_name, {{"syscall", series.syscall}, {group, series.group}, {"le", bound_texts[i]}},
                   cumulative);
        }
        for (; next_bucket < series.log2_buckets.size(); ++next_bucket)
            cumulative += series.log2_buckets[next_bucket];
        // The kernel bumps the count and a bucket separately, so a read can catch one
        // without the other: never let +Inf fall below a finite bucket.
        const uint64_t count = std::max(series.count, cumulative);
        sample(out, bucket_name, {{"syscall", series.syscall}, {group, series.group}, {"le", "+Inf"}}, count);
        sample(out, sum_name, {{"syscall", series.syscall}, {group, series.group}}, seconds(series.sum_ns));
        sample(out, count_name, {{"syscall", series.syscall}, {group, series.group}}, count);
    }
}

}  // namespace

const std::vector<uint64_t>& bucket_bounds_ns() {
    // Every other power of two: 14 buckets a series (with +Inf) keep scrapes small
    // and still tell 1 us, 4 us, ..., 17 s apart.
    static const std::vector<uint64_t> bounds = [] {
        std::vector<uint64_t> powers;
        for (int exponent = 10; exponent <= 34; exponent += 2)
            powers.push_back(uint64_t{1} << exponent);
        return powers;
    }();
    return bounds;
}

std::string render_prometheus(const MetricsSnapshot& snapshot) {
    fmt::memory_buffer out;
    render_prometheus(snapshot, out);
    return fmt::to_string(out);
}

void render_prometheus(const MetricsSnapshot& snapshot, fmt::memory_buffer& out) {
    // Sized once, from the series (a histogram's 16 lines take ~1.9 KB): growing
    // by doubling would hold the old and the new buffer at once.
    out.reserve(out.size() + 4096 + (snapshot.histograms.size() + snapshot.runqueue.size()) * 2048 +
                snapshot.errors.size() * 160 + snapshot.programs.size() * 256);
    histograms("btrace_syscall_duration_seconds", "System call durations by syscall and comm or cgroup.",
               snapshot.histograms, snapshot.group_label, out);
    if (snapshot.sched)
        histograms("btrace_syscall_runqueue_seconds",
                   "Time calls spent runnable but waiting for a CPU, by syscall and comm or cgroup (--sched).",
                   snapshot.runqueue, snapshot.group_label, out);

    family(out, "btrace_syscall_errors_total", "counter", "Failed system calls by syscall, comm or cgroup, and errno.");
    for (const auto& series : snapshot.errors)
        sample(out, "btrace_syscall_errors_total",
               {{"syscall", series.syscall}, {snapshot.group_label, series.group}, {"errno", series.errno_name}},
               series.count);

    family(out, "btrace_events_lost_total", "counter", "Records the kernel side could not deliver to btrace.");
    sample(out, "btrace_events_lost_total", {}, snapshot.events_lost);
    family(out, "btrace_outliers_total", "counter", "Slow or failed calls reported individually.");
    sample(out, "btrace_outliers_total", {}, snapshot.outliers);
    family(out, "btrace_map_overflows_total", "counter",
           "Histogram or error keys not counted because a kernel map was full.");
    sample(out, "btrace_map_overflows_total", {}, snapshot.map_overflows);

    family(out, "btrace_bpf_program_run_time_seconds_total", "counter",
           "Time spent in each BPF program (0 unless kernel BPF stats are enabled).");
    for (const auto& program : snapshot.programs)
        sample(out, "btrace_bpf_program_run_time_seconds_total", {{"program", program.name}},
               seconds(program.run_time_ns));
    family(out, "btrace_bpf_program_runs_total", "counter",
           "Runs of each BPF program (0 unless kernel BPF stats are enabled).");
    for (const auto& program : snapshot.programs)
        sample(out, "btrace_bpf_program_runs_total", {{"program", program.name}}, program.run_count);
    family(out, "btrace_bpf_stats_enabled", "gauge", "1 if the kernel collects BPF program run time and counts.");
    sample(out, "btrace_bpf_stats_enabled", {}, snapshot.bpf_stats_enabled ? 1 : 0);

    family(out, "btrace_consumer_cpu_seconds_total", "counter", "User and system CPU time used by btrace itself.");
    sample(out, "btrace_consumer_cpu_seconds_total", {}, snapshot.consumer_cpu_seconds);
    family(out, "btrace_resident_memory_bytes", "gauge", "Resident memory of btrace itself.");
    sample(out, "btrace_resident_memory_bytes", {}, snapshot.resident_bytes);
}

}  // namespace btrace::monitor
