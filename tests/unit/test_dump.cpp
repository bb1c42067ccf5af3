// SPDX-License-Identifier: Apache-2.0
// -e read=/write=: strace's hex dump rows, the cut marker, and which calls dump.
#include <catch2/catch.hpp>

#include <string>

#include "output/dump.h"
#include "output/text.h"
#include "records.h"

using btrace::FdSet;
using btrace::output::put_hex_dump;

namespace {

std::span<const uint8_t> bytes_of(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

std::string dump(std::string_view captured, uint64_t whole_len, bool unreadable = false) {
    fmt::memory_buffer out;
    put_hex_dump(bytes_of(captured), whole_len, unreadable, out);
    return fmt::to_string(out);
}

// strace 6.1's own lines for `strace -e read=3 cat` of this file's 44 bytes.
constexpr std::string_view kFile{"hello\n\1\2abcdefghijklmnopqrstuvwxyz0123456789"};
constexpr const char* kFileDump =
    " | 00000  68 65 6c 6c 6f 0a 01 02  61 62 63 64 65 66 67 68  hello...abcdefgh |\n"
    " | 00010  69 6a 6b 6c 6d 6e 6f 70  71 72 73 74 75 76 77 78  ijklmnopqrstuvwx |\n"
    " | 00020  79 7a 30 31 32 33 34 35  36 37 38 39              yz0123456789     |\n";

// The line of a call and its dump, as btrace prints them with these sets and -s 4.
std::string format(const btrace_syscall& rec, const std::vector<uint8_t>& area, FdSet reads, FdSet writes) {
    btrace::output::FormatOptions options{test::kOrigin};
    options.string_max = 4;
    options.read_dumps = std::move(reads);
    options.write_dumps = std::move(writes);
    fmt::memory_buffer out;
    btrace::output::TextFormatter(options).syscall(rec, area, out);
    return fmt::to_string(out);
}

const FdSet kNone{};
const FdSet kFd3{{3}};

}  // namespace

TEST_CASE("a dump is strace's rows: offset, 16 bytes in two groups of 8, the printable ones as text", "[dump]") {
    CHECK(dump(kFile, kFile.size()) == kFileDump);
    CHECK(dump("", 0).empty());
    // Exactly one row, and bytes past printable ASCII (DEL, 0x80, 0xff, ESC, NUL) as '.'.
    CHECK(dump(std::string_view("\x7f\x80\xff\x1b\0 ~AZaz09!/@[", 16), 16) ==
          " | 00000  7f 80 ff 1b 00 20 7e 41  5a 61 7a 30 39 21 2f 40  ..... ~AZaz09!/@ |\n");
    CHECK(dump("x", 1) ==
          " | 00000  78                                                x                |\n");
}

TEST_CASE("a dump of less than was transferred ends saying how much was not captured", "[dump]") {
    const std::string block(32, 'a');
    const std::string rows = dump(block, 32);
    CHECK(dump(block, 10000) == rows + " | ... 9968 more bytes not captured (btrace captures at most 4096 bytes of a call) |\n");
    CHECK(dump("", 7, true) == " | ... 7 bytes not captured (unreadable) |\n");
    // Past 1 MiB the offsets widen as strace's do, from the whole transfer's size.
    CHECK(dump("ab", (1u << 20) + 1).starts_with(" | 000000  61 62 "));
    CHECK(dump("ab", 1u << 20).starts_with(" | 00000  61 62 "));
}

TEST_CASE("read= dumps what a read returned on a listed fd, after the line that still shows -s bytes", "[dump]") {
    std::vector<uint8_t> area;
    test::append_payload(area, 1, BTRACE_CAP_BUF_RET, kFile, BTRACE_PAYLOAD_TRUNCATED);
    const std::string line = "     0.000 ( 0.000 ms): t/7 read(fd: 3, buf: \"hell\"..., count: 131072) = 44\n";
    CHECK(format(test::make_call("read", 44, {3, 0x1000, 131072}), area, kFd3, kNone) == line + kFileDump);
    // Not an fd of the set, not the write set, a failure or the end of the file: the line alone.
    CHECK(format(test::make_call("read", 44, {4, 0x1000, 131072}), area, kFd3, kNone) ==
          "     0.000 ( 0.000 ms): t/7 read(fd: 4, buf: \"hell\"..., count: 131072) = 44\n");
    CHECK(format(test::make_call("read", 44, {3, 0x1000, 131072}), area, kNone, kFd3) == line);
    CHECK(format(test::make_call("read", -5, {3, 0x1000, 131072}), area, kFd3, kNone).find(" | ") ==
          std::string::npos);
    CHECK(format(test::make_call("read", 0, {3, 0x1000, 131072}), {}, kFd3, kNone).find(" | ") == std::string::npos);
    // 10000 bytes read, 4096 captured.
    std::vector<uint8_t> big;
    test::append_payload(big, 1, BTRACE_CAP_BUF_RET, std::string(4096, 'z'), BTRACE_PAYLOAD_TRUNCATED);
    const std::string text = format(test::make_call("read", 10000, {3, 0x1000, 10000}), big, kFd3, kNone);
    CHECK(text.find(" | 00ff0  7a 7a") != std::string::npos);
    CHECK(text.ends_with(" | ... 5904 more bytes not captured (btrace captures at most 4096 bytes of a call) |\n"));
}

TEST_CASE("write= dumps what a write was given, and writev each buffer as strace does", "[dump]") {
    std::vector<uint8_t> area;
    test::append_payload(area, 1, BTRACE_CAP_BUF_ARG, "hi\n");
    CHECK(format(test::make_call("write", 3, {1, 0x1000, 3}), area, kNone, FdSet{{1}}) ==
          "     0.000 ( 0.000 ms): t/7 write(fd: 1, buf: \"hi\\n\", count: 3) = 3\n"
          " | 00000  68 69 0a                                          hi.              |\n");
    std::vector<uint8_t> iov;
    test::append_payload(iov, 1, BTRACE_CAP_IOVEC_IN, test::iov_bytes({{"ab", 2}, {"cdefg", 5}, {"", 0}, {"x", 1}}), 0, 4);
    // A buffer of 0 bytes ends strace's dump; the line shows -s bytes over all buffers.
    CHECK(format(test::make_call("writev", 7, {1, 0x1000, 4}), iov, kNone, FdSet{{}, true}) ==
          "     0.000 ( 0.000 ms): t/7 writev(fd: 1, vec: [{iov_base=\"ab\", iov_len=2}, {iov_base=\"cd\"..., "
          "iov_len=5}, {iov_base=\"\", iov_len=0}, {iov_base=\"\"..., iov_len=1}], vlen: 4) = 7\n"
          " * 2 bytes in buffer 0\n"
          " | 00000  61 62                                             ab               |\n"
          " * 5 bytes in buffer 1\n"
          " | 00000  63 64 65 66 67                                    cdefg            |\n");
    // A buffer the kernel could not read (it stops there) and the budget of a call used up are told apart.
    std::vector<uint8_t> faulted;
    test::append_payload(faulted, 1, BTRACE_CAP_IOVEC_IN, test::iov_bytes({{"ab", 2}, {"", 3}}), BTRACE_PAYLOAD_FAULT, 2);
    CHECK(format(test::make_call("writev", 5, {1, 0x1000, 3}), faulted, kNone, FdSet{{1}}).ends_with(
        " * 3 bytes in buffer 1\n"
        " | ... 3 bytes not captured (unreadable) |\n"
        " | ... the buffers after these were not captured |\n"));
    CHECK(format(test::make_call("writev", 5, {1, 0x1000, 2}), faulted, kNone, FdSet{{1}}).ends_with(
        " * 3 bytes in buffer 1\n"
        " | ... 3 bytes not captured (unreadable) |\n"));
    std::vector<uint8_t> used_up;
    test::append_payload(used_up, 1, BTRACE_CAP_IOVEC_IN,
                         test::iov_bytes({{std::string(4096, 'a'), 5000}, {"", 3}}), 0, 2);
    CHECK(format(test::make_call("writev", 5003, {1, 0x1000, 2}), used_up, kNone, FdSet{{1}}).ends_with(
        " | ... 904 more bytes not captured (btrace captures at most 4096 bytes of a call) |\n"
        " * 3 bytes in buffer 1\n"
        " | ... 3 bytes not captured (btrace captures at most 4096 bytes of a call) |\n"));
    // readv: the buffers up to what was read.
    std::vector<uint8_t> readv;
    test::append_payload(readv, 1, BTRACE_CAP_IOVEC_OUT, test::iov_bytes({{"abcd", 4}, {"ef", 8}}), 0, 2);
    CHECK(format(test::make_call("readv", 6, {3, 0x1000, 2}), readv, kFd3, kNone).ends_with(
        " * 4 bytes in buffer 0\n"
        " | 00000  61 62 63 64                                       abcd             |\n"
        " * 2 bytes in buffer 1\n"
        " | 00000  65 66                                             ef               |\n"));
}
