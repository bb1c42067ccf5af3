// SPDX-License-Identifier: Apache-2.0
// Names and messages for errno values and signals, as strace prints them.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string_view>

#include "btrace/event.h"

namespace btrace::decode {

// A syscall's return value is an error: -1..-BTRACE_MAX_ERRNO.
constexpr bool is_error_return(int64_t ret) { return ret < 0 && ret >= -BTRACE_MAX_ERRNO; }

struct ErrnoText {
    std::string_view name;     // "ENOENT"; empty when unknown
    std::string_view message;  // "No such file or directory"
};

// err > 0. Covers userspace errnos and the kernel-internal ERESTART* family,
// which syscalls return to the tracepoint before a signal restarts them.
ErrnoText errno_text(long err);

// True for the kernel-internal values (512..530) that never reach the
// program: strace prints those calls as "= ? ERESTARTSYS (...)".
bool errno_is_internal(long err);

// A signal interrupted the call, to be restarted or not (ERESTARTSYS ..
// ERESTART_RESTARTBLOCK, 512..516: strace's is_erestart).
constexpr bool is_erestart(int64_t ret) { return ret <= -512 && ret >= -516; }

// "SIGKILL", "SIGRT3"; empty when sig is not a signal.
std::string_view signal_name(int sig);
// The signal's name, or its number when it has none.
void format_signal(int sig, fmt::memory_buffer& out);

// A wait(2) status, as a process exit record carries it.
struct ExitStatus {
    int code;          // exit code when signal == 0
    int signal;        // the signal that killed it, 0 when it exited
    bool core_dumped;
};
constexpr ExitStatus exit_status(uint32_t status) {
    return {static_cast<int>((status >> 8) & 0xff), static_cast<int>(status & 0x7f), (status & 0x80) != 0};
}
// As strace's +++ lines end: "exited with 0", "killed by SIGSEGV (core dumped)", "killed by signal 99".
void format_exit_status(uint32_t status, fmt::memory_buffer& out);

}  // namespace btrace::decode
