// SPDX-License-Identifier: Apache-2.0
#include "record/recording.h"

#include <sys/utsname.h>

#include "syscalls/table.h"

namespace btrace::record {

std::string_view this_arch() {
#if defined(__x86_64__)
    return "x86_64";
#else
    return "aarch64";
#endif
}

uint64_t syscall_table_hash() {
    uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a
    const auto mix = [&](std::string_view text) {
        for (unsigned char c : text)
            hash = (hash ^ c) * 0x100000001b3ull;
    };
    const auto table = syscalls::all();
    for (std::size_t nr = 0; nr < table.size(); ++nr) {
        mix(std::to_string(nr));
        mix(table[nr].name);
        mix("\n");
    }
    return hash;
}

Header header_for(const cli::Options& opts, uint64_t start_ns, int64_t realtime_offset_ns) {
    Header h;
    h.btrace_version = BTRACE_VERSION;
    h.arch = this_arch();
    h.syscall_table = syscall_table_hash();
    struct utsname uts {};
    if (uname(&uts) == 0) {
        h.kernel_release = uts.release;
        h.hostname = uts.nodename;
    }
    h.command_line = opts.command_line;
    h.start_ns = start_ns;
    h.realtime_offset_ns = realtime_offset_ns;
    h.string_max = static_cast<uint32_t>(opts.string_max);
    h.raw = opts.raw;
    h.sched = opts.sched;
    h.system_wide = opts.system_wide;
    return h;
}

}  // namespace btrace::record
