// SPDX-License-Identifier: Apache-2.0
// --json: one JSON object per line, the same fields as the text line.
//   {"type":"syscall","ts":1732745012.123456,"rel_ms":0.412,"duration_ns":4000,"pid":4242,"tid":4242,
//    "comm":"cat","syscall":"openat","args":{"dfd":{"value":"AT_FDCWD","raw":-100},...},
//    "ret":3,"result":"3</etc/issue>","errno":null}
#pragma once

#include <string_view>

#include "decode/args.h"
#include "decode/payloads.h"
#include "output/formatter.h"
#include "syscalls/table.h"

namespace btrace::output {

// A JSON string literal of any bytes, valid JSON whatever a process passes:
// UTF-8 characters as they are, control bytes as \u00XX escapes, and a byte
// that is not UTF-8 as U+FFFD. Text from the traced side comes here escaped
// (format_name, format_string), where such a byte already reads \377.
void json_string(std::string_view bytes, fmt::memory_buffer& out);

// -k: ,"stack":[{"pc":"0x7f..","module":"/usr/lib/..","offset":"0x10a2d5","symbol":"__read",
// "symbol_offset":18,"file":null,"line":null,"inlined":false},...],"stack_cut":null or why it ends early,
// "kernel_frames":N (--kernel-stack: the first N frames are the kernel's),"kernel_stack_cut":null or why not,
// "stack_doubt":null or why the user frames may name the wrong code
void put_stack_json(const stack::Stack& stack, fmt::memory_buffer& out);

class JsonFormatter final : public Formatter {
public:
    explicit JsonFormatter(const FormatOptions& options, state::FdTable* fds = nullptr) : Formatter(options, fds, true) {}

    void in_progress(const btrace_syscall& rec, const decode::Payloads& payloads, std::string_view note,
                     fmt::memory_buffer& out) override;
    void signal(const btrace_signal& rec, fmt::memory_buffer& out) override;
    void lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) override;

private:
    void sched_split(const btrace_sched& sched, fmt::memory_buffer& out);
    void call_start(const DecodedCall& call, fmt::memory_buffer& out) override;
    void call_end(const DecodedCall& call, fmt::memory_buffer& out) override;
    void exit_line(const btrace_exit& rec, fmt::memory_buffer& out) override;
    void common(std::string_view type, const btrace_hdr& hdr, fmt::memory_buffer& out);
    void call_fields(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::Payloads& payloads,
                     const decode::CallContext& call, fmt::memory_buffer& out);

    fmt::memory_buffer scratch_;
    fmt::memory_buffer text_;
};

}  // namespace btrace::output
