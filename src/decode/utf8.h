// SPDX-License-Identifier: Apache-2.0
// Well-formed UTF-8, as the JSON and Prometheus outputs need it to pass
// characters through and to tell bytes that are not UTF-8 apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace btrace::decode {

// Length of the well-formed UTF-8 sequence starting `text`, 0 if there is none.
// Same rules as Go's utf8.ValidString (no overlongs, surrogates or > U+10FFFF),
// which Prometheus applies to every label value.
inline std::size_t utf8_sequence_length(std::span<const uint8_t> text) {
    if (text.empty())
        return 0;
    const uint8_t lead = text[0];
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    uint8_t second_low = 0x80, second_high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        if (lead == 0xe0)
            second_low = 0xa0;  // overlong
        else if (lead == 0xed)
            second_high = 0x9f;  // UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        if (lead == 0xf0)
            second_low = 0x90;  // overlong
        else if (lead == 0xf4)
            second_high = 0x8f;  // beyond U+10FFFF
    } else {
        return 0;
    }
    if (text.size() < length || text[1] < second_low || text[1] > second_high)
        return 0;
    for (std::size_t i = 2; i < length; ++i)
        if ((text[i] & 0xc0) != 0x80)
            return 0;
    return length;
}

}  // namespace btrace::decode
