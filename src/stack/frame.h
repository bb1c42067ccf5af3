// SPDX-License-Identifier: Apache-2.0
// -k: a stack as btrace shows it, frame by frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace btrace::stack {

constexpr std::size_t kMaxFrames = 64;  // shown per stack

struct Frame {
    uint64_t pc = 0;               // past the first frame, a return address
    const char* module = nullptr;  // its file (JIT code: its perf map), or null: in no file mapping known
    uint64_t module_offset = 0;    // pc in the module's own addresses (strace's [0x...])
    std::string_view symbol;       // the function (without its @VERSION), or empty
    uint64_t symbol_offset = 0;
    const char* file = nullptr;    // source file, with debug info
    int line = 0;
    bool inlined = false;          // a function inlined at pc into the next frame
    bool entry = false;            // in the module's entry point function (_start): the outermost
};

struct Stack {
    std::vector<Frame> frames;  // innermost first: the kernel's (--kernel-stack), then user space
    std::size_t kernel_frames = 0;
    const char* kernel_cut = nullptr;  // why the kernel's are missing, if they are
    // Why the user-space walk ended before the outermost frame; null if it did not.
    const char* cut = nullptr;
    // Why the user-space frames may name the wrong code, if they may.
    const char* doubt = nullptr;

    void clear() {
        frames.clear();
        kernel_frames = 0;
        kernel_cut = cut = doubt = nullptr;
    }
};

}  // namespace btrace::stack
