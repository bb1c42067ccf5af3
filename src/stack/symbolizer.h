// SPDX-License-Identifier: Apache-2.0
// Symbols, source lines and inlined functions of an address in a module,
// shared by every process that maps the module (keyed by its build-id):
// libdwfl reads a module's debug information once here, not once per
// process (libc's from libc6-dbg takes half a second to decompress), and
// finds a symbol by a walk over the whole symbol table, so what it found is
// kept per address. Bounded: past kMaxModules the least recently used
// module goes, with what was kept of it.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stack/frame.h"

struct Dwfl;
struct Dwfl_Module;

namespace btrace::stack {

class Symbolizer {
public:
    Symbolizer();
    ~Symbolizer();
    Symbolizer(const Symbolizer&) = delete;
    Symbolizer& operator=(const Symbolizer&) = delete;

    // Appends the frames of the address at offset in module (its own
    // addresses, as the file has them; activation: not a return address),
    // functions inlined there first: their symbol, symbol_offset, file,
    // line, inlined and entry. The caller fills pc, module and module_offset.
    void symbolize(Dwfl_Module* module, uint64_t offset, bool activation, std::vector<Frame>& frames);
    // Drops the modules past the bound: only between stacks, whose frames point into them.
    void trim();

    static constexpr std::size_t kMaxModules = 64;
    static constexpr std::size_t kMaxKnownFrames = 1 << 16;  // per module

private:
    struct Module;
    Module* module_for(Dwfl_Module* process_module);

    std::unordered_map<std::string, std::unique_ptr<Module>> modules_;  // by build-id, or path
    std::list<Module*> lru_;  // most recent first
};

}  // namespace btrace::stack
