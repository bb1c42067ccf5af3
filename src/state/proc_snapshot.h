// SPDX-License-Identifier: Apache-2.0
// What a process already has when we attach to it: its open fds (named like
// the ones we learn about from the kernel side) and the calls its threads
// are blocked in. Attach-time code; every parser is a pure function over the
// text of a /proc file so it can be tested without /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "state/fd_desc.h"
#include "util/result.h"

namespace btrace::state {

// Sockets of one network namespace, by inode, from /proc/.../net/{tcp,tcp6,
// udp,udp6,raw,raw6,unix,netlink}.
class SocketTable {
public:
    // The namespace of PID (/proc/PID/net/), which may differ from ours.
    static SocketTable load(pid_t pid);

    std::optional<FdDescription> find(uint64_t inode) const;
    void add(const FdDescription& desc);  // keyed by desc.inode; 0 is ignored
    size_t size() const { return by_inode_.size(); }

private:
    std::unordered_map<uint64_t, FdDescription> by_inode_;
};

// Parsers over the whole text of one /proc/net file (header line included).
// Each returns how many sockets it added; malformed lines and sockets with
// inode 0 (TIME_WAIT, request sockets) are skipped.
//
// /proc/net/{tcp,udp,raw}[6]: "sl local rem st tx:rx tr:tm retr uid timeout
// inode ...", addresses as hex "0100007F:0CEA" (the address is the __be32
// printed as a host u32, IPv6 as four such words; the port is host order).
// family/type/protocol are stamped on every entry (the file tells which).
size_t parse_inet(std::string_view text, uint16_t family, uint16_t type, uint16_t protocol,
                  SocketTable& table);
// /proc/net/unix: "Num RefCount Protocol Flags Type St Inode [Path]". The peer
// is not listed there, so unix_peer_path stays empty.
size_t parse_unix(std::string_view text, SocketTable& table);
// /proc/net/netlink: "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode";
// Eth (the netlink protocol) goes to .protocol.
size_t parse_netlink(std::string_view text, SocketTable& table);

// One /proc/PID/fdinfo/N file.
struct FdInfo {
    std::optional<uint32_t> flags;  // "flags:\t02000002" (octal)
    std::optional<uint64_t> pos;    // "pos:\t0": the file offset
    uint64_t ino = 0;               // "ino:\t60601" (absent before Linux 5.10)
};
FdInfo parse_fdinfo(std::string_view text);
inline bool is_cloexec(uint32_t open_flags) { return (open_flags & 02000000u) != 0; }

// One readlink of /proc/PID/fd/N:
//   "/abs/path" (incl. " (deleted)")  -> File, path as is
//   "socket:[N]"                      -> the table's entry for N, else Socket with only inode
//   "pipe:[N]"                        -> Pipe
//   "anon_inode:[eventfd]"            -> AnonInode, path "[eventfd]" (anything after the colon)
//   anything else ("net:[4026531833]") -> Unknown, path = the link text
FdDescription parse_fd_link(std::string_view link, const SocketTable& sockets);

// A socket that no /proc/net file lists (unbound TCP/UDP, unbound netlink)
// still names its protocol in the "system.sockprotoname" xattr of its fd
// link: "TCP", "UDPv6", "UNIX-STREAM", "NETLINK", ... Fills family/type/
// protocol of desc from it; false (desc untouched) for names it does not map.
bool apply_sock_proto_name(std::string_view name, FdDescription& desc);

struct ProcFd {
    int fd;
    FdDescription desc;
    bool cloexec;
    std::optional<uint32_t> flags = {};  // from fdinfo, when it could be read
    std::optional<uint64_t> pos = {};
};

// The open fds of PID, by fd number. Fds that close while we read are
// skipped; an fd whose fdinfo cannot be read has cloexec false. A File's
// inode comes from fdinfo's ino: line when present. A socket missing from
// the table gets its protocol from the sockprotoname xattr when it can. The
// socket tables (every socket of the namespace) are read at the first socket.
// An error when the fd directory cannot be read (no right to, or gone).
Result<std::vector<ProcFd>> snapshot_fds(pid_t pid);

// One open fd of PID, as snapshot_fds describes it; nullopt when PID or the fd is gone.
std::optional<ProcFd> proc_fd(pid_t pid, int fd);

// When PID started, in clock ticks since boot (/proc/PID/stat field 22), while it exists.
std::optional<uint64_t> start_time_ticks(pid_t pid);
std::optional<uint64_t> parse_start_time(std::string_view stat);

// The threads of PID, by tid, sorted.
std::vector<pid_t> thread_ids(pid_t pid);
// Every process on the host (the numeric entries of /proc).
std::vector<pid_t> process_ids();

struct InFlightCall {
    pid_t tid = 0;
    long nr = -1;
    uint64_t args[6] = {};
    std::string comm;
};

// One /proc/PID/task/TID/syscall: "NR 0xA0 0xA1 0xA2 0xA3 0xA4 0xA5 0xSP 0xPC"
// for a thread blocked in call NR. nullopt for "-1 0xSP 0xPC" (in user
// space), "running", and anything malformed. tid and comm are left empty.
std::optional<InFlightCall> parse_syscall_line(std::string_view line);

// Threads of PID that are inside a system call right now, by tid, with comm
// from /proc/PID/task/TID/comm. Needs ptrace-read access to PID.
std::vector<InFlightCall> calls_in_flight(pid_t pid);
// The call thread TID is blocked in right now (/proc/TID/syscall), if any.
std::optional<InFlightCall> call_in_flight(pid_t tid);

// The process and name of a thread (/proc/TID/status), while it exists.
struct ThreadIdentity {
    pid_t tgid;
    std::string comm;
};
std::optional<ThreadIdentity> thread_identity(pid_t tid);
// A thread's comm (/proc/TID/comm); empty when unreadable.
std::string thread_comm(pid_t tid);
// A process's cgroup in the unified (v2) hierarchy, from its "0::" line in /proc/PID/cgroup.
std::optional<std::string> unified_cgroup(pid_t pid);

}  // namespace btrace::state
