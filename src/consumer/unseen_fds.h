// SPDX-License-Identifier: Apache-2.0
// Fds the table has never seen, as a call meets them: what both namers of
// unseen fds (live from /proc, a recording's unknown) walk.
#pragma once

#include <cstdint>
#include <string>

#include "btrace/event.h"
#include "consumer/consumer.h"
#include "state/fd_table.h"
#include "syscalls/table.h"

namespace btrace::consumer {

// fn(syscall, fd) for each fd argument of rec, but one the call itself makes
// (dup2's newfd: named once the call is applied).
template <class Fn>
void for_each_fd_arg(const btrace_syscall& rec, Fn&& fn) {
    const syscalls::Syscall* sc = syscalls::lookup(rec.nr);
    if (!sc)
        return;
    for (unsigned i = 0; i < sc->nargs; ++i) {
        const int fd = static_cast<int32_t>(rec.args[i]);
        const bool made_here = sc->ret == syscalls::RetKind::Fd && fd == rec.ret;
        if (syscalls::is_fd_arg(sc->args[i]) && fd >= 0 && !made_here)
            fn(*sc, fd);
    }
}

// A system-wide recording's fds that no listing or traced call named (opened
// between its attach-time listing and the attach, or by a process started
// then): unknown, "?", where live tracing would read /proc, which report has
// not. Never a bare number, which says "not open".
class UnknownUnseenFds : public UnseenFds {
public:
    void name_unseen(const btrace_syscall& rec, state::FdTable& fds, const OrderedRecords&, const Horizon&) override {
        for_each_fd_arg(rec, [&](const syscalls::Syscall&, int fd) {
            if (!fds.knows(rec.hdr.tgid, fd))
                fds.set_before_tracing(rec.hdr.tgid, fd, std::string(state::kUnknownFdName), false);
        });
    }
};

}  // namespace btrace::consumer
