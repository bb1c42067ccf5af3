// SPDX-License-Identifier: Apache-2.0
#include "syscalls/capture_spec.h"

#include <algorithm>

#include "decode/structs.h"

namespace btrace::syscalls {

namespace {

btrace_capture_how capture_how(ArgKind kind) {
    switch (kind) {
    case ArgKind::Path: return BTRACE_CAP_PATH;
    case ArgKind::String: case ArgKind::OutString: return BTRACE_CAP_STR;
    case ArgKind::InBuf: return BTRACE_CAP_BUF_ARG;
    case ArgKind::OutBuf: return BTRACE_CAP_BUF_RET;
    case ArgKind::InStruct: case ArgKind::InOutStruct: case ArgKind::TimeLeft: case ArgKind::TimeRemaining:
        return BTRACE_CAP_STRUCT_IN;
    case ArgKind::OutStruct: return BTRACE_CAP_STRUCT_OUT;
    // Option values are settings, not data: small, and shown with the data off too.
    case ArgKind::SockaddrIn: case ArgKind::SockoptValIn: return BTRACE_CAP_SOCKADDR_IN;
    case ArgKind::SockaddrOut: case ArgKind::SockoptValOut: return BTRACE_CAP_SOCKADDR_OUT;  // small, length read after
    case ArgKind::MsghdrIn: return BTRACE_CAP_MSGHDR_IN;
    case ArgKind::MsghdrOut: return BTRACE_CAP_MSGHDR_OUT;
    case ArgKind::Argv: return BTRACE_CAP_ARGV;
    case ArgKind::Envp: return BTRACE_CAP_ENVP;
    case ArgKind::IovecIn: return BTRACE_CAP_IOVEC_IN;
    case ArgKind::IovecOut: return BTRACE_CAP_IOVEC_OUT;
    case ArgKind::Dirents: return BTRACE_CAP_DIRENTS;
    case ArgKind::FdSet: return BTRACE_CAP_FDSET;
    case ArgKind::RestoredMask: return BTRACE_CAP_BLOCKED_MASK;
    default: return BTRACE_CAP_NONE;
    }
}

// Memory the call only reads, as it was passed in: the kernel reads it at the
// start of the call, and by sys_exit a racing thread may have rewritten it.
bool passed_in(ArgKind kind) {
    switch (kind) {
    case ArgKind::Path: case ArgKind::String: case ArgKind::InBuf: case ArgKind::InStruct:
    case ArgKind::SockaddrIn: case ArgKind::SockoptValIn: case ArgKind::MsghdrIn: case ArgKind::Argv:
    case ArgKind::Envp: case ArgKind::IovecIn:
        return true;
    default:
        return false;
    }
}

// STRUCT_* captures (and a time left): the bytes of one element.
uint16_t element_size(const Arg& arg) {
    if (capture_how(arg.kind) != BTRACE_CAP_STRUCT_IN && capture_how(arg.kind) != BTRACE_CAP_STRUCT_OUT)
        return 0;
    return static_cast<uint16_t>(decode::struct_size(static_cast<decode::StructKind>(arg.aux)));
}

}  // namespace

bool is_fd_pair(const Arg& arg) {
    return arg.kind == ArgKind::OutStruct && arg.aux == static_cast<uint8_t>(decode::StructKind::FdPair);
}

btrace_capture_spec capture_spec_for(const Syscall& sc, const CaptureOptions& options) {
    btrace_capture_spec spec{};
    bool replaces_image = false;  // execve: its memory is gone by sys_exit
    for (unsigned i = 0; i < sc.nargs; ++i)
        replaces_image |= sc.args[i].kind == ArgKind::Argv;

    unsigned n = 0;
    const auto add = [&](const Arg& arg, unsigned reg, btrace_capture_how how) -> btrace_capture* {
        if (n == BTRACE_MAX_CAPTURES)
            return nullptr;
        btrace_capture& item = spec.items[n++];
        item.how = how;
        item.arg = static_cast<uint8_t>(reg);
        item.len_arg = arg.len_arg;
        item.at_enter = replaces_image || (options.inputs_at_enter && passed_in(arg.kind));
        spec.enter_items += item.at_enter;
        item.when_arg = kNone;
        item.size = element_size(arg);
        return &item;
    };
    for (unsigned i = 0; i < sc.nargs; ++i)
        if (const btrace_capture_how how = capture_how(sc.args[i].kind); how != BTRACE_CAP_NONE)
            add(sc.args[i], i, how);
    // What only some operations show (fcntl's F_SETLK, a struct flock), for
    // those operations only: the memory an int argument would point to is not
    // read. Elsewhere an operation shows what its syscall captures (the
    // generator checks both, and that such operations' values lie within 64
    // of the lowest one rounded down to 64, the base).
    const auto captures_own = [&](const Variant& v, unsigned k) {
        return capture_how(v.args[k].kind) != BTRACE_CAP_NONE && capture_how(sc.args[v.regs[k]].kind) == BTRACE_CAP_NONE;
    };
    uint32_t base = UINT32_MAX;
    for (const Variant& v : sc.variants)
        for (unsigned k = 0; k < v.nargs; ++k)
            if (captures_own(v, k))
                base = std::min(base, v.value & ~63u);
    for (const Variant& v : sc.variants) {
        for (unsigned k = 0; k < v.nargs; ++k) {
            const unsigned reg = v.regs[k];
            const btrace_capture_how how = capture_how(v.args[k].kind);
            if (!captures_own(v, k))
                continue;
            btrace_capture* item = std::find_if(spec.items, spec.items + n, [&](const btrace_capture& c) {
                return c.arg == reg && c.when_arg != kNone && c.how == how && c.size == element_size(v.args[k]);
            });
            if (item == spec.items + n && !(item = add(v.args[k], reg, how)))
                continue;
            item->when_arg = sc.select_arg;
            item->when_mask = sc.select_mask;
            item->when_base = base;
            item->when_values |= uint64_t{1} << (v.value - base);
        }
    }
    // Which fds a successful call creates or changes, for their names.
    if (sc.ret == RetKind::Fd)
        spec.describe = BTRACE_DESCRIBE_RET;
    for (unsigned i = 0; i < sc.nargs; ++i) {
        const Arg& arg = sc.args[i];
        if (arg.kind == ArgKind::SockFd) {
            spec.describe = BTRACE_DESCRIBE_ARG;
            spec.describe_arg = static_cast<uint8_t>(i);
        } else if (is_fd_pair(arg)) {
            spec.describe = BTRACE_DESCRIBE_PAIR;
            spec.describe_arg = static_cast<uint8_t>(i);
        }
    }
    for (unsigned i = 0; options.describe_fd_args && spec.describe == BTRACE_DESCRIBE_NONE && i < sc.nargs; ++i) {
        if (sc.args[i].kind == ArgKind::Fd) {
            spec.describe = BTRACE_DESCRIBE_ARG;
            spec.describe_arg = static_cast<uint8_t>(i);
        }
    }
    for (unsigned i = 0; i < sc.nargs; ++i) {
        if (sc.args[i].kind == ArgKind::SocklenInOut)
            spec.socklen_arg = static_cast<uint8_t>(i + 1);
        // What the kernel rewrites, read as passed in at sys_enter: select's
        // three fd sets (after nfds, the first argument) and the timeout.
        else if (sc.args[i].kind == ArgKind::FdSet && spec.fdsets_arg == 0 && i == 1 && sc.args[i].len_arg == 0)
            spec.fdsets_arg = static_cast<uint8_t>(i + 1);
        else if (sc.args[i].kind == ArgKind::TimeLeft)
            spec.timeout_arg = static_cast<uint8_t>(i + 1);
    }
    for (unsigned i = 0; options.fd_seen && spec.named_fd_arg == 0 && i < sc.nargs; ++i)
        if (is_fd_arg(sc.args[i]))
            spec.named_fd_arg = static_cast<uint8_t>(i + 1);
    return spec;
}

}  // namespace btrace::syscalls
