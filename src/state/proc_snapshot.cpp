// SPDX-License-Identifier: Apache-2.0
#include "state/proc_snapshot.h"
#include "util/file.h"
#include "util/parse.h"

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace btrace::state {
namespace {

constexpr bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Whitespace-separated tokens of one line.
std::vector<std::string_view> tokens_of(std::string_view line) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i]))
            ++i;
        size_t start = i;
        while (i < line.size() && !is_space(line[i]))
            ++i;
        if (i > start)
            out.push_back(line.substr(start, i - start));
    }
    return out;
}

// Calls fn(line) for every line of text, without the '\n'.
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        fn(line);
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
}

// "0100007F:0CEA" (IPv4) or 32 hex digits ":PORT" (IPv6) into network-order
// bytes and a host-order port. Each 8-digit group is a u32 as the kernel held
// it in memory, so its in-memory bytes are the address bytes.
bool parse_hex_endpoint(std::string_view s, uint16_t family, uint8_t (&addr)[16], uint16_t& port) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos)
        return false;
    std::string_view hex = s.substr(0, colon);
    size_t words = family == AF_INET6 ? 4 : 1;
    if (hex.size() != words * 8)
        return false;
    for (size_t w = 0; w < words; ++w) {
        auto word = to_uint<uint32_t>(hex.substr(w * 8, 8), 16);
        if (!word)
            return false;
        std::memcpy(addr + w * 4, &*word, 4);
    }
    auto p = to_uint<uint16_t>(s.substr(colon + 1), 16);
    if (!p)
        return false;
    port = *p;
    return true;
}

std::optional<std::string> read_link_at(int dirfd, const char* name) {
    std::string buf(256, '\0');
    for (;;) {
        ssize_t n = ::readlinkat(dirfd, name, buf.data(), buf.size());
        if (n < 0)
            return std::nullopt;
        if (static_cast<size_t>(n) < buf.size()) {
            buf.resize(static_cast<size_t>(n));
            return buf;
        }
        buf.resize(buf.size() * 2);  // may have been truncated
    }
}

// Numeric entries of a /proc directory (fd numbers, tids), sorted.
template <typename T>
std::vector<T> numeric_entries(DIR* dir) {
    std::vector<T> out;
    while (struct dirent* ent = ::readdir(dir)) {
        if (auto n = to_uint<T>(ent->d_name))
            out.push_back(*n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// "socket:[123]" -> 123 when link starts with prefix "socket".
std::optional<uint64_t> bracketed_inode(std::string_view link, std::string_view prefix) {
    if (link.size() < prefix.size() + 3 || link.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    std::string_view rest = link.substr(prefix.size());
    if (rest.substr(0, 2) != ":[" || rest.back() != ']')
        return std::nullopt;
    return to_uint<uint64_t>(rest.substr(2, rest.size() - 3));
}

// /proc/ID/comm without its newline; empty when unreadable.
std::string comm_of_task(const std::string& task_dir) {
    auto comm = read_whole(task_dir + "comm");
    if (!comm)
        return {};
    while (!comm->empty() && comm->back() == '\n')
        comm->pop_back();
    return *comm;
}

std::string proc_dir(pid_t pid) {
    return "/proc/" + std::to_string(pid) + "/";
}

SocketTable load_from(const std::string& net) {
    SocketTable table;
    struct Inet {
        const char* file;
        uint16_t family, type, protocol;
    };
    static constexpr Inet kInet[] = {
        {"tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP},  {"tcp6", AF_INET6, SOCK_STREAM, IPPROTO_TCP},
        {"udp", AF_INET, SOCK_DGRAM, IPPROTO_UDP},   {"udp6", AF_INET6, SOCK_DGRAM, IPPROTO_UDP},
        {"raw", AF_INET, SOCK_RAW, 0},               {"raw6", AF_INET6, SOCK_RAW, 0},
    };
    for (const Inet& f : kInet) {
        if (auto text = read_whole(net + f.file))
            parse_inet(*text, f.family, f.type, f.protocol, table);
    }
    if (auto text = read_whole(net + "unix"))
        parse_unix(*text, table);
    if (auto text = read_whole(net + "netlink"))
        parse_netlink(*text, table);
    return table;
}

}  // namespace

// ---------------------------------------------------------------- SocketTable

SocketTable SocketTable::load(pid_t pid) {
    return load_from(proc_dir(pid) + "net/");
}

std::optional<FdDescription> SocketTable::find(uint64_t inode) const {
    auto it = by_inode_.find(inode);
    if (it == by_inode_.end())
        return std::nullopt;
    return it->second;
}

void SocketTable::add(const FdDescription& desc) {
    if (desc.inode != 0)
        by_inode_.insert_or_assign(desc.inode, desc);
}

// -------------------------------------------------------------------- parsers

size_t parse_inet(std::string_view text, uint16_t family, uint16_t type, uint16_t protocol,
                  SocketTable& table) {
    size_t added = 0;
    for_each_line(text, [&](std::string_view line) {
        auto tok = tokens_of(line);
        // sl local rem st tx:rx tr:tm retrnsmt uid timeout inode ...
        if (tok.size() < 10 || tok[0].empty() || tok[0].back() != ':')
            return;
        FdDescription d;
        d.kind = FdDescription::Kind::Socket;
        d.family = family;
        d.type = type;
        d.protocol = protocol;
        if (!parse_hex_endpoint(tok[1], family, d.local_addr, d.local_port) ||
            !parse_hex_endpoint(tok[2], family, d.remote_addr, d.remote_port))
            return;
        auto st = to_uint<uint8_t>(tok[3], 16);
        auto inode = to_uint<uint64_t>(tok[9]);
        if (!st || !inode || *inode == 0)
            return;
        d.state = *st;
        d.inode = *inode;
        table.add(d);
        ++added;
    });
    return added;
}

size_t parse_unix(std::string_view text, SocketTable& table) {
    size_t added = 0;
    for_each_line(text, [&](std::string_view line) {
        // Num: RefCount Protocol Flags Type St Inode [Path]; the path (which
        // may hold spaces) is whatever follows the inode and one space.
        std::string_view tok[7];
        size_t i = 0;
        for (auto& t : tok) {
            while (i < line.size() && line[i] == ' ')
                ++i;
            size_t start = i;
            while (i < line.size() && line[i] != ' ')
                ++i;
            t = line.substr(start, i - start);
        }
        if (tok[6].empty() || tok[0].back() != ':')
            return;
        auto type = to_uint<uint16_t>(tok[4], 16);
        auto inode = to_uint<uint64_t>(tok[6]);
        if (!type || !to_uint<uint8_t>(tok[5], 16) || !inode || *inode == 0)
            return;
        FdDescription d;
        d.kind = FdDescription::Kind::Socket;
        d.family = AF_UNIX;
        d.type = *type;
        d.inode = *inode;
        if (i + 1 < line.size())
            d.unix_path = std::string(line.substr(i + 1));
        table.add(d);
        ++added;
    });
    return added;
}

size_t parse_netlink(std::string_view text, SocketTable& table) {
    size_t added = 0;
    for_each_line(text, [&](std::string_view line) {
        // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
        auto tok = tokens_of(line);
        if (tok.size() < 10 || !to_uint<uint64_t>(tok[0], 16))
            return;
        auto proto = to_uint<uint16_t>(tok[1]);
        auto inode = to_uint<uint64_t>(tok[9]);
        if (!proto || !inode || *inode == 0)
            return;
        FdDescription d;
        d.kind = FdDescription::Kind::Socket;
        d.family = AF_NETLINK;
        d.protocol = *proto;
        d.inode = *inode;
        table.add(d);
        ++added;
    });
    return added;
}

FdInfo parse_fdinfo(std::string_view text) {
    FdInfo info;
    for_each_line(text, [&](std::string_view line) {
        size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            return;
        std::string_view key = line.substr(0, colon);
        auto tok = tokens_of(line.substr(colon + 1));
        if (tok.size() != 1)
            return;
        if (key == "flags") {
            if (auto f = to_uint<uint32_t>(tok[0], 8))
                info.flags = *f;
        } else if (key == "pos") {
            if (auto n = to_uint<uint64_t>(tok[0]))
                info.pos = *n;
        } else if (key == "ino") {
            if (auto n = to_uint<uint64_t>(tok[0]))
                info.ino = *n;
        }
    });
    return info;
}

FdDescription parse_fd_link(std::string_view link, const SocketTable& sockets) {
    FdDescription d;
    if (!link.empty() && link.front() == '/') {
        d.kind = FdDescription::Kind::File;
        d.path = std::string(link);
    } else if (auto ino = bracketed_inode(link, "socket")) {
        if (auto found = sockets.find(*ino))
            return *found;
        d.kind = FdDescription::Kind::Socket;
        d.inode = *ino;
    } else if (auto pino = bracketed_inode(link, "pipe")) {
        d.kind = FdDescription::Kind::Pipe;
        d.inode = *pino;
    } else if (link.substr(0, 11) == "anon_inode:" && link.size() > 11) {
        d.kind = FdDescription::Kind::AnonInode;
        d.path = std::string(link.substr(11));
    } else {
        d.path = std::string(link);
    }
    return d;
}

bool apply_sock_proto_name(std::string_view name, FdDescription& desc) {
    while (!name.empty() && name.back() == '\0')
        name.remove_suffix(1);
    struct Proto {
        std::string_view name;
        uint16_t family, type, protocol;
    };
    static constexpr Proto kProtos[] = {
        {"TCP", AF_INET, SOCK_STREAM, IPPROTO_TCP},
        {"TCPv6", AF_INET6, SOCK_STREAM, IPPROTO_TCP},
        {"UDP", AF_INET, SOCK_DGRAM, IPPROTO_UDP},
        {"UDPv6", AF_INET6, SOCK_DGRAM, IPPROTO_UDP},
        {"UDP-Lite", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE},
        {"UDPLITEv6", AF_INET6, SOCK_DGRAM, IPPROTO_UDPLITE},
        {"RAW", AF_INET, SOCK_RAW, 0},
        {"RAWv6", AF_INET6, SOCK_RAW, 0},
        {"UNIX", AF_UNIX, 0, 0},
        {"UNIX-STREAM", AF_UNIX, SOCK_STREAM, 0},
        {"UNIX-DGRAM", AF_UNIX, SOCK_DGRAM, 0},
        {"UNIX-SEQPACKET", AF_UNIX, SOCK_SEQPACKET, 0},
        {"NETLINK", AF_NETLINK, 0, 0},
    };
    for (const Proto& p : kProtos) {
        if (p.name == name) {
            desc.family = p.family;
            desc.type = p.type;
            desc.protocol = p.protocol;
            return true;
        }
    }
    return false;
}

std::optional<InFlightCall> parse_syscall_line(std::string_view line) {
    auto tok = tokens_of(line);
    // NR, six arguments, SP, PC. "-1 SP PC" and "running" fail here.
    if (tok.size() != 9)
        return std::nullopt;
    long nr = -1;
    auto [end, ec] = std::from_chars(tok[0].data(), tok[0].data() + tok[0].size(), nr);
    if (ec != std::errc{} || end != tok[0].data() + tok[0].size() || nr < 0)
        return std::nullopt;
    InFlightCall call;
    call.nr = nr;
    for (size_t i = 1; i < tok.size(); ++i) {
        if (tok[i].substr(0, 2) != "0x")
            return std::nullopt;
        auto v = to_uint<uint64_t>(tok[i].substr(2), 16);
        if (!v)
            return std::nullopt;
        if (i <= 6)
            call.args[i - 1] = *v;
    }
    return call;
}

// ------------------------------------------------------------------ /proc I/O

namespace {

// fd of the process whose /proc directory is base (dir: its fd directory);
// nullopt when it is not open. The socket tables are read at the first socket.
std::optional<ProcFd> describe_fd(const std::string& base, int dir, int fd, std::optional<SocketTable>& sockets,
                                  pid_t pid) {
    static const SocketTable kNoSockets;
    std::string name = std::to_string(fd);
    // Which file it is, from before the link is read: kept only if the inode
    // read after it (the link's or fdinfo's) is the same file's.
    struct stat before;
    const bool stated = ::fstatat(dir, name.c_str(), &before, 0) == 0;
    auto link = read_link_at(dir, name.c_str());
    if (!link)
        return std::nullopt;
    if (!sockets && link->starts_with("socket:"))
        sockets = SocketTable::load(pid);
    ProcFd entry{fd, parse_fd_link(*link, sockets ? *sockets : kNoSockets), false};
    if (entry.desc.kind == FdDescription::Kind::Socket && entry.desc.family == 0) {
        char proto[32];
        ssize_t n = ::getxattr((base + "fd/" + name).c_str(), "system.sockprotoname", proto, sizeof(proto));
        if (n > 0)
            apply_sock_proto_name(std::string_view(proto, static_cast<size_t>(n)), entry.desc);
    }
    if (auto text = read_whole(base + "fdinfo/" + name)) {
        FdInfo info = parse_fdinfo(*text);
        entry.cloexec = info.flags && is_cloexec(*info.flags);
        entry.flags = info.flags;
        entry.pos = info.pos;
        if (entry.desc.kind == FdDescription::Kind::File)
            entry.desc.inode = info.ino;
    }
    if (stated && entry.desc.inode == before.st_ino)
        entry.desc.dev = static_cast<uint32_t>(major(before.st_dev) << 20 | minor(before.st_dev));
    return entry;
}

}  // namespace

Result<std::vector<ProcFd>> snapshot_fds(pid_t pid) {
    std::vector<ProcFd> out;
    const std::string base = proc_dir(pid);
    DIR* dir = ::opendir((base + "fd").c_str());
    if (!dir)
        return errno_error("reading " + base + "fd", errno);
    std::optional<SocketTable> sockets;
    const std::vector<int> fds = numeric_entries<int>(dir);
    for (int fd : fds)
        if (auto entry = describe_fd(base, ::dirfd(dir), fd, sockets, pid))  // else closed meanwhile
            out.push_back(std::move(*entry));
    ::closedir(dir);
    return out;
}

std::optional<ProcFd> proc_fd(pid_t pid, int fd) {
    const std::string base = proc_dir(pid);
    const int dir = ::open((base + "fd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return std::nullopt;
    std::optional<SocketTable> sockets;
    auto entry = describe_fd(base, dir, fd, sockets, pid);
    ::close(dir);
    return entry;
}

std::optional<uint64_t> start_time_ticks(pid_t pid) {
    auto text = read_whole(proc_dir(pid) + "stat");
    if (!text)
        return std::nullopt;
    return parse_start_time(*text);
}

std::optional<uint64_t> parse_start_time(std::string_view stat) {
    // "pid (comm) state ppid ...": comm may hold spaces and ')', so count from the last ')'.
    const auto close = stat.rfind(')');
    if (close == std::string_view::npos)
        return std::nullopt;
    const auto fields = tokens_of(stat.substr(close + 1));
    constexpr std::size_t kStartTime = 22 - 3;  // field 22, counted from field 3 (state)
    if (fields.size() <= kStartTime)
        return std::nullopt;
    uint64_t ticks = 0;
    const auto f = fields[kStartTime];
    if (std::from_chars(f.data(), f.data() + f.size(), ticks).ec != std::errc())
        return std::nullopt;
    return ticks;
}

std::vector<pid_t> thread_ids(pid_t pid) {
    DIR* dir = ::opendir((proc_dir(pid) + "task/").c_str());
    if (!dir)
        return {};
    std::vector<pid_t> tids = numeric_entries<pid_t>(dir);
    ::closedir(dir);
    return tids;
}

std::vector<pid_t> process_ids() {
    DIR* dir = ::opendir("/proc");
    if (!dir)
        return {};
    std::vector<pid_t> pids = numeric_entries<pid_t>(dir);
    ::closedir(dir);
    return pids;
}

namespace {

std::optional<InFlightCall> call_in_task(const std::string& task, pid_t tid) {
    auto line = read_whole(task + "syscall");
    if (!line)
        return std::nullopt;  // exited meanwhile, or no access
    auto call = parse_syscall_line(*line);
    if (!call)
        return std::nullopt;
    call->tid = tid;
    call->comm = comm_of_task(task);
    return call;
}

}  // namespace

std::vector<InFlightCall> calls_in_flight(pid_t pid) {
    std::vector<InFlightCall> out;
    const std::string base = proc_dir(pid) + "task/";
    for (pid_t tid : thread_ids(pid))
        if (auto call = call_in_task(base + std::to_string(tid) + "/", tid))
            out.push_back(std::move(*call));
    return out;
}

std::optional<InFlightCall> call_in_flight(pid_t tid) { return call_in_task(proc_dir(tid), tid); }

std::string thread_comm(pid_t tid) { return comm_of_task(proc_dir(tid)); }

std::optional<std::string> unified_cgroup(pid_t pid) {
    const auto text = read_whole(proc_dir(pid) + "cgroup");
    std::optional<std::string> path;
    for_each_line(text ? *text : "", [&](std::string_view line) {
        if (!path && line.starts_with("0::"))
            path = std::string(line.substr(3));
    });
    return path;
}

std::optional<ThreadIdentity> thread_identity(pid_t tid) {
    const std::string task = proc_dir(tid);
    auto status = read_whole(task + "status");
    if (!status)
        return std::nullopt;
    ThreadIdentity id{0, comm_of_task(task)};
    for_each_line(*status, [&](std::string_view line) {
        if (!line.starts_with("Tgid:"))
            return;
        const auto tokens = tokens_of(line.substr(5));
        if (!tokens.empty())
            id.tgid = to_uint<pid_t>(tokens.front()).value_or(0);
    });
    if (id.tgid == 0)
        return std::nullopt;
    return id;
}

}  // namespace btrace::state
