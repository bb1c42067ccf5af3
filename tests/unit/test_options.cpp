// SPDX-License-Identifier: Apache-2.0
#include <unistd.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/options.h"

using namespace btrace::cli;

namespace {

ParseResult parse_args(std::vector<const char*> args) {
    args.insert(args.begin(), "btrace");
    return parse(static_cast<int>(args.size()), args.data());
}

const Options& options_of(const ParseResult& result) {
    if (auto* error = std::get_if<btrace::Error>(&result))
        FAIL(error->message);
    return std::get<Options>(result);
}

std::string error_of(const ParseResult& result) {
    REQUIRE(std::holds_alternative<btrace::Error>(result));
    return std::get<btrace::Error>(result).message;
}

}  // namespace

TEST_CASE("COMMAND after -- keeps the command's own options", "[cli]") {
    auto result = parse_args({"-o", "out.txt", "--", "cat", "-n", "--", "/etc/issue"});
    const auto& opts = options_of(result);
    CHECK(opts.command == std::vector<std::string>{"cat", "-n", "--", "/etc/issue"});
    CHECK(opts.output_path == "out.txt");
    CHECK(opts.follow);
    CHECK(opts.pids.empty());
}

TEST_CASE("COMMAND without -- also works, like strace", "[cli]") {
    auto result = parse_args({"ls", "-l"});
    const auto& opts = options_of(result);
    CHECK(opts.command == std::vector<std::string>{"ls", "-l"});
}

TEST_CASE("option -p takes comma lists and repeats", "[cli]") {
    auto result = parse_args({"-p", "12,34", "-p", "56", "--no-follow"});
    const auto& opts = options_of(result);
    CHECK(opts.pids == std::vector<pid_t>{12, 34, 56});
    CHECK_FALSE(opts.follow);
}

TEST_CASE("strace's -f, -T and -y are accepted: btrace always follows, times and names fds", "[cli]") {
    auto result = parse_args({"-f", "-T", "-yy", "-p", "12"});
    const auto& opts = options_of(result);
    CHECK(opts.follow);
    CHECK(opts.pids == std::vector<pid_t>{12});
    CHECK(options_of(parse_args({"-y", "--", "true"})).command == std::vector<std::string>{"true"});
    CHECK(error_of(parse_args({"-ff", "--", "true"})).starts_with("-ff (a file per process) is not supported"));
    CHECK(error_of(parse_args({"-f", "--no-follow", "-p", "1"})) == "-f and --no-follow exclude each other");
}

TEST_CASE("path selection: -P takes paths, repeated, and not with -c, -S or --raw", "[cli]") {
    auto result = parse_args({"-P", "/etc/hostname", "--trace-path", "/tmp/x", "--", "cat"});
    CHECK(options_of(result).trace_paths == std::vector<std::string>{"/etc/hostname", "/tmp/x"});
    for (const char* other : {"-c", "-S", "--raw"})
        CHECK(error_of(parse_args({"-P", "/etc/hostname", other, "--", "cat"})) ==
              "-P picks calls by the paths read from them: not with -c, -S or --raw");
    CHECK(error_of(parse_args({"-P", "", "--", "cat"})) == "-P needs a path, not an empty one");
}

TEST_CASE("bad input gives one clear error", "[cli]") {
    CHECK(error_of(parse_args({})) == "nothing to trace: give -- COMMAND, -p PID or -a (see btrace --help)");
    CHECK(error_of(parse_args({"-p", "abc"})) == "-p 'abc': not a process id");
    CHECK(error_of(parse_args({"-p", "0"})) == "-p '0': not a process id");
    CHECK(error_of(parse_args({"-p", "1", "--", "true"})) == "give one of -- COMMAND, -p PID or -a/--comm/--cgroup");
    CHECK(error_of(parse_args({"--bogus"})) == "unknown option --bogus (see btrace --help)");
    CHECK(error_of(parse_args({"-p"})).find("-p") != std::string::npos);
    CHECK(std::get<btrace::Error>(parse_args({"--bogus"})).exit_code == 2);
}

TEST_CASE("help and version exit early with text", "[cli]") {
    auto help = parse_args({"--help"});
    REQUIRE(std::holds_alternative<EarlyExit>(help));
    CHECK(std::get<EarlyExit>(help).text.find("btrace -p 1234") != std::string::npos);
    auto version = parse_args({"--version"});
    REQUIRE(std::holds_alternative<EarlyExit>(version));
    CHECK(std::get<EarlyExit>(version).text == "btrace " BTRACE_VERSION "\n");
}

TEST_CASE("the default ring buffer is 4 MiB per CPU, a power of two from 8 to 32 MiB", "[cli]") {
    CHECK(default_buffer_bytes(1) == (8u << 20));
    CHECK(default_buffer_bytes(2) == (8u << 20));
    CHECK(default_buffer_bytes(3) == (16u << 20));
    CHECK(default_buffer_bytes(8) == (32u << 20));
    CHECK(default_buffer_bytes(256) == (32u << 20));
    CHECK(default_buffer_bytes(-1) == (8u << 20));  // sysconf failed
    auto parsed = parse_args({"--", "true"});
    REQUIRE(std::holds_alternative<Options>(parsed));
    CHECK(std::get<Options>(parsed).buffer_bytes == default_buffer_bytes(sysconf(_SC_NPROCESSORS_ONLN)));
    parsed = parse_args({"--buffer-size", "1M", "--", "true"});
    REQUIRE(std::holds_alternative<Options>(parsed));
    CHECK(std::get<Options>(parsed).buffer_bytes == (1u << 20));
}

TEST_CASE("buffer size accepts powers of two with K/M/G", "[cli]") {
    CHECK(*parse_buffer_size("16M") == (16u << 20));
    CHECK(*parse_buffer_size("64K") == (64u << 10));
    CHECK(*parse_buffer_size("1G") == (1u << 30));
    CHECK(*parse_buffer_size("65536") == 65536);
    CHECK_FALSE(parse_buffer_size("32K"));
    CHECK_FALSE(parse_buffer_size("3M"));
    CHECK_FALSE(parse_buffer_size("16X"));
    CHECK_FALSE(parse_buffer_size("0"));
    CHECK_FALSE(parse_buffer_size("1024"));
    CHECK_FALSE(parse_buffer_size(""));
    auto result = parse_args({"--buffer-size", "64M", "--", "true"});
    const auto& opts = options_of(result);
    CHECK(opts.buffer_bytes == (64u << 20));
}

TEST_CASE("data buffers: shown in a trace unless --no-data and hidden by the monitor unless --capture-data", "[cli]") {
    CHECK(options_of(parse_args({"--", "true"})).data);
    CHECK_FALSE(options_of(parse_args({"--no-data", "--", "true"})).data);
    CHECK_FALSE(options_of(parse_args({"monitor"})).data);
    CHECK(options_of(parse_args({"monitor", "--capture-data"})).data);
    CHECK(error_of(parse_args({"--capture-data", "--", "true"})) == "unknown option --capture-data (see btrace --help)");
}
