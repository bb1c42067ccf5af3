// SPDX-License-Identifier: Apache-2.0
#include "consumer/proc_fd_names.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "consumer/unseen_fds.h"
#include "state/fd_desc.h"
#include "state/fd_tracker.h"
#include "syscalls/table.h"

namespace btrace::consumer {

bool may_change_fd(std::span<const uint8_t> record, uint32_t tgid, int fd) {
    btrace_hdr hdr;
    if (record.size() < sizeof(hdr))
        return true;
    std::memcpy(&hdr, record.data(), sizeof(hdr));
    if (hdr.type == BTRACE_REC_LOSS)
        return true;
    if (hdr.tgid != tgid)
        return false;
    if (hdr.type == BTRACE_REC_EXIT)
        return true;
    if (hdr.type != BTRACE_REC_SYSCALL || (hdr.flags & BTRACE_SYS_ENTER_PART))
        return false;  // an enter part: its call is checked in flight or completed
    btrace_syscall rec;
    if (record.size() < sizeof(rec))
        return true;
    std::memcpy(&rec, record.data(), sizeof(rec));
    const syscalls::Syscall* sc = syscalls::lookup(rec.nr);
    return sc && state::may_change_fd(*sc, rec, fd, true);
}

// How often an fd /proc could not settle is asked about again (trace time).
constexpr uint64_t kRetryNs = 100'000'000;
// How many times /proc is read again, 100 us apart, while another thread is
// running (not blocked) in a call that may change fds: it is over in µs.
constexpr int kAskAgain = 3;

void ProcFdNames::name_unseen(const btrace_syscall& rec, state::FdTable& fds, const OrderedRecords& held,
                              const Horizon& horizon) {
    const uint32_t tgid = rec.hdr.tgid;
    for_each_fd_arg(rec, [&](const syscalls::Syscall& sc, int fd) {
        const auto key = std::make_pair(tgid, fd);
        if (fds.knows(tgid, fd)) {
            const auto tried = unsettled_.find(key);
            if (tried == unsettled_.end() || !fds.unknown_before_tracing(tgid, fd) ||
                rec.hdr.ts_ns < tried->second + kRetryNs)
                return;
        }
        // A close that succeeded: /proc no longer has what it closed.
        const bool closed_it = sc.name == "close" && rec.ret == 0;
        Lookup found = closed_it ? Lookup{} : look_up(rec, fd, held, horizon);
        for (int again = 0; again < kAskAgain && found.ask_again; ++again) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
            found = look_up(rec, fd, held, horizon);
        }
        if (found.trusted || closed_it)
            unsettled_.erase(key);
        else
            unsettled_[key] = rec.hdr.ts_ns;
        if (!found.trusted)
            fds.set_before_tracing(tgid, fd, std::string(state::kUnknownFdName), false);
        else if (found.open)
            fds.set_before_tracing(tgid, fd, state::fd_name(found.open->desc), found.open->cloexec,
                                  state::file_id(found.open->desc));
        else
            fds.set_before_tracing(tgid, fd, {}, false);  // not open: shown as a closed fd is, a bare number
    });
}

// /proc is read now, after the call completed: its answer is what fd was
// during the call only if nothing changed fd from the call's start to the
// read. The table has no word on fd, so no call of the process that
// completed before this one touched it (those are applied: the records come
// in order, and a lost one marks the process unknown), and this call did
// not (a close, or dup2 onto it: those are not looked up). What remains is a
// call of the process that changes fd (closes or makes it: an open that
// returned it, dup2 onto it, close; see state::may_change_fd) and completed
// after this one or is still running, and the process itself being another
// by now. Such a call is, at the time of the read or after it:
//   1. still running: its thread's in-flight slot holds it (checked after the
//      read), its arguments /proc's while it is blocked;
//   2. completed, held by the consumer: in the order's queue;
//   3. completed, sent but not yet taken: in the ring buffer;
//   4. completed, not yet sent: in its CPU's batch.
// 4, 3 and 2 are checked in that order, the order records move in, after 1:
// a record that moves on while we look is found where it went (3 is read in
// place: the ring is mapped). Any of them, or a process that is gone or newer than the
// call (its pid reused): unknown, never a guess. With none, an fd /proc does
// not have was not open during the call either.
ProcFdNames::Lookup ProcFdNames::look_up(const btrace_syscall& rec, int fd, const OrderedRecords& held,
                                         const Horizon& horizon) const {
    const uint32_t tgid = rec.hdr.tgid;
    const auto pid = static_cast<pid_t>(tgid);
    static const uint64_t ns_per_tick = 1000000000ull / static_cast<uint64_t>(sysconf(_SC_CLK_TCK));
    // Ticks since boot against CLOCK_MONOTONIC: a tick of slack (and a
    // suspend, which only makes the process look newer, errs on unknown).
    const auto started = state::start_time_ticks(pid);
    if (!started || *started * ns_per_tick > rec.hdr.ts_ns + ns_per_tick)
        return {};
    auto entry = state::proc_fd(pid, fd);
    if (!entry && state::start_time_ticks(pid) != started)
        return {};  // not the fd that is missing, the process (gone, or its pid taken meanwhile)
    for (pid_t tid : state::thread_ids(pid)) {
        const auto call = tracer_.inflight_of(tid);
        const syscalls::Syscall* sc = call && call->ts_ns ? syscalls::lookup(call->nr) : nullptr;
        if (!sc || !state::changes_fds(*sc))
            continue;
        // Its arguments, which the slot does not keep, from /proc while the
        // thread is blocked in it (a thread running in it: unknown).
        const auto blocked = state::call_in_flight(tid);
        if (!blocked || blocked->nr != call->nr)
            return {.trusted = false, .open = std::nullopt, .ask_again = true};
        btrace_syscall in_flight{};
        in_flight.nr = call->nr;
        std::copy(std::begin(blocked->args), std::end(blocked->args), in_flight.args);
        if (state::may_change_fd(*sc, in_flight, fd, false))
            return {};
    }
    // In the order records move on (batch, ring buffer, queue): one that moves
    // while we look is found where it went.
    const auto changes = [tgid, fd](std::span<const uint8_t> record) { return may_change_fd(record, tgid, fd); };
    for (const auto& batch : tracer_.unflushed_batches()) {
        for (std::size_t at = 0; at < batch.size();) {
            btrace_hdr hdr;
            if (batch.size() - at < sizeof(hdr))
                return {};
            std::memcpy(&hdr, batch.data() + at, sizeof(hdr));
            if (hdr.size < sizeof(hdr) || hdr.size > batch.size() - at)  // read while being written
                return {};
            if (changes(std::span<const uint8_t>(batch).subspan(at, hdr.size)))
                return {};
            at += hdr.size;
        }
    }
    if (horizon.any_in_ring(changes) || held.any_held(changes))
        return {};
    return {true, std::move(entry)};
}

}  // namespace btrace::consumer
