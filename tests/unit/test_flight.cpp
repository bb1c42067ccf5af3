// SPDX-License-Identifier: Apache-2.0
// The flight recorder's bounds: N records per process, a byte budget in all.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "monitor/flight.h"

using btrace::monitor::FlightRecorder;

namespace {

std::vector<uint8_t> rec(uint8_t tag, std::size_t size = 8) { return std::vector<uint8_t>(size, tag); }

std::vector<uint8_t> dumped_tags(FlightRecorder& recorder, uint32_t tgid) {
    std::vector<uint8_t> tags;
    recorder.dump(tgid, [&](std::span<const uint8_t> r) { tags.push_back(r[0]); });
    return tags;
}

}  // namespace

TEST_CASE("flight recorder keeps the last N records of each process, oldest first", "[flight]") {
    FlightRecorder recorder(3, 1 << 20);
    for (uint8_t i = 1; i <= 5; ++i)
        recorder.record(10, rec(i));
    recorder.record(20, rec(9));
    CHECK(recorder.records(10) == 3);
    CHECK(dumped_tags(recorder, 10) == std::vector<uint8_t>{3, 4, 5});
    CHECK(recorder.records(10) == 0);  // a dump empties it
    CHECK(dumped_tags(recorder, 20) == std::vector<uint8_t>{9});
    CHECK(recorder.bytes() == 0);
}

TEST_CASE("flight recorder stays within its byte budget", "[flight]") {
    FlightRecorder recorder(100, 64);
    for (uint8_t i = 1; i <= 20; ++i)
        recorder.record(1, rec(i, 16));
    CHECK(recorder.bytes() <= 64);
    CHECK(dumped_tags(recorder, 1) == std::vector<uint8_t>{17, 18, 19, 20});
    recorder.record(1, rec(7, 100));  // larger than the whole budget: not kept
    CHECK(recorder.records(1) == 0);
}

TEST_CASE("flight recorder forgets an exited process and lists the others", "[flight]") {
    FlightRecorder recorder(4, 1 << 20);
    recorder.record(1, rec(1));
    recorder.record(2, rec(2));
    recorder.forget(1);
    CHECK(recorder.tgids() == std::vector<uint32_t>{2});
    CHECK(recorder.bytes() == 8);
}
