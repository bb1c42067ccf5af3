// SPDX-License-Identifier: Apache-2.0
#include "decode/siginfo.h"

#include <linux/audit.h>
#include <signal.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string_view>

#include "btrace/event.h"
#include "decode/errno.h"
#include "decode/families.h"
#include "decode/put.h"
#include "syscalls/table.h"

namespace btrace::decode {

namespace {

bool is_fault(int signo) {
    return signo == SIGILL || signo == SIGFPE || signo == SIGSEGV || signo == SIGBUS || signo == SIGTRAP;
}

void field(std::string_view name, fmt::memory_buffer& out) {
    put(out, ", ");
    put(out, name);
    out.push_back('=');
}

// clock ticks, with the seconds as strace adds them: 2 /* 0.02 s */
void ticks(clock_t value, fmt::memory_buffer& out) {
    put_dec(out, static_cast<int64_t>(value));
    if (value)
        fmt::format_to(std::back_inserter(out), " /* {:.2f} s */", static_cast<double>(value) / 100.0);
}

void sender(const siginfo_t& si, fmt::memory_buffer& out) {
    field("si_pid", out);
    put_dec(out, static_cast<int64_t>(si.si_pid));
    field("si_uid", out);
    put_udec(out, si.si_uid);
}

void value(const siginfo_t& si, fmt::memory_buffer& out) {
    field("si_int", out);
    put_dec(out, static_cast<int64_t>(si.si_value.sival_int));
    field("si_ptr", out);
    put_address(out, reinterpret_cast<uint64_t>(si.si_value.sival_ptr));
}

void band_and_fd(const siginfo_t& si, fmt::memory_buffer& out) {
    field("si_band", out);
    put_dec(out, static_cast<int64_t>(si.si_band));
    field("si_fd", out);
    put_dec(out, static_cast<int64_t>(si.si_fd));
}

void child(const siginfo_t& si, fmt::memory_buffer& out) {
    sender(si, out);
    field("si_status", out);
    if (si.si_code == CLD_EXITED)
        put_dec(out, static_cast<int64_t>(si.si_status));
    else
        format_signal(si.si_status, out);
    field("si_utime", out);
    ticks(si.si_utime, out);
    field("si_stime", out);
    ticks(si.si_stime, out);
}

void seccomp(const siginfo_t& si, fmt::memory_buffer& out) {
    field("si_call_addr", out);
    put_address(out, reinterpret_cast<uint64_t>(si.si_call_addr));
    field("si_syscall", out);
#if defined(__x86_64__)
    constexpr uint32_t kNativeArch = AUDIT_ARCH_X86_64;
#else
    constexpr uint32_t kNativeArch = AUDIT_ARCH_AARCH64;
#endif
    // Named from this arch's table only: another arch's numbers differ.
    const syscalls::Syscall* sc = si.si_arch == kNativeArch ? syscalls::lookup(si.si_syscall) : nullptr;
    if (sc) {
        put(out, "__NR_");
        put(out, sc->name);
    } else {
        put_dec(out, static_cast<int64_t>(si.si_syscall));
    }
    field("si_arch", out);
    if (si.si_arch == AUDIT_ARCH_X86_64)
        put(out, "AUDIT_ARCH_X86_64");
    else if (si.si_arch == AUDIT_ARCH_AARCH64)
        put(out, "AUDIT_ARCH_AARCH64");
    else
        put_hex(out, si.si_arch);
}

}  // namespace

void format_siginfo(int signo, std::span<const uint8_t> bytes, fmt::memory_buffer& out) {
    siginfo_t si{};
    std::memcpy(&si, bytes.data(), std::min(bytes.size(), sizeof(si)));
    put(out, "{si_signo=");
    format_signal(signo, out);
    put(out, ", si_code=");
    format_si_code(signo, si.si_code, out);
    if (si.si_errno) {
        field("si_errno", out);
        const ErrnoText err = errno_text(si.si_errno);
        if (err.name.empty())
            put_dec(out, static_cast<int64_t>(si.si_errno));
        else
            put(out, err.name);
    }
    if (si.si_code <= 0) {  // sent by a process (kill, sigqueue, timers, aio)
        switch (si.si_code) {
        case SI_USER: case SI_TKILL:
            sender(si, out);
            break;
        case SI_TIMER:
            field("si_timerid", out);
            put_hex(out, static_cast<uint32_t>(si.si_timerid));
            field("si_overrun", out);
            put_dec(out, static_cast<int64_t>(si.si_overrun));
            value(si, out);
            break;
        case SI_SIGIO:
            band_and_fd(si, out);
            break;
        default:
            sender(si, out);
            if (si.si_ptr)
                value(si, out);
            break;
        }
    } else if (signo == SIGCHLD) {
        child(si, out);
    } else if (is_fault(signo)) {
        field("si_addr", out);
        put_address(out, reinterpret_cast<uint64_t>(si.si_addr));
    } else if (signo == SIGPOLL) {
        if (si.si_code == POLL_IN || si.si_code == POLL_OUT || si.si_code == POLL_MSG)
            band_and_fd(si, out);
    } else if (signo == SIGSYS) {
        seccomp(si, out);
    } else {  // the kernel's own (SI_KERNEL) and the rest: what is there
        if (si.si_pid || si.si_uid)
            sender(si, out);
        if (si.si_ptr)
            value(si, out);
    }
    out.push_back('}');
}

}  // namespace btrace::decode
