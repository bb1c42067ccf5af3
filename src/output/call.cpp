// SPDX-License-Identifier: Apache-2.0
#include "output/call.h"

#include <fcntl.h>
#include <fmt/compile.h>

#include <cstring>
#include <iterator>

#include "decode/errno.h"
#include "decode/families.h"
#include "decode/put.h"
#include "decode/structs.h"

namespace btrace::output {

namespace {

using decode::put;

}  // namespace

std::string_view comm_of(const btrace_hdr& hdr) { return {hdr.comm, strnlen(hdr.comm, sizeof(hdr.comm))}; }

void put_comm(const btrace_hdr& hdr, fmt::memory_buffer& out, bool utf8) {
    decode::format_name(comm_of(hdr), decode::NameKind::Comm, utf8, out);
}

bool sched_of(const decode::Payloads& payloads, btrace_sched& sched) {
    if (!payloads.sched.present || payloads.sched.bytes.size() != sizeof(sched))
        return false;
    std::memcpy(&sched, payloads.sched.bytes.data(), sizeof(sched));
    return true;
}

void put_waker_comm(const btrace_sched& sched, fmt::memory_buffer& out, bool utf8) {
    decode::format_name({sched.waker_comm, strnlen(sched.waker_comm, sizeof(sched.waker_comm))},
                        decode::NameKind::Comm, utf8, out);
}

void put_waker(const btrace_sched& sched, fmt::memory_buffer& out, bool utf8) {
    switch (sched.waker_kind) {
    case BTRACE_WAKER_IRQ:
        put(out, "irq");
        return;
    case BTRACE_WAKER_TASK:
        put_waker_comm(sched, out, utf8);
        out.push_back('/');
        decode::put_udec(out, sched.waker_tid);
        return;
    }
}

bool creates_file(const syscalls::Syscall& sc, const __u64* args) {
    constexpr uint64_t kCreate = O_CREAT | __O_TMPFILE;
    for (unsigned i = 0; i < sc.nargs; ++i)
        if (sc.args[i].kind == syscalls::ArgKind::Flags &&
            sc.args[i].aux == static_cast<uint8_t>(decode::Family::OpenFlags))
            return args[i] & kCreate;
    return false;
}

void format_name(const btrace_syscall& rec, const syscalls::Syscall* info, fmt::memory_buffer& out) {
    if (info)
        put(out, info->name);
    else
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("syscall_{}"), rec.nr);
}

void format_result(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::CallContext& call,
                   fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN) {
        out.push_back('?');
        return;
    }
    const int64_t ret = rec.ret;
    if (decode::is_error_return(ret)) {
        const auto err = decode::errno_text(-ret);
        const char* shown = decode::errno_is_internal(-ret) ? "?" : "-1";
        if (err.name.empty())
            fmt::format_to(it, FMT_COMPILE("{} errno {} (Unknown error {})"), shown, -ret, -ret);
        else
            fmt::format_to(it, FMT_COMPILE("{} {} ({})"), shown, err.name, err.message);
        return;
    }
    if (info && (info->ret == syscalls::RetKind::Address || info->ret == syscalls::RetKind::Hex))
        fmt::format_to(it, FMT_COMPILE("{:#x}"), static_cast<uint64_t>(ret));
    else if (info && info->ret == syscalls::RetKind::Fd && !call.raw) {
        decode::CallContext after = call;  // the fd as the call left it
        after.started_ns = 0;
        decode::format_fd(static_cast<int>(ret), after, out);
    }
    else
        decode::put_dec(out, ret);
}

}  // namespace btrace::output
