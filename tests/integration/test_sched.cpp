// SPDX-License-Identifier: Apache-2.0
// --sched: each call's time split into on-CPU, blocked and runqueue, and who woke it.
#include <catch2/catch.hpp>
#include <signal.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

struct Split {
    std::string line;
    uint64_t duration_ns = 0, cpu_ns = 0, blocked_ns = 0, runq_ns = 0, switches = 0;
    std::string woken_by;  // the JSON value: null or {"kind":...}
};

// The split of every --json call line that has one, checking on the way that
// its parts add up to the duration (one clock, the same two instants).
std::vector<Split> splits_of(const std::string& text) {
    static const std::regex sched(
        R"re("duration_ns":(\d+),.*"sched":\{"cpu_ns":(\d+),"blocked_ns":(\d+),"runq_ns":(\d+),"switches":(\d+),"woken_by":(null|\{[^}]*\})\}\}$)re");
    std::vector<Split> splits;
    std::smatch m;
    for (const auto& line : lines_of(text)) {
        if (!std::regex_search(line, m, sched))
            continue;
        Split s{line,
                std::stoull(m[1].str()),
                std::stoull(m[2].str()),
                std::stoull(m[3].str()),
                std::stoull(m[4].str()),
                std::stoull(m[5].str()),
                m[6].str()};
        INFO(line);
        CHECK(s.cpu_ns + s.blocked_ns + s.runq_ns == s.duration_ns);
        splits.push_back(s);
    }
    return splits;
}

std::vector<Split> calls_named(const std::vector<Split>& splits, const std::string& name) {
    std::vector<Split> found;
    for (const auto& s : splits)
        if (s.line.find("\"syscall\":\"" + name + "\"") != std::string::npos)
            found.push_back(s);
    return found;
}

std::string tid_of(const std::string& text, const std::string& comm) {
    std::smatch m;
    for (const auto& line : lines_of(text))
        if (std::regex_search(line, m, std::regex(R"("tid":(\d+),"comm":")" + comm + "\"")))
            return m[1].str();
    return "";
}

}  // namespace

TEST_CASE("sched split: a read on a pipe is blocked until the writer wakes it", "[integration][sched]") {
    const Traced traced =
        trace_ok({helper("sched_calls"), "pipe"}, {"--sched", "--json", "-e", "trace=execve,read,write"});
    const auto splits = splits_of(traced.text);
    const std::string writer = tid_of(traced.text, "sched_writer");
    REQUIRE(!writer.empty());
    std::vector<Split> pipe_reads;
    for (const auto& s : calls_named(splits, "read"))
        if (s.line.find("<pipe:[") != std::string::npos)
            pipe_reads.push_back(s);
    REQUIRE(pipe_reads.size() == 1);
    const Split& read = pipe_reads[0];
    INFO(read.line);
    CHECK(read.blocked_ns > read.cpu_ns);
    CHECK(read.blocked_ns > read.runq_ns);
    CHECK(read.switches >= 1);
    CHECK(read.woken_by == R"({"kind":"task","tid":)" + writer + R"(,"comm":"sched_writer"})");
    // Every call of the trace carries its split (execve too, whose arguments come from its entry), and one
    // that never left the CPU was woken by no one.
    CHECK(calls_named(splits, "execve").size() == 1);
    CHECK(splits.size() == static_cast<std::size_t>(count_matching(traced.text, R"("type":"syscall")")));
    for (const auto& s : splits)
        if (s.switches == 0)
            CHECK(s.woken_by == "null");
}

TEST_CASE("sched split: the text line carries the split after the result", "[integration][sched]") {
    const Traced traced = trace_ok({helper("sched_calls"), "pipe"}, {"--sched", "-e", "trace=read"});
    CHECK(has_line(traced.text, R"(sched_calls/\d+ read\(fd: 3<pipe:\[\d+\]>, buf: "x", count: 1\) = 1 )"
                                R"(\(cpu \d+\.\d{3} blocked \d+\.\d{3} runq \d+\.\d{3} ms, \d+ switch(es)?, )"
                                R"(woken by sched_writer/\d+\)$)"));
    const Traced plain = trace_ok({helper("sched_calls"), "pipe"}, {"-e", "trace=read"});
    CHECK(has_line(plain.text, R"(read\(fd: 3<pipe:\[\d+\]>, buf: "x", count: 1\) = 1$)"));
    CHECK(!has_line(plain.text, R"(\(cpu )"));
}

TEST_CASE("sched split: a timer's wakeup comes from an interrupt", "[integration][sched]") {
    const Traced traced = trace_ok({helper("sleeper"), "20"}, {"--sched", "--json", "-e", "trace=nanosleep"});
    const auto sleeps = calls_named(splits_of(traced.text), "nanosleep");
    REQUIRE(sleeps.size() == 1);
    INFO(sleeps[0].line);
    // The timer interrupt, on an idle CPU; on a busy one (other builds) it
    // names the task it interrupted, never the sleeper itself.
    const std::string sleeper = tid_of(traced.text, "sleeper");
    REQUIRE(!sleeper.empty());
    CHECK(sleeps[0].woken_by != "null");
    CHECK(sleeps[0].woken_by.find("\"tid\":" + sleeper + ",") == std::string::npos);
    CHECK(sleeps[0].blocked_ns > sleeps[0].cpu_ns);
}

TEST_CASE("sched split: a CPU-heavy call is on the CPU", "[integration][sched]") {
    const Traced traced = trace_ok({helper("sched_calls"), "getrandom"}, {"--sched", "--json", "-e", "trace=getrandom"});
    const auto calls = calls_named(splits_of(traced.text), "getrandom");
    REQUIRE(!calls.empty());
    const Split& big = calls.back();  // the helper's own, after the loader's
    INFO(big.line);
    CHECK(big.line.find("\"ret\":8388608") != std::string::npos);
    CHECK(big.cpu_ns > 0);
    CHECK(big.cpu_ns > big.blocked_ns);
}

TEST_CASE("sched split: sched_yield beside a spinner on its CPU waits in the runqueue and getppid alone does not",
          "[integration][sched]") {
    // sched_yield with a spinning thread on the same CPU: the thread is
    // switched out runnable, and waits for the spinner's turn to end.
    const Traced contended =
        trace_ok({helper("sched_calls"), "contended"}, {"--sched", "--json", "-e", "trace=sched_yield"});
    const auto yields = calls_named(splits_of(contended.text), "sched_yield");
    REQUIRE(yields.size() >= 20);
    uint64_t runq = 0, cpu = 0;
    bool preempted_and_waited = false;
    for (const auto& s : yields) {
        runq += s.runq_ns;
        cpu += s.cpu_ns;
        CHECK(s.blocked_ns == 0);  // runnable throughout
        preempted_and_waited |= s.switches >= 1 && s.runq_ns > s.cpu_ns;
    }
    CHECK(preempted_and_waited);
    CHECK(runq > cpu);
    // getppid on its own: no switch, no wait, in (nearly) every call.
    const Traced alone = trace_ok({helper("sched_calls"), "alone"}, {"--sched", "--json", "-e", "trace=getppid"});
    const auto calls = calls_named(splits_of(alone.text), "getppid");
    REQUIRE(calls.size() == 2000);
    std::size_t waited = 0;
    for (const auto& s : calls)
        waited += s.runq_ns > 0 || s.blocked_ns > 0;
    CHECK(waited < calls.size() / 20);  // a tick that preempts a sub-microsecond call now and then
}

TEST_CASE("sched split: threads that exec or die in the middle of a call", "[integration][sched][faults]") {
    Traced exec = trace_run({helper("thread_exec"), "/bin/echo", "hi"}, {"--sched"});
    INFO(exec.output.err);
    CHECK(exec.output.exit_code == 0);
    CHECK(has_line(exec.text, R"(echo/\d+ write\(fd: 1(<[^>]*>)?, buf: "hi\\n", count: 3\) = 3 \(cpu )"));
    CHECK(has_line(exec.text, R"(^\+\+\+ echo/\d+ exited with 0 \+\+\+$)"));

    const std::string path = temp_path("sched-killed.txt");
    Background btrace({btrace_bin(), "--sched", "-o", path, "--", helper("sleeper"), "10000"});
    REQUIRE(eventually([&] { return has_line(read_file(path), "execve"); }));
    usleep(200 * 1000);  // into its nanosleep
    REQUIRE(run({"pkill", "-KILL", "-x", "sleeper"}).exit_code == 0);
    CHECK(btrace.wait() == 128 + SIGKILL);
    CHECK(has_line(read_file(path), R"(^\+\+\+ sleeper/\d+ killed by SIGKILL \+\+\+$)"));
}

TEST_CASE("sched split: the split programs pass the verifier when built by clang 16 too", "[integration][sched][kernel]") {
#ifndef BTRACE_CLANG16_BIN
    FAIL("btrace-clang16 was not built: clang-16 missing (scripts/setup installs it)");
#else
    const std::string path = temp_path("sched-clang16.json");
    Output output = run({BTRACE_CLANG16_BIN, "--sched", "--json", "-o", path, "--", helper("sched_calls"), "pipe"});
    INFO(output.err);
    CHECK(output.exit_code == 0);
    const auto reads = calls_named(splits_of(read_file(path)), "read");
    REQUIRE(!reads.empty());
    CHECK(reads.back().woken_by.find(R"("comm":"sched_writer")") != std::string::npos);
#endif
}

TEST_CASE("sched split: --pending says a call in flight is blocked", "[integration][sched]") {
    const Traced traced = trace_ok({helper("sleeper"), "600"}, {"--sched", "--pending", "100", "-e", "trace=nanosleep"});
    CHECK(has_line(traced.text, R"(sleeper/\d+ nanosleep\(.*\) \.\.\. still in progress after \d+\.\d{3} s, blocked$)"));
    const Traced plain = trace_ok({helper("sleeper"), "600"}, {"--pending", "100", "-e", "trace=nanosleep"});
    CHECK(has_line(plain.text, R"(sleeper/\d+ nanosleep\(.*\) \.\.\. still in progress after \d+\.\d{3} s$)"));
}

TEST_CASE("sched split: -c adds each part's total and p99 per syscall", "[integration][sched]") {
    const Traced traced = trace_ok({helper("sched_calls"), "pipe"}, {"-c", "--sched", "-e", "trace=read,nanosleep"});
    CHECK(has_line(traced.text, R"(^where the time went \(--sched\):$)"));
    CHECK(has_line(traced.text, R"(^ +cpu s +blocked s +runq s +switches +p99 cpu us +p99 blk us +p99 runq us syscall$)"));
    // The writer's 50 ms nanosleep and the reader's read each blocked for most of 50 ms.
    std::smatch m;
    for (const std::string name : {"nanosleep", "read"}) {
        bool found = false;
        for (const auto& line : lines_of(traced.text))
            if (std::regex_search(line, m, std::regex(R"(^ +(\d+\.\d{6}) +(\d+\.\d{6}) +(\d+\.\d{6}) +(\d+) .* )" + name + "$"))) {
                found = true;
                INFO(line);
                CHECK(std::stod(m[2].str()) > std::stod(m[1].str()));  // blocked > cpu
                CHECK(std::stoul(m[4].str()) >= 1);
            }
        CHECK(found);
    }
    const Traced plain = trace_ok({helper("sched_calls"), "pipe"}, {"-c", "-e", "trace=read"});
    CHECK(!has_line(plain.text, "where the time went"));
}
