// SPDX-License-Identifier: Apache-2.0
// Architecture-independent lookups over the generated per-arch table
// (syscalls_<arch>.cpp, selected at compile time by the target macros).
#include "syscalls/table.h"

#include "syscalls/table_data.h"

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "btrace has syscall tables only for x86_64 and arm64"
#endif

namespace btrace::syscalls {

const Syscall* lookup(long nr) {
    if (nr < 0 || static_cast<unsigned long>(nr) >= detail::kTable.size()) {
        return nullptr;
    }
    const Syscall& sc = detail::kTable[static_cast<std::size_t>(nr)];
    return sc.name.empty() ? nullptr : &sc;
}

std::string display_name(long nr) {
    const Syscall* sc = lookup(nr);
    return sc ? std::string(sc->name) : "syscall_" + std::to_string(nr);
}

long number_of(std::string_view name) {
    if (name.empty()) {
        return -1;
    }
    // Linear scan: only used while parsing options at startup.
    for (std::size_t nr = 0; nr < detail::kTable.size(); ++nr) {
        if (detail::kTable[nr].name == name) {
            return static_cast<long>(nr);
        }
    }
    return -1;
}

std::span<const Syscall> all() { return detail::kTable; }

Shown shown(const Syscall& sc, const __u64* args) {
    static constexpr uint8_t kInOrder[6] = {0, 1, 2, 3, 4, 5};
    if (sc.select_arg < sc.nargs) {
        const uint32_t key = static_cast<uint32_t>(args[sc.select_arg]) & sc.select_mask;
        for (const Variant& v : sc.variants)  // a handful each: a scan beats a search
            if (v.value == key)
                return {v.nargs, v.args, v.regs, v.ret, v.ret_aux};
    }
    return {sc.nargs, sc.args, kInOrder, sc.ret, 0};
}

}  // namespace btrace::syscalls
