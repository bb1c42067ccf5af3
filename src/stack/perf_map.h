// SPDX-License-Identifier: Apache-2.0
// JIT code's names from perf map files (/tmp/perf-PID.map: "START SIZE name"
// per line, hex), which node --perf-basic-prof, python -X perf, the JVM's
// perf-map-agent and others write: frames in anonymous memory get names.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace btrace::stack {

class PerfMaps {
public:
    struct Symbol {
        uint64_t start = 0, size = 0;
        std::string name;
    };
    // The symbol of tgid's JIT code at pc, or null; read again when the file
    // has grown since (code is added as it is compiled).
    const Symbol* find(uint32_t tgid, uint64_t pc);
    // The file's path, for a symbol find() returned of tgid.
    const std::string& path(uint32_t tgid) { return files_[tgid].path; }
    void exit(uint32_t tgid) { files_.erase(tgid); }

private:
    struct File {
        std::string path;
        off_t size = -1;  // when read; -1: never
        std::vector<Symbol> symbols;  // by start
    };
    void read(File& file);
    std::unordered_map<uint32_t, File> files_;
};

}  // namespace btrace::stack
