// SPDX-License-Identifier: Apache-2.0
// Filters in the kernel, summaries, and the output forms, on a known mix.
#include <catch2/catch.hpp>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

Traced trace_mix(const std::vector<std::string>& options) { return trace_ok({helper("call_mix")}, options); }

// Call lines (not exit lines): "name(" after comm/tid.
std::vector<std::string> call_names(const std::string& text) {
    std::vector<std::string> names;
    std::smatch m;
    for (const auto& line : lines_of(text))
        if (std::regex_search(line, m, std::regex(R"(\): \S+/\d+ (\w+)\()")))
            names.push_back(m[1].str());
    return names;
}

// The summary row of a syscall: calls and errors columns.
std::pair<long, long> summary_row(const std::string& text, const std::string& name) {
    std::smatch m;
    const std::regex row(R"(^ *[\d.]+ +[\d.]+ +(\d+) +(\d*) .* )" + name + "$");
    for (const auto& line : lines_of(text))
        if (std::regex_match(line, m, row))
            return {std::stol(m[1].str()), m[2].str().empty() ? 0 : std::stol(m[2].str())};
    return {-1, -1};
}

}  // namespace

TEST_CASE("summary only (-c) counts exactly, in the kernel, and prints no trace", "[integration][summary]") {
    auto [output, text] = trace_mix({"-c"});
    CHECK(summary_row(text, "getpid") == std::make_pair(1000L, 0L));
    CHECK(summary_row(text, "nanosleep") == std::make_pair(10L, 0L));
    const auto openat = summary_row(text, "openat");
    CHECK(openat.second == 100);  // the dynamic loader's own opens succeed
    CHECK(openat.first >= 100);
    CHECK(call_names(text).empty());
    CHECK(has_line(text, R"(^100\.00 .* total$)"));
}

TEST_CASE("summary by thread (-c --summary-by thread) counts every call of 1000 threads, more keys than the per-CPU cache holds", "[integration][summary]") {
    // ~8 keys a thread: keys that find their cache slot taken are counted in
    // the map instead, and both reach the summary, each call once.
    auto [output, text] = trace_ok({helper("threads64"), "1000"}, {"-c", "--summary-by", "thread"});
    CHECK(count_matching(text, R"(^ thread threads64/\d+:$)") == 1001);
    CHECK(count_matching(text, R"(^ *[\d.]+ +[\d.]+ +100 +.* getpid$)") == 1000);
    CHECK(count_matching(text, R"( getpid$)") == 1000);
    CHECK(output.err.find("not counted") == std::string::npos);
    // 3000 threads make more keys than the map holds: what is not counted is said.
    auto [o2, full] = trace_ok({helper("threads64"), "3000"}, {"-c", "--summary-by", "thread"});
    CHECK(has_line(o2.err, R"(^btrace: \d+ calls not counted in the summary: its map is full)"));
}

TEST_CASE("summary with trace (-S) prints the trace and the summary, percentiles reflect the 20 ms sleeps", "[integration][summary]") {
    auto [output, text] = trace_mix({"-S"});
    CHECK(count_matching(text, R"( getpid\(\) = \d+$)") == 1000);
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex(R"(\n *[\d.]+ +[\d.]+ +10 +(?:\d+ +)?([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) nanosleep\n)")));
    // min, avg, p50, p90, p99, max in microseconds: all about 20 ms
    for (int i = 1; i <= 6; ++i)
        CHECK(std::stod(m[i].str()) >= 20000.0);
}

TEST_CASE("path selection (-P) shows the calls that touch a path, by name or by fd, as strace -P does (a symlink too)", "[integration][filter][strace]") {
    // (name, result) of each call; the fd in a result shows bare in strace's
    const auto calls = [](const std::string& text, const std::string& prefix) {
        std::vector<std::string> out;
        std::smatch m;
        for (const auto& line : lines_of(text))
            if (std::regex_search(line, m, std::regex(prefix + R"((\w+)\(.*\) += (-?\d+))")))
                out.push_back(m[1].str() + " = " + m[2].str());
        return out;
    };
    for (const std::string path : {"/etc/hostname", "/etc/os-release"}) {
        INFO(path);
        const std::vector<std::string> command = {"cat", "/etc/hostname", "/etc/os-release"};
        const std::string text = trace_ok(command, {"-P", path}).text;
        const auto ours = calls(text, R"(\): cat/\d+ )");
        CHECK(ours.size() >= 5);  // openat, fstat, fadvise64, reads, close
        CHECK(ours == calls(strace_of(command, {"-P", path}), "^"));
    }
    CHECK(run({btrace_bin(), "-c", "-P", "/etc/hostname", "--", "true"}).exit_code == 2);
    // A call in flight past --pending shows only if it touches the path: not sh's wait4.
    const std::string waited =
        trace_ok({"sh", "-c", "sleep 0.5; cat /etc/hostname"}, {"-P", "/etc/hostname", "--pending", "100"}).text;
    CHECK(has_line(waited, R"(cat/\d+ read\(fd: 3</etc/hostname>, buf: ")"));
    CHECK(waited.find("in progress") == std::string::npos);
}

TEST_CASE("trace=%file shows only file calls", "[integration][filter]") {
    auto [output, text] = trace_mix({"-e", "trace=%file"});
    const auto names = call_names(text);
    const std::set<std::string> seen(names.begin(), names.end());
    CHECK(seen.count("openat"));
    CHECK(seen.count("execve"));
    for (const auto& name : seen) {
        INFO(name);
        CHECK(std::set<std::string>{"openat", "execve", "access", "newfstatat", "readlink", "stat", "statx"}.count(name));
    }
    CHECK(count_matching(text, R"( openat\()") >= 100);
}

TEST_CASE("trace= with names, negation and regex", "[integration][filter]") {
    CHECK(call_names(trace_mix({"-e", "trace=getpid"}).text) == std::vector<std::string>(1000, "getpid"));
    const auto all_but = call_names(trace_mix({"-e", "trace=!getpid,openat"}).text);
    CHECK(std::count(all_but.begin(), all_but.end(), "getpid") == 0);
    CHECK(std::count(all_but.begin(), all_but.end(), "openat") == 0);
    CHECK(std::count(all_but.begin(), all_but.end(), "nanosleep") == 10);
    const auto regex = call_names(trace_mix({"-e", "trace=/^nano"}).text);
    CHECK(regex == std::vector<std::string>(10, "nanosleep"));
}

TEST_CASE("a duration threshold keeps exactly the slow calls", "[integration][filter]") {
    const auto names = call_names(trace_mix({"--duration", "15"}).text);
    CHECK(names == std::vector<std::string>(10, "nanosleep"));
}

TEST_CASE("summary (-c) counts what -e status= selects, never exit_group (unfinished: strace -c leaves it out)", "[integration][summary]") {
    auto [o1, failed] = trace_mix({"-c", "-e", "status=failed"});
    CHECK(summary_row(failed, "openat").second == 100);
    CHECK(summary_row(failed, "getpid").first == -1);
    CHECK(summary_row(failed, "exit_group").first == -1);
    auto [o2, unfinished] = trace_mix({"-c", "-e", "status=unfinished"});
    CHECK(summary_row(unfinished, "exit_group").first == -1);
    CHECK(summary_row(unfinished, "openat").first == -1);
}

TEST_CASE("failed only (-Z) keeps exactly the failed calls, --errno narrows them", "[integration][filter]") {
    auto [output, text] = trace_mix({"-Z"});
    for (const auto& line : lines_of(text))
        if (has_line(line, R"(\): \S+/\d+ \w+\()"))
            CHECK(has_line(line, R"( = -1 E[A-Z]+ \()"));
    CHECK(count_matching(text, R"( openat\(.* = -1 ENOENT )") == 100);
    auto [o2, eacces] = trace_mix({"-Z", "--errno", "EACCES"});
    CHECK(call_names(eacces).empty());
    auto [o3, enoent] = trace_mix({"-e", "status=failed", "--errno", "ENOENT"});
    CHECK(count_matching(enoent, R"( openat\(.* = -1 ENOENT )") == 100);
    // --errno alone selects those failures, not every success besides
    auto [o5, eacces_alone] = trace_mix({"--errno", "EACCES"});
    CHECK(call_names(eacces_alone).empty());
    auto [o6, enoent_alone] = trace_mix({"--errno", "ENOENT"});
    CHECK(count_matching(enoent_alone, R"( openat\(.* = -1 ENOENT )") == 100);
    CHECK(count_matching(enoent_alone, R"(\): \S+/\d+ \w+\(.* = -1 ENOENT )") == static_cast<int>(call_names(enoent_alone).size()));
    auto [o4, ok] = trace_mix({"-z", "-e", "trace=openat"});
    CHECK(count_matching(ok, R"( = -1 )") == 0);
}

TEST_CASE("JSON output: every line is a JSON object with the text line's fields", "[integration][json]") {
    auto [output, text] = trace_mix({"--json"});
    const std::string path = temp_path("mix.json");
    write_file(path, text);
    Output check = run({"python3", "-c",
                        "import json,sys\n"
                        "n=0\n"
                        "for line in open(sys.argv[1]):\n"
                        "    o=json.loads(line)\n"
                        "    if o['type']=='syscall':\n"
                        "        assert {'ts','rel_ms','pid','tid','comm','syscall','args','ret','errno','duration_ns','result'} <= o.keys(), o\n"
                        "        n+=1\n"
                        "print(n)\n",
                        path});
    INFO(check.err);
    CHECK(check.exit_code == 0);
    CHECK(std::stol(check.out) > 1100);
    CHECK(has_line(text, R"("syscall":"openat".*"errno":"ENOENT")"));
    CHECK(has_line(text, R"("type":"exit".*"exit_code":0)"));
}

TEST_CASE("time columns and --max-events", "[integration][output]") {
    CHECK(has_line(trace_mix({"-t"}).text, R"(^\d\d:\d\d:\d\d \( *\d+\.\d{3} ms\): call_mix/\d+ getpid\(\))"));
    CHECK(has_line(trace_mix({"-tt"}).text, R"(^\d\d:\d\d:\d\d\.\d{6} \()"));
    CHECK(has_line(trace_mix({"-ttt"}).text, R"(^\d{10}\.\d{6} \()"));
    CHECK(has_line(trace_mix({"-r"}).text, R"(^ +0\.\d{3} \()"));
    CHECK(call_names(trace_mix({"--max-events", "5"}).text).size() == 5);
}

TEST_CASE("system-wide with a comm filter traces that command system-wide, and nothing else", "[integration][filter]") {
    const std::string path = temp_path("comm.txt");
    Background btrace({btrace_bin(), "-a", "--comm", "call_mix", "-e", "trace=getpid", "-o", path});
    REQUIRE(eventually([&] { return attached(btrace.pid()); }));
    REQUIRE(run({helper("call_mix")}).exit_code == 0);
    REQUIRE(run({"sh", "-c", "true"}).exit_code == 0);
    usleep(200 * 1000);
    kill(btrace.pid(), SIGINT);
    CHECK(btrace.wait() == 0);
    const std::string text = read_file(path);
    CHECK(count_matching(text, R"(\): call_mix/\d+ getpid\(\) = \d+$)") == 1000);
    CHECK(call_names(text).size() == 1000);
}

TEST_CASE("JSON summaries: --json with -c, -S, --histogram and --summary-by: every line parses, the summary is one object", "[integration][json][summary]") {
    // Checks each line with python3's json and prints what the summary says of getpid and openat.
    const auto summarize = [](const std::vector<std::string>& options) {
        const std::string path = temp_path("summary.json");
        write_file(path, trace_mix(options).text);
        Output check = run({"python3", "-c",
                            "import json, sys\n"
                            "objects = [json.loads(line) for line in open(sys.argv[1])]\n"
                            "summaries = [o for o in objects if o['type'] == 'summary']\n"
                            "assert len(summaries) == 1, summaries\n"
                            "s = summaries[0]\n"
                            "rows = {r['syscall']: r for r in s['syscalls']}\n"
                            "assert s['calls'] == sum(r['calls'] for r in rows.values())\n"
                            "for r in rows.values():\n"
                            "    assert r['min_ns'] <= r['p50_ns'] <= r['p90_ns'] <= r['p99_ns'] <= r['max_ns'], r\n"
                            "    assert ('histogram' in r) == ('--histogram' in sys.argv[2:])\n"
                            "    assert sum(b['count'] for b in r.get('histogram', [])) in (0, r['calls'])\n"
                            "print(s['by'], len(objects) - 1, rows['getpid']['calls'], rows['openat']['errors'])\n",
                            path, options.back()});
        INFO(check.err);
        CHECK(check.exit_code == 0);
        return check.out;
    };
    CHECK(summarize({"--json", "-c"}) == "syscall 0 1000 100\n");
    CHECK(summarize({"--json", "-c", "--histogram"}) == "syscall 0 1000 100\n");
    CHECK(summarize({"--json", "--summary-by", "process"}).starts_with("process "));
    const std::string also = summarize({"--json", "-S"});
    CHECK(also.starts_with("syscall "));
    CHECK(std::stol(also.substr(8)) > 1100);  // the trace's lines before it
}
