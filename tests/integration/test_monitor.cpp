// SPDX-License-Identifier: Apache-2.0
// btrace monitor: outliers only, histograms of every call, the /metrics
// endpoint (checked by promtool and scraped by a real Prometheus), the flight
// recorder, SIGHUP reopening and rotation.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

const std::string kComm = "monitor_target";

// A monitor on the helper, with its metrics on a free port.
struct Monitored {
    Background target;
    std::string out = temp_path("monitor.out");
    std::string err = temp_path("monitor.err");
    std::unique_ptr<Background> monitor;
    int port = 0;

    explicit Monitored(std::vector<std::string> options, const std::string& helper_name = "monitor_target")
        : target({helper(helper_name)}) {
        REQUIRE(target.read_line() == "ready");
        std::vector<std::string> argv{btrace_bin(), "monitor", "-p", std::to_string(target.pid()), "-o", out,
                                      "--metrics", "127.0.0.1:0"};
        argv.insert(argv.end(), options.begin(), options.end());
        monitor = std::make_unique<Background>(argv, err);
        port = metrics_port(err);
        REQUIRE(port != 0);
        // The port is told before the programs are attached: calls made
        // before that would not be seen.
        REQUIRE(eventually([&] { return attached(monitor->pid()); }));
    }

    // One round of the helper's calls; returns once it has made them.
    void work() {
        kill(target.pid(), SIGUSR1);
        REQUIRE(target.read_line() == "done");
    }

    std::string scrape() const {
        auto body = http_get(port, "/metrics");
        REQUIRE(body);
        return *body;
    }

    // Stops btrace (SIGTERM: a clean shutdown with a final flush) and returns the outliers.
    std::string stop() {
        kill(monitor->pid(), SIGTERM);
        INFO(read_file(err));
        REQUIRE(monitor->wait() == 0);
        return read_file(out);
    }
};

// The value of one sample line of the exposition, -1 if absent.
double sample(const std::string& metrics, const std::string& series) {
    for (const auto& line : lines_of(metrics))
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
            return std::stod(line.substr(series.size() + 1));
    return -1;
}

std::string hist(const std::string& suffix, const std::string& syscall, const std::string& extra = "") {
    return "btrace_syscall_duration_seconds" + suffix + "{syscall=\"" + syscall + "\",comm=\"" + kComm + "\"" +
           extra + "}";
}

}  // namespace

TEST_CASE("monitor --slow 20 --include-idle: the 3 sleeps are the only outliers, histograms count every call",
          "[integration][monitor]") {
    Monitored m({"--slow", "20", "--bpf-stats", "--include-idle"});
    m.work();
    // Histograms are in the kernel at once; the outlier records reach the
    // consumer at its next poll.
    std::string metrics;
    eventually([&] {
        metrics = m.scrape();
        return sample(metrics, "btrace_outliers_total") >= 3;
    });
    INFO(metrics);
    CHECK(sample(metrics, hist("_count", "getppid")) == 1000);
    CHECK(sample(metrics, hist("_count", "clock_nanosleep")) == 3);
    CHECK(sample(metrics, hist("_bucket", "clock_nanosleep", ",le=\"0.016777216\"")) == 0);
    CHECK(sample(metrics, hist("_bucket", "clock_nanosleep", ",le=\"0.067108864\"")) == 3);
    CHECK(sample(metrics, hist("_sum", "clock_nanosleep")) >= 0.15);
    CHECK(sample(metrics, "btrace_syscall_errors_total{syscall=\"openat\",comm=\"" + kComm + "\",errno=\"ENOENT\"}") ==
          1);
    CHECK(sample(metrics, "btrace_outliers_total") == 3);
    CHECK(sample(metrics, "btrace_events_lost_total") == 0);
    CHECK(sample(metrics, "btrace_bpf_program_runs_total{program=\"on_sys_exit\"}") > 0);

    // The exposition is valid Prometheus text, lint included.
    const std::string file = temp_path("metrics.txt");
    write_file(file, metrics);
    auto check = run({"sh", "-c", "promtool check metrics < " + file});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);

    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(lines_of(outliers).size() == 3);
    CHECK(count_matching(outliers, R"(^\S+ \((5\d|6\d)\.\d+ ms\): monitor_target/\d+ clock_nanosleep\(.* = 0$)") == 3);
}

TEST_CASE("monitor --stack: each outlier with its stack, named from /proc", "[integration][monitor][stack]") {
    Monitored m({"--slow", "20", "--include-idle", "--stack"});
    m.work();
    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(count_matching(outliers, R"(^\S+ \(\d+\.\d+ ms\): monitor_target/\d+ clock_nanosleep\(.* = 0$)") == 3);
    // libc's clock_nanosleep (under its nanosleep), called from the helper's main.
    CHECK(count_matching(outliers, R"(^ > /\S+/libc\.so\.6\(\w*clock_nanosleep\w*\+0x[0-9a-f]+\) \[0x[0-9a-f]+\])") == 3);
    CHECK(count_matching(outliers, R"(^ > /\S+/monitor_target\(main\+0x[0-9a-f]+\) \[0x[0-9a-f]+\])") == 3);
    CHECK(count_matching(outliers, R"(^ > \.\.\. )") == 0);
}

TEST_CASE("monitor --errors: failed calls are outliers too, with the fd or path decoded", "[integration][monitor]") {
    Monitored m({"--slow", "1000", "--errors", "--json"});
    m.work();
    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(lines_of(outliers).size() == 1);
    CHECK(has_line(outliers, R"("syscall":"openat".*/nonexistent/btrace-flight-marker.*"errno":"ENOENT")"));
}

TEST_CASE("monitor --flight: SIGUSR1 dumps the calls before it, and so does a SIGKILL",
          "[integration][monitor]") {
    Monitored m({"--slow", "1000", "--flight", "10", "--include-idle"});
    m.work();
    kill(m.monitor->pid(), SIGUSR1);
    REQUIRE(eventually([&] { return read_file(m.out).find("flight recorder") != std::string::npos; }));
    std::string dumped = read_file(m.out);
    INFO(dumped);
    CHECK(has_line(dumped, R"(^--- flight recorder: the last 10 calls of pid \d+ \(SIGUSR1\) ---$)"));
    // The last 10: the write of "done" (its data not shown: no --capture-data) and the openat
    // just before, after the sleeps.
    CHECK(has_line(dumped, R"(monitor_target/\d+ openat\(.*"/nonexistent/btrace-flight-marker".* = -1 ENOENT)"));
    CHECK(count_matching(dumped, R"(monitor_target/\d+ clock_nanosleep\()") == 3);
    CHECK(has_line(dumped, R"(monitor_target/\d+ write\(fd: 1<pipe:\[\d+\]>, buf: ""\.\.\., count: 5\) = 5$)"));

    m.work();
    kill(m.target.pid(), SIGKILL);
    m.target.wait();
    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(has_line(outliers, R"(^--- flight recorder: the last 10 calls of pid \d+ \(killed by SIGKILL\) ---$)"));
    CHECK(has_line(outliers, R"(\+\+\+ monitor_target/\d+ killed by SIGKILL \+\+\+)"));
}

TEST_CASE("monitor --flight-dir: each dump is a recording that btrace report decodes as the log would show it",
          "[integration][monitor][record]") {
    const std::string dir = temp_path("flights");
    REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    Monitored m({"--slow", "1000", "--flight", "10", "--include-idle", "--flight-dir", dir});
    m.work();
    kill(m.monitor->pid(), SIGUSR1);
    REQUIRE(eventually([&] { return read_file(m.out).find("flight recorder") != std::string::npos; }));
    // The file a dump's log line names.
    const auto file_in = [](const std::string& log, const std::string& regex) {
        const std::regex line_re(regex);
        std::smatch found;
        for (const auto& line : lines_of(log))
            if (std::regex_match(line, found, line_re))
                return found[1].str();
        return std::string();
    };
    const std::string first = file_in(
        read_file(m.out), R"(^--- flight recorder: the last 10 calls of pid \d+ \(SIGUSR1\) in (\S+/flight-\d+-\d{8}T\d{6}-1\.btr) ---$)");
    REQUIRE(!first.empty());
    const auto dumped = run({btrace_bin(), "report", first});
    INFO(dumped.out << dumped.err);
    REQUIRE(dumped.exit_code == 0);
    CHECK(dumped.err.empty());
    CHECK(lines_of(dumped.out).size() == 10);
    CHECK(has_line(dumped.out, R"(monitor_target/\d+ openat\(.*"/nonexistent/btrace-flight-marker".* = -1 ENOENT)"));
    CHECK(count_matching(dumped.out, R"(monitor_target/\d+ clock_nanosleep\()") == 3);
    // Named from the record's own description, as in the log.
    CHECK(has_line(dumped.out, R"(monitor_target/\d+ write\(fd: 1<pipe:\[\d+\]>, buf: ""\.\.\., count: 5\) = 5$)"));

    m.work();
    kill(m.target.pid(), SIGKILL);
    m.target.wait();
    const std::string outliers = m.stop();
    const std::string second =
        file_in(outliers, R"(^--- flight recorder: the last 10 calls of pid \d+ \(killed by SIGKILL\) in (\S+-2\.btr) ---$)");
    REQUIRE(!second.empty());
    const auto last = run({btrace_bin(), "report", second});
    REQUIRE(last.exit_code == 0);
    const auto lines = lines_of(last.out);
    REQUIRE(lines.size() == 11);  // the 10 calls, then the exit that set the dump off
    CHECK(std::regex_search(lines.back(), std::regex(R"(^\+\+\+ monitor_target/\d+ killed by SIGKILL \+\+\+$)")));
}

TEST_CASE("monitor: SIGHUP reopens -o FILE (logrotate), --rotate-size rotates it", "[integration][monitor]") {
    // A round is ~1000 outliers of 55-70 bytes (as long as the pids are), so it
    // rotates the file at least once. The output goes out in chunks as the
    // ring is drained, and a file rotates before the chunk that would take it
    // past 48K: a round can fill up to three files, never more.
    Monitored m({"--slow", "0", "--rotate-size", "48K", "--rotate-keep", "2"});
    const auto round_lines = [&] {
        const std::string all = read_file(m.out) + read_file(m.out + ".1") + read_file(m.out + ".2");
        return count_matching(all, R"(monitor_target/\d+ getppid\(\) = \d+)");
    };
    m.work();
    const bool all_written = eventually([&] { return round_lines() == 1000; });  // none still to drain
    INFO("round one: " << round_lines() << " lines; bytes in the file, .1, .2: " << read_file(m.out).size() << ", "
                       << read_file(m.out + ".1").size() << ", " << read_file(m.out + ".2").size()
                       << "; monitor's stderr: " << read_file(m.err));
    REQUIRE(all_written);
    CHECK(access((m.out + ".1").c_str(), F_OK) == 0);
    CHECK(access((m.out + ".3").c_str(), F_OK) != 0);

    // logrotate's way: the files are moved away, then SIGHUP.
    REQUIRE(rename(m.out.c_str(), (m.out + ".old").c_str()) == 0);
    std::remove((m.out + ".1").c_str());
    std::remove((m.out + ".2").c_str());
    kill(m.monitor->pid(), SIGHUP);
    REQUIRE(eventually([&] { return access(m.out.c_str(), F_OK) == 0; }));
    m.work();
    // The second round, all of it, went to the reopened file and its rotations.
    m.stop();
    CHECK(round_lines() == 1000);
    CHECK(access((m.out + ".3").c_str(), F_OK) != 0);
}

TEST_CASE("monitor: a real Prometheus scrapes the endpoint and answers a histogram query",
          "[integration][monitor]") {
    Monitored m({"--slow", "1000"});
    m.work();
    const std::string dir = temp_path("prometheus");
    std::filesystem::create_directories(dir);
    const std::string config = dir + "/prometheus.yml";
    write_file(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: btrace\n    static_configs:\n"
                       "      - targets: ['127.0.0.1:" + std::to_string(m.port) + "']\n");
    const int web_port = free_port();
    REQUIRE(web_port != 0);
    Background prometheus({"prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir + "/data",
                           "--web.listen-address=127.0.0.1:" + std::to_string(web_port)},
                          dir + "/prometheus.log");
    const std::string query = "btrace_syscall_duration_seconds_count{syscall=\"getppid\",comm=\"" + kComm + "\"}";
    // The instant vector's one sample: "value":[<time>,"<value>"].
    const std::regex sample(R"re("value":\[[0-9.]+,"([^"]+)"\])re");
    std::smatch m_value;
    std::string answer;  // outlives m_value, which points into it
    const bool answered = eventually(
        [&] {
            answer = http_get(web_port, httplib::append_query_params("/api/v1/query", {{"query", query}}))
                         .value_or("");
            return std::regex_search(answer, m_value, sample);
        },
        30000);
    INFO(answer << read_file(dir + "/prometheus.log"));
    REQUIRE(answered);
    CHECK(m_value[1].str() == "1000");
    m.stop();
}

TEST_CASE("monitor: idle waits are counted but are not outliers, unless --include-idle", "[integration][monitor]") {
    const std::string comm = "idle_waits";
    const auto series = [&](const std::string& syscall) {
        return "btrace_syscall_duration_seconds_count{syscall=\"" + syscall + "\",comm=\"" + comm + "\"}";
    };
    // The untimed futex wait a thread ends (a contended lock's) is the one outlier.
    const std::string untimed = R"(idle_waits/\d+ futex\(uaddr: 0x[0-9a-f]+, op: FUTEX_WAIT_PRIVATE, val: 0, utime: NULL.* = 0$)";
    {
        Monitored m({"--slow", "30", "--errors"}, "idle_waits");
        m.work();
        std::string metrics;
        eventually([&] {
            metrics = m.scrape();
            return sample(metrics, "btrace_outliers_total") >= 1 && sample(metrics, series("epoll_wait")) >= 1;
        });
        INFO(metrics);
        // Counted all the same: the metrics see every call.
        CHECK(sample(metrics, series("epoll_wait")) == 1);
        CHECK(sample(metrics, series("clock_nanosleep")) == 2);  // the helper's and its thread's
        CHECK(sample(metrics, series("futex")) >= 3);            // timed, untimed, wake
        CHECK(sample(metrics, "btrace_syscall_errors_total{syscall=\"futex\",comm=\"" + comm +
                                  "\",errno=\"ETIMEDOUT\"}") == 1);
        const std::string outliers = m.stop();
        INFO(outliers);
        CHECK(lines_of(outliers).size() == 1);
        CHECK(count_matching(outliers, untimed) == 1);
    }
    Monitored m({"--slow", "30", "--errors", "--include-idle"}, "idle_waits");
    m.work();
    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(count_matching(outliers, untimed) == 1);
    CHECK(count_matching(outliers, R"(idle_waits/\d+ futex\(.*op: FUTEX_WAIT_PRIVATE, val: 0, utime: \{tv_sec=0, tv_nsec=60000000\}.* = -1 ETIMEDOUT)") == 1);
    CHECK(count_matching(outliers, R"(idle_waits/\d+ p?poll\()") == 1);
    CHECK(count_matching(outliers, R"(idle_waits/\d+ epoll_p?wait\()") == 1);
    CHECK(count_matching(outliers, R"(idle_waits/\d+ clock_nanosleep\()") == 2);
    CHECK(lines_of(outliers).size() == 6);
}

TEST_CASE("monitor -e trace=openat: only openat can be an outlier, the metrics still count all", "[integration][monitor]") {
    Monitored m({"--slow", "0", "-e", "trace=openat"});
    m.work();
    std::string metrics;
    eventually([&] {
        metrics = m.scrape();
        return sample(metrics, "btrace_outliers_total") >= 1;
    });
    INFO(metrics);
    CHECK(sample(metrics, hist("_count", "getppid")) == 1000);
    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(lines_of(outliers).size() == 1);
    CHECK(has_line(outliers, R"(monitor_target/\d+ openat\(.*"/nonexistent/btrace-flight-marker".* = -1 ENOENT)"));
}

TEST_CASE("monitor -e: a bad set is one line and exit 2", "[integration][monitor]") {
    const Output bad = run({btrace_bin(), "monitor", "-e", "trace=opnat"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "btrace: -e trace=opnat: unknown syscall 'opnat' (did you mean 'openat'?)\n");
}

namespace {

// A shell under the monitor (-p: its children follow) that waits for a line
// on a FIFO, then runs two true, a head whose read waits 50 ms for a
// subshell's sleep and echo, and a shell that kills itself with SIGTERM.
// Returns the monitor's output.
std::string monitor_exits(const std::vector<std::string>& options) {
    const std::string fifo = temp_path("exits.fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    Background shell({"sh", "-c",
                      "echo ready; read go < " + fifo + "; /bin/true; /bin/true; "
                      "(sleep 0.05; echo x) | head -c 1 > /dev/null; sh -c 'kill -TERM $$'; echo done"});
    REQUIRE(shell.read_line() == "ready");
    const std::string out = temp_path("exits.out"), err = temp_path("exits.err");
    std::vector<std::string> argv{btrace_bin(), "monitor", "-p", std::to_string(shell.pid()), "-o", out, "--slow", "20"};
    argv.insert(argv.end(), options.begin(), options.end());
    Background monitor(argv, err);
    REQUIRE(eventually([&] { return attached(monitor.pid()); }));
    write_file(fifo, "go\n");
    CHECK(shell.read_line() == "done");
    CHECK(shell.wait() == 0);
    INFO(read_file(err));
    CHECK(monitor.wait() == 0);  // every -p process is gone
    return read_file(out);
}

}  // namespace

TEST_CASE("monitor: only telling exits are logged (killed, or with outliers), --all-exits logs every one",
          "[integration][monitor]") {
    const std::string quiet = monitor_exits({});
    INFO(quiet);
    CHECK(count_matching(quiet, R"(^\S+ \(\s*\d+\.\d+ ms\): head/\d+ read\(fd: 0<pipe:\[\d+\]>, buf: ""\.\.\., count: 1\) = 1$)") == 1);
    CHECK(count_matching(quiet, R"(^\S+ \+\+\+ head/\d+ exited with 0 \+\+\+$)") == 1);
    CHECK(count_matching(quiet, R"(^\S+ \+\+\+ sh/\d+ killed by SIGTERM \+\+\+$)") == 1);
    CHECK(count_matching(quiet, R"(true/\d+|sleep/\d+)") == 0);
    CHECK(count_matching(quiet, R"(wait4\(|clock_nanosleep\()") == 0);  // idle waits
    CHECK(lines_of(quiet).size() == 3);

    const std::string all = monitor_exits({"--all-exits"});
    INFO(all);
    CHECK(count_matching(all, R"(^\S+ \+\+\+ true/\d+ exited with 0 \+\+\+$)") == 2);
    CHECK(count_matching(all, R"(^\S+ \+\+\+ sleep/\d+ exited with 0 \+\+\+$)") == 1);
    CHECK(count_matching(all, R"(^\S+ \+\+\+ head/\d+ exited with 0 \+\+\+$)") == 1);
    CHECK(count_matching(all, R"(^\S+ \+\+\+ sh/\d+ killed by SIGTERM \+\+\+$)") == 1);
    CHECK(count_matching(all, R"(^\S+ \+\+\+ sh/\d+ exited with 0 \+\+\+$)") == 2);  // the subshell, the shell
}

TEST_CASE("monitor --sched: outliers carry their split and runqueue histograms count every call",
          "[integration][monitor][sched]") {
    Monitored m({"--slow", "20", "--sched", "--include-idle"});  // the sleeps are the outliers
    m.work();
    std::string metrics;
    eventually([&] {
        metrics = m.scrape();
        return sample(metrics, "btrace_outliers_total") >= 3;
    });
    INFO(metrics);
    const auto runq = [](const std::string& suffix, const std::string& syscall) {
        return "btrace_syscall_runqueue_seconds" + suffix + "{syscall=\"" + syscall + "\",comm=\"" + kComm + "\"}";
    };
    CHECK(sample(metrics, runq("_count", "getppid")) == 1000);
    CHECK(sample(metrics, runq("_count", "clock_nanosleep")) == 3);
    CHECK(sample(metrics, runq("_sum", "clock_nanosleep")) >= 0);
    const std::string file = temp_path("sched-metrics.txt");
    write_file(file, metrics);
    auto check = run({"sh", "-c", "promtool check metrics < " + file});
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);

    const std::string outliers = m.stop();
    INFO(outliers);
    CHECK(count_matching(outliers, R"(monitor_target/\d+ clock_nanosleep\(.* = 0 \(cpu \d+\.\d{3} blocked \d+\.\d{3} )"
                                   R"(runq \d+\.\d{3} ms, \d+ switch(es)?, woken by .+\)$)") == 3);
}
