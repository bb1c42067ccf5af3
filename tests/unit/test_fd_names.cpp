// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "state/fd_desc.h"
#include "state/proc_snapshot.h"

using btrace::state::FdDescription;
using btrace::state::fd_name;
using btrace::state::SocketTable;
using Kind = btrace::state::FdDescription::Kind;

namespace {

FdDescription inet(uint16_t family, uint16_t type, const char* local, uint16_t lport,
                   const char* remote, uint16_t rport, uint8_t state) {
    FdDescription d;
    d.kind = Kind::Socket;
    d.inode = 4242;
    d.family = family;
    d.type = type;
    d.state = state;
    REQUIRE(inet_pton(family, local, d.local_addr) == 1);
    REQUIRE(inet_pton(family, remote, d.remote_addr) == 1);
    d.local_port = lport;
    d.remote_port = rport;
    return d;
}

FdDescription unix_sock(std::string path, std::string peer) {
    FdDescription d;
    d.kind = Kind::Socket;
    d.inode = 12345;
    d.family = AF_UNIX;
    d.type = SOCK_STREAM;
    d.unix_path = std::move(path);
    d.unix_peer_path = std::move(peer);
    return d;
}

std::string name_of(const SocketTable& table, uint64_t inode) {
    auto d = table.find(inode);
    REQUIRE(d);
    return fd_name(*d);
}

// Real lines from /proc/PID/net/* on the development machine (x86_64, 6.18).
constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
    "                                                     \n"
    "   0: 0100007F:ADB9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 60601 1 "
    "0000000057d640ce 100 0 0 10 0                     \n"
    "   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1060 1 "
    "00000000783e2788 100 0 0 10 0                      \n"
    "   2: 0100007F:ADB9 0100007F:CB46 01 00000000:00000000 00:00000000 00000000     0        0 60603 1 "
    "00000000a73f9fe4 20 0 0 10 -1                     \n"
    "   3: 0100007F:CB46 0100007F:ADB9 01 00000000:00000000 00:00000000 00000000     0        0 60602 2 "
    "00000000de46d3d4 20 0 0 10 -1                     \n"
    // TIME_WAIT: no socket, inode 0.
    "   4: 0100007F:CB40 0100007F:ADB9 06 00000000:00000000 03:00001624 00000000     0        0 0 3 "
    "00000000c1d3a1b2\n";

constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue "
    "rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:9461 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000     0        0 60604 1 00000000b9571ef0 100 0 0 10 0\n";

constexpr const char* kUdp =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode "
    "ref pointer drops            \n"
    " 7088: 0100007F:B706 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 60605 2 "
    "00000000509f1d5d 0         \n";

constexpr const char* kUdp6 =
    "  sl  local_address                         remote_address                        st tx_queue "
    "rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
    "14735: 00000000000000000000000001000000:D4E5 00000000000000000000000001000000:0009 01 "
    "00000000:00000000 00:00000000 00000000     0        0 60606 2 00000000ca9a32b5 0\n";

constexpr const char* kUnix =
    "Num       RefCount Protocol Flags    Type St Inode Path\n"
    "000000009d441684: 00000002 00000000 00010000 0001 01 60607 /tmp/btrace_test.sock\n"
    "00000000a64383bc: 00000003 00000000 00000000 0001 03  1056\n"
    "00000000a5366fea: 00000002 00000000 00000000 0001 01 60608 @btrace_abstract\n"
    "00000000a5366feb: 00000002 00000000 00000000 0002 01 60609 /tmp/with space.sock\n";

constexpr const char* kNetlink =
    "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
    "0000000059ab697d 0   0          00000000 0        0        0     2        0        4       \n"
    "000000005f44f52c 4   0          00000000 0        0        0     2        0        565     \n";

}  // namespace

TEST_CASE("fd_name: files, pipes, anon inodes, unknown", "[fd_names]") {
    FdDescription f;
    f.kind = Kind::File;
    f.path = "/etc/issue";
    CHECK(fd_name(f) == "/etc/issue");
    f.path = "/tmp/gone (deleted)";
    CHECK(fd_name(f) == "/tmp/gone (deleted)");

    FdDescription p;
    p.kind = Kind::Pipe;
    p.inode = 12345;
    CHECK(fd_name(p) == "pipe:[12345]");

    FdDescription a;
    a.kind = Kind::AnonInode;
    a.path = "[eventfd]";
    CHECK(fd_name(a) == "anon_inode:[eventfd]");
    a.path = "inotify";
    CHECK(fd_name(a) == "anon_inode:inotify");

    FdDescription u;
    CHECK(fd_name(u).empty());
    u.path = "net:[4026531833]";
    CHECK(fd_name(u).empty());
}

TEST_CASE("fd_name: inet sockets", "[fd_names]") {
    CHECK(fd_name(inet(AF_INET, SOCK_STREAM, "127.0.0.1", 33254, "127.0.0.1", 3306, 1)) ==
          "TCP 127.0.0.1:33254->127.0.0.1:3306");
    CHECK(fd_name(inet(AF_INET6, SOCK_STREAM, "::1", 8080, "::", 0, 10)) == "TCP6 [::1]:8080 LISTEN");
    CHECK(fd_name(inet(AF_INET, SOCK_STREAM, "0.0.0.0", 22, "0.0.0.0", 0, 10)) == "TCP 0.0.0.0:22 LISTEN");
    CHECK(fd_name(inet(AF_INET, SOCK_DGRAM, "127.0.0.1", 5353, "0.0.0.0", 0, 7)) == "UDP 127.0.0.1:5353");
    CHECK(fd_name(inet(AF_INET6, SOCK_DGRAM, "::1", 54501, "::1", 9, 1)) == "UDP6 [::1]:54501->[::1]:9");
    CHECK(fd_name(inet(AF_INET6, SOCK_STREAM, "::ffff:10.0.0.1", 80, "::ffff:10.0.0.2", 40000, 1)) ==
          "TCP6 [::ffff:10.0.0.1]:80->[::ffff:10.0.0.2]:40000");
    // A connected state with the remote port unknown still shows the arrow.
    CHECK(fd_name(inet(AF_INET, SOCK_STREAM, "10.0.0.1", 5000, "0.0.0.0", 0, 2)) ==
          "TCP 10.0.0.1:5000->0.0.0.0:0");
    // Bound, not listening or connected.
    CHECK(fd_name(inet(AF_INET, SOCK_STREAM, "127.0.0.1", 4000, "0.0.0.0", 0, 7)) == "TCP 127.0.0.1:4000");
    // Neither end known: the inode.
    CHECK(fd_name(inet(AF_INET, SOCK_STREAM, "0.0.0.0", 0, "0.0.0.0", 0, 7)) == "TCP:[4242]");
    CHECK(fd_name(inet(AF_INET6, SOCK_DGRAM, "::", 0, "::", 0, 0)) == "UDP6:[4242]");
    // socket(2)'s type argument with SOCK_NONBLOCK (SOCK_CLOEXEC does not fit in .type).
    CHECK(fd_name(inet(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, "127.0.0.1", 1, "127.0.0.1", 2, 1)) ==
          "TCP 127.0.0.1:1->127.0.0.1:2");
    CHECK(fd_name(inet(AF_INET, SOCK_RAW, "0.0.0.0", 1, "0.0.0.0", 0, 7)) == "RAW 0.0.0.0:1");
    CHECK(fd_name(inet(AF_INET, SOCK_SEQPACKET, "127.0.0.1", 1, "0.0.0.0", 0, 0)) == "socket:[4242]");
}

TEST_CASE("fd_name: unix, netlink, other sockets", "[fd_names]") {
    CHECK(fd_name(unix_sock("/run/x.sock", "")) == "UNIX /run/x.sock");
    CHECK(fd_name(unix_sock("@abstract", "")) == "UNIX @abstract");
    CHECK(fd_name(unix_sock("/run/x.sock", "/run/y.sock")) == "UNIX /run/x.sock");
    CHECK(fd_name(unix_sock("", "/run/x.sock")) == "UNIX ->/run/x.sock");
    CHECK(fd_name(unix_sock("", "")) == "UNIX:[12345]");

    FdDescription n;
    n.kind = Kind::Socket;
    n.inode = 12345;
    n.family = AF_NETLINK;
    CHECK(fd_name(n) == "NETLINK:[12345]");
    n.family = AF_PACKET;
    CHECK(fd_name(n) == "socket:[12345]");
    n.family = 0;  // only the inode known
    CHECK(fd_name(n) == "socket:[12345]");
}

TEST_CASE("parse_inet: /proc/net/tcp", "[fd_names]") {
    SocketTable t;
    CHECK(btrace::state::parse_inet(kTcp, AF_INET, SOCK_STREAM, IPPROTO_TCP, t) == 4);
    CHECK(t.size() == 4);
    CHECK(name_of(t, 60601) == "TCP 127.0.0.1:44473 LISTEN");
    CHECK(name_of(t, 1060) == "TCP 0.0.0.0:2024 LISTEN");
    CHECK(name_of(t, 60603) == "TCP 127.0.0.1:44473->127.0.0.1:52038");
    CHECK(name_of(t, 60602) == "TCP 127.0.0.1:52038->127.0.0.1:44473");
    CHECK_FALSE(t.find(0));
    CHECK_FALSE(t.find(99999));

    auto d = t.find(60603);
    REQUIRE(d);
    CHECK(d->kind == Kind::Socket);
    CHECK(d->family == AF_INET);
    CHECK(d->type == SOCK_STREAM);
    CHECK(d->protocol == IPPROTO_TCP);
    CHECK(d->state == 1);
    const uint8_t loopback[4] = {127, 0, 0, 1};
    CHECK(std::memcmp(d->local_addr, loopback, 4) == 0);
    CHECK(std::memcmp(d->remote_addr, loopback, 4) == 0);
    CHECK(d->local_port == 44473);
    CHECK(d->remote_port == 52038);
}

TEST_CASE("parse_inet: tcp6, udp, udp6", "[fd_names]") {
    SocketTable t;
    CHECK(btrace::state::parse_inet(kTcp6, AF_INET6, SOCK_STREAM, IPPROTO_TCP, t) == 1);
    CHECK(btrace::state::parse_inet(kUdp, AF_INET, SOCK_DGRAM, IPPROTO_UDP, t) == 1);
    CHECK(btrace::state::parse_inet(kUdp6, AF_INET6, SOCK_DGRAM, IPPROTO_UDP, t) == 1);
    CHECK(name_of(t, 60604) == "TCP6 [::1]:37985 LISTEN");
    CHECK(name_of(t, 60605) == "UDP 127.0.0.1:46854");
    CHECK(name_of(t, 60606) == "UDP6 [::1]:54501->[::1]:9");

    auto d = t.find(60604);
    REQUIRE(d);
    uint8_t v6loop[16] = {};
    v6loop[15] = 1;
    CHECK(std::memcmp(d->local_addr, v6loop, 16) == 0);

    // The wrong address width for the family, and garbage, add nothing.
    SocketTable none;
    CHECK(btrace::state::parse_inet(kTcp6, AF_INET, SOCK_STREAM, IPPROTO_TCP, none) == 0);
    CHECK(btrace::state::parse_inet("hello\n\n  0: zz:zz\n", AF_INET, SOCK_STREAM, IPPROTO_TCP, none) == 0);
    CHECK(btrace::state::parse_inet("", AF_INET, SOCK_STREAM, IPPROTO_TCP, none) == 0);
    CHECK(none.size() == 0);
}

TEST_CASE("parse_unix and parse_netlink", "[fd_names]") {
    SocketTable t;
    CHECK(btrace::state::parse_unix(kUnix, t) == 4);
    CHECK(name_of(t, 60607) == "UNIX /tmp/btrace_test.sock");
    CHECK(name_of(t, 1056) == "UNIX:[1056]");
    CHECK(name_of(t, 60608) == "UNIX @btrace_abstract");
    CHECK(name_of(t, 60609) == "UNIX /tmp/with space.sock");
    auto d = t.find(60609);
    REQUIRE(d);
    CHECK(d->family == AF_UNIX);
    CHECK(d->type == SOCK_DGRAM);
    CHECK(d->unix_peer_path.empty());

    CHECK(btrace::state::parse_netlink(kNetlink, t) == 2);
    CHECK(name_of(t, 4) == "NETLINK:[4]");
    CHECK(name_of(t, 565) == "NETLINK:[565]");
    CHECK(t.find(565)->protocol == 4);

    SocketTable none;
    CHECK(btrace::state::parse_unix("garbage line\nNum RefCount\n", none) == 0);
    CHECK(btrace::state::parse_netlink("sk Eth Pid\nxyz 1 2 3 4 5 6 7 8 9\n", none) == 0);
}

TEST_CASE("parse_fdinfo: flags are octal, O_CLOEXEC is 02000000", "[fd_names]") {
    using btrace::state::is_cloexec;
    using btrace::state::parse_fdinfo;

    auto sock = parse_fdinfo("pos:\t0\nflags:\t02000002\nmnt_id:\t10\nino:\t60601\n");
    REQUIRE(sock.flags);
    CHECK(*sock.flags == (O_CLOEXEC | O_RDWR));
    CHECK(is_cloexec(*sock.flags));
    CHECK(sock.ino == 60601);

    auto out = parse_fdinfo("pos:\t2034\nflags:\t0100001\nmnt_id:\t27\nino:\t10961423\n");
    REQUIRE(out.flags);
    CHECK(*out.flags == 0100001);  // the kernel's O_LARGEFILE | O_WRONLY
    CHECK_FALSE(is_cloexec(*out.flags));
    CHECK(out.ino == 10961423);

    auto pipe = parse_fdinfo("pos:\t0\nflags:\t01\nmnt_id:\t16\nino:\t60573\n");
    REQUIRE(pipe.flags);
    CHECK(*pipe.flags == 1);

    CHECK_FALSE(parse_fdinfo("").flags);
    CHECK_FALSE(parse_fdinfo("pos:\t0\nflags:\t09\n").flags);  // not octal
    CHECK(parse_fdinfo("pos:\t0\n").ino == 0);
}

TEST_CASE("parse_fd_link: every readlink form", "[fd_names]") {
    using btrace::state::parse_fd_link;
    SocketTable t;
    btrace::state::parse_inet(kTcp, AF_INET, SOCK_STREAM, IPPROTO_TCP, t);

    auto file = parse_fd_link("/etc/issue", t);
    CHECK(file.kind == Kind::File);
    CHECK(fd_name(file) == "/etc/issue");
    CHECK(fd_name(parse_fd_link("/memfd:xx (deleted)", t)) == "/memfd:xx (deleted)");

    auto known = parse_fd_link("socket:[60603]", t);
    CHECK(known.kind == Kind::Socket);
    CHECK(fd_name(known) == "TCP 127.0.0.1:44473->127.0.0.1:52038");

    auto unknown_sock = parse_fd_link("socket:[777]", t);
    CHECK(unknown_sock.kind == Kind::Socket);
    CHECK(unknown_sock.inode == 777);
    CHECK(fd_name(unknown_sock) == "socket:[777]");

    auto pipe = parse_fd_link("pipe:[60573]", t);
    CHECK(pipe.kind == Kind::Pipe);
    CHECK(pipe.inode == 60573);
    CHECK(fd_name(pipe) == "pipe:[60573]");

    auto efd = parse_fd_link("anon_inode:[eventfd]", t);
    CHECK(efd.kind == Kind::AnonInode);
    CHECK(efd.path == "[eventfd]");
    CHECK(fd_name(efd) == "anon_inode:[eventfd]");
    auto ino = parse_fd_link("anon_inode:inotify", t);
    CHECK(ino.path == "inotify");
    CHECK(fd_name(ino) == "anon_inode:inotify");

    auto ns = parse_fd_link("net:[4026531833]", t);
    CHECK(ns.kind == Kind::Unknown);
    CHECK(ns.path == "net:[4026531833]");
    CHECK(parse_fd_link("socket:[abc]", t).kind == Kind::Unknown);
    CHECK(parse_fd_link("pipe:[]", t).kind == Kind::Unknown);
    CHECK(parse_fd_link("", t).kind == Kind::Unknown);
}

TEST_CASE("apply_sock_proto_name", "[fd_names]") {
    using btrace::state::apply_sock_proto_name;
    FdDescription d;
    d.kind = Kind::Socket;
    d.inode = 99;
    CHECK(fd_name(d) == "socket:[99]");

    REQUIRE(apply_sock_proto_name(std::string_view("TCP\0", 4), d));
    CHECK(fd_name(d) == "TCP:[99]");
    REQUIRE(apply_sock_proto_name("UDPv6", d));
    CHECK(fd_name(d) == "UDP6:[99]");
    REQUIRE(apply_sock_proto_name("UNIX-STREAM", d));
    CHECK(d.type == SOCK_STREAM);
    CHECK(fd_name(d) == "UNIX:[99]");
    REQUIRE(apply_sock_proto_name("NETLINK", d));
    CHECK(fd_name(d) == "NETLINK:[99]");

    CHECK_FALSE(apply_sock_proto_name("PACKET", d));
    CHECK(d.family == AF_NETLINK);  // untouched
}

TEST_CASE("parse_syscall_line", "[fd_names]") {
    using btrace::state::parse_syscall_line;

    auto read = parse_syscall_line("0 0x3 0x7ffc694b6ac8 0x1000 0x0 0x0 0x0 0x7ffc694b6a00 0x7f877cf162ad\n");
    REQUIRE(read);
    CHECK(read->nr == 0);
    CHECK(read->args[0] == 3);
    CHECK(read->args[1] == 0x7ffc694b6ac8);
    CHECK(read->args[2] == 0x1000);
    CHECK(read->args[3] == 0);
    CHECK(read->args[5] == 0);
    CHECK(read->tid == 0);
    CHECK(read->comm.empty());

    auto nanosleep = parse_syscall_line(
        "230 0x0 0x0 0x7ffcd8d1ed70 0x7ffcd8d1edb0 0x0 0x0 0x7ffcd8d1ed58 0x7f35e9615503");
    REQUIRE(nanosleep);
    CHECK(nanosleep->nr == 230);
    CHECK(nanosleep->args[2] == 0x7ffcd8d1ed70);
    CHECK(nanosleep->args[3] == 0x7ffcd8d1edb0);

    CHECK_FALSE(parse_syscall_line("-1 0x7ffc694b6a00 0x7f877cf162ad\n"));
    CHECK_FALSE(parse_syscall_line("running\n"));
    CHECK_FALSE(parse_syscall_line(""));
    CHECK_FALSE(parse_syscall_line("garbage"));
    CHECK_FALSE(parse_syscall_line("0 0x3 0x7ffc"));                           // short
    CHECK_FALSE(parse_syscall_line("0 3 0x1 0x1000 0x0 0x0 0x0 0x1 0x2"));     // no 0x
    CHECK_FALSE(parse_syscall_line("x 0x3 0x1 0x1000 0x0 0x0 0x0 0x1 0x2"));   // NR not a number
    CHECK_FALSE(parse_syscall_line("0 0x3 0x1 0x1000 0x0 0x0 0x0 0x1 0xzz"));  // bad hex
    CHECK_FALSE(parse_syscall_line("0 0x3 0x1 0x1000 0x0 0x0 0x0 0x1 0x2 0x3"));  // too long
}

TEST_CASE("snapshot_fds on this process", "[fd_names]") {
    int pipefd[2];
    REQUIRE(pipe(pipefd) == 0);

    int lsock = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(lsock >= 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(lsock, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0);
    REQUIRE(listen(lsock, 1) == 0);
    socklen_t len = sizeof(sin);
    REQUIRE(getsockname(lsock, reinterpret_cast<sockaddr*>(&sin), &len) == 0);
    const uint16_t port = ntohs(sin.sin_port);

    int closing = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int keeping = open("/dev/null", O_RDONLY);
    int efd = eventfd(0, EFD_CLOEXEC);
    REQUIRE(closing >= 0);
    REQUIRE(keeping >= 0);
    REQUIRE(efd >= 0);
    // In no /proc/net file until bound: named from the sockprotoname xattr.
    int unbound = socket(AF_INET, SOCK_STREAM, 0);
    int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
    REQUIRE(unbound >= 0);
    REQUIRE(nl >= 0);

    struct stat st{};
    REQUIRE(fstat(pipefd[0], &st) == 0);
    const std::string pipe_name = "pipe:[" + std::to_string(st.st_ino) + "]";
    struct stat null_st{};
    REQUIRE(fstat(closing, &null_st) == 0);

    auto snapshot = btrace::state::snapshot_fds(getpid());
    REQUIRE(snapshot);
    const auto& fds = *snapshot;
    auto find = [&](int fd) -> const btrace::state::ProcFd* {
        for (const auto& e : fds)
            if (e.fd == fd)
                return &e;
        return nullptr;
    };

    for (size_t i = 1; i < fds.size(); ++i)
        CHECK(fds[i - 1].fd < fds[i].fd);

    auto* r = find(pipefd[0]);
    auto* w = find(pipefd[1]);
    REQUIRE(r);
    REQUIRE(w);
    CHECK(r->desc.kind == Kind::Pipe);
    CHECK(fd_name(r->desc) == pipe_name);
    CHECK(fd_name(w->desc) == pipe_name);
    CHECK_FALSE(r->cloexec);
    // Which file, as the kernel side numbers it, for a call that another thread's reopen overlaps.
    const auto kernel_dev = [](dev_t dev) { return static_cast<uint32_t>(major(dev) << 20 | minor(dev)); };
    CHECK(btrace::state::file_id(r->desc) == btrace::state::FileId{st.st_ino, kernel_dev(st.st_dev)});

    auto* l = find(lsock);
    REQUIRE(l);
    CHECK(fd_name(l->desc) == "TCP 127.0.0.1:" + std::to_string(port) + " LISTEN");

    auto* c = find(closing);
    auto* k = find(keeping);
    REQUIRE(c);
    REQUIRE(k);
    CHECK(c->desc.kind == Kind::File);
    CHECK(btrace::state::file_id(c->desc) == btrace::state::FileId{null_st.st_ino, kernel_dev(null_st.st_dev)});
    CHECK(fd_name(c->desc) == "/dev/null");
    CHECK(c->desc.inode == null_st.st_ino);
    CHECK(c->cloexec);
    CHECK_FALSE(k->cloexec);

    auto* e = find(efd);
    REQUIRE(e);
    CHECK(fd_name(e->desc) == "anon_inode:[eventfd]");
    CHECK(e->cloexec);

    auto inode_of = [](int fd) {
        struct stat s{};
        REQUIRE(fstat(fd, &s) == 0);
        return std::to_string(s.st_ino);
    };
    auto* u = find(unbound);
    auto* n = find(nl);
    REQUIRE(u);
    REQUIRE(n);
    CHECK(fd_name(u->desc) == "TCP:[" + inode_of(unbound) + "]");
    CHECK(fd_name(n->desc) == "NETLINK:[" + inode_of(nl) + "]");
    CHECK(n->cloexec);

    for (int fd : {pipefd[0], pipefd[1], lsock, closing, keeping, efd, unbound, nl})
        close(fd);
}

TEST_CASE("calls_in_flight on this process", "[fd_names]") {
    int pipefd[2];
    REQUIRE(pipe(pipefd) == 0);
    std::atomic<pid_t> reader_tid{0};
    std::thread reader([&] {
        pthread_setname_np(pthread_self(), "btrace-reader");
        reader_tid = static_cast<pid_t>(syscall(SYS_gettid));
        char c;
        (void)!read(pipefd[0], &c, 1);
    });

    // Wait for the reader to block in read(2).
    std::optional<btrace::state::InFlightCall> found;
    for (int i = 0; i < 200 && !found; ++i) {
        for (auto& call : btrace::state::calls_in_flight(getpid())) {
            if (call.tid == reader_tid && reader_tid != 0 && call.nr == SYS_read)
                found = call;
        }
        if (!found)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    (void)!write(pipefd[1], "x", 1);
    reader.join();
    close(pipefd[0]);
    close(pipefd[1]);

    REQUIRE(found);
    CHECK(found->args[0] == static_cast<uint64_t>(pipefd[0]));
    CHECK(found->args[2] == 1);
    CHECK(found->comm == "btrace-reader");
}

TEST_CASE("a process's start time from /proc/PID/stat, whatever its comm holds", "[proc]") {
    using btrace::state::parse_start_time;
    CHECK(parse_start_time("42 (cat) S 1 42 42 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 12345 1000 50") == 12345u);
    CHECK(parse_start_time("42 (a) b) 1 2) R 1 42 42 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 777 1000") == 777u);
    CHECK_FALSE(parse_start_time("42 (cat) S 1 2"));
    CHECK_FALSE(parse_start_time("garbage"));
}
