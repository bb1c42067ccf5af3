// Tests for the generated syscall tables behind src/syscalls/table.h.
#include <catch2/catch.hpp>

#include <cstddef>
#include <string_view>

#include "syscalls/table.h"

using btrace::syscalls::ArgKind;
using btrace::syscalls::RetKind;
using btrace::syscalls::Syscall;
using btrace::syscalls::all;
using btrace::syscalls::lookup;
using btrace::syscalls::number_of;

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

#if defined(__x86_64__)

TEST_CASE("x86_64 table: read", "[syscalls]") {
    const Syscall* sc = lookup(0);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "read");
    REQUIRE(sc->nargs == 3);
    CHECK(sc->args[0].name == "fd");
    CHECK(sc->args[0].kind == ArgKind::Int);
    CHECK(sc->args[1].name == "buf");
    CHECK(sc->args[1].kind == ArgKind::Hex);
    CHECK(sc->args[2].name == "count");
    CHECK(sc->args[2].kind == ArgKind::Unsigned);
    CHECK(sc->ret == RetKind::Signed);
}

TEST_CASE("x86_64 table: openat", "[syscalls]") {
    const Syscall* sc = lookup(257);
    REQUIRE(sc != nullptr);
    CHECK(sc->name == "openat");
    REQUIRE(sc->nargs == 4);
    CHECK(sc->args[0].name == "dfd");
    CHECK(sc->args[1].name == "filename");
    CHECK(sc->args[2].name == "flags");
    CHECK(sc->args[2].kind == ArgKind::Hex);
    CHECK(sc->args[3].name == "mode");
    CHECK(sc->args[3].kind == ArgKind::Octal);
    CHECK(number_of("openat") == 257);
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
}

TEST_CASE("x86_64 table: syscalls without arguments", "[syscalls]") {
    CHECK(lookup(number_of("getpid"))->nargs == 0);
    CHECK(lookup(number_of("rt_sigreturn"))->nargs == 0);
    CHECK(lookup(number_of("fork"))->nargs == 0);
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

#endif
