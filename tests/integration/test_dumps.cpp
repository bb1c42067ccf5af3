// SPDX-License-Identifier: Apache-2.0
// -e read=SET / -e write=SET: hex dumps of the data calls move, line for line
// as strace 6.1 (the oracle) prints them, and the line that ends a dump cut
// at what the kernel side captures.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

// The dump lines of a trace (" | ..." rows, " * N bytes in buffer I"), in order.
std::vector<std::string> dump_lines(const std::string& text) {
    std::vector<std::string> lines;
    for (const auto& line : lines_of(text))
        if (line.starts_with(" | ") || line.starts_with(" * "))
            lines.push_back(line);
    return lines;
}

// The dump lines that follow the first line matching call_regex.
std::vector<std::string> dump_after(const std::string& text, const std::string& call_regex) {
    std::vector<std::string> lines;
    bool in = false;
    for (const auto& line : lines_of(text)) {
        const bool dump = line.starts_with(" | ") || line.starts_with(" * ");
        if (in && !dump)
            break;
        if (in)
            lines.push_back(line);
        else if (has_line(line, call_regex))
            in = true;
    }
    return lines;
}

}  // namespace

TEST_CASE("read=3 and write=1 dump cat's reads and writes as strace does", "[integration][strace][dump]") {
    const std::string file = temp_path("small.txt");
    write_file(file, std::string("hello\n\1\2abcdefghijklmnopqrstuvwxyz0123456789\x7f\xfe tab\tend\n"));
    const std::vector<std::string> command = {"cat", file};  // its stdout: the test's pipe, so cat writes
    const std::vector<std::string> options = {"-e", "trace=read,write", "-e", "read=3", "-e", "write=1"};
    const Traced traced = trace_ok(command, options);
    INFO(traced.text);
    const std::string strace = strace_of(command, options);
    INFO(strace);
    const std::vector<std::string> file_rows = {
        " | 00000  68 65 6c 6c 6f 0a 01 02  61 62 63 64 65 66 67 68  hello...abcdefgh |",
        " | 00010  69 6a 6b 6c 6d 6e 6f 70  71 72 73 74 75 76 77 78  ijklmnopqrstuvwx |",
        " | 00020  79 7a 30 31 32 33 34 35  36 37 38 39 7f fe 20 74  yz0123456789.. t |",
        " | 00030  61 62 09 65 6e 64 0a                              ab.end.          |",
    };
    CHECK(dump_after(traced.text, "read\\(fd: 3<" + file + ">.* = 55$") == file_rows);
    CHECK(dump_after(traced.text, "write\\(fd: 1<pipe:.* = 55$") == file_rows);
    // Every dump, the dynamic loader's read of libc's ELF header included, is strace's.
    CHECK(dump_lines(traced.text) == dump_lines(strace));
    CHECK(dump_lines(traced.text).size() > file_rows.size() * 2);
}

TEST_CASE("read= and write= dump pipes and sockets, iovecs and msghdrs as strace does", "[integration][strace][dump]") {
    const std::vector<std::string> command = {helper("dump_io")};
    const std::vector<std::string> options = {
        "-e", "trace=read,write,readv,writev,sendto,recvfrom,sendmsg,recvmsg", "-e", "read=!0,1,2,4,6",
        "-e", "write=4,6", "-s", "8"};
    const Traced traced = trace_ok(command, options);
    INFO(traced.text);
    const std::string strace = strace_of(command, options);
    INFO(strace);
    CHECK(dump_lines(traced.text) == dump_lines(strace));
    CHECK(dump_after(traced.text, "writev\\(fd: 6<") ==
          std::vector<std::string>{
              " * 3 bytes in buffer 0",
              " | 00000  61 62 63                                          abc              |",
              " * 20 bytes in buffer 1",
              " | 00000  01 08 0f 16 1d 24 2b 32  39 40 47 4e 55 5c 63 6a  .....$+29@GNU\\cj |",
              " | 00010  71 78 7f 86                                       qx..             |",
              " * 4 bytes in buffer 2",
              " | 00000  74 61 69 6c                                       tail             |",
          });
    // The line itself still shows -s bytes.
    CHECK(has_line(traced.text, R"(write\(fd: 4<pipe:\[\d+\]>, buf: "hello\\n\\1\\2"\.\.\., count: 24\) = 24$)"));
    CHECK(dump_after(traced.text, "recvmsg\\(fd: 5<").size() == 4);  // " * 41 bytes in buffer 0" and 3 rows
}

TEST_CASE("a read longer than btrace captures ends its dump saying how much was not captured", "[integration][dump]") {
    const std::vector<std::string> command = {helper("dump_io"), "big"};
    const std::vector<std::string> options = {"-e", "trace=read", "-e", "read=10"};
    const Traced traced = trace_ok(command, options);
    INFO(traced.text);
    const auto dump = dump_after(traced.text, "read\\(fd: 10<pipe:.* = 10000$");
    REQUIRE(dump.size() == 4096 / 16 + 1);
    CHECK(dump.back() == " | ... 5904 more bytes not captured (btrace captures at most 4096 bytes of a call) |");
    // The rows it has are strace's first ones.
    const auto strace = dump_after(strace_of(command, options), "^read\\(10, .* = 10000$");
    REQUIRE(strace.size() == 10000 / 16);
    CHECK(std::vector<std::string>(dump.begin(), dump.end() - 1) == std::vector<std::string>(strace.begin(), strace.begin() + 256));
}

TEST_CASE("read= with a bad fd set is refused with one line", "[integration][dump]") {
    const Output out = run({btrace_bin(), "-e", "read=3,x", "--", "true"});
    CHECK(out.exit_code == 2);
    CHECK(out.err == "btrace: -e read=3,x: 'x' is not a file descriptor (0 or more, all or none)\n");
}
