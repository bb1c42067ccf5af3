// SPDX-License-Identifier: Apache-2.0
// --kernel-stack: where in the kernel a call last left its CPU, from the
// kernel_stacks map (bpf_get_stackid at sched_switch), symbolized from
// /proc/kallsyms ("schedule+0x3a" in [kernel.kallsyms], or in a module).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stack/unwinder.h"

namespace btrace::stack {

class KernelStacks {
public:
    explicit KernelStacks(int map_fd) : map_fd_(map_fd) {}

    // The frames of stack id (innermost first) appended to stack as its
    // kernel frames; a negative id (not kept) or one the map lacks is its
    // kernel_cut.
    void add(int32_t id, Stack& stack);

private:
    struct Symbol {
        uint64_t address;
        const std::string* module;  // "[kernel.kallsyms]" or "[ext4]": one of modules_
        std::string name;
    };
    void load();  // /proc/kallsyms, once
    const Symbol* find(uint64_t address) const;
    bool is_tracing(const Symbol& symbol) const;

    int map_fd_;
    bool loaded_ = false;
    std::vector<Symbol> symbols_;  // by address
    std::vector<std::unique_ptr<std::string>> modules_;
    uint64_t ips_[BTRACE_KERNEL_STACK_DEPTH];
};

}  // namespace btrace::stack
