// SPDX-License-Identifier: Apache-2.0
#include "state/fd_tracker.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "decode/errno.h"
#include "state/proc_snapshot.h"
#include "syscalls/capture_spec.h"

namespace btrace::state {

namespace {

// Leaf-first NUL-terminated components -> "/a/b/c".
std::string join_components(std::span<const uint8_t> bytes) {
    std::vector<std::string_view> parts;
    std::size_t off = 0;
    while (off < bytes.size()) {
        const auto* start = reinterpret_cast<const char*>(bytes.data() + off);
        const std::size_t len = strnlen(start, bytes.size() - off);
        parts.emplace_back(start, len);
        off += len + 1;
    }
    std::string path;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
        path += '/';
        path += *it;
    }
    return path.empty() ? "/" : path;
}

// The calls apply_effects() follows, besides the fds the kernel side describes.
constexpr std::string_view kClose = "close", kCloseRange = "close_range", kFcntl = "fcntl", kExecve = "execve",
                           kExecveat = "execveat";
constexpr std::string_view kEffectCalls[] = {kClose, kCloseRange, kFcntl, kExecve, kExecveat};

std::string unix_path(std::span<const uint8_t> bytes) {
    if (bytes.empty())
        return {};
    if (bytes[0] == 0)  // abstract
        return "@" + std::string(reinterpret_cast<const char*>(bytes.data()) + 1, bytes.size() - 1);
    const auto* start = reinterpret_cast<const char*>(bytes.data());
    return std::string(start, strnlen(start, bytes.size()));
}

// A path the kernel's walk cut (deeper than it follows): whole from
// /proc/PID/fd while the process lives and the fd is still that file, else
// marked as cut, ".../b/c", as its JSON and -P know.
std::string whole_path(uint32_t tgid, int fd, const FdDescription& desc) {
    char link[48];
    std::snprintf(link, sizeof(link), "/proc/%u/fd/%d", tgid, fd);
    char target[PATH_MAX];
    struct stat st;
    const ssize_t n = readlink(link, target, sizeof(target));
    if (n > 0 && n < static_cast<ssize_t>(sizeof(target)) && target[0] == '/' && stat(link, &st) == 0 &&
        st.st_ino == desc.inode)
        return std::string(target, static_cast<std::size_t>(n));
    return std::string(kCutPathPrefix) + desc.path;
}

}  // namespace

bool from_kernel(std::span<const uint8_t> payload, FdDescription& desc, int& fd, bool& cloexec) {
    btrace_fd_desc k;
    if (payload.size() < sizeof(k))
        return false;
    std::memcpy(&k, payload.data(), sizeof(k));
    const auto names = payload.subspan(sizeof(k));
    if (static_cast<std::size_t>(k.name_len) + k.name2_len > names.size())
        return false;
    const auto name = names.subspan(0, k.name_len);
    const auto name2 = names.subspan(k.name_len, k.name2_len);

    desc = FdDescription{};
    desc.inode = k.inode;
    desc.dev = k.dev;
    fd = k.fd;
    cloexec = k.cloexec;
    switch (k.kind) {
    case BTRACE_FD_FILE:
        desc.kind = FdDescription::Kind::File;
        desc.path = join_components(name);
        desc.truncated = k.truncated;
        if (k.deleted)
            desc.path += " (deleted)";  // as /proc/PID/fd shows it (and parse_fd_link keeps it)
        break;
    case BTRACE_FD_PIPE: desc.kind = FdDescription::Kind::Pipe; break;
    case BTRACE_FD_ANON:
        desc.kind = FdDescription::Kind::AnonInode;
        desc.path.assign(reinterpret_cast<const char*>(name.data()), name.size());
        break;
    case BTRACE_FD_SOCKET:
        desc.kind = FdDescription::Kind::Socket;
        desc.family = k.family;
        desc.type = k.type;
        desc.protocol = k.protocol;
        desc.state = k.state;
        std::memcpy(desc.local_addr, k.local_addr, sizeof(desc.local_addr));
        std::memcpy(desc.remote_addr, k.remote_addr, sizeof(desc.remote_addr));
        desc.local_port = k.local_port;
        desc.remote_port = k.remote_port;
        desc.unix_path = unix_path(name);
        desc.unix_peer_path = unix_path(name2);
        break;
    default: desc.kind = FdDescription::Kind::Unknown; break;
    }
    return true;
}

bool changes_fds(const syscalls::Syscall& sc) {
    return syscalls::capture_spec_for(sc).describe != BTRACE_DESCRIBE_NONE ||
           std::find(std::begin(kEffectCalls), std::end(kEffectCalls), sc.name) != std::end(kEffectCalls);
}

bool may_change_fd(const syscalls::Syscall& sc, const btrace_syscall& rec, int fd, bool completed) {
    if (!changes_fds(sc))
        return false;
    if (sc.name == kExecve || sc.name == kExecveat)
        return true;  // its O_CLOEXEC fds
    if (sc.name == kCloseRange)
        return static_cast<unsigned>(fd) >= static_cast<unsigned>(rec.args[0]) &&
               static_cast<unsigned>(fd) <= static_cast<unsigned>(rec.args[1]);
    for (unsigned i = 0; i < sc.nargs; ++i)
        if (syscalls::is_fd_arg(sc.args[i]) && static_cast<int>(rec.args[i]) == fd)
            return true;  // close, dup2's newfd, connect's socket, fcntl's fd ...
    switch (syscalls::capture_spec_for(sc).describe) {
    case BTRACE_DESCRIBE_PAIR: return completed;  // pipe's fds are in memory, not in rec
    case BTRACE_DESCRIBE_RET: return completed && rec.ret == fd;
    default: return sc.name == kFcntl && completed && rec.ret == fd;  // F_DUPFD
    }
}

bool names_fd_args(const syscalls::Syscall& sc) {
    return std::any_of(sc.args, sc.args + sc.nargs, syscalls::is_fd_arg);
}

bool shows_new_fds_in_args(const syscalls::Syscall& sc) {
    return std::any_of(sc.args, sc.args + sc.nargs, syscalls::is_fd_pair);
}

FdTracker::FdTracker(FdTable& table)
    : table_(table),
      nr_close_(syscalls::number_of(kClose)),
      nr_close_range_(syscalls::number_of(kCloseRange)),
      nr_fcntl_(syscalls::number_of(kFcntl)),
      nr_execve_(syscalls::number_of(kExecve)),
      nr_execveat_(syscalls::number_of(kExecveat)),
      nr_sends_{syscalls::number_of("sendto"), syscalls::number_of("sendmsg"), syscalls::number_of("sendmmsg")} {}

// A UDP socket sent from unbound has bound a port (strace -yy names it then):
// named again from /proc while the process still has it. Only the first send
// does this: the socket then has a port, and its name says so.
void FdTracker::name_autobound(uint32_t tgid, int fd) {
    const std::string_view name = table_.name(tgid, fd);
    if (!name.starts_with("UDP:[") && !name.starts_with("UDP6:["))
        return;
    const auto now = proc_fd(static_cast<pid_t>(tgid), fd);
    if (now && now->desc.kind == FdDescription::Kind::Socket && now->desc.local_port != 0 &&
        name.substr(name.find('[') + 1) == std::to_string(now->desc.inode) + "]")
        table_.set(tgid, fd, fd_name(now->desc), now->cloexec, file_id(now->desc));
}

void FdTracker::apply_descriptions(const btrace_syscall& rec, const decode::Payloads& payloads) {
    // Present only when the call succeeded (or a non-blocking connect is under way).
    for (const auto& payload : payloads.fd_descs) {
        if (!payload.present)
            continue;  // most calls: no FdDescription (three strings) to build
        FdDescription desc;
        int fd;
        bool cloexec;
        if (!from_kernel(payload.bytes, desc, fd, cloexec))
            continue;
        if (desc.truncated)
            desc.path = whole_path(rec.hdr.tgid, fd, desc);
        table_.set(rec.hdr.tgid, fd, fd_name(desc), cloexec, file_id(desc));
    }
}

void FdTracker::apply_effects(const btrace_syscall& rec) {
    const uint32_t tgid = rec.hdr.tgid;
    if (decode::is_error_return(rec.ret))
        return;
    const int arg0 = static_cast<int>(rec.args[0]);
    if (rec.nr == nr_close_) {
        table_.close(tgid, arg0);
    } else if (rec.nr == nr_close_range_) {
        const auto first = static_cast<unsigned>(rec.args[0]), last = static_cast<unsigned>(rec.args[1]);
        if (rec.args[2] & CLOSE_RANGE_CLOEXEC)
            table_.set_cloexec_range(tgid, first, last);
        else
            table_.close_range(tgid, first, last);
    } else if (rec.nr == nr_fcntl_) {
        const int cmd = static_cast<int>(rec.args[1]);
        if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
            table_.copy(tgid, arg0, static_cast<int>(rec.ret), cmd == F_DUPFD_CLOEXEC);
        else if (cmd == F_SETFD)
            table_.set_cloexec(tgid, arg0, rec.args[2] & FD_CLOEXEC);
    } else if (rec.nr == nr_execve_ || rec.nr == nr_execveat_) {
        table_.exec(tgid);
    } else if (std::find(std::begin(nr_sends_), std::end(nr_sends_), rec.nr) != std::end(nr_sends_)) {
        name_autobound(tgid, arg0);
    }
}

}  // namespace btrace::state
