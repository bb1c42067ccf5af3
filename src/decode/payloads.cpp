// SPDX-License-Identifier: Apache-2.0
#include "decode/payloads.h"

#include <algorithm>
#include <cstring>

namespace btrace::decode {

bool split_payloads(std::span<const uint8_t> area, Payloads& out) {
    for (Payload& p : out.args)
        p.present = false;
    for (Payload& p : out.fd_descs)
        p.present = false;
    out.msg_name.present = out.msg_iov.present = out.sched.present = out.fd_seen.present = false;
    out.passed_in.present = out.user_stack.present = out.exe.present = out.auxv.present = false;
    out.kernel_stack.present = false;
    std::size_t off = 0;
    while (off < area.size()) {
        btrace_payload hdr;
        if (area.size() - off < sizeof(hdr))
            return false;
        std::memcpy(&hdr, area.data() + off, sizeof(hdr));
        off += sizeof(hdr);
        if (hdr.len > area.size() - off)
            return false;
        Payload* slot;
        if (hdr.arg == BTRACE_PAYLOAD_FD_DESC) {
            slot = std::find_if(out.fd_descs.begin(), out.fd_descs.end(), [](const Payload& p) { return !p.present; });
            if (slot == out.fd_descs.end())
                return false;
        } else if (hdr.arg < BTRACE_MAX_ARGS) {
            slot = &out.args[hdr.arg];
        } else if (hdr.arg == BTRACE_PAYLOAD_MSG_NAME || hdr.arg == BTRACE_PAYLOAD_MSG_IOV) {
            slot = hdr.arg == BTRACE_PAYLOAD_MSG_NAME ? &out.msg_name : &out.msg_iov;
        } else if (hdr.arg == BTRACE_PAYLOAD_SCHED) {
            slot = &out.sched;
        } else if (hdr.arg == BTRACE_PAYLOAD_FD_SEEN) {
            slot = &out.fd_seen;
        } else if (hdr.arg == BTRACE_PAYLOAD_PASSED_IN) {
            slot = &out.passed_in;
        } else if (hdr.arg == BTRACE_PAYLOAD_USER_STACK) {
            slot = &out.user_stack;
        } else if (hdr.arg == BTRACE_PAYLOAD_EXE) {
            slot = &out.exe;
        } else if (hdr.arg == BTRACE_PAYLOAD_AUXV) {
            slot = &out.auxv;
        } else if (hdr.arg == BTRACE_PAYLOAD_KERNEL_STACK) {
            slot = &out.kernel_stack;
        } else {
            return false;
        }
        // Field by field: a whole Payload built aside and copied in stalls
        // on store forwarding.
        slot->hdr = hdr;
        slot->bytes = area.subspan(off, hdr.len);
        slot->present = true;
        off += (static_cast<std::size_t>(hdr.len) + 7) & ~std::size_t{7};
    }
    return true;
}

}  // namespace btrace::decode
