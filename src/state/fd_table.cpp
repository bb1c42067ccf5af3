// SPDX-License-Identifier: Apache-2.0
#include "state/fd_table.h"

#include <iterator>

namespace btrace::state {

void FdTable::take(Fds& fds, int fd, Entry next) {
    const auto [it, made] = fds.try_emplace(fd);
    Entry& entry = it->second;
    if (made && lost(fds))  // what it held before is not known since the loss
        entry.installed_ns = fds[kOthersLost].changed_ns;
    const bool same_file = !next.file.none() && next.file == entry.file;
    next.before_ns = same_file ? entry.before_ns : entry.installed_ns;
    next.installed_ns = next.changed_ns;
    entry = std::move(next);  // in place: recent_ stays valid
}

void FdTable::set(uint32_t tgid, int fd, std::string name, bool cloexec, FileId file) {
    take(processes_[tgid], fd, Entry{.name = std::move(name), .cloexec = cloexec, .changed_ns = now_ns_, .file = file});
}

void FdTable::set_before_tracing(uint32_t tgid, int fd, std::string name, bool cloexec, FileId file) {
    const bool closed = name.empty();
    processes_[tgid][fd] = Entry{.name = std::move(name), .cloexec = cloexec, .closed = closed, .file = file};
}

bool FdTable::knows(uint32_t tgid, int fd) const {
    const Fds* fds = fds_of(tgid);
    return fds && (fds->count(fd) != 0 || lost(*fds));
}

bool FdTable::unknown_before_tracing(uint32_t tgid, int fd) const {
    const Fds* fds = fds_of(tgid);
    const auto it = fds ? fds->find(fd) : Fds::const_iterator{};
    return fds && it != fds->end() && it->second.changed_ns == 0 && it->second.name == kUnknownFdName;
}

void FdTable::copy(uint32_t tgid, int from, int to, bool cloexec) {
    auto& fds = processes_[tgid];
    auto source = fds.find(from);
    if (source == fds.end()) {
        const bool lost_too = lost(fds);
        take(fds, to, Entry{.name = lost_too ? std::string(kUnknownFdName) : std::string(), .closed = !lost_too,
                            .changed_ns = now_ns_});
        forget_recent();
        return;
    }
    const Entry& from_entry = source->second;
    take(fds, to, Entry{.name = from_entry.name, .cloexec = cloexec, .closed = from_entry.closed,
                        .changed_ns = now_ns_, .file = from_entry.file});
}

void FdTable::close(uint32_t tgid, int fd) {
    if (auto it = processes_.find(tgid); it != processes_.end())
        close_entry(it->second[fd]);
    forget_recent();
}

void FdTable::close_range(uint32_t tgid, unsigned first, unsigned last) {
    auto it = processes_.find(tgid);
    if (it == processes_.end())
        return;
    for (auto& [fd, entry] : it->second)
        if (fd != kOthersLost && static_cast<unsigned>(fd) >= first && static_cast<unsigned>(fd) <= last)
            close_entry(entry);
    forget_recent();
}

void FdTable::set_cloexec(uint32_t tgid, int fd, bool cloexec) {
    auto it = processes_.find(tgid);
    if (it == processes_.end())
        return;
    if (auto entry = it->second.find(fd); entry != it->second.end())
        entry->second.cloexec = cloexec;
}

void FdTable::set_cloexec_range(uint32_t tgid, unsigned first, unsigned last) {
    auto it = processes_.find(tgid);
    if (it == processes_.end())
        return;
    for (auto& [fd, entry] : it->second)
        if (fd != kOthersLost && static_cast<unsigned>(fd) >= first && static_cast<unsigned>(fd) <= last)
            entry.cloexec = true;
}

void FdTable::fork(uint32_t parent, uint32_t child) {
    auto it = processes_.find(parent);
    if (it == processes_.end()) {
        processes_.erase(child);
        cached_fds_ = nullptr;
    }
    else {
        auto fds = it->second;  // copied first: inserting the child may rehash
        processes_[child] = std::move(fds);
    }
    forget_recent();
}

void FdTable::exec(uint32_t tgid) {
    if (auto it = processes_.find(tgid); it != processes_.end())
        for (auto& [fd, entry] : it->second)
            if (entry.cloexec)
                close_entry(entry);
    forget_recent();
}

void FdTable::exit(uint32_t tgid) {
    processes_.erase(tgid);
    cached_fds_ = nullptr;
    forget_recent();
}

const FdTable::Fds* FdTable::fds_of(uint32_t tgid) const {
    if (cached_fds_ && cached_tgid_ == tgid)
        return cached_fds_;
    auto it = processes_.find(tgid);
    if (it == processes_.end())
        return nullptr;  // not cached: the process may gain a table later
    cached_tgid_ = tgid;
    cached_fds_ = &it->second;
    return cached_fds_;
}

void FdTable::lose(uint32_t tgid) {
    auto& fds = processes_[tgid];
    const Entry unknown{.name = std::string(kUnknownFdName), .changed_ns = now_ns_, .installed_ns = now_ns_};
    for (auto& [fd, entry] : fds)
        entry = unknown;  // in place: recent_ stays valid
    fds.try_emplace(kOthersLost, unknown);
    cached_fds_ = nullptr;  // a new table may have rehashed processes_
    forget_recent();
}

void FdTable::lose_all() {
    for (auto& [tgid, fds] : processes_)
        lose(tgid);
}

std::string_view FdTable::shown(const Entry& entry, uint64_t started_ns, const FdSeen* seen) const {
    const std::string_view name = entry.closed ? std::string_view{} : std::string_view(entry.name);
    if (!started_ns)
        return name;
    if (seen && !(seen->at_enter.none() && seen->at_exit.none())) {
        // The call found the file the fd held at one end or the other: a
        // file at both ends that differ leaves it open which. It is the file
        // the table has (even if the fd changed or closed after it began)
        // only if no other file can have come between them during the call:
        // the last other file came before the call began (and the first end
        // was read after that: the kernel side reads it after the start).
        const FileId& used = seen->at_enter.none() ? seen->at_exit : seen->at_enter;
        const bool one_file = seen->at_enter.none() || seen->at_exit.none() || seen->at_enter == seen->at_exit;
        if (one_file && !entry.file.none() && used == entry.file && entry.before_ns <= started_ns)
            return entry.name;
        // The table has another file there, or will: a change not applied yet.
        if (!one_file || !entry.file.none())
            return kUnknownFdName;
    }
    return entry.changed_ns > started_ns ? kUnknownFdName : name;
}

std::string_view FdTable::name(uint32_t tgid, int fd, uint64_t started_ns, const FdSeen* seen) const {
    Recent& recent = recent_[static_cast<unsigned>(fd) % recent_.size()];
    if (recent.entry && recent.tgid == tgid && recent.fd == fd)
        return shown(*recent.entry, started_ns, seen);
    const Fds* fds = fds_of(tgid);
    if (!fds)
        return {};
    auto entry = fds->find(fd);
    if (entry == fds->end()) {  // not cached: setting fd must not find the stand-in
        entry = fds->find(kOthersLost);
        return entry == fds->end() ? std::string_view{} : shown(entry->second, started_ns, seen);
    }
    recent = Recent{tgid, fd, &entry->second};
    return shown(entry->second, started_ns, seen);
}

FileId FdTable::file(uint32_t tgid, int fd) const {
    const Fds* fds = fds_of(tgid);
    if (!fds)
        return {};
    auto entry = fds->find(fd);
    return entry == fds->end() || entry->second.closed ? FileId{} : entry->second.file;
}

}  // namespace btrace::state
