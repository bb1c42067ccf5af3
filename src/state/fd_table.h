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

#include "state/fd_desc.h"

namespace btrace::state {

// What a call's fd argument held as the call began and as it ended, read by
// the kernel side in processes whose threads share their fds
// (BTRACE_PAYLOAD_FD_SEEN). The call found one of the two.
struct FdSeen {
    FileId at_enter, at_exit;
};

// The name of an fd whose state was lost (records lost, or applied out of
// order): what it refers to may have changed without btrace seeing it.
inline constexpr std::string_view kUnknownFdName = "?";
// Ahead of a path the kernel cut and /proc could not complete: its tail.
inline constexpr std::string_view kCutPathPrefix = "...";

// Each change is stamped with the order of the call that made it (its
// completion, btrace_order_ns) through at(), so that a call that started
// before the change, and ran while it happened, is not shown the new name,
// unless the files it saw (FdSeen) tell which name it had.
class FdTable {
public:
    // The record whose effects are applied next: its order, and when its call
    // started (a close frees the fd as it starts: an fd made again after
    // that, by another thread's call that completed first, stays).
    void at(uint64_t order_ns, uint64_t started_ns) {
        now_ns_ = order_ns;
        started_ns_ = started_ns;
    }
    void set(uint32_t tgid, int fd, std::string name, bool cloexec, FileId file = {});
    // What fd was before tracing began, learnt late (from /proc, when a call
    // first uses it): it stands for every call, whenever it started. An empty
    // name: not open.
    void set_before_tracing(uint32_t tgid, int fd, std::string name, bool cloexec, FileId file = {});
    // Whether the table has a word on fd: open, closed, or unknown since records were lost.
    bool knows(uint32_t tgid, int fd) const;
    // Whether fd's word is still the unknown set_before_tracing gave it (no call changed it since).
    bool unknown_before_tracing(uint32_t tgid, int fd) const;
    // dup2/F_DUPFD-style copy; a missing source leaves `to` unknown.
    void copy(uint32_t tgid, int from, int to, bool cloexec);
    void close(uint32_t tgid, int fd);
    void close_range(uint32_t tgid, unsigned first, unsigned last);
    void set_cloexec(uint32_t tgid, int fd, bool cloexec);
    void set_cloexec_range(uint32_t tgid, unsigned first, unsigned last);
    void fork(uint32_t parent, uint32_t child);  // the child inherits every fd
    void exec(uint32_t tgid);                    // O_CLOEXEC fds close
    void exit(uint32_t tgid);
    // Records of the process that may have changed its fds were lost: every
    // fd it has, and any it makes that btrace does not see, is unknown until
    // a record names it again.
    void lose(uint32_t tgid);
    void lose_all();

    // Empty when never known or closed (no name to give), kUnknownFdName when
    // lost or changed after started_ns (0: as it is now), unless seen (what
    // the call found) says which of its names the call used.
    std::string_view name(uint32_t tgid, int fd, uint64_t started_ns = 0, const FdSeen* seen = nullptr) const;
    // The file fd holds now; none if closed or not known.
    FileId file(uint32_t tgid, int fd) const;


private:
    struct Entry {
        std::string name;  // closed: the name it had (kept, with changed_ns, for calls that ran meanwhile)
        bool cloexec = false;
        bool closed = false;
        uint64_t changed_ns = 0;
        FileId file;                // the file it holds (closed: held last); none: not known
        uint64_t installed_ns = 0;  // the last change that put `file` there
        uint64_t before_ns = 0;     // the last that put another file there
    };
    using Fds = std::unordered_map<int, Entry>;
    // In a process's Fds after lose(): fds not listed are unknown, not closed.
    static constexpr int kOthersLost = -1;
    static bool lost(const Fds& fds) { return fds.count(kOthersLost) != 0; }
    const Fds* fds_of(uint32_t tgid) const;
    void forget_recent() { recent_ = {}; }
    // fd of fds becomes next, the file history carried on.
    void take(Fds& fds, int fd, Entry next);
    std::string_view shown(const Entry& entry, uint64_t started_ns, const FdSeen* seen) const;

    std::unordered_map<uint32_t, Fds> processes_;
    uint64_t now_ns_ = 0;
    uint64_t started_ns_ = 0;
    // close's effect on an entry: none if the entry was made after the call started.
    void close_entry(Entry& entry) const {
        if (entry.changed_ns > started_ns_)
            return;
        entry.closed = true;
        entry.cloexec = false;
        entry.changed_ns = now_ns_;
    }
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
