#include "decode/payloads.h"

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
        if (hdr.len > area.size() - off || hdr.arg >= BTRACE_MAX_ARGS)
            return false;
        out[hdr.arg] = Payload{hdr, area.subspan(off, hdr.len), true};
        off += (static_cast<std::size_t>(hdr.len) + 7) & ~std::size_t{7};
    }
    return true;
}

}  // namespace btrace::decode
