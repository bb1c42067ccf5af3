// SPDX-License-Identifier: Apache-2.0
#include "stack/kernel.h"

#include <bpf/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace btrace::stack {

void KernelStacks::load() {
    loaded_ = true;
    std::ifstream in("/proc/kallsyms");
    std::string line;
    modules_.push_back(std::make_unique<std::string>("[kernel.kallsyms]"));
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string address, type, name, module;
        if (!(fields >> address >> type >> name) || (type != "t" && type != "T" && type != "w" && type != "W"))
            continue;  // code only
        fields >> module;  // "[ext4]", for a module's
        const std::string* owner = modules_.front().get();
        if (!module.empty()) {
            auto known = std::find_if(modules_.begin(), modules_.end(), [&](const auto& m) { return *m == module; });
            owner = known != modules_.end() ? known->get() : modules_.emplace_back(std::make_unique<std::string>(module)).get();
        }
        symbols_.push_back(Symbol{std::strtoull(address.c_str(), nullptr, 16), owner, std::move(name)});
    }
    std::sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
}

const KernelStacks::Symbol* KernelStacks::find(uint64_t address) const {
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                               [](uint64_t at, const Symbol& s) { return at < s.address; });
    return it == symbols_.begin() || std::prev(it)->address == 0 ? nullptr : &*std::prev(it);
}

bool KernelStacks::is_tracing(const Symbol& symbol) const {
    const std::string_view name = symbol.name;
    return *symbol.module == "[bpf]" || name.starts_with("bpf_trace_run") || name.starts_with("__bpf_trace_") ||
           name.starts_with("__traceiter_") || name.starts_with("bpf_prog_");
}

void KernelStacks::add(int32_t id, Stack& stack) {
    if (id < 0) {
        stack.kernel_cut = id == -EEXIST ? "the kernel stack was not kept: its slot in the map was taken"
                                         : "the kernel stack was not kept";
        return;
    }
    const uint32_t key = static_cast<uint32_t>(id);
    if (bpf_map_lookup_elem(map_fd_, &key, ips_) != 0) {
        stack.kernel_cut = "the kernel stack is gone from the map";
        return;
    }
    if (!loaded_)
        load();
    bool in_tracing = true;  // the stack starts in btrace's own program and the tracepoint's call of it
    for (uint64_t ip : ips_) {
        if (!ip)
            break;
        const Symbol* symbol = find(ip);  // kallsyms shows 0 to those without CAP_SYSLOG
        if (in_tracing && symbol && is_tracing(*symbol))
            continue;
        in_tracing = false;
        ++stack.kernel_frames;
        Frame& frame = stack.frames.emplace_back();
        frame.pc = ip;
        frame.module_offset = ip;
        if (symbol) {
            frame.module = symbol->module->c_str();
            frame.symbol = symbol->name;
            frame.symbol_offset = ip - symbol->address;
        }
    }
}

}  // namespace btrace::stack
