#include "decode/payloads.h"

#include <algorithm>
#include <cstring>

namespace btrace::decode {

bool split_payloads(std::span<const uint8_t> area, Payloads& out) {
    out = {};
    std::size_t off = 0;
    while (off < area.size()) {
        btrace_payload hdr;
        if (area.size() - off < sizeof(hdr))
            return false;
        std::memcpy(&hdr, area.data() + off, sizeof(hdr));
        off += sizeof(hdr);
        if (hdr.len > area.size() - off)
            return false;
        const Payload payload{hdr, area.subspan(off, hdr.len), true};
        if (hdr.arg == BTRACE_PAYLOAD_FD_DESC) {
            auto slot = std::find_if(out.fd_descs.begin(), out.fd_descs.end(), [](const Payload& p) { return !p.present; });
            if (slot == out.fd_descs.end())
                return false;
            *slot = payload;
        } else if (hdr.arg < BTRACE_MAX_ARGS) {
            out.args[hdr.arg] = payload;
        } else {
            return false;
        }
        off += (static_cast<std::size_t>(hdr.len) + 7) & ~std::size_t{7};
    }
    return true;
}

}  // namespace btrace::decode
