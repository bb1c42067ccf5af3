// SPDX-License-Identifier: Apache-2.0
// Prometheus rendering of `btrace monitor` (bucket math, escaping, promtool's
// verdict) and the HTTP endpoint that serves it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstdio>
#include <iterator>
#include <filesystem>
#include <string>

#include "monitor/http_server.h"
#include "monitor/metrics.h"

using namespace btrace;

namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

// The lines of `text` that start with `prefix`.
std::string lines_starting(const std::string& text, std::string_view prefix) {
    std::string found;
    size_t start = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        const std::string_view line(text.data() + start, (end == std::string::npos ? text.size() : end + 1) - start);
        if (line.starts_with(prefix))
            found += line;
        start += line.size();
    }
    return found;
}

struct PromtoolVerdict {
    int exit_code = -1;
    std::string output;  // parse errors and lint problems; empty when clean
};

PromtoolVerdict promtool_check(const std::string& text) {
    std::string path = (std::filesystem::temp_directory_path() / "btrace-metrics-XXXXXX").string();
    const int fd = mkstemp(path.data());
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    close(fd);
    PromtoolVerdict verdict;
    FILE* pipe = popen(fmt::format("{} check metrics < '{}' 2>&1", kPromtool, path).c_str(), "r");
    REQUIRE(pipe);
    char chunk[4096];
    for (size_t n; (n = fread(chunk, 1, sizeof(chunk), pipe)) > 0;)
        verdict.output.append(chunk, n);
    const int status = pclose(pipe);
    unlink(path.c_str());
    verdict.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return verdict;
}

void require_promtool_accepts(const std::string& text) {
    // scripts/setup installs promtool: its absence is a broken setup, not a reason to skip.
    if (access(kPromtool, X_OK) != 0)
        FAIL(kPromtool << " is missing: run scripts/setup (Debian package prometheus)");
    const auto verdict = promtool_check(text);
    INFO("metrics:\n" << text);
    INFO("promtool said:\n" << verdict.output);
    CHECK(verdict.exit_code == 0);
    CHECK(verdict.output.empty());
}

monitor::MetricsSnapshot busy_snapshot() {
    monitor::MetricsSnapshot snapshot;
    snapshot.group_label = "cgroup";
    monitor::HistogramSeries read;
    read.syscall = "read";
    read.group = "/system.slice/nginx.service";
    read.log2_buckets[0] = 1;
    read.log2_buckets[11] = 40;
    read.log2_buckets[25] = 2;
    read.count = 43;
    read.sum_ns = 67'200'000;
    monitor::HistogramSeries odd;
    odd.syscall = "openat";
    odd.group = "/user.slice/\"quoted\" \\ and\nnewline \xc3";
    odd.log2_buckets[14] = 3;
    odd.count = 3;
    odd.sum_ns = 30'000;
    snapshot.histograms = {read, odd};
    snapshot.errors = {{"openat", "/system.slice/nginx.service", "ENOENT", 12}, {"read", odd.group, "EAGAIN", 1}};
    snapshot.events_lost = 5;
    snapshot.outliers = 17;
    snapshot.map_overflows = 2;
    snapshot.programs = {{"on_sys_enter", 1'234'567, 890}, {"on_sys_exit", 2'000'000'000, 900}};
    snapshot.bpf_stats_enabled = true;
    snapshot.consumer_cpu_seconds = 0.125;
    snapshot.resident_bytes = 24 << 20;
    return snapshot;
}

}  // namespace

TEST_CASE("Histogram buckets accumulate the kernel's log2 buckets", "[metrics]") {
    monitor::MetricsSnapshot snapshot;
    monitor::HistogramSeries series;
    series.syscall = "read";
    series.group = "cat";
    series.log2_buckets[0] = 1;   // 0 ns
    series.log2_buckets[10] = 2;  // [512, 1024) ns
    series.log2_buckets[11] = 3;  // [1024, 2048) ns
    series.log2_buckets[12] = 4;  // [2048, 4096) ns
    series.log2_buckets[20] = 5;  // [~0.5 ms, ~1 ms)
    series.log2_buckets[39] = 6;  // beyond the last bound: only in +Inf
    series.count = 21;
    series.sum_ns = 1'500'000'000;
    snapshot.histograms = {series};

    CHECK(lines_starting(monitor::render_prometheus(snapshot), "btrace_syscall_duration_seconds_") ==
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"1.024e-06\"} 3\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"4.096e-06\"} 10\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"1.6384e-05\"} 10\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"6.5536e-05\"} 10\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"0.000262144\"} 10\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"0.001048576\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"0.004194304\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"0.016777216\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"0.067108864\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"0.268435456\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"1.073741824\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"4.294967296\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"17.179869184\"} 15\n"
          "btrace_syscall_duration_seconds_bucket{syscall=\"read\",comm=\"cat\",le=\"+Inf\"} 21\n"
          "btrace_syscall_duration_seconds_sum{syscall=\"read\",comm=\"cat\"} 1.5\n"
          "btrace_syscall_duration_seconds_count{syscall=\"read\",comm=\"cat\"} 21\n");
}

TEST_CASE("A count read before its bucket does not put +Inf below a finite bucket", "[metrics]") {
    monitor::MetricsSnapshot snapshot;
    monitor::HistogramSeries series;
    series.syscall = "write";
    series.group = "dd";
    series.log2_buckets[5] = 3;
    series.count = 2;
    snapshot.histograms = {series};
    const auto text = monitor::render_prometheus(snapshot);
    CHECK(lines_starting(text, "btrace_syscall_duration_seconds_bucket{syscall=\"write\",comm=\"dd\",le=\"+Inf\"}") ==
          "btrace_syscall_duration_seconds_bucket{syscall=\"write\",comm=\"dd\",le=\"+Inf\"} 3\n");
    CHECK(lines_starting(text, "btrace_syscall_duration_seconds_count") ==
          "btrace_syscall_duration_seconds_count{syscall=\"write\",comm=\"dd\"} 3\n");
}

TEST_CASE("Bucket bounds are the powers of four from 1 us to 17 s, in nanoseconds", "[metrics]") {
    const auto& bounds = monitor::bucket_bounds_ns();
    REQUIRE(bounds.size() == 13);
    CHECK(bounds.front() == 1024);
    CHECK(bounds.back() == uint64_t{1} << 34);
    for (size_t i = 1; i < bounds.size(); ++i)
        CHECK(bounds[i] == bounds[i - 1] * 4);
}

TEST_CASE("Label values escape backslash, double quote and newline", "[metrics]") {
    monitor::MetricsSnapshot snapshot;
    snapshot.errors = {{"openat", "a\"b\\c\nd", "ENOENT", 1}};
    snapshot.programs = {{"on\\\"x\"", 0, 0}};
    const auto text = monitor::render_prometheus(snapshot);
    CHECK(lines_starting(text, "btrace_syscall_errors_total{") ==
          "btrace_syscall_errors_total{syscall=\"openat\",comm=\"a\\\"b\\\\c\\nd\",errno=\"ENOENT\"} 1\n");
    CHECK(lines_starting(text, "btrace_bpf_program_runs_total{") ==
          "btrace_bpf_program_runs_total{program=\"on\\\\\\\"x\\\"\"} 0\n");
}

TEST_CASE("Label values that are not UTF-8 get U+FFFD instead of failing the scrape", "[metrics]") {
    monitor::MetricsSnapshot snapshot;
    // A comm cut mid-character, a stray continuation byte, an overlong '/', and intact UTF-8.
    snapshot.errors = {{"read", "caf\xc3", "EIO", 1}, {"read", "x\x80y", "EIO", 1},
                       {"read", "\xc0\xaf", "EIO", 1}, {"read", "日本\xe2\x82\xac", "EIO", 1}};
    const auto text = monitor::render_prometheus(snapshot);
    CHECK(lines_starting(text, "btrace_syscall_errors_total{") ==
          "btrace_syscall_errors_total{syscall=\"read\",comm=\"caf\xef\xbf\xbd\",errno=\"EIO\"} 1\n"
          "btrace_syscall_errors_total{syscall=\"read\",comm=\"x\xef\xbf\xbdy\",errno=\"EIO\"} 1\n"
          "btrace_syscall_errors_total{syscall=\"read\",comm=\"\xef\xbf\xbd\xef\xbf\xbd\",errno=\"EIO\"} 1\n"
          "btrace_syscall_errors_total{syscall=\"read\",comm=\"日本\xe2\x82\xac\",errno=\"EIO\"} 1\n");
    require_promtool_accepts(text);
}

TEST_CASE("An empty snapshot still describes every metric family", "[metrics]") {
    const auto text = monitor::render_prometheus({});
    const std::pair<const char*, const char*> families[] = {
        {"btrace_syscall_duration_seconds", "histogram"},
        {"btrace_syscall_errors_total", "counter"},
        {"btrace_events_lost_total", "counter"},
        {"btrace_outliers_total", "counter"},
        {"btrace_map_overflows_total", "counter"},
        {"btrace_bpf_program_run_time_seconds_total", "counter"},
        {"btrace_bpf_program_runs_total", "counter"},
        {"btrace_bpf_stats_enabled", "gauge"},
        {"btrace_consumer_cpu_seconds_total", "counter"},
        {"btrace_resident_memory_bytes", "gauge"},
    };
    for (const auto& [name, type] : families) {
        INFO(name);
        CHECK(lines_starting(text, fmt::format("# HELP {} ", name)).size() > 0);
        CHECK(lines_starting(text, "# TYPE ").find(fmt::format("# TYPE {} {}\n", name, type)) != std::string::npos);
    }
    const auto line_count = [](const std::string& lines) {
        return static_cast<size_t>(std::count(lines.begin(), lines.end(), '\n'));
    };
    CHECK(line_count(lines_starting(text, "# HELP ")) == std::size(families));
    CHECK(line_count(lines_starting(text, "# TYPE ")) == std::size(families));
    CHECK(lines_starting(text, "btrace_syscall_duration_seconds").empty());
    CHECK(lines_starting(text, "btrace_events_lost_total") == "btrace_events_lost_total 0\n");
    CHECK(lines_starting(text, "btrace_bpf_stats_enabled") == "btrace_bpf_stats_enabled 0\n");
    require_promtool_accepts(text);
}

TEST_CASE("promtool check metrics accepts a busy snapshot without lint problems", "[metrics]") {
    const auto text = monitor::render_prometheus(busy_snapshot());
    CHECK(lines_starting(text, "btrace_bpf_program_run_time_seconds_total{program=\"on_sys_exit\"}") ==
          "btrace_bpf_program_run_time_seconds_total{program=\"on_sys_exit\"} 2\n");
    CHECK(lines_starting(text, "btrace_consumer_cpu_seconds_total") == "btrace_consumer_cpu_seconds_total 0.125\n");
    CHECK(lines_starting(text, "btrace_resident_memory_bytes") == "btrace_resident_memory_bytes 25165824\n");
    require_promtool_accepts(text);
}

TEST_CASE("parse_listen_address accepts PORT, :PORT, HOST:PORT and [IPv6]:PORT", "[metrics]") {
    const auto check = [](const std::string& text, const std::string& host, uint16_t port) {
        INFO(text);
        auto address = monitor::parse_listen_address(text);
        REQUIRE(address);
        CHECK(address->host == host);
        CHECK(address->port == port);
    };
    check("9090", "127.0.0.1", 9090);
    check(":9090", "127.0.0.1", 9090);
    check("0", "127.0.0.1", 0);
    check("65535", "127.0.0.1", 65535);
    check("0.0.0.0:9100", "0.0.0.0", 9100);
    check("localhost:80", "localhost", 80);
    check("[::1]:9090", "::1", 9090);
    check("[::]:0", "::", 0);
}

TEST_CASE("parse_listen_address rejects malformed addresses in one line", "[metrics]") {
    const auto why = [](const std::string& text) {
        auto address = monitor::parse_listen_address(text);
        return address ? std::string("accepted") : address.error().message;
    };
    for (const char* text : {"", "abc", "65536", "-1", "+80", "9090x", "host:", "host: 80", "[::1]", "[]:80"}) {
        INFO(text);
        const auto message = why(text);
        CHECK(message.starts_with(fmt::format("--metrics {}: ", text)));
        CHECK(message.find('\n') == std::string::npos);
    }
    CHECK(why("65536") == "--metrics 65536: the port must be a number from 0 to 65535");
    CHECK(why("::1:9090") == "--metrics ::1:9090: an IPv6 address goes in brackets: [ADDRESS]:PORT");
    CHECK(why("[::1:9090") == "--metrics [::1:9090: missing ']' after the IPv6 address");
    CHECK(why("[::1]9090") == "--metrics [::1]9090: expected [ADDRESS]:PORT");
    CHECK(why("[]:80") == "--metrics []:80: empty IPv6 address");
}

TEST_CASE("MetricsServer answers GET /metrics with render() and 404 elsewhere", "[metrics]") {
    const std::string body = monitor::render_prometheus(busy_snapshot());
    auto started = monitor::MetricsServer::start({"127.0.0.1", 0}, [&](fmt::memory_buffer& out) { out.append(body); });
    REQUIRE(started);
    auto& server = *started;
    REQUIRE(server->port() != 0);

    httplib::Client client("127.0.0.1", server->port());
    const auto metrics = client.Get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    CHECK(metrics->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(metrics->body == body);

    const auto other = client.Get("/other");
    REQUIRE(other);
    CHECK(other->status == 404);
}

TEST_CASE("MetricsServer::start fails on a busy port or an address that is not local", "[metrics]") {
    const auto render = [](fmt::memory_buffer&) {};
    auto first = monitor::MetricsServer::start({"127.0.0.1", 0}, render);
    REQUIRE(first);
    const uint16_t port = (*first)->port();

    auto second = monitor::MetricsServer::start({"127.0.0.1", port}, render);
    REQUIRE_FALSE(second);
    CHECK(second.error().message == fmt::format("--metrics 127.0.0.1:{}: Address already in use", port));

    // 192.0.2.0/24 is reserved for documentation: no interface has it.
    auto elsewhere = monitor::MetricsServer::start({"192.0.2.1", 9090}, render);
    REQUIRE_FALSE(elsewhere);
    CHECK(elsewhere.error().message == "--metrics 192.0.2.1:9090: Cannot assign requested address");
}

namespace {

int connect_to(uint16_t port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    return fd;
}

// Sends request (if any) and reads until the server closes: the whole response.
std::string http_exchange(uint16_t port, std::string_view request) {
    const int fd = connect_to(port);
    REQUIRE(send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string response;
    char chunk[4096];
    for (ssize_t n; (n = recv(fd, chunk, sizeof(chunk), 0)) > 0;)
        response.append(chunk, static_cast<std::size_t>(n));
    close(fd);
    return response;
}

}  // namespace

TEST_CASE("MetricsServer refuses other methods and oversized requests, then closes", "[metrics]") {
    auto started = monitor::MetricsServer::start({"127.0.0.1", 0}, [](fmt::memory_buffer& out) { out.append(std::string_view("x 1\n")); },
                                                 {.request_bytes = 256});
    REQUIRE(started);
    const uint16_t port = (*started)->port();
    CHECK(http_exchange(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").ends_with("Content-Length: 4\r\nConnection: "
                                                                              "close\r\n\r\nx 1\n"));
    CHECK(http_exchange(port, "POST /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
    CHECK(http_exchange(port, "GET /metrics HTTP/1.1\r\n" + std::string(300, 'a')).starts_with("HTTP/1.1 431 "));
}

TEST_CASE("MetricsServer cuts a connection at its deadline and makes room for new ones", "[metrics]") {
    auto started = monitor::MetricsServer::start({"127.0.0.1", 0}, [](fmt::memory_buffer& out) { out.append(std::string_view("x 1\n")); },
                                                 {.deadline = std::chrono::milliseconds(2000), .connections = 2});
    REQUIRE(started);
    const uint16_t port = (*started)->port();
    // Two clients that never finish their request hold both slots...
    const int slow[2] = {connect_to(port), connect_to(port)};
    for (int fd : slow)
        REQUIRE(send(fd, "GET /", 5, 0) == 5);
    // ...and a scrape still gets in, long before their deadline: the oldest gives way.
    const auto before = std::chrono::steady_clock::now();
    CHECK(http_exchange(port, "GET /metrics HTTP/1.0\r\n\r\n").starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::milliseconds(1000));
    // Both are closed by the deadline (the first when it gave way), trickling or not.
    for (int fd : slow) {
        send(fd, "x", 1, MSG_NOSIGNAL);
        char byte;
        CHECK(recv(fd, &byte, 1, 0) <= 0);
        close(fd);
    }
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(3));
}

TEST_CASE("MetricsServer renders once per cache interval, whatever the number of scrapes", "[metrics]") {
    int renders = 0;
    auto started = monitor::MetricsServer::start({"127.0.0.1", 0}, [&](fmt::memory_buffer& out) { fmt::format_to(std::back_inserter(out), "{}\n", ++renders); },
                                                 {.cache = std::chrono::milliseconds(400)});
    REQUIRE(started);
    const uint16_t port = (*started)->port();
    for (int i = 0; i < 5; ++i)
        CHECK(http_exchange(port, "GET /metrics HTTP/1.1\r\n\r\n").ends_with("\r\n\r\n1\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(450));
    CHECK(http_exchange(port, "GET /metrics HTTP/1.1\r\n\r\n").ends_with("\r\n\r\n2\n"));
}
