// SPDX-License-Identifier: Apache-2.0
// Appenders shared by the decoders and formatters: text, and the number
// forms strace prints. They run several times per traced call, so the common
// ones write straight into the buffer's spare room (fmt's append and
// format_to go out of line and through memmove for every small piece).
#pragma once

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string_view>

namespace btrace::decode {

constexpr std::size_t kMaxDecimal = 20;  // digits and sign of any 64-bit integer

// Kept out of line: inlined, fmt's growth path bloats every appender.
[[gnu::noinline, gnu::cold]] inline void grow(fmt::memory_buffer& out, std::size_t capacity) {
    out.reserve(capacity);
}

// Room for n more bytes: write them at the pointer returned, then commit()
// where the writing ended (at most n bytes on).
inline char* reserve(fmt::memory_buffer& out, std::size_t n) {
    const std::size_t size = out.size();
    if (out.capacity() - size < n)
        grow(out, size + n);
    return out.data() + size;
}

inline void commit(fmt::memory_buffer& out, const char* end) {
    const auto size = static_cast<std::size_t>(end - out.data());
    if (size > out.capacity())
        __builtin_unreachable();  // reserved: lets resize() drop its growth path
    out.resize(size);
}

inline char* write(char* to, std::string_view text) {
    const char* from = text.data();
    const std::size_t n = text.size();
    // Most text is a short name: overlapping moves, not a call to memmove.
    if (n >= 8 && n <= 16) {
        uint64_t head, tail;
        std::memcpy(&head, from, 8);
        std::memcpy(&tail, from + n - 8, 8);
        std::memcpy(to, &head, 8);
        std::memcpy(to + n - 8, &tail, 8);
    } else if (n >= 4 && n < 8) {
        uint32_t head, tail;
        std::memcpy(&head, from, 4);
        std::memcpy(&tail, from + n - 4, 4);
        std::memcpy(to, &head, 4);
        std::memcpy(to + n - 4, &tail, 4);
    } else if (n > 0 && n < 4) {
        to[0] = from[0];
        to[n / 2] = from[n / 2];
        to[n - 1] = from[n - 1];
    } else {
        std::copy_n(from, n, to);  // unlike memcpy, fine with an empty view's null
    }
    return to + n;
}

// value in decimal, as {} formats it; returns the end.
inline char* write_udec(char* to, uint64_t value) {
    const fmt::format_int digits(value);
    return write(to, {digits.data(), digits.size()});
}

inline char* write_dec(char* to, int64_t value) {
    const fmt::format_int digits(value);
    return write(to, {digits.data(), digits.size()});
}

inline void put(fmt::memory_buffer& out, std::string_view text) {
    commit(out, write(reserve(out, text.size()), text));
}

inline void put_dec(fmt::memory_buffer& out, int64_t value) {
    commit(out, write_dec(reserve(out, kMaxDecimal), value));
}

inline void put_udec(fmt::memory_buffer& out, uint64_t value) {
    commit(out, write_udec(reserve(out, kMaxDecimal), value));
}

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
