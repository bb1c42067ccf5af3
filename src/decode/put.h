// Appenders shared by the decoders and formatters: text, and the number
// forms strace prints. Compiled formats: these run for most arguments.
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <cstdint>
#include <iterator>
#include <string_view>

namespace btrace::decode {

inline void put(fmt::memory_buffer& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

// C's %#x, as strace uses it: 0x1f, but 0 for zero.
inline void put_hex(fmt::memory_buffer& out, uint64_t value) {
    if (value == 0)
        out.push_back('0');
    else
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#x}"), value);
}

// strace's printaddr: NULL, or the address in hex.
inline void put_address(fmt::memory_buffer& out, uint64_t value) {
    if (value == 0)
        put(out, "NULL");
    else
        put_hex(out, value);
}

// strace's %#03o for modes: 000, 007, 0644.
inline void put_octal(fmt::memory_buffer& out, uint32_t value) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{:#03o}"), value);
}

}  // namespace btrace::decode
