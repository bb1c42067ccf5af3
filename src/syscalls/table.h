// Per-arch syscall table: number -> name, argument names and raw kinds, return kind.
// The data lives in generated, committed files (syscalls_<arch>.cpp, made by
// scripts/gen-syscall-table); this header is the only way the rest of btrace sees it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace btrace::syscalls {

// How a raw register value is printed until a richer decoder exists for it.
enum class ArgKind : uint8_t {
    Hex,       // pointers, flags, opaque words: 0x7ffd1234
    Signed,    // long, off_t: the whole register, signed
    Int,       // int, pid_t, fds: only the low 32 bits count (AT_FDCWD is -100)
    Unsigned,  // size_t, unsigned counts: 131072
    Octal,     // umode_t: 0644
};

enum class RetKind : uint8_t {
    Signed,   // counts, fds, 0/-1: decimal, negative errno decoded
    Address,  // mmap, brk, mremap, shmat: hex unless an errno
};

struct Arg {
    std::string_view name;
    ArgKind kind;
};

struct Syscall {
    std::string_view name;
    uint8_t nargs;
    Arg args[6];
    RetKind ret;
};

// nullptr when the number is not a syscall on this arch.
const Syscall* lookup(long nr);

// -1 when no syscall has that name.
long number_of(std::string_view name);

// The whole table (entries with an empty name are holes in the numbering).
std::span<const Syscall> all();

}  // namespace btrace::syscalls
