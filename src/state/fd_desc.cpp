// SPDX-License-Identifier: Apache-2.0
#include "state/fd_desc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string_view>

namespace btrace::state {
namespace {

constexpr uint8_t kTcpListen = 10;

// TCP states in which the socket has a peer (UDP uses ESTABLISHED when
// connected and CLOSE otherwise).
bool has_peer_state(uint8_t state) {
    switch (state) {
        case 1:   // ESTABLISHED
        case 2:   // SYN_SENT
        case 3:   // SYN_RECV
        case 4:   // FIN_WAIT1
        case 5:   // FIN_WAIT2
        case 6:   // TIME_WAIT
        case 8:   // CLOSE_WAIT
        case 9:   // LAST_ACK
        case 11:  // CLOSING
            return true;
        default:
            return false;
    }
}

std::string bracketed(std::string_view prefix, uint64_t inode) {
    std::string out(prefix);
    out += ":[";
    out += std::to_string(inode);
    out += ']';
    return out;
}

// "127.0.0.1:80" or "[::1]:80".
std::string endpoint(int family, const uint8_t* addr, uint16_t port) {
    char buf[INET6_ADDRSTRLEN] = {};
    std::string out;
    if (family == AF_INET6) {
        inet_ntop(AF_INET6, addr, buf, sizeof(buf));
        out += '[';
        out += buf;
        out += ']';
    } else {
        inet_ntop(AF_INET, addr, buf, sizeof(buf));
        out += buf;
    }
    out += ':';
    out += std::to_string(port);
    return out;
}

std::string inet_name(const FdDescription& d) {
    const bool v6 = d.family == AF_INET6;
    const char* proto = nullptr;
    switch (d.type & 0xf) {  // drop SOCK_NONBLOCK / SOCK_CLOEXEC if present
        case SOCK_STREAM:
            proto = v6 ? "TCP6" : "TCP";
            break;
        case SOCK_DGRAM:
            proto = v6 ? "UDP6" : "UDP";
            break;
        case SOCK_RAW:
            proto = v6 ? "RAW6" : "RAW";
            break;
        default:
            return bracketed("socket", d.inode);
    }

    std::string out(proto);
    if (d.state == kTcpListen) {
        out += ' ';
        out += endpoint(d.family, d.local_addr, d.local_port);
        out += " LISTEN";
    } else if (d.remote_port != 0 || has_peer_state(d.state)) {
        out += ' ';
        out += endpoint(d.family, d.local_addr, d.local_port);
        out += "->";
        out += endpoint(d.family, d.remote_addr, d.remote_port);
    } else if (d.local_port == 0) {
        out = bracketed(proto, d.inode);
    } else {
        out += ' ';
        out += endpoint(d.family, d.local_addr, d.local_port);
    }
    return out;
}

std::string socket_name(const FdDescription& d) {
    switch (d.family) {
        case AF_INET:
        case AF_INET6:
            return inet_name(d);
        case AF_UNIX:
            if (!d.unix_path.empty())
                return "UNIX " + d.unix_path;
            if (!d.unix_peer_path.empty())
                return "UNIX ->" + d.unix_peer_path;
            return bracketed("UNIX", d.inode);
        case AF_NETLINK:
            return bracketed("NETLINK", d.inode);
        default:
            return bracketed("socket", d.inode);
    }
}

}  // namespace

std::string fd_name(const FdDescription& desc) {
    switch (desc.kind) {
        case FdDescription::Kind::File:
            return desc.path;
        case FdDescription::Kind::Socket:
            return socket_name(desc);
        case FdDescription::Kind::Pipe:
            return bracketed("pipe", desc.inode);
        case FdDescription::Kind::AnonInode:
            return "anon_inode:" + desc.path;
        case FdDescription::Kind::Unknown:
            break;
    }
    return {};
}

}  // namespace btrace::state
