// SPDX-License-Identifier: Apache-2.0
// A set of fd numbers as strace's -e read=/write= give it: listed numbers, or
// every fd but those (negated; `all` is a negated empty list).
#pragma once

#include <algorithm>
#include <vector>

namespace btrace {

struct FdSet {
    std::vector<int> fds;  // sorted, without repeats
    bool negated = false;

    bool contains(int fd) const {
        return fd >= 0 && std::binary_search(fds.begin(), fds.end(), fd) != negated;
    }
    bool any() const { return negated || !fds.empty(); }
};

}  // namespace btrace
