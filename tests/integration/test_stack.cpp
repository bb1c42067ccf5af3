// SPDX-License-Identifier: Apache-2.0
// -k: each call's user stack, unwound from the registers and stack copy its
// record carries, against the helper's known calls and strace -k.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

// The " > " lines under the first line matching call_regex.
std::vector<std::string> stack_after(const std::string& text, const std::string& call_regex) {
    std::vector<std::string> frames;
    bool in = false;
    for (const auto& line : lines_of(text)) {
        if (!in) {
            in = std::regex_search(line, std::regex(call_regex));
            continue;
        }
        if (line.rfind(" > ", 0) != 0)
            break;
        frames.push_back(line);
    }
    return frames;
}

// The function names of the frames in module (a path's tail), in order.
std::vector<std::string> functions_in(const std::vector<std::string>& frames, const std::string& module) {
    std::vector<std::string> names;
    std::smatch m;
    for (const auto& f : frames)
        if (std::regex_search(f, m, std::regex(module + R"(\(([^+)]*))")))
            names.push_back(m[1].str());
    return names;
}

// The frames in module as strace -k prints them: btrace's with the source line cut off.
std::vector<std::string> strace_form(const std::vector<std::string>& frames, const std::string& module) {
    std::vector<std::string> out;
    for (auto f : frames) {
        if (f.find(module + "(") == std::string::npos)
            continue;
        if (auto at = f.find(" at "); at != std::string::npos)
            f.erase(at);
        out.push_back(f);
    }
    return out;
}

const std::vector<std::string> kVariants = {"stack_calls_fp", "stack_calls_nofp"};

}  // namespace

TEST_CASE("stacks: a call's stack names the helper's functions in order, as strace -k does",
          "[integration][stack]") {
    for (const auto& variant : kVariants) {
        for (const std::string mode : {"direct", "lib", "thread", "exit"}) {
            INFO(variant << " " << mode);
            const Traced traced = trace_ok({helper(variant), mode}, {"-k", "-e", "trace=getppid"});
            INFO(traced.text);
            const auto frames = stack_after(traced.text, R"( getppid\(\) = \d+$)");
            REQUIRE(!frames.empty());
            CHECK(std::regex_search(frames[0], std::regex(R"(^ > /\S+/libc\.so\.6\(\w*getppid\+0x[0-9a-f]+\) \[0x[0-9a-f]+\])")));
            const std::string last = frames.back();
            CHECK(last.find(" > ... (") == std::string::npos);  // whole, to the outermost frame
            if (mode == "lib") {
                CHECK(functions_in(frames, "libstack_lib.so") == std::vector<std::string>{"lib_inner", "lib_outer"});
                CHECK(functions_in(frames, variant) == std::vector<std::string>{"main", "_start"});
            } else if (mode == "thread") {
                CHECK(functions_in(frames, variant) == std::vector<std::string>{"inner", "outer", "thread_main"});
            } else {
                CHECK(functions_in(frames, variant) == std::vector<std::string>{"inner", "outer", "main", "_start"});
            }
            // The helper's frames exactly as strace -k shows them (its module-relative addresses too).
            const std::string strace = strace_of({helper(variant), mode}, {"-f", "-k", "-e", "trace=getppid"});
            const auto strace_frames = stack_after(strace, R"(getppid\(\)\s+= \d+$)");
            for (const std::string& module : {variant, std::string("libstack_lib.so")})
                CHECK(strace_form(frames, module) == strace_form(strace_frames, module));
        }
    }
}

TEST_CASE("stacks: an inlined function is a frame of its own, with source lines", "[integration][stack]") {
    for (const auto& variant : kVariants) {
        INFO(variant);
        const Traced traced = trace_ok({helper(variant), "inline"}, {"-k", "-e", "trace=getppid"});
        const auto frames = stack_after(traced.text, R"( getppid\(\) = \d+$)");
        INFO(traced.text);
        REQUIRE(frames.size() >= 4);
        CHECK(std::regex_search(frames[1], std::regex("/" + variant + R"(\(leaf\) \[0x[0-9a-f]+\] at /\S+/stack_calls\.c:\d+ \(inlined\)$)")));
        CHECK(std::regex_search(frames[2], std::regex("/" + variant + R"(\(caller\+0x[0-9a-f]+\) \[0x[0-9a-f]+\] at /\S+/stack_calls\.c:\d+$)")));
        CHECK(functions_in(frames, variant) == std::vector<std::string>{"leaf", "caller", "main", "_start"});
    }
}

TEST_CASE("stacks: JSON carries the frames as an array", "[integration][stack]") {
    const Traced traced = trace_ok({helper("stack_calls_nofp"), "direct"}, {"-k", "--json", "-e", "trace=getppid"});
    INFO(traced.text);
    CHECK(has_line(traced.text,
                   R"("syscall":"getppid".*"stack":\[\{"pc":"0x[0-9a-f]+","module":"/\S+/libc\.so\.6","offset":"0x[0-9a-f]+",)"
                   R"("symbol":"\w*getppid","symbol_offset":\d+,.*\{"pc":"0x[0-9a-f]+","module":"/\S+/stack_calls_nofp",)"
                   R"("offset":"0x[0-9a-f]+","symbol":"inner","symbol_offset":\d+,"file":"/\S+/stack_calls\.c","line":\d+,)"
                   R"("inlined":false\},.*"symbol":"outer".*"symbol":"main".*\],"stack_cut":null,"kernel_frames":0,"kernel_stack_cut":null,"stack_doubt":null\}$)"));
}

TEST_CASE("stacks: only the calls shown carry one, and a short copy says where it ends", "[integration][stack]") {
    const Traced traced = trace_ok({helper("stack_calls_nofp"), "direct"}, {"-k", "-e", "trace=getppid,exit_group"});
    INFO(traced.text);
    // The loader's opens and mmaps are not shown, yet they named the helper's modules.
    CHECK(count_matching(traced.text, R"(^ > )") > 4);
    CHECK(count_matching(traced.text, R"(openat\(|mmap\()") == 0);
    CHECK(!stack_after(traced.text, R"( exit_group\(error_code: 0\) = \?$)").empty());

    const Traced short_copy =
        trace_ok({helper("stack_calls_nofp"), "direct"}, {"-k", "--stack-size", "64", "-e", "trace=getppid"});
    INFO(short_copy.text);
    const auto frames = stack_after(short_copy.text, R"( getppid\(\) = \d+$)");
    REQUIRE(!frames.empty());
    CHECK(frames.back() == " > ... (the stack copy ends here (--stack-size))");
    const Output bad = run({btrace_bin(), "-k", "--stack-size", "100000", "--", "true"});
    CHECK(bad.exit_code != 0);
    CHECK(lines_of(bad.err).size() == 1);
}

TEST_CASE("stacks: a module path from the traced side prints escaped", "[integration][stack][hardening]") {
    const std::string dir = temp_path("dir\x1b[31m\nx");
    std::filesystem::create_directories(dir);
    const std::string exe = dir + "/stack_calls";
    std::filesystem::copy_file(helper("stack_calls_nofp"), exe);
    chmod(exe.c_str(), 0755);
    const Traced traced = trace_ok({exe, "direct"}, {"-k", "-e", "trace=getppid"});
    INFO(traced.text);
    CHECK(traced.text.find('\x1b') == std::string::npos);
    CHECK(has_line(traced.text, R"(^ > /\S+dir\\33\[31m\\nx/stack_calls\(inner\+0x[0-9a-f]+\) )"));
}

TEST_CASE("stacks: -c -k groups the calls by stack, with counts, errors and percentiles", "[integration][stack]") {
    const Traced traced = trace_ok({helper("stack_calls_nofp"), "failing"}, {"-c", "-k", "-e", "trace=close"});
    INFO(traced.text);
    // The summary first, then no call line: the groups, the most time first.
    CHECK(has_line(traced.text, R"(^ *\d+\.\d+ +\d+\.\d+ +100\d +100\d .* close$)"));
    CHECK(count_matching(traced.text, R"(close\(fd: )") == 0);
    const auto from_a = stack_after(traced.text, R"(^ +600 calls, 600 errors, \d+\.\d{3} ms total, p50 \d+\.\d{3} ms, )"
                                                 R"(p99 \d+\.\d{3} ms, max \d+\.\d{3} ms: close$)");
    const auto from_b = stack_after(traced.text, R"(^ +400 calls, 400 errors, .*: close$)");
    CHECK(functions_in(from_a, "stack_calls_nofp") == std::vector<std::string>{"close_a", "main", "_start"});
    CHECK(functions_in(from_b, "stack_calls_nofp") == std::vector<std::string>{"close_b", "main", "_start"});

    const Traced json = trace_ok({helper("stack_calls_nofp"), "failing"}, {"-c", "-k", "--json", "-e", "trace=close"});
    INFO(json.text);
    CHECK(has_line(json.text, R"(^\{"type":"stack_summary","stacks":\[\{"syscall":"close","calls":600,"errors":600,)"
                              R"("total_ns":\d+,"p50_ns":\d+,"p99_ns":\d+,"max_ns":\d+,"stack":\[.*"symbol":"close_a".*)"
                              R"(\{"syscall":"close","calls":400,"errors":400,.*"symbol":"close_b")"));
}

TEST_CASE("stacks: node's JIT code is named from its perf map, its C++ demangled", "[integration][stack]") {
    const std::string script = temp_path("hot.js");
    write_file(script, "const fs = require('fs');\n"
                       "function hotLoop() { let s = 0; for (let i = 0; i < 3000; i++) s += fs.statSync('/etc/hostname').size; return s; }\n"
                       "for (let j = 0; j < 20; j++) hotLoop();\n");
    const Traced traced = trace_run({"node", "--perf-basic-prof", script}, {"-k", "-e", "trace=statx"});
    INFO(traced.output.err);
    CHECK(traced.output.exit_code == 0);
    // Not every call may be kept at this rate (each carries its stack): those lost are counted.
    CHECK(has_line(traced.text, R"(^ > /tmp/perf-\d+\.map\(JS:\S*hotLoop \S+hot\.js:2:\d+\+0x[0-9a-f]+\) \[0x[0-9a-f]+\]$)"));
    CHECK(has_line(traced.text, R"(^ > /usr/bin/node\(node::fs::Stat\(v8::FunctionCallbackInfo<v8::Value> const&\)\+0x[0-9a-f]+\) )"));
}

TEST_CASE("stacks: --kernel-stack shows where a call blocked, under every program and both compilers",
          "[integration][stack][kernel]") {
    std::vector<std::string> binaries{btrace_bin()};
#ifndef BTRACE_CLANG16_BIN
    FAIL("btrace-clang16 was not built: clang-16 missing (scripts/setup installs it)");
#else
    binaries.push_back(BTRACE_CLANG16_BIN);
#endif
    for (const auto& bin : binaries) {
        for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--sched", "-k"}}) {
            INFO(bin << " " << extra.size());
            const std::string path = temp_path("kstack.txt");
            std::vector<std::string> argv{bin, "--kernel-stack", "-e", "trace=read,getppid", "-o", path};
            argv.insert(argv.end(), extra.begin(), extra.end());
            argv.insert(argv.end(), {"--", helper("sched_calls"), "pipe"});
            const Output output = run(argv);
            INFO(output.err);
            REQUIRE(output.exit_code == 0);
            const std::string text = read_file(path);
            INFO(text);
            // The pipe read slept in the pipe's read, called from the syscall; no tracing frame comes first.
            const auto frames = stack_after(text, R"( read\(fd: 3<pipe:\[\d+\]>, buf: "x", count: 1\) = 1)");
            REQUIRE(frames.size() >= 4);
            CHECK(std::regex_search(frames[0], std::regex(R"(^ > \[kernel\.kallsyms\]\(__schedule\+0x[0-9a-f]+\) \[0xffff[0-9a-f]+\]$)")));
            CHECK(has_line(text, R"(^ > \[kernel\.kallsyms\]\(\w*pipe_read\+0x[0-9a-f]+\) )"));
            CHECK(has_line(text, R"(^ > \[kernel\.kallsyms\]\(entry_SYSCALL_64\w*\+0x[0-9a-f]+\) )"));
            if (!extra.empty())  // then the user stack, from libc's read
                CHECK(has_line(text, R"(^ > /\S+/libc\.so\.6\(\w*read\w*\+0x[0-9a-f]+\) )"));
        }
    }
}

TEST_CASE("stacks: -p names a running process's frames from its /proc maps", "[integration][stack]") {
    Background target({helper("stack_calls_nofp"), "loop"});
    REQUIRE(target.read_line() == "ready");
    const std::string path = temp_path("attached.txt");
    const Output output = run({btrace_bin(), "-k", "-e", "trace=getppid", "--max-events", "3", "-o", path, "-p",
                               std::to_string(target.pid())});
    INFO(output.err);
    CHECK(output.exit_code == 0);
    const std::string text = read_file(path);
    INFO(text);
    const auto frames = stack_after(text, R"( getppid\(\) = \d+$)");
    CHECK(functions_in(frames, "stack_calls_nofp") == std::vector<std::string>{"inner", "outer", "main", "_start"});
    CHECK(target.alive());  // left running, untraced
}

TEST_CASE("stacks: after a loss that took a dlclose and a dlopen, frames name the library mapped now",
          "[integration][stack]") {
    // The copy is mapped where the library was, by records lost with a full
    // ring: without reading /proc again, its frames would name the library.
    // (mmap and munmap are shown so that they carry stacks: as large as the
    // writes', they find no room either.)
    const std::string library = helper("libstack_lib.so");
    const std::string copy = temp_path("libstack_copy.so");
    std::filesystem::copy_file(library, copy);
    const std::string path = temp_path("reload.out");
    Background btrace({btrace_bin(), "--buffer-size", "64K", "-k", "-e", "trace=getppid,write,mmap,munmap", "-o", path, "--",
                       helper("stack_reload"), library, copy},
                      path + ".err");
    REQUIRE(btrace.read_line(10000) == "stop");
    kill(btrace.pid(), SIGSTOP);
    const std::string resume = btrace.read_line(20000);
    kill(btrace.pid(), SIGCONT);
    REQUIRE(resume == "resume");
    REQUIRE(btrace.wait(30000) == 0);
    const std::string text = read_file(path);
    INFO(text);
    INFO(read_file(path + ".err"));
    const auto lines = lines_of(text);
    const auto loss = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return std::regex_search(line, std::regex(R"(^\.\.\. \d+ calls? .*lost \.\.\.$)"));
    });
    REQUIRE(loss != lines.end());
    std::vector<std::vector<std::string>> getppid_stacks;
    bool after_loss = false;
    for (auto it = lines.begin(); it != lines.end(); ++it) {
        after_loss = after_loss || it == loss;
        if (it->rfind(" > ", 0) == 0) {
            CHECK_FALSE((after_loss && it->find(library + "(") != std::string::npos));
            continue;
        }
        if (!std::regex_search(*it, std::regex(R"( getppid\(\) = \d+$)")))
            continue;
        auto& frames = getppid_stacks.emplace_back();
        for (auto f = it + 1; f != lines.end() && f->rfind(" > ", 0) == 0; ++f)
            frames.push_back(*f);
    }
    REQUIRE(getppid_stacks.size() == 2);
    CHECK(functions_in(getppid_stacks[0], library) == std::vector<std::string>{"lib_inner", "lib_outer"});
    CHECK(functions_in(getppid_stacks[1], copy) == std::vector<std::string>{"lib_inner", "lib_outer"});
    // Made a second after the mappings were read again: not in doubt.
    CHECK(getppid_stacks[1].back().find("mappings read again") == std::string::npos);
}

TEST_CASE("stacks: a library replaced on disk after it was mapped is named from the file mapped",
          "[integration][stack]") {
    // Another ELF renamed over the library's path: read by the path, its
    // symbols would name the library's code.
    const std::string library = temp_path("libstack_replaced.so");
    const std::string other = temp_path("other.so");
    std::filesystem::copy_file(helper("libstack_lib.so"), library);
    std::filesystem::copy_file(helper("stack_calls_fp"), other);
    const auto traced = trace_ok({helper("stack_replaced"), library, other}, {"-k", "-e", "trace=getppid"});
    const auto frames = stack_after(traced.text, R"( getppid\(\) = \d+$)");
    INFO(traced.text);
    CHECK(functions_in(frames, library) == std::vector<std::string>{"lib_inner", "lib_outer"});
    CHECK(functions_in(frames, "stack_replaced") == std::vector<std::string>{"main", "_start"});
}
