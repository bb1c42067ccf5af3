// SPDX-License-Identifier: Apache-2.0
#include "state/open_files.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "state/fd_desc.h"
#include "state/proc_snapshot.h"
#include "util/file.h"

namespace btrace::state {

namespace {

// lsof's TYPE of a file by its mode.
std::string type_of_mode(mode_t mode) {
    switch (mode & S_IFMT) {
    case S_IFREG: return "REG";
    case S_IFDIR: return "DIR";
    case S_IFCHR: return "CHR";
    case S_IFBLK: return "BLK";
    case S_IFIFO: return "FIFO";
    case S_IFLNK: return "LINK";
    case S_IFSOCK: return "SOCK";
    default: return "unknown";
    }
}

// lsof's TYPE of a socket: by family.
std::string type_of_socket(const FdDescription& desc) {
    switch (desc.family) {
    case AF_INET: return "IPv4";
    case AF_INET6: return "IPv6";
    case AF_UNIX: return "unix";
    case AF_NETLINK: return "netlink";
    default: return "sock";
    }
}

// Type, device, size and inode from stat(2) of path (following the /proc link).
void fill_from_stat(const std::string& path, OpenFile& file) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
        file.type = "unknown";
        return;
    }
    file.type = type_of_mode(st.st_mode);
    const bool device_file = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode);
    const dev_t dev = device_file ? st.st_rdev : st.st_dev;
    file.device = std::pair{major(dev), minor(dev)};
    file.size = static_cast<uint64_t>(st.st_size);
    file.node = st.st_ino;
}

OpenFile named_link(const std::string& proc, const char* link, const char* fd) {
    OpenFile file;
    file.fd = fd;
    char target[4096];
    const ssize_t n = ::readlink((proc + link).c_str(), target, sizeof(target));
    file.name = n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string("?");
    fill_from_stat(proc + link, file);
    return file;
}

}  // namespace

std::optional<MappedFile> parse_maps_line(std::string_view line) {
    // "7f2a1c000000-7f2a1c021000 r--p 00000000 fe:00 332835    /usr/lib/x86_64-linux-gnu/libc.so.6"
    std::string_view field[5];
    for (auto& f : field) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string_view::npos)
            return std::nullopt;
        line.remove_prefix(start);
        const auto end = line.find(' ');
        f = line.substr(0, end);
        line.remove_prefix(end == std::string_view::npos ? line.size() : end);
    }
    const auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos || line[start] != '/')
        return std::nullopt;
    MappedFile mapped{std::string(line.substr(start)), {}, 0};
    const auto colon = field[3].find(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    const auto hex = [](std::string_view text, auto& value) {
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
        return ec == std::errc() && end == text.data() + text.size();
    };
    const auto [end, ec] = std::from_chars(field[4].data(), field[4].data() + field[4].size(), mapped.inode);
    if (!hex(field[3].substr(0, colon), mapped.device.first) || !hex(field[3].substr(colon + 1), mapped.device.second) ||
        ec != std::errc() || end != field[4].data() + field[4].size() || mapped.inode == 0)
        return std::nullopt;
    return mapped;
}

Result<std::vector<OpenFile>> open_files(pid_t pid) {
    auto fds = snapshot_fds(pid);
    if (!fds)
        return fds.error();
    const std::string proc = "/proc/" + std::to_string(pid) + "/";
    std::vector<OpenFile> files{named_link(proc, "cwd", "cwd"), named_link(proc, "root", "rtd"),
                                named_link(proc, "exe", "txt")};

    std::set<std::pair<std::pair<unsigned, unsigned>, uint64_t>> seen;  // (device, inode)
    if (files.back().device)
        seen.insert({*files.back().device, files.back().node});
    const std::string maps = read_whole(proc + "maps").value_or("");
    for (std::size_t at = 0; at < maps.size();) {
        const auto end = std::min(maps.find('\n', at), maps.size());
        const auto mapped = parse_maps_line(std::string_view(maps).substr(at, end - at));
        at = end + 1;
        if (!mapped || !seen.insert({mapped->device, mapped->inode}).second)
            continue;
        OpenFile file;
        file.fd = "mem";
        file.type = "REG";
        file.device = mapped->device;
        file.node = mapped->inode;
        file.name = mapped->path;
        struct stat st;  // the size, while that path is still the mapped file
        if (::stat(mapped->path.c_str(), &st) == 0 && st.st_ino == mapped->inode)
            file.size = static_cast<uint64_t>(st.st_size);
        files.push_back(std::move(file));
    }

    std::sort(fds->begin(), fds->end(), [](const auto& a, const auto& b) { return a.fd < b.fd; });
    for (const auto& entry : *fds) {
        OpenFile file;
        file.fd = std::to_string(entry.fd);
        if (entry.flags)
            file.mode = "rwu"[std::min(*entry.flags & O_ACCMODE, 2u)];
        fill_from_stat(proc + "fd/" + file.fd, file);
        if (entry.desc.kind == FdDescription::Kind::Socket)
            file.type = type_of_socket(entry.desc);
        else if (entry.desc.kind == FdDescription::Kind::AnonInode)
            file.type = "a_inode";
        file.offset = entry.pos;
        file.cloexec = entry.cloexec;
        file.name = fd_name(entry.desc);
        files.push_back(std::move(file));
    }
    return files;
}

}  // namespace btrace::state
