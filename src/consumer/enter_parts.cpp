// SPDX-License-Identifier: Apache-2.0
#include "consumer/enter_parts.h"

#include <algorithm>
#include <cstring>

namespace btrace::consumer {

void EnterParts::hold(std::span<const uint8_t> part, const btrace_hdr& hdr) {
    if (parts_.size() > sweep_at_)
        sweep();
    Part& held = parts_[key(hdr.tgid, hdr.tid)];
    held.ts_ns = hdr.ts_ns;
    held.bytes.assign(part.begin(), part.end());
}

EnterParts::Part* EnterParts::find(const btrace_syscall& rec) {
    const uint32_t tgid = rec.hdr.tgid;
    if (auto it = parts_.find(key(tgid, rec.hdr.tid)); it != parts_.end() && it->second.ts_ns == rec.hdr.ts_ns)
        return &it->second;
    if (rec.hdr.tid != tgid)
        return nullptr;
    // A thread's execve completes under the leader's tid (which it takes)
    for (auto it = parts_.lower_bound(key(tgid, 0)); it != parts_.end() && it->first >> 32 == tgid; ++it) {
        btrace_syscall part;
        if (it->second.ts_ns == rec.hdr.ts_ns) {
            std::memcpy(&part, it->second.bytes.data(), sizeof(part));
            if (part.nr == rec.nr)
                return &it->second;
        }
    }
    return nullptr;
}

std::span<const uint8_t> EnterParts::join(std::span<const uint8_t> record, btrace_syscall& rec) {
    Part* part = find(rec);
    if (!part)
        return {};
    const auto enter_payloads = std::span<const uint8_t>(part->bytes).subspan(sizeof(btrace_syscall));
    joined_.clear();
    joined_.insert(joined_.end(), record.begin(), record.begin() + sizeof(btrace_syscall));
    joined_.insert(joined_.end(), enter_payloads.begin(), enter_payloads.end());
    joined_.insert(joined_.end(), record.begin() + sizeof(btrace_syscall), record.end());
    rec.hdr.size = static_cast<uint32_t>(joined_.size());
    std::memcpy(joined_.data(), &rec, sizeof(rec));
    part->release();
    return joined_;
}

std::span<const uint8_t> EnterParts::payloads_of(uint32_t tgid, uint32_t tid, uint64_t ts_ns) const {
    const auto it = parts_.find(key(tgid, tid));
    if (it == parts_.end() || it->second.ts_ns != ts_ns)
        return {};
    return std::span<const uint8_t>(it->second.bytes).subspan(sizeof(btrace_syscall));
}

void EnterParts::drop(const btrace_syscall& rec) {
    if (Part* part = find(rec))
        part->release();
}

void EnterParts::process_exit(uint32_t tgid) {
    parts_.erase(parts_.lower_bound(key(tgid, 0)), parts_.upper_bound(key(tgid, UINT32_MAX)));
}

void EnterParts::sweep() {
    std::erase_if(parts_, [](const auto& entry) { return entry.second.ts_ns == 0; });
    sweep_at_ = std::max(kMinSweep, 2 * parts_.size());
}

}  // namespace btrace::consumer
