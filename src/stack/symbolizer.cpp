// SPDX-License-Identifier: Apache-2.0
#include "stack/symbolizer.h"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "stack/mappings.h"

namespace btrace::stack {

namespace {

char* debuginfo_path = nullptr;  // libdwfl's default: .debug dirs and /usr/lib/debug (build-id)

const Dwfl_Callbacks kOffline = {
    .find_elf = nullptr,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

// A DIE's function name, from its abstract origin for an inlined one.
const char* die_name(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) || dwarf_attr_integrate(die, DW_AT_name, &attr))
        return dwarf_formstring(&attr);
    return nullptr;
}

}  // namespace

struct Symbolizer::Module {
    Dwfl* dwfl = nullptr;
    Dwfl_Module* module = nullptr;  // null: the file could not be read
    uint64_t bias = 0;              // where libdwfl placed it
    std::list<Module*>::iterator lru;
    // What was found for an address (offset << 1 | activation): first, count in frames.
    std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> known;
    std::vector<Frame> frames;
    std::deque<std::string> demangled;  // C++ names the frames show (a deque: they stay put)

    ~Module() { dwfl_end(dwfl); }

    // A symbol as shown: without its @VERSION, C++ demangled (as perf and strace show it).
    std::string_view shown(std::string_view name) {
        name = name.substr(0, name.find('@'));  // __libc_start_main@@GLIBC_2.34
        if (name.substr(0, 2) != "_Z")
            return name;
        const std::string mangled(name);
        int status = -1;
        char* plain = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
        if (status != 0 || !plain)
            return name;
        std::string_view kept = demangled.emplace_back(plain);
        std::free(plain);
        return kept;
    }

    void find(uint64_t at, uint64_t pc_offset, std::vector<Frame>& out);
};

Symbolizer::Symbolizer() = default;
Symbolizer::~Symbolizer() = default;

Symbolizer::Module* Symbolizer::module_for(Dwfl_Module* process_module) {
    // The file the process's module was read from (its path, or /proc/PID/map_files if replaced since).
    const char* path = nullptr;
    dwfl_module_info(process_module, nullptr, nullptr, nullptr, nullptr, nullptr, &path, nullptr);
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr;
    const int n = dwfl_module_build_id(process_module, &bits, &vaddr);
    std::string key = n > 0 ? std::string(reinterpret_cast<const char*>(bits), static_cast<std::size_t>(n))
                            : std::string("path:") + (path ? path : "");
    if (auto it = modules_.find(key); it != modules_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second->lru);
        return it->second.get();
    }
    auto module = std::make_unique<Module>();
    const int fd = path ? open_regular_file(path) : -1;
    if (fd >= 0 && (module->dwfl = dwfl_begin(&kOffline))) {
        dwfl_report_begin(module->dwfl);
        module->module = dwfl_report_offline(module->dwfl, path, path, fd);  // takes the fd if it succeeds
        if (!module->module)
            close(fd);
        dwfl_report_end(module->dwfl, nullptr, nullptr);
        Dwarf_Addr bias = 0;
        const unsigned char* own_bits = nullptr;
        // Opened a second time: the file must still be the one the process's module was read from.
        const auto same = [&] {
            return n <= 0 || (dwfl_module_build_id(module->module, &own_bits, &vaddr) == n &&
                              std::memcmp(own_bits, bits, static_cast<std::size_t>(n)) == 0);
        };
        if (module->module && dwfl_module_getelf(module->module, &bias) && same())
            module->bias = bias;
        else
            module->module = nullptr;
    } else if (fd >= 0) {
        close(fd);
    }
    lru_.push_front(module.get());
    module->lru = lru_.begin();
    return modules_.emplace(std::move(key), std::move(module)).first->second.get();
}

void Symbolizer::trim() {
    while (modules_.size() > kMaxModules) {
        Module* oldest = lru_.back();
        lru_.pop_back();
        for (auto it = modules_.begin(); it != modules_.end(); ++it)
            if (it->second.get() == oldest) {
                modules_.erase(it);
                break;
            }
    }
}

void Symbolizer::symbolize(Dwfl_Module* process_module, uint64_t offset, bool activation, std::vector<Frame>& frames) {
    Module* module = module_for(process_module);
    const uint64_t key = offset << 1 | activation;
    if (auto known = module->known.find(key); known != module->known.end()) {
        const auto [first, count] = known->second;
        frames.insert(frames.end(), module->frames.begin() + first, module->frames.begin() + first + count);
        return;
    }
    const std::size_t before = frames.size();
    // A return address is past its call, which may end the function (a
    // noreturn callee): the call is looked up. Offsets are shown from it.
    const uint64_t at = activation ? offset : offset - 1;
    module->find(at, activation ? 0 : 1, frames);
    if (module->frames.size() > kMaxKnownFrames) {
        module->known.clear();
        module->frames.clear();  // the names stay: frames already printed may point at them
    }
    module->known.emplace(key, std::pair(static_cast<uint32_t>(module->frames.size()),
                                         static_cast<uint32_t>(frames.size() - before)));
    module->frames.insert(module->frames.end(), frames.begin() + before, frames.end());
}

// The frame at `at` (the file's address), and before it the functions
// inlined there (innermost first), each at its own source line.
void Symbolizer::Module::find(uint64_t at_offset, uint64_t past_call, std::vector<Frame>& out) {
    Frame frame;
    if (!module) {
        out.push_back(frame);
        return;
    }
    const uint64_t at = at_offset + bias;
    GElf_Off offset = 0;
    GElf_Sym sym;
    if (const char* name = dwfl_module_addrinfo(module, at, &offset, &sym, nullptr, nullptr, nullptr)) {
        frame.symbol = shown(name);
        frame.symbol_offset = offset + past_call;
        // gdb's rule: a stack ends in the function at the entry point (_start).
        GElf_Ehdr ehdr;
        Dwarf_Addr elf_bias;
        Elf* elf = dwfl_module_getelf(module, &elf_bias);
        const uint64_t start = at - offset;
        frame.entry = elf && gelf_getehdr(elf, &ehdr) && ehdr.e_entry + elf_bias >= start &&
                      ehdr.e_entry + elf_bias - start < std::max<uint64_t>(sym.st_size, 1);
    }
    if (Dwfl_Line* line = dwfl_module_getsrc(module, at))
        frame.file = dwfl_lineinfo(line, nullptr, &frame.line, nullptr, nullptr, nullptr);

    Dwarf_Addr cu_bias = 0;
    Dwarf_Die* cu = dwfl_module_addrdie(module, at, &cu_bias);
    Dwarf_Die* scopes = nullptr;
    const int nscopes = cu ? dwarf_getscopes(cu, at - cu_bias, &scopes) : 0;
    Dwarf_Files* files = nullptr;
    std::size_t nfiles = 0;
    for (int i = 0; i < nscopes && out.size() + 1 < kMaxFrames; ++i) {
        if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram)
            break;
        if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
            continue;
        Frame inlined = frame;
        const char* name = die_name(&scopes[i]);
        inlined.symbol = name ? shown(name) : "";
        inlined.symbol_offset = 0;
        inlined.inlined = true;
        out.push_back(inlined);
        // The next one out is at this one's call site.
        Dwarf_Attribute attr;
        Dwarf_Word value = 0;
        frame.line = dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &value) == 0
                         ? static_cast<int>(value)
                         : 0;
        frame.file = nullptr;
        if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &value) == 0 &&
            (files || dwarf_getsrcfiles(cu, &files, &nfiles) == 0) && value < nfiles)
            frame.file = dwarf_filesrc(files, value, nullptr, nullptr);
    }
    free(scopes);
    out.push_back(frame);
}

}  // namespace btrace::stack
