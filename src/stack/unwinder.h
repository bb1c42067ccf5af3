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
#include "stack/frame.h"
#include "stack/perf_map.h"
#include "stack/symbolizer.h"

struct Dwfl;

namespace btrace::stack {

class Unwinder {
public:
    explicit Unwinder(Mappings& mappings);
    ~Unwinder();
    Unwinder(const Unwinder&) = delete;
    Unwinder& operator=(const Unwinder&) = delete;

    // The user-space frames of hdr's call, from its BTRACE_PAYLOAD_USER_STACK
    // payload, appended to stack (after its kernel frames), with its cut and doubt.
    void unwind(const btrace_hdr& hdr, const decode::Payload& user_stack, Stack& stack);
    void exit(uint32_t tgid);  // its modules go

    static constexpr std::size_t kMaxProcesses = 32;  // processes whose modules are kept open

private:
    struct Session;
    Session* session_for(uint32_t tgid, uint64_t start_stack);
    void add_frames(Session& session, uint32_t tgid, uint64_t pc, bool activation, Stack& stack);

    Mappings& mappings_;
    PerfMaps perf_maps_;
    Symbolizer symbolizer_;
    std::unordered_map<uint32_t, std::unique_ptr<Session>> sessions_;
    std::list<uint32_t> lru_;  // most recent first
};

}  // namespace btrace::stack
