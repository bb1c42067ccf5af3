// SPDX-License-Identifier: Apache-2.0
// Splitting a record's payload area into per-argument views, bounds-checked:
// the bytes come from the kernel side but a consumer must survive any input.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <span>

#include "btrace/event.h"

namespace btrace::decode {

struct Payload {
    // Set only when present: a default Payloads, made per call, then costs a
    // few stores instead of clearing every header.
    btrace_payload hdr;
    std::span<const uint8_t> bytes;  // exactly hdr.len bytes, inside the record
    bool present = false;

    bool truncated() const { return hdr.flags & BTRACE_PAYLOAD_TRUNCATED; }
    bool faulted() const { return hdr.flags & BTRACE_PAYLOAD_FAULT; }
};

struct Payloads {
    std::array<Payload, BTRACE_MAX_ARGS> args;  // by argument index
    std::array<Payload, 2> fd_descs;           // BTRACE_CAP_FD_DESC: new or changed fds
    Payload msg_name, msg_iov;                 // a msghdr's parts (BTRACE_PAYLOAD_MSG_*)
    Payload sched;                             // --sched: struct btrace_sched
    Payload fd_seen;                           // struct btrace_fd_seen (threads sharing fds)
    Payload passed_in;                         // struct btrace_passed_in (select, pselect6, ppoll)
    Payload user_stack;                        // -k: struct btrace_user_stack, then the stack copy
    Payload exe, auxv;                         // -k, execve: the new image (a btrace_fd_desc), saved auxv
    Payload kernel_stack;                      // --kernel-stack: an __s32 stack id
};

// Fills one Payload per argument index, and the fd descriptions, from `area`
// (what follows the fixed part of a syscall record). Returns false if the area
// is malformed; the payloads parsed before the fault are kept.
bool split_payloads(std::span<const uint8_t> area, Payloads& out);

// Visits the iovecs of a BTRACE_CAP_IOVEC_* payload in order: visit(index,
// iov_len, captured bytes) returns false to stop. The count comes from the
// kernel side, the bytes are bounds-checked.
template <class F>
void for_each_iov(const Payload& p, F&& visit) {
    std::size_t off = 0;
    for (unsigned i = 0; i < p.hdr.count; ++i) {
        btrace_iov iov;
        // off may be past the end: the last entry's data need not be padded to 8.
        if (off > p.bytes.size() || p.bytes.size() - off < sizeof(iov))
            return;
        std::memcpy(&iov, p.bytes.data() + off, sizeof(iov));
        off += sizeof(iov);
        const std::size_t captured = std::min<std::size_t>(iov.captured, p.bytes.size() - off);
        if (!visit(i, iov.iov_len, p.bytes.subspan(off, captured)))
            return;
        off += (captured + 7) & ~std::size_t{7};
    }
}

}  // namespace btrace::decode
