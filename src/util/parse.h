// SPDX-License-Identifier: Apache-2.0
// The whole of a string as a number: no sign for unsigned types, no leading
// or trailing junk, no overflow. One place for the from_chars boilerplate.
#pragma once

#include <charconv>
#include <optional>
#include <string_view>

namespace btrace {

template <typename T>
std::optional<T> to_uint(std::string_view s, int base = 10) {
    if (s.empty())
        return std::nullopt;
    T value{};
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, base);
    if (ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

}  // namespace btrace
