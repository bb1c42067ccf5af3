// SPDX-License-Identifier: Apache-2.0
// -k: a call's user stack, unwound and symbolized by elfutils' libdwfl from
// the registers and stack copy its record carries (perf's --call-graph dwarf;
// libdwfl falls back to frame pointers where a module has no CFI), against
// the process's mappings as Mappings kept them.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "btrace/event.h"
#include "decode/payloads.h"
#include "stack/mappings.h"
#include "stack/perf_map.h"

struct Dwfl;

namespace btrace::stack {

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
    std::size_t copy_bytes = 0;  // the stack copy's size (for a cut at its end)
};

class Unwinder {
public:
    explicit Unwinder(Mappings& mappings);
    ~Unwinder();
    Unwinder(const Unwinder&) = delete;
    Unwinder& operator=(const Unwinder&) = delete;

    // The stack of hdr's call from its BTRACE_PAYLOAD_USER_STACK payload;
    // valid until the next call.
    const Stack& unwind(const btrace_hdr& hdr, const decode::Payload& user_stack);
    void exit(uint32_t tgid);  // its modules go

    static constexpr std::size_t kMaxFrames = 64;
    static constexpr std::size_t kMaxProcesses = 32;  // processes whose modules are kept open

private:
    struct Session;
    Session* session_for(uint32_t tgid, uint64_t start_stack);
    void add_frames(Session& session, uint64_t pc, bool activation);
    // Whether the frames it made may be kept for pc.
    bool symbolize(Session& session, uint64_t pc, bool activation);
    static constexpr std::size_t kMaxKnownFrames = 1 << 16;  // per process

    Mappings& mappings_;
    PerfMaps perf_maps_;
    Stack stack_;
    std::unordered_map<uint32_t, std::unique_ptr<Session>> sessions_;
    std::list<uint32_t> lru_;  // most recent first
};

}  // namespace btrace::stack
