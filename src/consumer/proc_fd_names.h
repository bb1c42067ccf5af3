// SPDX-License-Identifier: Apache-2.0
// Names for fds the fd table has never seen (opened before tracing by a
// process with no /proc snapshot: under -a, or a process met only later),
// read from /proc the first time a call uses them, and kept in the table.
#pragma once

#include <map>
#include <optional>
#include <span>

#include "btrace/event.h"
#include "consumer/consumer.h"
#include "consumer/order.h"
#include "loader/tracer.h"
#include "state/fd_table.h"
#include "state/proc_snapshot.h"

namespace btrace::consumer {

class ProcFdNames : public UnseenFds {
public:
    explicit ProcFdNames(const loader::Tracer& tracer) : tracer_(tracer) {}

    // Before rec is decoded: each fd argument of rec the table has no word on
    // gets its /proc name, or unknown ("?") when that cannot be trusted.
    // held: the records not yet released; horizon: the ring buffer's state.
    void name_unseen(const btrace_syscall& rec, state::FdTable& fds, const OrderedRecords& held,
                     const Horizon& horizon) override;

private:
    // What /proc says of fd, if it can be trusted for rec (see the .cpp).
    struct Lookup {
        bool trusted = false;
        std::optional<state::ProcFd> open;  // trusted and none: fd was not open
        bool ask_again = false;  // untrusted for a thread running in a call that may change fds: over in µs
    };
    Lookup look_up(const btrace_syscall& rec, int fd, const OrderedRecords& held, const Horizon& horizon) const;

    const loader::Tracer& tracer_;
    // fds /proc could not settle yet, by (tgid, fd): when they were last looked
    // up, so that a busy trace asks again now and then rather than per call.
    std::map<std::pair<uint32_t, int>, uint64_t> unsettled_;
};

// Whether record may have changed what tgid's fd names: a completed call
// that changes it (see state::may_change_fd), the process's exit, or a loss
// (of anyone's records).
bool may_change_fd(std::span<const uint8_t> record, uint32_t tgid, int fd);

}  // namespace btrace::consumer
