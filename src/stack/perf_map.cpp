// SPDX-License-Identifier: Apache-2.0
#include "stack/perf_map.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <fmt/format.h>

namespace btrace::stack {

const PerfMaps::Symbol* PerfMaps::find(uint32_t tgid, uint64_t pc) {
    File& file = files_[tgid];
    if (file.path.empty())
        file.path = fmt::format("/tmp/perf-{}.map", tgid);
    const auto lookup = [&]() -> const Symbol* {
        auto it = std::upper_bound(file.symbols.begin(), file.symbols.end(), pc,
                                   [](uint64_t at, const Symbol& s) { return at < s.start; });
        if (it == file.symbols.begin())
            return nullptr;
        --it;
        return pc - it->start < std::max<uint64_t>(it->size, 1) ? &*it : nullptr;
    };
    if (const Symbol* found = lookup())
        return found;
    struct stat st;
    if (stat(file.path.c_str(), &st) != 0 || st.st_size == file.size)
        return nullptr;
    read(file);
    file.size = st.st_size;
    return lookup();
}

void PerfMaps::read(File& file) {
    file.symbols.clear();
    std::ifstream in(file.path);
    std::string line;
    while (std::getline(in, line)) {
        char* end = nullptr;
        Symbol s;
        s.start = std::strtoull(line.c_str(), &end, 16);
        if (!end || *end != ' ')
            continue;
        char* name = nullptr;
        s.size = std::strtoull(end + 1, &name, 16);
        if (!name || *name != ' ')
            continue;
        s.name.assign(name + 1);
        file.symbols.push_back(std::move(s));
    }
    // Later lines win for the same start (code moved or recompiled there).
    std::stable_sort(file.symbols.begin(), file.symbols.end(),
                     [](const Symbol& a, const Symbol& b) { return a.start < b.start; });
    auto last = std::unique(file.symbols.rbegin(), file.symbols.rend(),
                            [](const Symbol& a, const Symbol& b) { return a.start == b.start; });
    file.symbols.erase(file.symbols.begin(), last.base());
}

}  // namespace btrace::stack
