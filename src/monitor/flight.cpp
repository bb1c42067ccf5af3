// SPDX-License-Identifier: Apache-2.0
#include "monitor/flight.h"

namespace btrace::monitor {

FlightRecorder::FlightRecorder(std::size_t per_process, std::size_t byte_budget)
    : per_process_(per_process ? per_process : 1), byte_budget_(byte_budget) {}

void FlightRecorder::drop_oldest(Ring& ring) {
    bytes_ -= ring.slots[ring.head].size();
    ring.slots[ring.head].clear();  // keeps its capacity for the next record
    ring.head = (ring.head + 1) % ring.slots.size();
    --ring.count;
}

void FlightRecorder::record(uint32_t tgid, std::span<const uint8_t> record) {
    Ring& ring = rings_[tgid];
    if (ring.slots.empty())
        ring.slots.resize(per_process_);
    if (ring.count == ring.slots.size())
        drop_oldest(ring);
    // Over budget: this process gives up its own oldest records first.
    while (ring.count && bytes_ + record.size() > byte_budget_)
        drop_oldest(ring);
    if (bytes_ + record.size() > byte_budget_)
        return;  // larger than what is left for it
    auto& slot = ring.slots[(ring.head + ring.count) % ring.slots.size()];
    slot.assign(record.begin(), record.end());
    bytes_ += slot.size();
    ++ring.count;
}

void FlightRecorder::forget(uint32_t tgid) {
    auto it = rings_.find(tgid);
    if (it == rings_.end())
        return;
    while (it->second.count)
        drop_oldest(it->second);
    rings_.erase(it);
}

std::vector<uint32_t> FlightRecorder::tgids() const {
    std::vector<uint32_t> ids;
    for (const auto& [tgid, ring] : rings_)
        if (ring.count)
            ids.push_back(tgid);
    return ids;
}

std::size_t FlightRecorder::records(uint32_t tgid) const {
    auto it = rings_.find(tgid);
    return it == rings_.end() ? 0 : it->second.count;
}

}  // namespace btrace::monitor
