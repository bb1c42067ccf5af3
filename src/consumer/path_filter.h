// SPDX-License-Identifier: Apache-2.0
// -P PATH: only the calls that touch one of the paths, by a path argument
// (the string as the process passed it) or an fd argument whose name is the
// path, as strace's -P. The calls left out still keep the fd table current.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "consumer/consumer.h"
#include "decode/payloads.h"
#include "output/formatter.h"
#include "state/fd_table.h"

namespace btrace::consumer {

// The paths -P selects: each as given and, for a symlink, what it resolves to
// (strace does the same).
std::vector<std::string> resolve_trace_paths(const std::vector<std::string>& given);

class PathFilter final : public CallFilter {
public:
    PathFilter(std::vector<std::string> paths, const state::FdTable& fds, output::Formatter& formatter)
        : paths_(std::move(paths)), fds_(fds), formatter_(formatter) {}

    bool admit(const btrace_syscall& rec, std::span<const uint8_t> record) override;
    bool before_exit(const btrace_exit&) override { return true; }
    // In flight, only its fd arguments tell: no path was read yet.
    bool shows_in_progress(const btrace_syscall& rec, const decode::Payloads& payloads) const override {
        return touches(rec, payloads);
    }

private:
    bool selected(std::string_view path) const;
    // By a path argument read from the call, or an fd argument named so.
    bool touches(const btrace_syscall& rec, const decode::Payloads& payloads) const;

    std::vector<std::string> paths_;
    const state::FdTable& fds_;
    output::Formatter& formatter_;
};

}  // namespace btrace::consumer
