// SPDX-License-Identifier: Apache-2.0
// JSON lines (valid for any bytes), summary percentiles from log2 histograms,
// and the time column forms.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "output/json.h"
#include "output/summary.h"
#include "output/text.h"
#include "syscalls/table.h"
#include "records.h"

using namespace btrace;

namespace {

std::string json(std::string_view bytes) {
    fmt::memory_buffer out;
    output::json_string(bytes, out);
    return fmt::to_string(out);
}

btrace_syscall call(const char* name, int64_t ret, uint64_t ts_ns) {
    return test::make_call(name, ret, {}, {.tgid = 42, .tid = 42, .comm = "t\"x", .ts_ns = ts_ns, .duration_ns = 1500});
}

}  // namespace

TEST_CASE("JSON strings escape every byte a process can pass", "[json]") {
    CHECK(json("plain") == "\"plain\"");
    CHECK(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json("\n\t\r") == "\"\\n\\t\\r\"");
    CHECK(json(std::string_view("\0\x1f\x7f\x80\xff", 5)) == "\"\\u0000\\u001f\\u007f\\ufffd\\ufffd\"");
    // UTF-8 stays as characters (ÿ was \u00c3\u00bf); a cut or invalid sequence is U+FFFD.
    CHECK(json("\xc3\xbf caf\xc3\xa9 \xe2\x82\xac") == "\"\xc3\xbf caf\xc3\xa9 \xe2\x82\xac\"");
    CHECK(json("\xc3") == "\"\\ufffd\"");
    CHECK(json("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // a UTF-16 surrogate
    // Every single byte gives a string with only printable ASCII inside (a lone byte is never UTF-8 past 0x7f).
    for (int c = 0; c < 256; ++c) {
        const char byte = static_cast<char>(c);
        const std::string out = json(std::string_view(&byte, 1));
        for (char ch : out)
            CHECK((ch >= 0x20 && ch < 0x7f));
    }
}

TEST_CASE("a JSON syscall line carries the text line's fields", "[json]") {
    output::JsonFormatter formatter(output::FormatOptions{1'000'000'000, 0});
    fmt::memory_buffer out;
    auto rec = call("close", -9, 1'000'412'000);
    rec.args[0] = 7;
    formatter.syscall(rec, {}, out);
    CHECK(fmt::to_string(out) ==
          "{\"type\":\"syscall\",\"ts\":1.000412,\"rel_ms\":0.412,\"pid\":42,\"tid\":42,\"comm\":\"t\\\\\\\"x\","
          "\"duration_ns\":1500,\"syscall\":\"close\",\"args\":{\"fd\":{\"value\":\"7\",\"raw\":7}},"
          "\"ret\":-9,\"result\":\"-1 EBADF (Bad file descriptor)\",\"errno\":\"EBADF\"}\n");
}

TEST_CASE("percentiles interpolate inside log2 buckets and stay within min and max", "[summary]") {
    btrace_stats s{};
    // 90 calls in [1024, 2048) ns, 10 in [1M, 2M) ns.
    s.calls = 100;
    s.hist[11] = 90;
    s.hist[21] = 10;
    s.min_ns = 1100;
    s.max_ns = 1'500'000;
    CHECK(output::percentile_ns(s, 0.5) == 1024 + 1024 * 50 / 90);
    CHECK(output::percentile_ns(s, 0.9) == 2048);
    CHECK(output::percentile_ns(s, 0.99) == 1'500'000);  // clamped to max
    CHECK(output::percentile_ns(s, 0.01) == 1100);       // clamped to min
    btrace_stats none{};
    CHECK(output::percentile_ns(none, 0.5) == 0);
}

TEST_CASE("the summary table has a row per syscall and a total", "[summary]") {
    state::StatsEntry e{};
    e.key.nr = static_cast<uint32_t>(syscalls::number_of("getpid"));
    e.stats.calls = 1000;
    e.stats.total_ns = 2'000'000;
    e.stats.min_ns = 1000;
    e.stats.max_ns = 4000;
    e.stats.hist[11] = 1000;
    state::StatsEntry f = e;
    f.key.nr = static_cast<uint32_t>(syscalls::number_of("openat"));
    f.stats.calls = 100;
    f.stats.errors = 100;
    fmt::memory_buffer out;
    const state::StatsEntry entries[] = {e, f};
    output::format_summary(entries, output::SummaryBy::Syscall, false, false, out);
    const std::string text = fmt::to_string(out);
    CHECK(text.find(" 1000           ") != std::string::npos);
    CHECK(text.find("getpid\n") != std::string::npos);
    CHECK(text.find("      100       100 ") != std::string::npos);
    CHECK(text.find("     1100       100 ") != std::string::npos);
    CHECK(text.find(" total\n") != std::string::npos);
}

TEST_CASE("time column forms", "[text]") {
    auto line = [](output::TimeFormat form, uint64_t ts) {
        output::FormatOptions options{1'000'000'000, 1'700'000'000'000'000'000 - 1'000'000'000, false, form};
        output::TextFormatter formatter(options);
        fmt::memory_buffer out;
        formatter.syscall(call("getpid", 42, ts), {}, out);
        std::string text = fmt::to_string(out);
        return text.substr(0, text.find(" ("));
    };
    CHECK(line(output::TimeFormat::SinceStart, 1'000'412'000) == "     0.412");
    CHECK(line(output::TimeFormat::Epoch, 1'000'412'000) == "1700000000.000412");
    CHECK(line(output::TimeFormat::WallMicros, 1'000'412'000).ends_with(".000412"));
    CHECK(line(output::TimeFormat::WallSeconds, 1'000'412'000).size() == 8);
}

TEST_CASE("JSON summary: the summary is one JSON object per group, with percentiles and histograms in ns", "[summary][json]") {
    state::StatsEntry e{};
    e.key.nr = static_cast<uint32_t>(syscalls::number_of("getpid"));
    e.key.id = 42;
    e.stats.calls = 4;
    e.stats.errors = 1;
    e.stats.total_ns = 6000;
    e.stats.min_ns = 1100;
    e.stats.max_ns = 2000;
    e.stats.hist[11] = 4;
    std::memcpy(e.stats.comm, "a\"b\n", 5);
    fmt::memory_buffer out;
    output::format_summary({&e, 1}, output::SummaryBy::Syscall, true, true, out);
    CHECK(fmt::to_string(out) ==
          R"({"type":"summary","by":"syscall","calls":4,"errors":1,"total_ns":6000,"syscalls":[)"
          R"({"syscall":"getpid","calls":4,"errors":1,"total_ns":6000,"time_pct":100.00,"min_ns":1100,"avg_ns":1500,)"
          R"("p50_ns":1536,"p90_ns":1945,"p99_ns":2000,"max_ns":2000,)"
          R"("histogram":[{"low_ns":1024,"high_ns":2048,"count":4}]}]})"
          "\n");
    out.clear();
    output::format_summary({&e, 1}, output::SummaryBy::Process, false, true, out);
    CHECK(fmt::to_string(out).starts_with(R"({"type":"summary","by":"process","pid":42,"comm":"a\\\"b\\n","calls":4,)"));
    CHECK(fmt::to_string(out).find("histogram") == std::string::npos);
}

TEST_CASE("the summary leaves out calls that never return, as strace -c does - 1 call, not 1 calls", "[summary]") {
    state::StatsEntry e{};
    e.key.nr = static_cast<uint32_t>(syscalls::number_of("getpid"));
    e.stats.calls = 1;
    e.stats.total_ns = 2000;
    e.stats.min_ns = e.stats.max_ns = 2000;
    e.stats.hist[11] = 1;
    state::StatsEntry exit_group{}, exit{};
    exit_group.key.nr = static_cast<uint32_t>(syscalls::number_of("exit_group"));
    exit_group.stats.calls = 1;
    exit.key.nr = static_cast<uint32_t>(syscalls::number_of("exit"));
    exit.stats.calls = 3;
    const state::StatsEntry entries[] = {e, exit_group, exit};
    fmt::memory_buffer out;
    output::format_summary(entries, output::SummaryBy::Syscall, true, false, out);
    const std::string text = fmt::to_string(out);
    CHECK(text.find("exit") == std::string::npos);
    CHECK(text.find("\ngetpid (1 call):\n") != std::string::npos);
    // The row and the total: 1 call, the exits not added.
    CHECK(text.find("0.000002         1 ") != text.rfind("0.000002         1 "));
    CHECK(text.find(" total\n") != std::string::npos);
}

TEST_CASE("time of day and -r: the time since the previous line after the time of day - stamps on +++ lines", "[text]") {
    output::FormatOptions options{1'000'000'000, 1'700'000'000'000'000'000 - 1'000'000'000, false,
                                  output::TimeFormat::Epoch};
    options.time_delta = true;
    output::TextFormatter formatter(options);
    fmt::memory_buffer out;
    formatter.syscall(call("getpid", 42, 1'000'412'000), {}, out);
    formatter.syscall(call("getpid", 42, 1'003'412'000), {}, out);
    btrace_exit rec{};
    rec.hdr.type = BTRACE_REC_EXIT;
    rec.hdr.tgid = 4242;
    rec.hdr.ts_ns = 1'004'000'000;
    std::strncpy(rec.hdr.comm, "cat", sizeof(rec.hdr.comm));
    formatter.process_exit(rec, out);
    const auto lines = fmt::to_string(out);
    CHECK(lines.find("1700000000.000412 (+     0.000) (") == 0);
    CHECK(lines.find("\n1700000000.003412 (+     3.000) (") != std::string::npos);
    CHECK(lines.ends_with("\n1700000000.004000 (+     0.588) +++ cat/4242 exited with 0 +++\n"));

    // Since start (btrace's own column): no stamp on +++ lines, as before; -qq: no +++ line.
    fmt::memory_buffer plain;
    output::TextFormatter(output::FormatOptions{1'000'000'000}).process_exit(rec, plain);
    CHECK(fmt::to_string(plain) == "+++ cat/4242 exited with 0 +++\n");
    output::FormatOptions quiet{1'000'000'000};
    quiet.exit_lines = false;
    fmt::memory_buffer none;
    output::TextFormatter(quiet).process_exit(rec, none);
    output::JsonFormatter(quiet).process_exit(rec, none);
    CHECK(fmt::to_string(none).empty());
}
