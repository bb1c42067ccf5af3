// SPDX-License-Identifier: Apache-2.0
// The merge of the CPUs' records into one order, and the fd table's view of
// calls that ran while another thread changed their fd.
#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <vector>

#include "consumer/order.h"
#include "state/fd_table.h"

using btrace::consumer::OrderedRecords;
using btrace::state::FdSeen;
using btrace::state::FdTable;
using btrace::state::FileId;

namespace {

// A batch of syscall records (tid, start, duration) as one CPU sends it.
std::vector<uint8_t> batch(std::initializer_list<std::array<uint64_t, 3>> calls) {
    std::vector<uint8_t> bytes;
    for (const auto& [tid, start, duration] : calls) {
        btrace_syscall rec{};
        rec.hdr.type = BTRACE_REC_SYSCALL;
        rec.hdr.size = sizeof(rec);
        rec.hdr.tid = static_cast<uint32_t>(tid);
        rec.hdr.ts_ns = start;
        rec.duration_ns = duration;
        const auto* p = reinterpret_cast<const uint8_t*>(&rec);
        bytes.insert(bytes.end(), p, p + sizeof(rec));
    }
    return bytes;
}

std::vector<uint32_t> released(OrderedRecords& q, uint64_t up_to, std::vector<bool>* late = nullptr) {
    std::vector<uint32_t> tids;
    q.release(up_to, [&](std::span<const uint8_t> record, uint64_t, bool is_late) {
        btrace_hdr hdr;
        std::memcpy(&hdr, record.data(), sizeof(hdr));
        tids.push_back(hdr.tid);
        if (late)
            late->push_back(is_late);
    });
    return tids;
}

}  // namespace

TEST_CASE("records of two CPUs come out in completion order, up to the horizon", "[order]") {
    OrderedRecords q;
    const auto cpu1 = batch({{1, 100, 50}, {2, 200, 10}, {3, 300, 0}});  // complete at 150, 210, 300
    const auto cpu0 = batch({{10, 90, 30}, {11, 160, 100}});               // at 120, 260
    q.add(cpu1.data(), cpu1.size());
    q.add(cpu0.data(), cpu0.size());
    CHECK(released(q, 220) == std::vector<uint32_t>{10, 1, 2});
    CHECK(released(q, 1000) == std::vector<uint32_t>{11, 3});
    CHECK(q.empty());
    CHECK(q.held_bytes() == 0);
}

TEST_CASE("a record older than one already released is late, and counted", "[order]") {
    OrderedRecords q;
    const auto first = batch({{1, 100, 100}});
    const auto older = batch({{2, 50, 10}});
    q.add(first.data(), first.size());
    CHECK(released(q, 500) == std::vector<uint32_t>{1});
    q.add(older.data(), older.size());
    std::vector<bool> late;
    CHECK(released(q, 500, &late) == std::vector<uint32_t>{2});
    CHECK(late == std::vector<bool>{true});
    CHECK(q.late() == 1);
}

TEST_CASE("a sample that ends inside a record keeps its whole records", "[order]") {
    OrderedRecords q;
    auto bytes = batch({{1, 10, 0}, {2, 20, 0}});
    bytes.resize(bytes.size() - 3);
    CHECK(q.add(bytes.data(), bytes.size()) == sizeof(btrace_syscall) - 3);
    CHECK(released(q, 100) == std::vector<uint32_t>{1});
}

TEST_CASE("an fd changed while a call ran is unknown to that call, known to later ones", "[order][fds]") {
    FdTable fds;
    fds.at(100, 90);
    fds.set(7, 3, "/a", false);
    CHECK(fds.name(7, 3, 150) == "/a");
    fds.at(200, 180);  // another thread's reopen completes at 200
    fds.set(7, 3, "/b", false);
    CHECK(fds.name(7, 3, 150) == "?");  // started at 150: it may have seen /a or /b
    CHECK(fds.name(7, 3, 250) == "/b");
    CHECK(fds.name(7, 3) == "/b");
}

TEST_CASE("the files a call found at its ends name an fd that changed while it ran, or leave it unknown",
          "[order][fds]") {
    const FileId a{11, 8}, b{12, 8}, none{};
    const auto seen = [](FileId at_enter, FileId at_exit) { return FdSeen{at_enter, at_exit}; };
    FdTable fds;
    fds.at(100, 90);
    fds.set(7, 3, "/a", false, a);
    fds.at(200, 195);  // another thread closes fd 3, completing at 200,
    fds.close(7, 3);
    fds.at(300, 250);  // and reopens it on /b, completing at 300
    fds.set(7, 3, "/b", false, b);

    // A call that started at 150 and completed after 300, finding:
    const auto both_b = seen(b, b);
    CHECK(fds.name(7, 3, 150) == "?");             // nothing said: /a or /b
    CHECK(fds.name(7, 3, 150, &both_b) == "/b");  // /b as it began: /a had gone
    const auto a_then_b = seen(a, b);
    CHECK(fds.name(7, 3, 260, &a_then_b) == "?");  // either
    CHECK(fds.name(7, 3, 260, &both_b) == "/b");   // /a went before it began: only /b can have come between
    const auto none_then_b = seen(none, b);
    CHECK(fds.name(7, 3, 260, &none_then_b) == "/b");  // closed as it began: it found /b
    const auto nothing = seen(none, none);
    CHECK(fds.name(7, 3, 260, &nothing) == "?");  // as by time alone

    // A close after a call began: the call found the file it closed.
    fds.at(400, 350);
    fds.close(7, 3);
    const auto b_then_none = seen(b, none);
    CHECK(fds.name(7, 3, 320, &b_then_none) == "/b");
    CHECK(fds.name(7, 3, 320) == "?");
    // The same file again (reopened): still the file since 300.
    fds.at(500, 450);
    fds.set(7, 3, "/b", false, b);
    CHECK(fds.name(7, 3, 260, &both_b) == "/b");

    // A table that has not yet seen the change another thread made (its call
    // completes later) is not believed over the files the call found.
    const auto both_a = seen(a, a);
    CHECK(fds.name(7, 3, 600) == "/b");
    CHECK(fds.name(7, 3, 600, &both_a) == "?");
    CHECK(fds.name(7, 3, 600, &both_b) == "/b");
    // /b, /a, /b again: a call that began before /a came may have found it.
    fds.at(1100, 1050);
    fds.set(7, 5, "/b", false, b);
    fds.at(1200, 1150);
    fds.set(7, 5, "/a", false, a);
    fds.at(1300, 1250);
    fds.set(7, 5, "/b", false, b);
    CHECK(fds.name(7, 5, 1120, &both_b) == "?");
    CHECK(fds.name(7, 5, 1220, &both_b) == "/b");
    // /b put back after the call began, then /a: the call may have found that /b.
    fds.at(1400, 1390);
    fds.close(7, 5);
    fds.at(1500, 1450);
    fds.set(7, 5, "/b", false, b);
    fds.at(1600, 1590);
    fds.close(7, 5);
    fds.at(1700, 1650);
    fds.set(7, 5, "/a", false, a);
    const auto none_then_a = seen(none, a);
    CHECK(fds.name(7, 5, 1420, &none_then_a) == "?");
    CHECK(fds.name(7, 5, 1520, &none_then_a) == "/a");
    // An fd whose file the table does not know is judged by time alone.
    fds.at(700, 650);
    fds.set(7, 4, "/c", false);
    const auto c_twice = seen(FileId{13, 8}, FileId{13, 8});
    CHECK(fds.name(7, 4, 720, &c_twice) == "/c");
    CHECK(fds.name(7, 4, 680, &c_twice) == "?");
}

TEST_CASE("a close that completes after the fd was made again leaves the new fd", "[order][fds]") {
    FdTable fds;
    fds.at(100, 90);
    fds.set(7, 9, "TCP 1", false);
    fds.at(300, 280);  // socket() by another thread gets fd 9 again, completing at 300
    fds.set(7, 9, "TCP 2", false);
    fds.at(400, 250);  // the close of the first fd 9, which started at 250, completes at 400
    fds.close(7, 9);
    CHECK(fds.name(7, 9) == "TCP 2");
    fds.at(500, 450);
    fds.close(7, 9);
    CHECK(fds.name(7, 9).empty());
}

TEST_CASE("after a loss a process's fds are unknown until named again", "[order][fds]") {
    FdTable fds;
    fds.set(7, 1, "/dev/pts/0", false);
    fds.set(8, 1, "/dev/null", false);
    fds.lose(7);
    CHECK(fds.name(7, 1) == "?");
    CHECK(fds.name(7, 5) == "?");  // made in the gap, perhaps
    CHECK(fds.name(8, 1) == "/dev/null");
    fds.set(7, 5, "/etc/passwd", false);
    CHECK(fds.name(7, 5) == "/etc/passwd");
    fds.close(7, 1);
    CHECK(fds.name(7, 1).empty());
    fds.fork(7, 9);
    CHECK(fds.name(9, 6) == "?");
    fds.lose_all();
    CHECK(fds.name(8, 1) == "?");
}

TEST_CASE("what is still held, the rest of the sample being released included, can be asked", "[order]") {
    OrderedRecords q;
    const auto cpu0 = batch({{1, 100, 0}, {2, 200, 0}, {3, 300, 0}});
    const auto cpu1 = batch({{4, 250, 0}});
    q.add(cpu0.data(), cpu0.size());
    q.add(cpu1.data(), cpu1.size());
    const auto holds = [&q](uint32_t tid) {
        return q.any_held([tid](std::span<const uint8_t> record) {
            btrace_hdr hdr;
            std::memcpy(&hdr, record.data(), sizeof(hdr));
            return hdr.tid == tid;
        });
    };
    std::vector<std::array<bool, 4>> seen;  // while tid 1 is visited: what is held
    q.release(100, [&](std::span<const uint8_t>, uint64_t, bool) { seen.push_back({holds(1), holds(2), holds(3), holds(4)}); });
    REQUIRE(seen.size() == 1);
    CHECK(seen[0] == std::array<bool, 4>{false, true, true, true});  // 2 and 3: the rest of tid 1's sample
    CHECK_FALSE(holds(1));
    CHECK(holds(3));
    released(q, 1000);
    CHECK_FALSE(holds(3));
}

TEST_CASE("a name learnt late from /proc stands for every call - the table knows seen, closed and lost fds", "[order][fds]") {
    FdTable fds;
    CHECK_FALSE(fds.knows(7, 3));
    fds.at(5000, 4000);
    fds.set_before_tracing(7, 3, "TCP 127.0.0.1:80 LISTEN", false);
    CHECK(fds.knows(7, 3));
    CHECK(fds.name(7, 3, 1) == "TCP 127.0.0.1:80 LISTEN");  // a call that started before the lookup
    CHECK_FALSE(fds.knows(7, 4));
    fds.set(7, 4, "/etc/hostname", false);
    fds.at(6000, 5500);
    fds.close(7, 4);
    CHECK(fds.knows(7, 4));  // closed: seen change, never looked up
    CHECK(fds.name(7, 4).empty());
    CHECK_FALSE(fds.knows(8, 3));
    fds.lose(8);
    CHECK(fds.knows(8, 3));  // lost: unknown, not looked up
    CHECK(fds.name(8, 3) == "?");
}
