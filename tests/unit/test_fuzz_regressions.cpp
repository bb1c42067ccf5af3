// SPDX-License-Identifier: Apache-2.0
// Inputs the fuzz targets (tests/fuzz) found to crash, kept as plain tests.
// Each runs through the code the crash went through; under scripts/test-sanitize
// a regression is an ASan/UBSan abort, here a wrong or missing line.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "cli/filter.h"
#include "output/json.h"
#include "output/text.h"
#include "syscalls/table.h"
#include "records.h"

using namespace btrace;

namespace {

using test::kOrigin;
constexpr int64_t kRealtimeOffset = 1'700'000'000'000'000'000;  // CLOCK_REALTIME - CLOCK_MONOTONIC, roughly

}  // namespace

// fuzz_records crash-a69b5f6c: an exit record of 'r' bytes (0x72) but for its
// type, size and pid. JsonFormatter::common (and TextFormatter::time_column
// for -t/-tt/-ttt) added the realtime offset to ts_ns 0x7272727272727272 in
// int64_t: signed overflow.
TEST_CASE("fuzz: a timestamp near 2^63 plus the wall-clock offset does not overflow", "[fuzz]") {
    btrace_exit rec;
    std::memset(&rec, 'r', sizeof(rec));
    rec.hdr.type = BTRACE_REC_EXIT;
    rec.hdr.flags = 0;
    rec.hdr.size = sizeof(rec);
    rec.hdr.tgid = 0x72000064;
    REQUIRE(rec.hdr.ts_ns == 0x7272727272727272);

    fmt::memory_buffer out;
    output::JsonFormatter(output::FormatOptions{kOrigin, kRealtimeOffset}).process_exit(rec, out);
    const std::string line = fmt::to_string(out);
    CHECK(line.starts_with("{\"type\":\"exit\",\"ts\":"));
    INFO(line);
    CHECK(line.ends_with(",\"pid\":1912602724,\"tid\":1920103026,\"comm\":\"rrrrrrrrrrrrrrrr\","
                         "\"exit_code\":null,\"signal\":114,\"core_dumped\":false}\n"));

    btrace_syscall call{};
    call.hdr = rec.hdr;
    call.hdr.type = BTRACE_REC_SYSCALL;
    call.hdr.size = sizeof(call);
    call.nr = syscalls::number_of("getpid");
    call.ret = 1;
    for (auto time : {output::TimeFormat::WallSeconds, output::TimeFormat::WallMicros, output::TimeFormat::Epoch}) {
        fmt::memory_buffer text;
        output::TextFormatter(output::FormatOptions{kOrigin, kRealtimeOffset, false, time}).syscall(call, {}, text);
        CHECK(fmt::to_string(text).ends_with(" ms): rrrrrrrrrrrrrrrr/1920103026 getpid() = 1\n"));
    }
}

// fuzz_records crash-a6ae2413: a readv whose IOVEC_OUT payload announces more
// entries (count) than it holds, the last entry's data not padded to 8. The
// cursor stepped past the payload's end, `size - off` wrapped around, and the
// next "entry" was read from beyond the payload (heap-buffer-overflow).
TEST_CASE("fuzz: an iovec payload that ends inside its last entry's padding", "[fuzz]") {
    const btrace_syscall rec = test::make_call("readv", 1, {3, 0x1000, 2});

    const btrace_iov iov{1, 1, 0};
    const btrace_payload hdr{1, BTRACE_CAP_IOVEC_OUT, static_cast<uint16_t>(sizeof(iov) + 1), 0, 2};
    // Exactly the payload: an ASan build sees any read past it.
    std::vector<uint8_t> area(sizeof(hdr) + sizeof(iov) + 1);
    std::memcpy(area.data(), &hdr, sizeof(hdr));
    std::memcpy(area.data() + sizeof(hdr), &iov, sizeof(iov));
    area.back() = 'x';

    fmt::memory_buffer text, json;
    output::TextFormatter(output::FormatOptions{kOrigin}).syscall(rec, area, text);
    CHECK(fmt::to_string(text) ==
          "     0.000 ( 0.000 ms): t/7 readv(fd: 3, vec: [{iov_base=\"x\", iov_len=1}], vlen: 2) = 1\n");
    output::JsonFormatter(output::FormatOptions{kOrigin}).syscall(rec, area, json);
    CHECK(fmt::to_string(json).find("\"vec\":{\"value\":\"[{iov_base=\\\"x\\\", iov_len=1}]\"") != std::string::npos);
}

// Found next to fuzz_filter, past its input size: libstdc++ compiles a
// regex recursively, so `-e trace=/` and tens of thousands of `(` overflowed
// the stack (SIGSEGV) instead of giving a usage error.
TEST_CASE("fuzz: a huge -e trace=/regex is a usage error and not a stack overflow", "[fuzz]") {
    auto nested = cli::parse_trace_set("/" + std::string(50000, '('));
    REQUIRE_FALSE(nested);
    CHECK(nested.error().exit_code == 2);
    CHECK(nested.error().message.ends_with(": regex longer than 4096 characters"));

    // Up to the limit, a regex is compiled as before.
    auto longest = cli::parse_trace_set("/" + std::string(4096, 'a'));
    REQUIRE_FALSE(longest);
    CHECK(longest.error().message.ends_with(" matches no syscall"));
    auto deep = cli::parse_trace_set("/" + std::string(1000, '(') + "open" + std::string(1000, ')'));
    REQUIRE(deep);
    CHECK((*deep)[static_cast<std::size_t>(syscalls::number_of("openat"))]);
}

// fuzz_filter timeout-7d466554: std::regex (ECMAScript, backtracking) took
// exponential time on stacked quantifiers. POSIX regcomp/regexec, as strace
// uses, match them at once.
TEST_CASE("fuzz: stacked quantifiers in -e trace=/regex are matched without backtracking", "[fuzz]") {
    auto stacked = cli::parse_trace_set("/^op**+****g");
    REQUIRE_FALSE(stacked);
    CHECK(stacked.error().message.ends_with(" matches no syscall"));
    auto open = cli::parse_trace_set("/^op*e+n(at)*$");
    REQUIRE(open);
    CHECK((*open)[static_cast<std::size_t>(syscalls::number_of("openat"))]);
}
