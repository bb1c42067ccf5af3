// SPDX-License-Identifier: Apache-2.0
// One argument, formatted by its kind (syscalls/table.h) from its register
// value and, where the kernel side captured memory, its payload.
#pragma once

#include <cstdint>

#include <fmt/format.h>

#include "decode/payloads.h"
#include "decode/structs.h"
#include "syscalls/table.h"

namespace btrace::state {
class FdTable;
}

namespace btrace::decode {

struct CallContext {
    bool failed;  // the call returned an errno: out-parameters were not filled
    bool raw;     // --raw: register values only
    const state::FdTable* fds = nullptr;  // names for fd arguments (none: numbers only)
    uint32_t tgid = 0;
    std::size_t string_max = BTRACE_STRING_MAX;  // -s: an argv element longer than this was cut
    int64_t ret = 0;               // the result: wait4 = 0 wrote no status
    const Payloads* payloads = nullptr;  // all the call's: a msghdr's name and iovecs come apart
    const __u64* args = nullptr;  // all six: an argument named by another's value (optname by level)
    bool utf8 = false;  // JSON: valid UTF-8 in strings and names stays as characters
    // When the call started: an fd argument whose meaning changed after that
    // (another thread's close/open/dup completed while it ran) is unknown.
    // 0 for the result, named after the call.
    uint64_t started_ns = 0;
    StringHex hex = StringHex::None;  // -x, -xx
};

// 3</etc/issue>, or 3 when the name is unknown.
void format_fd(int fd, const CallContext& call, fmt::memory_buffer& out);

// reg: which register the argument is (args[reg] is value, payloads.args[reg] payload).
void format_arg(const syscalls::Arg& arg, unsigned reg, uint64_t value, const Payload& payload, const CallContext& call,
                fmt::memory_buffer& out);

}  // namespace btrace::decode
