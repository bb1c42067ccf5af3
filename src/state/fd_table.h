// SPDX-License-Identifier: Apache-2.0
// Per-process fd names (keyed by tgid, shared by its threads), kept current
// from the trace itself: names resolve when a record is decoded, so a process
// that has already exited still prints 3</etc/issue>.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace btrace::state {

class FdTable {
public:
    void set(uint32_t tgid, int fd, std::string name, bool cloexec);
    // dup2/F_DUPFD-style copy; a missing source leaves `to` unknown.
    void copy(uint32_t tgid, int from, int to, bool cloexec);
    void close(uint32_t tgid, int fd);
    void close_range(uint32_t tgid, unsigned first, unsigned last);
    void set_cloexec(uint32_t tgid, int fd, bool cloexec);
    void set_cloexec_range(uint32_t tgid, unsigned first, unsigned last);
    void fork(uint32_t parent, uint32_t child);  // the child inherits every fd
    void exec(uint32_t tgid);                    // O_CLOEXEC fds close
    void exit(uint32_t tgid);

    // Empty when unknown.
    std::string_view name(uint32_t tgid, int fd) const;


private:
    struct Entry {
        std::string name;
        bool cloexec = false;
    };
    using Fds = std::unordered_map<int, Entry>;
    const Fds* fds_of(uint32_t tgid) const;
    void forget_recent() { recent_ = {}; }

    std::unordered_map<uint32_t, Fds> processes_;
    // The last process looked up: a trace names fds of one process many times
    // in a row. Nodes of an unordered_map stay put; exit() clears it.
    mutable uint32_t cached_tgid_ = 0;
    mutable const Fds* cached_fds_ = nullptr;
    // Names found lately, one slot per fd % 8: a trace names the same few fds
    // call after call, and a hash lookup costs a division. Entries stay put
    // until erased, so whatever erases one clears these.
    struct Recent {
        uint32_t tgid = 0;
        int fd = 0;
        const Entry* entry = nullptr;
    };
    mutable std::array<Recent, 8> recent_{};
};

}  // namespace btrace::state
