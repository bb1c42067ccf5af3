// SPDX-License-Identifier: Apache-2.0
// The enter parts of calls in flight (BTRACE_SYS_ENTER_PART: the memory a call
// passed in, read at sys_enter as the kernel reads it), held until their
// completions come and joined to them as one record, as if the kernel side
// had sent it so.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "btrace/event.h"

namespace btrace::consumer {

class EnterParts {
public:
    // part: a whole ENTER_PART record (at least a btrace_syscall), held until
    // its completion. A thread has one call in flight: it replaces any part
    // the thread's last call left (one whose completion was never sent).
    void hold(std::span<const uint8_t> part, const btrace_hdr& hdr);
    // The completion `record` (flagged BTRACE_SYS_INPUT_AT_ENTER, fixed part
    // rec) with its enter part's payloads, as one record in a buffer that
    // lasts until the next join; rec.hdr.size is updated. Empty when the
    // part is missing (lost with its batch: the record alone is all there is).
    std::span<const uint8_t> join(std::span<const uint8_t> record, btrace_syscall& rec);
    // The payloads of the part held for the thread's call that started at
    // ts_ns (still in flight), or empty.
    std::span<const uint8_t> payloads_of(uint32_t tgid, uint32_t tid, uint64_t ts_ns) const;
    // A completion that is not shown (an fd-only record): its part goes.
    void drop(const btrace_syscall& rec);
    // The process is gone: its threads' parts with it.
    void process_exit(uint32_t tgid);

private:
    struct Part {
        uint64_t ts_ns = 0;  // the call's start (its completion's hdr.ts_ns); 0: none held
        std::vector<uint8_t> bytes;  // kept when empty: the thread's next part reuses it
        void release() {  // taken or dropped: none held, the buffer kept
            ts_ns = 0;
            bytes.clear();
        }
    };
    using Key = uint64_t;  // tgid << 32 | tid: a process's threads are together
    static Key key(uint32_t tgid, uint32_t tid) { return uint64_t{tgid} << 32 | tid; }
    // The completion's part (by tid, or for an execve by a thread that took
    // the leader's tid, by its start in the process), or nullptr.
    Part* find(const btrace_syscall& rec);
    // Drops the emptied buffers of threads once they outnumber the last count
    // twice: threads come and go in a long-lived process.
    void sweep();

    std::map<Key, Part> parts_;
    std::size_t sweep_at_ = kMinSweep;
    std::vector<uint8_t> joined_;
    static constexpr std::size_t kMinSweep = 1024;
};

}  // namespace btrace::consumer
