// One argument, formatted by its kind (syscalls/table.h) from its register
// value and, where the kernel side captured memory, its payload.
#pragma once

#include <cstdint>

#include <fmt/format.h>

#include "decode/payloads.h"
#include "syscalls/table.h"

namespace btrace::decode {

struct CallContext {
    const __u64* args;  // all six registers (count arguments, lengths)
    int64_t ret;
    bool failed;  // ret is an errno: out-parameters were not filled
    bool raw;     // --raw: register values only
};

void format_arg(const syscalls::Arg& arg, uint64_t value, const Payload& payload, const CallContext& call,
                fmt::memory_buffer& out);

}  // namespace btrace::decode
