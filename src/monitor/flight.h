// SPDX-License-Identifier: Apache-2.0
// Flight recorder (--flight N): the last N calls of each traced process, kept
// as raw records and decoded only when dumped (an outlier, SIGUSR1, a process
// killed by a signal), so that keeping them costs a copy, not a format.
//
// Memory is bounded twice: N records per process, and byte_budget in all; a
// process over its share of the budget keeps fewer of its oldest records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace btrace::monitor {

class FlightRecorder {
public:
    FlightRecorder(std::size_t per_process, std::size_t byte_budget);

    // Copies the record (its storage is reused: no allocation in steady state).
    void record(uint32_t tgid, std::span<const uint8_t> record);
    // Visits tgid's records oldest first, then forgets them.
    template <class F>
    void dump(uint32_t tgid, F&& visit);
    void forget(uint32_t tgid);  // the process exited

    std::vector<uint32_t> tgids() const;  // processes with records kept
    std::size_t bytes() const { return bytes_; }
    std::size_t records(uint32_t tgid) const;

private:
    struct Ring {
        std::vector<std::vector<uint8_t>> slots;  // capacity per_process_
        std::size_t head = 0;   // oldest
        std::size_t count = 0;
    };
    void drop_oldest(Ring& ring);

    std::size_t per_process_;
    std::size_t byte_budget_;
    std::size_t bytes_ = 0;  // sizes of stored records, all processes
    std::unordered_map<uint32_t, Ring> rings_;
};

template <class F>
void FlightRecorder::dump(uint32_t tgid, F&& visit) {
    auto it = rings_.find(tgid);
    if (it == rings_.end())
        return;
    Ring& ring = it->second;
    for (std::size_t i = 0; i < ring.count; ++i) {
        const auto& slot = ring.slots[(ring.head + i) % ring.slots.size()];
        visit(std::span<const uint8_t>(slot));
    }
    while (ring.count)
        drop_oldest(ring);
}

}  // namespace btrace::monitor
