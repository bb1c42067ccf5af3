// SPDX-License-Identifier: Apache-2.0
// Enter parts (the memory a call passed in, read at sys_enter) joined to their
// completions: by thread and start, whatever else the process does meanwhile.
#include <catch2/catch.hpp>

#include <fcntl.h>

#include <algorithm>

#include "consumer/enter_parts.h"
#include "decode/payloads.h"
#include "records.h"

using btrace::consumer::EnterParts;

namespace {

// A record's bytes: the fixed part, then the payload area.
std::vector<uint8_t> record_of(btrace_syscall rec, const std::vector<uint8_t>& area, uint16_t flags) {
    rec.hdr.flags = flags;
    rec.hdr.size = static_cast<uint32_t>(sizeof(rec) + area.size());
    std::vector<uint8_t> bytes(rec.hdr.size);
    std::memcpy(bytes.data(), &rec, sizeof(rec));
    std::copy(area.begin(), area.end(), bytes.begin() + sizeof(rec));
    return bytes;
}

std::vector<uint8_t> path_area(std::string_view path) {
    std::vector<uint8_t> area;
    test::append_payload(area, 1, BTRACE_CAP_PATH, path);
    return area;
}

void hold(EnterParts& parts, const std::vector<uint8_t>& part) {
    btrace_hdr hdr;
    std::memcpy(&hdr, part.data(), sizeof(hdr));
    parts.hold(part, hdr);
}

// The path the joined record of `completion` shows, or "(none)".
std::string joined_path(EnterParts& parts, const std::vector<uint8_t>& completion) {
    btrace_syscall rec;
    std::memcpy(&rec, completion.data(), sizeof(rec));
    const auto joined = parts.join(completion, rec);
    if (joined.empty())
        return "(none)";
    REQUIRE(rec.hdr.size == joined.size());
    btrace::decode::Payloads payloads;
    REQUIRE(btrace::decode::split_payloads(joined.subspan(sizeof(rec)), payloads));
    const auto& path = payloads.args[1];
    return path.present ? std::string(path.bytes.begin(), path.bytes.end()) : "(no path)";
}

}  // namespace

TEST_CASE("enter parts: a completion gets the part its thread sent as the call began", "[order]") {
    EnterParts parts;
    const test::CallHeader t1{.tgid = 10, .tid = 11, .ts_ns = 100}, t2{.tgid = 10, .tid = 12, .ts_ns = 150};
    const auto open1 = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, t1);
    const auto open2 = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x2000, O_RDONLY}, t2);
    hold(parts, record_of(open1, path_area("/a"), BTRACE_SYS_ENTER_PART));
    hold(parts, record_of(open2, path_area("/b"), BTRACE_SYS_ENTER_PART));
    auto done = open1;
    done.ret = 3;
    std::vector<uint8_t> fd_desc;  // what the exit added comes after what the entry read
    test::append_payload(fd_desc, BTRACE_PAYLOAD_FD_DESC, BTRACE_CAP_FD_DESC, std::string(8, 'x'));
    const auto completion = record_of(done, fd_desc, BTRACE_SYS_INPUT_AT_ENTER);

    btrace_syscall rec;
    std::memcpy(&rec, completion.data(), sizeof(rec));
    const auto joined = parts.join(completion, rec);
    REQUIRE(joined.size() == sizeof(rec) + path_area("/a").size() + fd_desc.size());
    CHECK(rec.ret == 3);
    btrace::decode::Payloads payloads;
    REQUIRE(btrace::decode::split_payloads(joined.subspan(sizeof(rec)), payloads));
    CHECK(std::string(payloads.args[1].bytes.begin(), payloads.args[1].bytes.end()) == "/a");
    CHECK(payloads.fd_descs[0].present);

    CHECK(joined_path(parts, completion) == "(none)");  // taken once
    CHECK(joined_path(parts, record_of(open2, {}, BTRACE_SYS_INPUT_AT_ENTER)) == "/b");
}

TEST_CASE("enter parts: a part of another call of the thread is not taken", "[order]") {
    EnterParts parts;
    const auto first = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0}, {.tgid = 10, .tid = 11, .ts_ns = 100});
    const auto second = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0}, {.tgid = 10, .tid = 11, .ts_ns = 200});
    hold(parts, record_of(first, path_area("/first"), BTRACE_SYS_ENTER_PART));
    // first's completion was left out (--duration): second's part replaces it
    hold(parts, record_of(second, path_area("/second"), BTRACE_SYS_ENTER_PART));
    CHECK(joined_path(parts, record_of(first, {}, BTRACE_SYS_INPUT_AT_ENTER)) == "(none)");
    CHECK(parts.payloads_of(10, 11, 200).size() == path_area("/second").size());
    CHECK(joined_path(parts, record_of(second, {}, BTRACE_SYS_INPUT_AT_ENTER)) == "/second");
    CHECK(parts.payloads_of(10, 11, 200).empty());
}

TEST_CASE("enter parts: a thread's execve completes under the leader's tid", "[order]") {
    EnterParts parts;
    auto exec = test::make_call("execve", 0, {0x1000, 0x2000, 0x3000}, {.tgid = 10, .tid = 13, .ts_ns = 100});
    hold(parts, record_of(exec, path_area("/bin/true"), BTRACE_SYS_ENTER_PART));
    exec.hdr.tid = 10;
    CHECK(joined_path(parts, record_of(exec, {}, BTRACE_SYS_INPUT_AT_ENTER)) == "/bin/true");
}

TEST_CASE("enter parts: dropped with a completion not shown, and with the process", "[order]") {
    EnterParts parts;
    const auto a = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0}, {.tgid = 10, .tid = 11, .ts_ns = 100});
    const auto b = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0}, {.tgid = 20, .tid = 21, .ts_ns = 100});
    const auto c = test::make_call("openat", 0, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0}, {.tgid = 4294967295u, .tid = 5, .ts_ns = 100});
    for (const btrace_syscall& call : {a, b, c})
        hold(parts, record_of(call, path_area("/x"), BTRACE_SYS_ENTER_PART));
    parts.drop(a);
    CHECK(parts.payloads_of(10, 11, 100).empty());
    parts.process_exit(4294967295u);
    CHECK(parts.payloads_of(4294967295u, 5, 100).empty());
    CHECK_FALSE(parts.payloads_of(20, 21, 100).empty());
    parts.process_exit(20);
    CHECK(parts.payloads_of(20, 21, 100).empty());
}
