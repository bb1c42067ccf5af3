// SPDX-License-Identifier: Apache-2.0
// One order across CPUs, and fd names that are right or visibly unknown:
// under a close/reopen race, on a threaded server, after a loss, and for a
// path deeper than the kernel's walk follows.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

std::string make_dir(const std::string& name) {
    const std::string dir = temp_path(name);
    REQUIRE(mkdir(dir.c_str(), 0755) == 0);
    return dir;
}

struct Names {
    long right = 0, wrong = 0, unknown = 0;
};

// fd_race's preads in a trace: named right (fA shows "AAAA"), wrong, or unknown.
Names race_names(const std::string& text, const std::string& dir, bool json) {
    const std::regex text_line(R"re(pread64\(fd: 3<(.*?)>, buf: "(AAAA|BBBB)")re");
    const std::regex json_line(R"re("fd":\{"value":"3<(.*?)>","raw":3(,"fd_name":"unknown")?\},"buf":\{"value":"\\"(AAAA|BBBB)\\"")re");
    Names names;
    std::smatch m;
    for (const auto& line : lines_of(text)) {
        if (!std::regex_search(line, m, json ? json_line : text_line))
            continue;
        const std::string name = m[1].str(), data = m[json ? 3 : 2].str();
        if (name == "?") {
            ++names.unknown;
            if (json)
                CHECK(m[2].matched);  // flagged, not only shown
        } else {
            const bool right = name == dir + (data == "AAAA" ? "/fA" : "/fB");
            (right ? names.right : names.wrong)++;
            if (!right)
                FAIL_CHECK("wrong name: " << line);
        }
    }
    return names;
}

std::string race_dir() {
    const std::string dir = make_dir("race");
    write_file(dir + "/fA", "AAAA");
    write_file(dir + "/fB", "BBBB");
    return dir;
}

}  // namespace

TEST_CASE("fd names stay right when one thread reopens an fd that another reads on another CPU",
          "[integration][order]") {
    const std::string dir = race_dir();
    // Text and JSON, with and without a filter (fd-only records then carry the reopens).
    const std::vector<std::vector<std::string>> variants = {{}, {"-e", "trace=pread64"}, {"--json"}};
    Names total;
    for (int run = 0; run < 10; ++run) {
        const auto& options = variants[static_cast<std::size_t>(run) % variants.size()];
        const bool json = !options.empty() && options[0] == "--json";
        const Names names = race_names(trace_ok({helper("fd_race"), dir, "8000"}, options).text, dir, json);
        INFO("run " << run << ": " << names.right << " right, " << names.unknown << " unknown");
        CHECK(names.wrong == 0);
        CHECK(names.right > 0);
        total.right += names.right;
        total.wrong += names.wrong;
        total.unknown += names.unknown;
    }
    WARN("race: " << total.right << " right, " << total.wrong << " wrong, " << total.unknown << " unknown");
    CHECK(total.right >= 20000);
    // Only calls that ran while the fd changed files are unknown, and of those
    // only the ones that found different files at their two ends (~0.05%, on
    // a loaded machine too; timing alone left 3-20%): the kernel side reads
    // what the fd holds then. A sanitized btrace, slower, preempts the reader
    // more often on two CPUs (3.0% seen); 0 wrong is the guard either way.
#ifdef __SANITIZE_ADDRESS__
    CHECK(total.unknown * 10 < total.right);
#else
    CHECK(total.unknown * 50 < total.right);
#endif
}

TEST_CASE("fd names stay right under that race when btrace attaches to the running process with -p",
          "[integration][order]") {
    // Attached mid-race (the reader preempted more often, by btrace itself,
    // once showed a file closed and put back inside one call).
    const std::string dir = race_dir();
    // Racing until killed: a count of rounds left too few preads after the
    // attach when btrace started slowly (under ASan: 18,472 with 400,000).
    Background target({helper("fd_race"), dir, "2000000000"});
    usleep(100 * 1000);  // its threads under way
    const std::string path = temp_path("race-p.out");
    // At normal priority: a SCHED_FIFO drain takes a CPU from the racing threads whenever it drains, and
    // under ASan (a slow consumer) left too few preads in the 1.5 s to judge by (1,049 right), and more of them
    // preempted in a call (unknown, never wrong); the test above runs the race under the default drain.
    Background btrace({btrace_bin(), "--no-realtime", "-p", std::to_string(target.pid()), "-e", "trace=pread64", "-o",
                       path});
    REQUIRE(eventually([&] { return attached(btrace.pid()); }, 30000));
    usleep(1500 * 1000);  // racing under the trace
    kill(target.pid(), SIGKILL);
    REQUIRE(btrace.wait(30000) == 0);
    const Names names = race_names(read_file(path), dir, false);
    WARN("race under -p: " << names.right << " right, " << names.wrong << " wrong, " << names.unknown << " unknown");
    CHECK(names.wrong == 0);
    CHECK(names.right >= 10000);  // enough for 0 wrong to mean something (19,889 under ASan on a busy host)
    // How many are unknown depends on how often the reader is preempted in a
    // call (here by btrace's own consumer, on two CPUs: a quarter under ASan);
    // the test above bounds it where btrace starts the command.
    CHECK(names.unknown < names.right);
}

TEST_CASE("a threaded server's reads and writes name the connection they went over", "[integration][order]") {
    const auto traced = trace_ok({helper("tcp_threads"), "300"}, {"-e", "trace=read,write"});
    const std::regex payload(R"re((read|write)\(fd: \d+<(.*?)>, buf: "cport=(\d+)")re");
    long right = 0, unknown = 0;
    std::smatch m;
    for (const auto& line : lines_of(traced.text)) {
        if (!std::regex_search(line, m, payload))
            continue;
        const std::string name = m[2].str(), port = m[3].str();
        if (name == "?") {
            ++unknown;
            continue;
        }
        // TCP 127.0.0.1:CPORT->127.0.0.1:SPORT (client) or TCP 127.0.0.1:SPORT->127.0.0.1:CPORT (server)
        const std::regex conn("TCP 127\\.0\\.0\\.1:(\\d+)->127\\.0\\.0\\.1:(\\d+)");
        std::smatch c;
        if (std::regex_match(name, c, conn) && (c[1].str() == port || c[2].str() == port))
            ++right;
        else
            FAIL_CHECK("wrong connection: " << line);
    }
    WARN("server: " << right << " right, " << unknown << " unknown");
    // Each of 1200 connections: the client's write and read, the server's read and write.
    CHECK(right + unknown == 4 * 1200);
    CHECK(unknown * 50 < right);
}

namespace {

// seq_writes' writes to /dev/null: 200, 200,000 while btrace is stopped, 200.
constexpr long kSeqWrites = 200400;

// btrace is stopped while seq_writes makes 200,000 calls, so its 64K ring
// buffer overflows; the trace (and stderr) of that run.
Traced lossy_run(const std::vector<std::string>& options) {
    const std::string path = temp_path("lossy.out");
    std::vector<std::string> argv = {btrace_bin(), "--buffer-size", "64K", "-o", path};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"--", helper("seq_writes"), "200000"});
    Background btrace(argv, path + ".err");
    REQUIRE(btrace.read_line(10000) == "stop");
    kill(btrace.pid(), SIGSTOP);
    const std::string resume = btrace.read_line(20000);
    kill(btrace.pid(), SIGCONT);
    REQUIRE(resume == "resume");
    Traced t;
    t.output.exit_code = btrace.wait(30000);
    t.output.err = read_file(path + ".err");
    t.text = read_file(path);
    return t;
}

}  // namespace

TEST_CASE("a loss is marked where the gap is, with the calls it took", "[integration][order]") {
    for (const bool json : {false, true}) {
        const auto t = lossy_run(json ? std::vector<std::string>{"--json"} : std::vector<std::string>{});
        REQUIRE(t.output.exit_code == 0);
        const std::regex write_line(json ? R"re("buf":\{"value":"\\"i (\d+)\\"")re" : R"re(write\(fd: 3</dev/null>, buf: "i (\d+)")re");
        const std::regex marker(json ? R"re(\{"type":"lost","calls":(\d+),"others":\d+\})re"
                                     : R"re(^\.\.\. (\d+) calls? (?:and \d+ other records? )?lost \.\.\.$)re");
        long last = -1, shown = 0, marked = 0, pending_loss = -1, checked_gaps = 0, others_lost = 0;
        const bool resume_shown = t.text.find(json ? "\\\"resume\\n\\\"" : "\"resume\\n\"") != std::string::npos;
        std::smatch m;
        for (const auto& line : lines_of(t.text)) {
            if (std::regex_search(line, m, marker)) {
                pending_loss = (pending_loss < 0 ? 0 : pending_loss) + std::stol(m[1].str());
                marked += std::stol(m[1].str());
            } else if (std::regex_search(line, m, write_line)) {
                const long seq = std::stol(m[1].str());
                if (pending_loss >= 0) {
                    // The marker stands just before the first call after the gap, and counts it
                    // exactly: the writes to /dev/null, and maybe the helper's "resume" on stdout
                    // and the sleep after it (when the ring is still full as that sleep ends).
                    const long others = pending_loss - (seq - last - 1);
                    CHECK((others >= 0 && others <= 2));
                    others_lost += others;
                    ++checked_gaps;
                } else {
                    CHECK(seq == last + 1);  // no gap without a marker
                }
                pending_loss = -1;
                last = seq;
                ++shown;
            }
        }
        INFO((json ? "json" : "text") << ": " << shown << " shown, " << marked << " marked");
        const long sleeps_shown = count_matching(t.text, "clock_nanosleep");
        CHECK(checked_gaps > 0);
        CHECK(others_lost == (resume_shown ? 0 : 1) + (2 - sleeps_shown));
        CHECK(last == kSeqWrites - 1);
        std::smatch e;
        REQUIRE(std::regex_search(t.output.err, e, std::regex(R"re(btrace: (\d+) calls? lost \(.*write (\d+))re")));
        CHECK(std::stol(e[1].str()) == marked);
        CHECK(std::stol(e[2].str()) == kSeqWrites - shown + (resume_shown ? 0 : 1));
    }
}

TEST_CASE("a path deeper than the kernel's walk is named whole from /proc, and -P finds its calls",
          "[integration][order]") {
    std::string path = make_dir("deep");
    for (int i = 0; i < 70; ++i) {
        path += "/d";
        REQUIRE(mkdir(path.c_str(), 0755) == 0);
    }
    path += "/leaf";
    write_file(path, "deep\n");
    // While the process lives, /proc completes the name the kernel cut.
    const std::string script = "import os, time\nfd = os.open('" + path + "', os.O_RDONLY)\nos.read(fd, 5)\ntime.sleep(0.3)";
    const auto traced = trace_ok({"python3", "-I", "-S", "-c", script}, {"-e", "trace=openat,read"});
    CHECK(has_line(traced.text, "openat\\(.*\"" + path + "\".*\\) = 3<" + path + ">$"));
    CHECK(has_line(traced.text, "read\\(fd: 3<" + path + ">, buf: \"deep\\\\n\""));
    const auto by_path = trace_ok({"python3", "-I", "-S", "-c", script}, {"-P", path});
    CHECK(has_line(by_path.text, "openat\\(.*\\) = 3<" + path + ">$"));
    CHECK(has_line(by_path.text, "read\\(fd: 3<" + path + ">"));
    // Gone (or the fd changed) by the time the record is decoded: the tail, marked as cut, never another name.
    const auto gone = trace_ok({"sh", "-c", "exec 3<" + path + "; read x <&3"}, {"-e", "trace=dup2,read"});
    const std::string tail = path.substr(path.size() - 100);
    const std::regex named_leaf("<([^<>]*/leaf)>");
    std::smatch m;
    long named = 0;
    for (const auto& line : lines_of(gone.text)) {
        for (auto it = std::sregex_iterator(line.begin(), line.end(), named_leaf); it != std::sregex_iterator(); ++it) {
            const std::string name = (*it)[1].str();
            INFO(line);
            CHECK((name == path || (name.starts_with(".../") && path.ends_with(name.substr(3)))));
            ++named;
        }
    }
    CHECK(named > 0);
}

TEST_CASE("with --duration the calls left out send nothing: 200,000 writes while btrace is stopped lose none",
          "[integration][order]") {
    // Their input is read at exit, for the calls shown, not sent at entry for
    // every call: a 64K ring would hold a few hundred of those.
    const auto t = lossy_run({"--duration", "50", "-e", "trace=write"});
    REQUIRE(t.output.exit_code == 0);
    INFO(t.output.err);
    CHECK(t.output.err.find("lost") == std::string::npos);
    CHECK(count_matching(t.text, R"(write\()") == 0);
}
