// SPDX-License-Identifier: Apache-2.0
#include "consumer/path_filter.h"

#include <limits.h>
#include <stdlib.h>

#include <algorithm>

#include "decode/payloads.h"
#include "syscalls/table.h"

namespace btrace::consumer {

std::vector<std::string> resolve_trace_paths(const std::vector<std::string>& given) {
    std::vector<std::string> paths;
    for (const auto& path : given) {
        paths.push_back(path);
        char resolved[PATH_MAX];
        if (realpath(path.c_str(), resolved) && path != resolved)
            paths.emplace_back(resolved);
    }
    return paths;
}

bool PathFilter::selected(std::string_view path) const {
    return std::find(paths_.begin(), paths_.end(), path) != paths_.end();
}

bool PathFilter::touches(const btrace_syscall& rec, const decode::Payloads& payloads) const {
    using syscalls::ArgKind;
    const syscalls::Syscall* info = syscalls::lookup(rec.nr);
    if (!info)
        return false;
    for (unsigned i = 0; i < info->nargs; ++i) {
        const ArgKind kind = info->args[i].kind;
        const decode::Payload& p = payloads.args[i];
        if (kind == ArgKind::Path) {
            if (p.present && !p.truncated() && !p.faulted() &&
                selected({reinterpret_cast<const char*>(p.bytes.data()), p.bytes.size()}))
                return true;
        } else if (kind == ArgKind::Fd || kind == ArgKind::SockFd || kind == ArgKind::DirFd) {
            const int fd = static_cast<int>(rec.args[i]);
            if (fd >= 0 && selected(fds_.name(rec.hdr.tgid, fd)))
                return true;
        }
    }
    return false;
}

bool PathFilter::admit(const btrace_syscall& rec, std::span<const uint8_t> record) {
    const auto payload_area = record.subspan(std::min(record.size(), sizeof(btrace_syscall)));
    decode::Payloads payloads;
    decode::split_payloads(payload_area, payloads);
    if (touches(rec, payloads))
        return true;
    formatter_.follow_fds(rec, payloads);  // not shown, but the fds it made or closed still count
    return false;
}

}  // namespace btrace::consumer
