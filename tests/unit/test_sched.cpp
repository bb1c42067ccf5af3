// SPDX-License-Identifier: Apache-2.0
// --sched: the split a record carries, as text and JSON, its waker escaped,
// and the summary's table of where the time went.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "monitor/metrics.h"
#include "output/json.h"
#include "output/sched_summary.h"
#include "output/text.h"
#include "records.h"

using namespace btrace;

namespace {

using test::split;

std::vector<uint8_t> area_of(const btrace_sched& s, std::size_t size = sizeof(btrace_sched)) {
    std::vector<uint8_t> area;
    test::append_payload(area, BTRACE_PAYLOAD_SCHED, 0, {reinterpret_cast<const char*>(&s), size});
    return area;
}

template <class Formatter>
std::string line_of(const std::vector<uint8_t>& area, uint16_t flags = 0) {
    Formatter formatter(output::FormatOptions{test::kOrigin, 0});
    fmt::memory_buffer out;
    auto rec = test::make_call("getppid", 1, {}, {.tgid = 42, .tid = 42, .comm = "t", .duration_ns = 12'345'000});
    rec.hdr.flags = flags;
    formatter.syscall(rec, area, out);
    return fmt::to_string(out);
}

}  // namespace

TEST_CASE("sched split: the text line ends with the split and the waker", "[sched]") {
    CHECK(line_of<output::TextFormatter>(area_of(split(BTRACE_WAKER_TASK, "mysqld", 2211))) ==
          "     0.000 (12.345 ms): t/42 getppid() = 1 (cpu 0.120 blocked 11.900 runq 0.325 ms, 3 switches, "
          "woken by mysqld/2211)\n");
    CHECK(line_of<output::TextFormatter>(area_of(split(BTRACE_WAKER_IRQ))).ends_with(", woken by irq)\n"));
    // It ran again, but its wakeup was not seen: said, not left out.
    CHECK(line_of<output::TextFormatter>(area_of(split(BTRACE_WAKER_UNSEEN))).ends_with(", woken by ?)\n"));
    auto never_blocked = split(BTRACE_WAKER_NONE);
    never_blocked.switches = 1;
    CHECK(line_of<output::TextFormatter>(area_of(never_blocked)).ends_with("runq 0.325 ms, 1 switch)\n"));
    // A call that never left its CPU comes as a flag, not a payload: all of it on the CPU.
    CHECK(line_of<output::TextFormatter>({}, BTRACE_SYS_SCHED_ON_CPU) ==
          "     0.000 (12.345 ms): t/42 getppid() = 1 (cpu 12.345 blocked 0.000 runq 0.000 ms, 0 switches)\n");
    CHECK(line_of<output::JsonFormatter>({}, BTRACE_SYS_SCHED_ON_CPU)
              .find(R"("sched":{"cpu_ns":12345000,"blocked_ns":0,"runq_ns":0,"switches":0)") != std::string::npos);
}

TEST_CASE("sched split: a waker's comm is escaped like every comm", "[sched]") {
    const auto hostile = split(BTRACE_WAKER_TASK, "a\33[31mX\nY", 9);
    CHECK(line_of<output::TextFormatter>(area_of(hostile)).ends_with(R"(woken by a\33[31mX\nY/9))" "\n"));
    CHECK(line_of<output::JsonFormatter>(area_of(hostile))
              .ends_with(R"("woken_by":{"kind":"task","tid":9,"comm":"a\\33[31mX\\nY"}}})" "\n"));
}

TEST_CASE("sched split: the JSON line carries the split as numbers", "[sched]") {
    CHECK(line_of<output::JsonFormatter>(area_of(split(BTRACE_WAKER_TASK, "mysqld", 2211)))
              .ends_with(R"("errno":null,"sched":{"cpu_ns":120000,"blocked_ns":11900000,"runq_ns":325000,)"
                         R"("switches":3,"woken_by":{"kind":"task","tid":2211,"comm":"mysqld"}}})" "\n"));
    CHECK(line_of<output::JsonFormatter>(area_of(split(BTRACE_WAKER_NONE))).ends_with(R"("woken_by":null}})" "\n"));
    CHECK(line_of<output::JsonFormatter>(area_of(split(BTRACE_WAKER_IRQ))).ends_with(R"("woken_by":{"kind":"irq"}}})" "\n"));
    CHECK(line_of<output::JsonFormatter>(area_of(split(BTRACE_WAKER_UNSEEN)))
              .ends_with(R"("woken_by":{"kind":"unknown"}}})" "\n"));
}

TEST_CASE("sched split: a split payload of the wrong size is not shown", "[sched]") {
    const auto area = area_of(split(BTRACE_WAKER_NONE), sizeof(btrace_sched) - 8);
    CHECK(line_of<output::TextFormatter>(area).ends_with("getppid() = 1\n"));
    CHECK(line_of<output::JsonFormatter>(area).find("sched") == std::string::npos);
}

TEST_CASE("sched split: the summary's table of where the time went", "[sched][summary]") {
    state::SchedStatsEntry read{}, yield{};
    read.key.nr = btrace::syscalls::number_of("read");
    read.stats.calls = 100;
    read.stats.switches = 100;
    read.stats.total_ns[BTRACE_PART_CPU] = 1'000'000;
    read.stats.total_ns[BTRACE_PART_BLOCKED] = 2'000'000'000;
    read.stats.hist[BTRACE_PART_CPU][14] = 100;      // [8192, 16384) ns
    read.stats.hist[BTRACE_PART_BLOCKED][25] = 100;  // [16.8, 33.6) ms
    read.stats.hist[BTRACE_PART_RUNQ][0] = 100;      // 0 ns
    yield.key.nr = btrace::syscalls::number_of("sched_yield");
    yield.stats.calls = 10;
    yield.stats.switches = 10;
    yield.stats.total_ns[BTRACE_PART_RUNQ] = 30'000'000;
    yield.stats.hist[BTRACE_PART_CPU][10] = 10;
    yield.stats.hist[BTRACE_PART_RUNQ][22] = 10;
    const state::SchedStatsEntry entries[] = {yield, read};
    fmt::memory_buffer out;
    output::format_sched_summary(entries, output::SummaryBy::Syscall, false, out);
    CHECK(fmt::to_string(out) ==
          "\nwhere the time went (--sched):\n"
          "      cpu s   blocked s      runq s  switches  p99 cpu us  p99 blk us p99 runq us syscall\n"
          "----------- ----------- ----------- --------- ----------- ----------- ----------- ----------------\n"
          "   0.001000    2.000000    0.000000       100      16.302   33386.659       0.000 read\n"
          "   0.000000    0.000000    0.030000        10       1.018       0.000    4173.332 sched_yield\n");
    out.clear();
    output::format_sched_summary(entries, output::SummaryBy::Syscall, true, out);
    CHECK(fmt::to_string(out) ==
          R"({"type":"sched_summary","by":"syscall","syscalls":[)"
          R"({"syscall":"read","cpu_ns":1000000,"blocked_ns":2000000000,"runq_ns":0,"switches":100,)"
          R"("p99_cpu_ns":16302,"p99_blocked_ns":33386659,"p99_runq_ns":0},)"
          R"({"syscall":"sched_yield","cpu_ns":0,"blocked_ns":0,"runq_ns":30000000,"switches":10,)"
          R"("p99_cpu_ns":1018,"p99_blocked_ns":0,"p99_runq_ns":4173332}]})" "\n");
}

TEST_CASE("sched split: the monitor exports runqueue histograms only with the split", "[sched][metrics]") {
    monitor::MetricsSnapshot snapshot;
    monitor::HistogramSeries series;
    series.syscall = "read";
    series.group = "mysqld";
    series.count = 4;
    series.sum_ns = 3'000'000;
    series.log2_buckets[22] = 4;  // [2.1, 4.2) ms
    snapshot.runqueue.push_back(series);
    CHECK(monitor::render_prometheus(snapshot).find("btrace_syscall_runqueue_seconds") == std::string::npos);
    snapshot.sched = true;
    const std::string text = monitor::render_prometheus(snapshot);
    CHECK(text.find("# TYPE btrace_syscall_runqueue_seconds histogram\n") != std::string::npos);
    CHECK(text.find("btrace_syscall_runqueue_seconds_bucket{syscall=\"read\",comm=\"mysqld\",le=\"0.001048576\"} 0\n") !=
          std::string::npos);
    CHECK(text.find("btrace_syscall_runqueue_seconds_bucket{syscall=\"read\",comm=\"mysqld\",le=\"0.004194304\"} 4\n") !=
          std::string::npos);
    CHECK(text.find("btrace_syscall_runqueue_seconds_sum{syscall=\"read\",comm=\"mysqld\"} 0.003\n") != std::string::npos);
    CHECK(text.find("btrace_syscall_runqueue_seconds_count{syscall=\"read\",comm=\"mysqld\"} 4\n") != std::string::npos);
}
