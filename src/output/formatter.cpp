// SPDX-License-Identifier: Apache-2.0
#include "output/formatter.h"

#include "decode/errno.h"

#include <cstring>

namespace btrace::output {

void Formatter::syscall(const btrace_syscall& rec, std::span<const uint8_t> payload_area, fmt::memory_buffer& out) {
    decode::Payloads payloads;
    decode::split_payloads(payload_area, payloads);  // a malformed tail just shows pointers
    const bool failed = !(rec.hdr.flags & BTRACE_SYS_NO_RETURN) && decode::is_error_return(rec.ret);
    decode::CallContext ctx = context(rec, failed);
    ctx.payloads = &payloads;
    const syscalls::Syscall* info = syscalls::lookup(rec.nr);
    // Named by this very record, as the call found them (the monitor), or as
    // the call left them (pipe's pair, shown among the arguments).
    const bool names_first =
        tracker_ && (options_.fd_names_from_records || (info && state::shows_new_fds_in_args(*info)));
    if (names_first)
        ctx.started_ns = 0;
    const stack::Stack* stack = stack_of(rec, payloads);
    if (stack && stack_summary_)
        stack_summary_->add(rec, *stack, failed);
    const DecodedCall call{rec, info, payloads, ctx, stack};
    if (names_first)
        tracker_->apply_descriptions(rec, payloads);
    call_start(call, out);
    if (tracker_) {  // the result shows the fd's new name
        if (!names_first)
            tracker_->apply_descriptions(rec, payloads);
        tracker_->apply_effects(rec);
    }
    call_end(call, out);
}

const stack::Stack* Formatter::stack_of(const btrace_syscall& rec, const decode::Payloads& payloads) {
    const bool user = unwinder_ && payloads.user_stack.present;
    const bool kernel = kernel_stacks_ && payloads.kernel_stack.present;
    if (!user && !kernel)
        return nullptr;
    stack_.clear();
    int32_t id;
    if (kernel && payloads.kernel_stack.bytes.size() >= sizeof(id)) {
        std::memcpy(&id, payloads.kernel_stack.bytes.data(), sizeof(id));
        kernel_stacks_->add(id, stack_);
    }
    if (user)
        unwinder_->unwind(rec.hdr, payloads.user_stack, stack_);
    return &stack_;
}

void Formatter::follow_fds(const btrace_syscall& rec, std::span<const uint8_t> payload_area) {
    if (!tracker_)
        return;
    decode::Payloads payloads;
    decode::split_payloads(payload_area, payloads);
    follow_fds(rec, payloads);
}

void Formatter::follow_fds(const btrace_syscall& rec, const decode::Payloads& payloads) {
    if (!tracker_)
        return;
    tracker_->apply_descriptions(rec, payloads);
    tracker_->apply_effects(rec);
}

}  // namespace btrace::output
