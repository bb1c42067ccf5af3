// SPDX-License-Identifier: Apache-2.0
#include "state/fd_table.h"

#include <iterator>

namespace btrace::state {

void FdTable::set(uint32_t tgid, int fd, std::string name, bool cloexec) {
    processes_[tgid][fd] = Entry{std::move(name), cloexec, now_ns_};
}

void FdTable::set_before_tracing(uint32_t tgid, int fd, std::string name, bool cloexec) {
    processes_[tgid][fd] = Entry{std::move(name), cloexec, 0};
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
        fds[to] = Entry{lost(fds) ? std::string(kUnknownFdName) : std::string(), false, now_ns_};
        forget_recent();
        return;
    }
    fds[to] = Entry{source->second.name, cloexec, now_ns_};
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
    for (auto& [fd, entry] : fds)
        entry = Entry{std::string(kUnknownFdName), false, now_ns_};  // in place: recent_ stays valid
    fds.try_emplace(kOthersLost, Entry{std::string(kUnknownFdName), false, now_ns_});
    cached_fds_ = nullptr;  // a new table may have rehashed processes_
    forget_recent();
}

void FdTable::lose_all() {
    for (auto& [tgid, fds] : processes_)
        lose(tgid);
}

std::string_view FdTable::name(uint32_t tgid, int fd, uint64_t started_ns) const {
    const auto shown = [started_ns](const Entry& entry) -> std::string_view {
        return started_ns && entry.changed_ns > started_ns ? kUnknownFdName : std::string_view(entry.name);
    };
    Recent& recent = recent_[static_cast<unsigned>(fd) % recent_.size()];
    if (recent.entry && recent.tgid == tgid && recent.fd == fd)
        return shown(*recent.entry);
    const Fds* fds = fds_of(tgid);
    if (!fds)
        return {};
    auto entry = fds->find(fd);
    if (entry == fds->end()) {  // not cached: setting fd must not find the stand-in
        entry = fds->find(kOthersLost);
        return entry == fds->end() ? std::string_view{} : shown(entry->second);
    }
    recent = Recent{tgid, fd, &entry->second};
    return shown(entry->second);
}

}  // namespace btrace::state
