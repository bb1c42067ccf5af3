// SPDX-License-Identifier: Apache-2.0
// A delivered signal's siginfo, as strace prints it:
//   {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, si_utime=0, si_stime=0}
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>

namespace btrace::decode {

// bytes: the kernel's siginfo (si_signo, si_errno, si_code, then the fields
// union), BTRACE_SIGINFO_BYTES of it; fewer are read as zeros. The fields
// shown follow si_code: sender pid/uid for kill and sigqueue, the child's
// status and times for SIGCHLD, the fault address for SIGSEGV and kin.
void format_siginfo(int signo, std::span<const uint8_t> bytes, fmt::memory_buffer& out);

}  // namespace btrace::decode
