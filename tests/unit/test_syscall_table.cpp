// SPDX-License-Identifier: Apache-2.0
// Tests for the generated syscall tables behind src/syscalls/table.h.
#include <catch2/catch.hpp>

#include <linux/sched.h>
#include <csignal>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>
#include <string_view>

#include "decode/families.h"
#include "decode/structs.h"
#include "syscalls/table.h"

using btrace::decode::Family;
using btrace::decode::StructKind;
using btrace::syscalls::Arg;
using btrace::syscalls::ArgKind;
using btrace::syscalls::kNone;
using btrace::syscalls::RetKind;
using btrace::syscalls::Syscall;
using btrace::syscalls::all;
using btrace::syscalls::lookup;
using btrace::syscalls::number_of;

namespace {

#define BTRACE_COUNT_ONE(...) +1
constexpr unsigned kFamilyCount = 0 BTRACE_FAMILIES(BTRACE_COUNT_ONE);
constexpr unsigned kStructCount = 0 BTRACE_STRUCTS(BTRACE_COUNT_ONE);
#undef BTRACE_COUNT_ONE

constexpr uint8_t aux(Family family) { return static_cast<uint8_t>(family); }
constexpr uint8_t aux(StructKind kind) { return static_cast<uint8_t>(kind); }

// The syscall called name, failing the test when there is none.
const Syscall& by_name(std::string_view name) {
    const Syscall* sc = lookup(number_of(name));
    INFO("syscall " << name);
    REQUIRE(sc != nullptr);
    return *sc;
}

// Its argument called name.
const Arg& arg(const Syscall& sc, std::string_view name) {
    for (std::size_t i = 0; i < sc.nargs; ++i) {
        if (sc.args[i].name == name) {
            return sc.args[i];
        }
    }
    FAIL("no argument " << name << " in " << sc.name);
    return sc.args[0];
}

}  // namespace

TEST_CASE("syscall table: out-of-range numbers are not syscalls", "[syscalls]") {
    CHECK(lookup(-1) == nullptr);
    CHECK(lookup(100000) == nullptr);
    CHECK(lookup(static_cast<long>(all().size())) == nullptr);
}

TEST_CASE("syscall table: unknown names", "[syscalls]") {
    CHECK(number_of("nope") == -1);
    CHECK(number_of("") == -1);
}

TEST_CASE("syscall table: every entry is well formed", "[syscalls]") {
    std::size_t named = 0;
    for (std::size_t nr = 0; nr < all().size(); ++nr) {
        const Syscall& sc = all()[nr];
        if (sc.name.empty()) {
            CHECK(lookup(static_cast<long>(nr)) == nullptr);
            continue;
        }
        ++named;
        INFO("syscall " << nr << " " << sc.name);
        CHECK(lookup(static_cast<long>(nr)) == &sc);
        CHECK(number_of(sc.name) == static_cast<long>(nr));
        REQUIRE(sc.nargs <= 6);
        for (std::size_t i = 0; i < sc.nargs; ++i) {
            CHECK_FALSE(sc.args[i].name.empty());
        }
    }
    CHECK(named >= 300);
}

TEST_CASE("syscall table: aux and len_arg are consistent with the kinds", "[syscalls]") {
    for (const Syscall& sc : all()) {
        for (std::size_t i = 0; i < sc.nargs; ++i) {
            const Arg& a = sc.args[i];
            INFO(sc.name << " argument " << i << " " << a.name << " kind "
                         << static_cast<int>(a.kind));
            switch (a.kind) {
            case ArgKind::Flags:
            case ArgKind::Enum:
                CHECK(a.aux < kFamilyCount);
                CHECK(a.len_arg == kNone);
                break;
            case ArgKind::TimeLeft:
            case ArgKind::TimeRemaining:
                CHECK((a.aux == static_cast<uint8_t>(btrace::decode::StructKind::Timespec) ||
                       a.aux == static_cast<uint8_t>(btrace::decode::StructKind::Timeval)));
                CHECK(a.len_arg == kNone);
                break;
            case ArgKind::OutBuf:  // an optional size
                CHECK(a.aux == 0);
                CHECK((a.len_arg == kNone || (a.len_arg < sc.nargs && a.len_arg != i)));
                break;
            case ArgKind::InStruct:
            case ArgKind::InOutStruct:
            case ArgKind::OutStruct:
                CHECK(a.aux < kStructCount);
                // Optional element count.
                if (a.len_arg != kNone) {
                    CHECK(a.len_arg < sc.nargs);
                    CHECK(a.len_arg != i);
                }
                break;
            case ArgKind::InBuf:
            case ArgKind::FdSet:
            case ArgKind::IovecIn:
            case ArgKind::IovecOut:
            case ArgKind::SockaddrIn:
            case ArgKind::SockaddrOut:
            case ArgKind::SockoptValIn:
            case ArgKind::SockoptValOut:
            case ArgKind::SockoptName:
            case ArgKind::SockProtocol:
            case ArgKind::ParentTid:
                CHECK(a.aux == 0);
                REQUIRE(a.len_arg != kNone);
                CHECK(a.len_arg < sc.nargs);
                CHECK(a.len_arg != i);
                break;
            default:
                CHECK(a.aux == 0);
                CHECK(a.len_arg == kNone);
                break;
            }
        }
    }
}

#if defined(__x86_64__)

TEST_CASE("x86_64 table: read", "[syscalls]") {
    const Syscall* sc = lookup(0);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "read");
    REQUIRE(sc->nargs == 3);
    CHECK(sc->args[0].name == "fd");
    CHECK(sc->args[0].kind == ArgKind::Fd);
    CHECK(sc->args[1].name == "buf");
    CHECK(sc->args[1].kind == ArgKind::OutBuf);
    CHECK(sc->args[2].name == "count");
    CHECK(sc->args[2].kind == ArgKind::Unsigned);
    CHECK(sc->ret == RetKind::Signed);
}

TEST_CASE("x86_64 table: write", "[syscalls]") {
    const Syscall* sc = lookup(1);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "write");
    REQUIRE(sc->nargs == 3);
    CHECK(sc->args[0].kind == ArgKind::Fd);
    CHECK(sc->args[1].name == "buf");
    CHECK(sc->args[1].kind == ArgKind::InBuf);
    CHECK(sc->args[1].len_arg == 2);
    CHECK(sc->args[2].kind == ArgKind::Unsigned);
}

TEST_CASE("x86_64 table: openat", "[syscalls]") {
    const Syscall* sc = lookup(257);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "openat");
    REQUIRE(sc->nargs == 4);
    CHECK(sc->args[0].name == "dfd");
    CHECK(sc->args[0].kind == ArgKind::DirFd);
    CHECK(sc->args[1].name == "filename");
    CHECK(sc->args[1].kind == ArgKind::Path);
    CHECK(sc->args[2].name == "flags");
    CHECK(sc->args[2].kind == ArgKind::Flags);
    CHECK(sc->args[2].aux == aux(Family::OpenFlags));
    CHECK(sc->args[3].name == "mode");
    CHECK(sc->args[3].kind == ArgKind::CreateMode);
    CHECK(sc->ret == RetKind::Fd);
    CHECK(number_of("openat") == 257);
}

TEST_CASE("x86_64 table: mmap", "[syscalls]") {
    const Syscall* sc = lookup(9);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "mmap");
    REQUIRE(sc->nargs == 6);
    CHECK(sc->args[0].kind == ArgKind::Ptr);
    CHECK(sc->args[2].name == "prot");
    CHECK(sc->args[2].kind == ArgKind::Flags);
    CHECK(sc->args[2].aux == aux(Family::MmapProt));
    CHECK(sc->args[3].kind == ArgKind::Flags);
    CHECK(sc->args[3].aux == aux(Family::MmapFlags));
    CHECK(sc->args[4].kind == ArgKind::Fd);
    CHECK(sc->ret == RetKind::Address);
}

TEST_CASE("x86_64 table: execve", "[syscalls]") {
    const Syscall* sc = lookup(59);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "execve");
    REQUIRE(sc->nargs == 3);
    CHECK(sc->args[0].kind == ArgKind::Path);
    CHECK(sc->args[1].name == "argv");
    CHECK(sc->args[1].kind == ArgKind::Argv);
    CHECK(sc->args[2].kind == ArgKind::Envp);
}

TEST_CASE("x86_64 table: poll", "[syscalls]") {
    const Syscall* sc = lookup(7);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "poll");
    REQUIRE(sc->nargs == 3);
    CHECK(sc->args[0].name == "ufds");
    CHECK(sc->args[0].kind == ArgKind::InOutStruct);  // revents: read as the call left it
    CHECK(sc->args[0].aux == aux(StructKind::Pollfd));
    CHECK(sc->args[0].len_arg == 1);
    CHECK(sc->args[2].kind == ArgKind::Int);
}

TEST_CASE("x86_64 table: semantic kinds", "[syscalls]") {
    const Syscall& connect = by_name("connect");
    CHECK(arg(connect, "uservaddr").kind == ArgKind::SockaddrIn);
    CHECK(arg(connect, "uservaddr").len_arg == 2);

    const Syscall& accept4 = by_name("accept4");
    CHECK(arg(accept4, "upeer_sockaddr").kind == ArgKind::SockaddrOut);
    CHECK(arg(accept4, "upeer_sockaddr").len_arg == 2);
    CHECK(arg(accept4, "flags").aux == aux(Family::SocketType));
    CHECK(accept4.ret == RetKind::Fd);

    const Syscall& readv = by_name("readv");
    CHECK(arg(readv, "vec").kind == ArgKind::IovecOut);
    CHECK(arg(readv, "vec").len_arg == 2);
    CHECK(arg(by_name("writev"), "vec").kind == ArgKind::IovecIn);

    const Syscall& fstat = by_name("fstat");
    CHECK(arg(fstat, "statbuf").kind == ArgKind::OutStruct);
    CHECK(arg(fstat, "statbuf").aux == aux(StructKind::Stat));
    CHECK(arg(fstat, "statbuf").len_arg == kNone);
    CHECK(arg(by_name("statx"), "buffer").aux == aux(StructKind::Statx));

    const Syscall& sigaction = by_name("rt_sigaction");
    CHECK(arg(sigaction, "sig").kind == ArgKind::Signal);
    CHECK(arg(sigaction, "act").kind == ArgKind::InStruct);
    CHECK(arg(sigaction, "oact").kind == ArgKind::OutStruct);
    CHECK(arg(sigaction, "oact").aux == aux(StructKind::Sigaction));

    const Syscall& epoll_wait = by_name("epoll_wait");
    CHECK(arg(epoll_wait, "events").kind == ArgKind::OutStruct);
    CHECK(arg(epoll_wait, "events").aux == aux(StructKind::EpollEvent));
    CHECK(arg(epoll_wait, "events").len_arg == 2);

    CHECK(arg(by_name("pipe2"), "fildes").aux == aux(StructKind::FdPair));
    CHECK(arg(by_name("kill"), "sig").kind == ArgKind::Signal);
    CHECK(arg(by_name("kill"), "pid").kind == ArgKind::Pid);
    CHECK(arg(by_name("futex"), "op").kind == ArgKind::Enum);
    CHECK(arg(by_name("futex"), "op").aux == aux(Family::FutexOp));
    CHECK(arg(by_name("clone"), "clone_flags").aux == aux(Family::CloneFlags));
    // Unlisted pointers are Ptr, not Hex.
    CHECK(arg(by_name("ustat"), "ubuf").kind == ArgKind::Ptr);
}

TEST_CASE("x86_64 table: names", "[syscalls]") {
    auto name = [](long nr) -> std::string_view {
        const Syscall* sc = lookup(nr);
        return sc ? sc->name : std::string_view("<none>");
    };
    CHECK(name(59) == "execve");
    CHECK(name(231) == "exit_group");
    CHECK(name(262) == "newfstatat");
    CHECK(name(5) == "fstat");      // tracefs calls it newfstat
    CHECK(name(63) == "uname");     // tracefs: newuname
    CHECK(name(40) == "sendfile");  // tracefs: sendfile64
    CHECK(name(166) == "umount2");  // tracefs: umount
    CHECK(name(469) == "file_setattr");
}

TEST_CASE("x86_64 table: return kinds", "[syscalls]") {
    const Syscall* mmap = lookup(9);
    REQUIRE(mmap != nullptr);
    CHECK(mmap->name == "mmap");
    CHECK(mmap->ret == RetKind::Address);
    CHECK(lookup(number_of("brk"))->ret == RetKind::Address);
    CHECK(lookup(number_of("mremap"))->ret == RetKind::Address);
    CHECK(lookup(number_of("shmat"))->ret == RetKind::Address);
    CHECK(lookup(0)->ret == RetKind::Signed);
    for (std::string_view fd : {"open", "creat", "socket", "accept", "dup", "dup2", "dup3",
                                "epoll_create1", "eventfd2", "memfd_create", "signalfd4",
                                "timerfd_create", "inotify_init1", "pidfd_open", "fsopen"}) {
        INFO(fd);
        CHECK(by_name(fd).ret == RetKind::Fd);
    }
    for (std::string_view pid : {"fork", "vfork", "clone", "clone3", "getpid", "gettid",
                                 "getppid", "wait4"}) {
        INFO(pid);
        CHECK(by_name(pid).ret == RetKind::Pid);
    }
    CHECK(by_name("waitid").ret == RetKind::Signed);  // 0 on success
    CHECK(by_name("close").ret == RetKind::Signed);
}

TEST_CASE("x86_64 table: clone shows its arguments as strace does, the tid pointers and tls by its flags", "[syscalls]") {
    const Syscall& clone = by_name("clone");
    const __u64 fork_args[6] = {CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0x7f0000000a10, 0, 0};
    const btrace::syscalls::Shown forked = btrace::syscalls::shown(clone, fork_args);
    std::vector<std::string_view> names;
    for (unsigned i = 0; i < forked.nargs; ++i)
        if (btrace::syscalls::is_shown(forked.args[i], fork_args))
            names.push_back(forked.args[i].name);
    CHECK(names == std::vector<std::string_view>{"child_stack", "flags", "child_tidptr"});
    CHECK(forked.regs[0] == 1);  // the stack register comes first
    const __u64 thread_args[6] = {CLONE_VM | CLONE_THREAD | CLONE_SETTLS | CLONE_PARENT_SETTID, 0x7f00, 0x7f10, 0, 0x7f20, 0};
    names.clear();
    for (unsigned i = 0; i < forked.nargs; ++i)
        if (btrace::syscalls::is_shown(forked.args[i], thread_args))
            names.push_back(forked.args[i].name);
    CHECK(names == std::vector<std::string_view>{"child_stack", "flags", "parent_tid", "tls"});
}

TEST_CASE("x86_64 table: syscalls without arguments", "[syscalls]") {
    CHECK(lookup(number_of("getpid"))->nargs == 0);
    CHECK(lookup(number_of("fork"))->nargs == 0);
    // Its signal frame is on the stack, not in a register: shown by what it restores.
    REQUIRE(lookup(number_of("rt_sigreturn"))->nargs == 1);
    CHECK(lookup(number_of("rt_sigreturn"))->args[0].kind == ArgKind::RestoredMask);
    // Not in tracefs; comes from the generator's hand-written list.
    CHECK(lookup(number_of("init_module"))->nargs == 3);
}

TEST_CASE("x86_64 table: size", "[syscalls]") {
    std::size_t named = 0;
    for (const Syscall& sc : all()) {
        named += sc.name.empty() ? 0 : 1;
    }
    CHECK(named >= 360);
}

#elif defined(__aarch64__)

TEST_CASE("arm64 table: spot checks", "[syscalls]") {
    CHECK(number_of("openat") == 56);
    CHECK(number_of("read") == 63);
    CHECK(number_of("fstat") == 80);
    CHECK(number_of("mmap") == 222);
    CHECK(number_of("file_setattr") == 469);
    CHECK(number_of("open") == -1);  // only the *at variants exist
    CHECK(lookup(number_of("mmap"))->ret == RetKind::Address);
    const Syscall* clone = lookup(number_of("clone"));
    REQUIRE(clone != nullptr);
    CHECK(clone->args[3].name == "tls");  // CONFIG_CLONE_BACKWARDS
}

TEST_CASE("arm64 table: semantic kinds", "[syscalls]") {
    // The kinds apply by name, also where the argument order differs.
    const Syscall& clone = by_name("clone");
    CHECK(arg(clone, "clone_flags").kind == ArgKind::Flags);
    CHECK(arg(clone, "clone_flags").aux == aux(Family::CloneFlags));
    CHECK(arg(clone, "tls").kind == ArgKind::Ptr);
    CHECK(clone.ret == RetKind::Pid);
    const Syscall& openat = by_name("openat");
    CHECK(arg(openat, "dfd").kind == ArgKind::DirFd);
    CHECK(arg(openat, "flags").aux == aux(Family::OpenFlags));
    CHECK(openat.ret == RetKind::Fd);
    CHECK(arg(by_name("write"), "buf").kind == ArgKind::InBuf);
    CHECK(arg(by_name("write"), "buf").len_arg == 2);
    CHECK(arg(by_name("ppoll"), "ufds").aux == aux(StructKind::Pollfd));
    CHECK(arg(by_name("ppoll"), "ufds").len_arg == 1);
}

#endif
