// SPDX-License-Identifier: Apache-2.0
// Nothing from the traced side reaches a terminal raw: comm and fd names are
// escaped as strace escapes strings (the oracle: strace -yy's fd names), in the
// text lines, the exit lines, the summary and JSON, which keeps valid UTF-8.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>

#include "decode/structs.h"
#include "output/json.h"
#include "output/summary.h"
#include "output/text.h"
#include "state/fd_table.h"
#include "records.h"

using namespace btrace;

namespace {

// What a hostile program can call itself (prctl PR_SET_NAME keeps 15 bytes)
// and name a file.
constexpr const char* kEvilComm = "a\33[31mX\nY";
const std::string kEvilPath = "/tmp/ev\33]0;PWNED\7\33[31mRED\nNL\"q\377\376.txt";

std::string name(std::string_view text, decode::NameKind kind, bool utf8 = false) {
    fmt::memory_buffer out;
    decode::format_name(text, kind, utf8, out);
    return fmt::to_string(out);
}

btrace_syscall evil_read() {
    return test::make_call("read", 0, {3, 0, 0},
                           {.tgid = 42, .tid = 42, .comm = kEvilComm, .ts_ns = test::kOrigin, .duration_ns = 1000});
}

}  // namespace

TEST_CASE("names escape like strace -yy's fd names", "[escaping]") {
    // strace 6.1 -yy on the same file: 3</tmp/ev\33]0;PWNED\7\33[31mRED\nNL\"q\377\376.txt>
    CHECK(name(kEvilPath, decode::NameKind::Fd) == "/tmp/ev\\33]0;PWNED\\7\\33[31mRED\\nNL\\\"q\\377\\376.txt");
    // < and > delimit fd names: strace prints gt\76lt\74bs\\x.txt
    CHECK(name("gt>lt<bs\\x.txt", decode::NameKind::Fd) == "gt\\76lt\\74bs\\\\x.txt");
    CHECK(name("gt>lt<", decode::NameKind::Comm) == "gt>lt<");
    // btrace's own socket names keep their arrow.
    CHECK(name("TCP 127.0.0.1:1->127.0.0.1:2", decode::NameKind::Fd) == "TCP 127.0.0.1:1->127.0.0.1:2");
    CHECK(name("UNIX ->/run/x.sock", decode::NameKind::Fd) == "UNIX ->/run/x.sock");
    // Valid UTF-8 is octal in text, as strace prints it; kept in JSON; C1 controls never.
    CHECK(name("caf\xc3\xa9", decode::NameKind::Fd) == "caf\\303\\251");
    CHECK(name("caf\xc3\xa9", decode::NameKind::Fd, true) == "caf\xc3\xa9");
    CHECK(name("\xc2\x9b" "2J", decode::NameKind::Comm, true) == "\\302\\2332J");
    CHECK(name("\xff\xfe\xc3", decode::NameKind::Comm, true) == "\\377\\376\\303");
    CHECK(name(kEvilComm, decode::NameKind::Comm) == "a\\33[31mX\\nY");
}

TEST_CASE("a text line escapes the comm and the fd names it shows", "[escaping]") {
    state::FdTable fds;
    fds.set(42, 3, kEvilPath, false);
    output::TextFormatter formatter(output::FormatOptions{test::kOrigin}, &fds);
    fmt::memory_buffer out;
    formatter.syscall(evil_read(), {}, out);
    CHECK(fmt::to_string(out) == "     0.000 ( 0.001 ms): a\\33[31mX\\nY/42 read(fd: 3</tmp/ev\\33]0;PWNED\\7\\33[31mRED"
                                 "\\nNL\\\"q\\377\\376.txt>, buf: NULL, count: 0) = 0\n");

    btrace_exit exit{};
    exit.hdr.tgid = 42;
    std::strcpy(exit.hdr.comm, kEvilComm);
    out.clear();
    formatter.process_exit(exit, out);
    CHECK(fmt::to_string(out) == "+++ a\\33[31mX\\nY/42 exited with 0 +++\n");
}

TEST_CASE("JSON keeps valid UTF-8 as characters and escapes other bytes as strace does", "[escaping][json]") {
    state::FdTable fds;
    fds.set(42, 3, "/tmp/caf\xc3\xa9\xff", false);
    output::JsonFormatter formatter(output::FormatOptions{test::kOrigin}, &fds);
    auto rec = evil_read();
    std::strcpy(rec.hdr.comm, "\xc3\xbf\xff\"\\");
    fmt::memory_buffer out;
    formatter.syscall(rec, {}, out);
    const std::string line = fmt::to_string(out);
    // ÿ as itself; the byte \377 as the text \377 (JSON "\\377"); " and \ as strace escapes them.
    CHECK_THAT(line, Catch::Contains("\"comm\":\"\xc3\xbf\\\\377\\\\\\\"\\\\\\\\\""));
    CHECK_THAT(line, Catch::Contains("\"value\":\"3</tmp/caf\xc3\xa9\\\\377>\""));
}

TEST_CASE("the summary by process escapes the comm", "[escaping][summary]") {
    state::StatsEntry entry{};
    entry.key.id = 42;
    entry.key.nr = static_cast<uint32_t>(syscalls::number_of("read"));
    entry.stats.calls = 1;
    std::strcpy(entry.stats.comm, kEvilComm);
    fmt::memory_buffer out;
    output::format_summary({&entry, 1}, output::SummaryBy::Process, false, false, out);
    CHECK_THAT(fmt::to_string(out), Catch::StartsWith("\n process a\\33[31mX\\nY/42:\n"));
}
