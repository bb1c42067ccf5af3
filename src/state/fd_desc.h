// SPDX-License-Identifier: Apache-2.0
// What an fd refers to, however it was learned: from the kernel side at the
// call that created or changed it, or from /proc at attach. One formatter
// turns either into the name shown as 3</etc/issue>.
#pragma once

#include <cstdint>
#include <string>

namespace btrace::state {

struct FdDescription {
    enum class Kind : uint8_t { Unknown, File, Socket, Pipe, AnonInode };

    Kind kind = Kind::Unknown;
    uint64_t inode = 0;
    uint32_t dev = 0;  // its filesystem, as the kernel numbers it (major << 20 | minor); 0: not known
    std::string path;  // File: absolute path; AnonInode: "[eventfd]" / "inotify"
    bool truncated = false;  // File: the kernel's walk stopped short of the root (path is its tail)

    // Socket
    uint16_t family = 0;      // AF_INET, AF_INET6, AF_UNIX, AF_NETLINK ...
    uint16_t type = 0;        // SOCK_STREAM, SOCK_DGRAM ...
    uint16_t protocol = 0;    // IPPROTO_TCP ...
    uint8_t state = 0;        // TCP state (TCP_ESTABLISHED = 1, TCP_LISTEN = 10)
    uint8_t local_addr[16] = {};   // network order; IPv4 in the first 4 bytes
    uint8_t remote_addr[16] = {};
    uint16_t local_port = 0;  // host order
    uint16_t remote_port = 0;
    std::string unix_path;       // AF_UNIX: bound path ("@name" for abstract)
    std::string unix_peer_path;  // AF_UNIX: the peer's bound path
};

// Which file an fd holds: its inode and filesystem (btrace_file_id). No two
// files open at the same time have the same; ino 0: none, or not known.
struct FileId {
    uint64_t ino = 0;
    uint32_t dev = 0;
    bool none() const { return ino == 0; }
    bool operator==(const FileId&) const = default;
};

// desc's file, when both its inode and its filesystem are known.
inline FileId file_id(const FdDescription& desc) { return desc.dev ? FileId{desc.inode, desc.dev} : FileId{}; }

// The text between < and >:
//   /etc/issue, /dev/pts/0, pipe:[12345], anon_inode:[eventfd],
//   TCP 127.0.0.1:33254->127.0.0.1:3306, TCP6 [::1]:8080 LISTEN,
//   UDP 127.0.0.1:5353, UNIX /run/x.sock, UNIX ->/run/x.sock (peer),
//   UNIX:[12345], NETLINK:[12345], socket:[12345] for the rest.
std::string fd_name(const FdDescription& desc);

}  // namespace btrace::state
