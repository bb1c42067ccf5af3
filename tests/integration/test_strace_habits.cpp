// SPDX-License-Identifier: Apache-2.0
// strace's options as strace 6.1 (the oracle) does them: -ff -o PREFIX, -A,
// -x/-xx strings, -q/-qq, -w, t= and s=, stamps on +++ lines, -t with -r,
// and -c without the calls that never return.
#include <catch2/catch.hpp>
#include <dirent.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

// The suffixes N of the files PREFIX.N in prefix's directory.
std::set<std::string> suffixes(const std::string& prefix) {
    const auto slash = prefix.rfind('/');
    const std::string dir = prefix.substr(0, slash), base = prefix.substr(slash + 1) + ".";
    std::set<std::string> found;
    if (DIR* d = opendir(dir.c_str())) {
        while (const dirent* e = readdir(d))
            if (std::string name = e->d_name; name.rfind(base, 0) == 0)
                found.insert(name.substr(base.size()));
        closedir(d);
    }
    return found;
}

// The first quoted string argument of the first line that matches call_regex.
std::string quoted_arg(const std::string& text, const std::string& call_regex) {
    std::smatch m;
    for (const auto& line : lines_of(text))
        if (std::regex_search(line, std::regex(call_regex)) &&
            std::regex_search(line, m, std::regex(R"re(("(?:[^"\\]|\\.)*"))re")))
            return m[1];
    return "";
}

}  // namespace

TEST_CASE("strace -ff -o PREFIX: a file per thread, PREFIX.TID, as strace -ff", "[integration][strace]") {
    const std::string prefix = temp_path("ff"), strace_prefix = temp_path("sff");
    const Output out = run({btrace_bin(), "-ff", "-o", prefix, "--", helper("fork_thread")});
    INFO(out.err);
    REQUIRE(out.exit_code == 0);
    strace_of({helper("fork_thread")}, {"-ff", "-o", strace_prefix});  // -o PREFIX twice: the last wins
    const auto files = suffixes(prefix);
    CHECK(files.size() == suffixes(strace_prefix).size());  // the process, its child and its thread
    CHECK(files.size() == 3);
    for (const auto& tid : files) {
        const std::string text = read_file(prefix + "." + tid);
        INFO(tid << ":\n" << text);
        CHECK(!text.empty());
        for (const auto& line : lines_of(text))
            CHECK(std::regex_search(line, std::regex("fork_thread/" + tid + " ")));
    }
    CHECK_FALSE(suffixes(prefix).count(""));  // no PREFIX itself
}

TEST_CASE("strace -A: appends to -o FILE - without it the file is replaced", "[integration][strace]") {
    const std::string path = temp_path("append.txt");
    write_file(path, "before\n");
    REQUIRE(run({btrace_bin(), "-A", "-o", path, "-e", "trace=exit_group", "--", "true"}).exit_code == 0);
    const std::string appended = read_file(path);
    CHECK(appended.rfind("before\n", 0) == 0);
    CHECK(has_line(appended, R"(true/\d+ exit_group\(error_code: 0\) = \?$)"));
    REQUIRE(run({btrace_bin(), "-o", path, "-e", "trace=exit_group", "--", "true"}).exit_code == 0);
    CHECK(read_file(path).find("before") == std::string::npos);
}

TEST_CASE("strings under -x and -xx print strings in hex exactly as strace does", "[integration][strace][decode]") {
    const std::vector<std::string> command = {"sh", "-c", R"(printf 'h\351llo\tx\n'; printf 'plain\tx\n')"};
    for (const char* flag : {"-x", "-xx"}) {
        INFO(flag);
        const std::string btrace = trace_ok(command, {flag, "-e", "trace=write"}).text;
        const std::string strace = strace_of(command, {flag, "-s", "256", "-e", "trace=write"});
        std::vector<std::string> ours, theirs;  // the two strings written, in each one's form
        for (const auto& line : lines_of(btrace))
            if (line.find(" write(") != std::string::npos)
                ours.push_back(quoted_arg(line, "write"));
        for (const auto& line : lines_of(strace))
            if (line.rfind("write(", 0) == 0)
                theirs.push_back(quoted_arg(line, "write"));
        CHECK(ours == theirs);
        CHECK(ours.size() == 2);
    }
    // -x leaves a plain string alone; -xx puts paths in hex too (openat's "/etc/h...").
    CHECK(has_line(trace_ok(command, {"-x", "-e", "trace=write"}).text, R"(buf: "plain\\tx\\n")"));
    const std::vector<std::string> cat = {"cat", "/etc/hostname"};
    const std::string etc_h = R"(\\x2f\\x65\\x74\\x63\\x2f\\x68)";
    const std::string ours = quoted_arg(trace_ok(cat, {"-xx", "-e", "trace=openat"}).text, etc_h);
    CHECK(!ours.empty());
    CHECK(ours == quoted_arg(strace_of(cat, {"-xx", "-e", "trace=openat"}), etc_h));
}

TEST_CASE("stamps of -t, -tt, -ttt and -r on +++ lines as strace does - -t -r shows both", "[integration][strace][output]") {
    const std::vector<std::string> command = {"true"};
    const std::vector<std::pair<const char*, std::string>> forms = {
        {"-t", R"(\d\d:\d\d:\d\d)"}, {"-tt", R"(\d\d:\d\d:\d\d\.\d{6})"}, {"-ttt", R"(\d{10}\.\d{6})"},
        {"-r", R"( +\d+\.\d+)"}};
    for (const auto& [flag, stamp] : forms) {
        INFO(flag);
        CHECK(has_line(strace_of(command, {flag}), "^" + stamp + R"( \+\+\+ exited with 0 \+\+\+$)"));
        CHECK(has_line(trace_ok(command, {flag}).text, "^" + stamp + R"( \+\+\+ true/\d+ exited with 0 \+\+\+$)"));
    }
    // btrace's own column (ms since start) is not strace's: +++ lines stay unstamped.
    CHECK(has_line(trace_ok(command).text, R"(^\+\+\+ true/\d+ exited with 0 \+\+\+$)"));
    // strace 6.1 -t -r: 16:27:18 (+     0.000000) execve(...
    CHECK(has_line(strace_of(command, {"-t", "-r"}), R"(^\d\d:\d\d:\d\d \(\+ +\d+\.\d{6}\) execve\()"));
    const std::string both = trace_ok(command, {"-t", "-r"}).text;
    CHECK(has_line(both, R"(^\d\d:\d\d:\d\d \(\+ +0\.000\) \( *\d+\.\d{3} ms\): true/\d+ execve\()"));
    CHECK(has_line(both, R"(^\d\d:\d\d:\d\d \(\+ +\d+\.\d{3}\) \+\+\+ true/\d+ exited with 0 \+\+\+$)"));
}

TEST_CASE("quiet: -qq drops the +++ lines, -q keeps them (btrace has no attach messages)", "[integration][strace]") {
    CHECK(has_line(trace_ok({"true"}, {"-q"}).text, R"(^\+\+\+ true/\d+ exited with 0 \+\+\+$)"));
    const std::string quiet = trace_ok({"true"}, {"-qq"}).text;
    CHECK(quiet.find("+++") == std::string::npos);
    CHECK(has_line(quiet, R"(exit_group\(error_code: 0\) = \?$)"));
    CHECK(strace_of({"true"}, {"-qq"}).find("+++") == std::string::npos);
}

TEST_CASE("qualifiers t= and s= are trace= and signal= - -w and --always-show-pid are accepted", "[integration][strace][filter]") {
    const std::string text = trace_ok({"sh", "-c", "true"}, {"-e", "t=execve", "-e", "s=none"}).text;
    CHECK(count_matching(text, R"( execve\()") == 1);
    CHECK(text.find(" openat(") == std::string::npos);
    CHECK(trace_ok({"true"}, {"-w", "--always-show-pid", "-e", "t=execve"}).text.find(" execve(") !=
          std::string::npos);
}

TEST_CASE("summary -c leaves exit_group out, as strace -c does", "[integration][strace][summary]") {
    const std::string ours = trace_ok({"true"}, {"-c"}).text;
    const std::string theirs = strace_of({"true"}, {"-c"});
    CHECK(theirs.find("exit_group") == std::string::npos);
    CHECK(ours.find("exit_group") == std::string::npos);
    CHECK(has_line(ours, R"( execve$)"));
}
