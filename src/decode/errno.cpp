// SPDX-License-Identifier: Apache-2.0
#include "decode/errno.h"

#include <array>
#include <csignal>
#include <cstring>
#include <string>

#include "decode/put.h"

namespace btrace::decode {

namespace {

constexpr long kInternalFirst = 512;

// include/linux/errno.h: not in libc, seen only by tracers.
constexpr std::array<ErrnoText, 19> kInternal = {{
    {"ERESTARTSYS", "To be restarted if SA_RESTART is set"},
    {"ERESTARTNOINTR", "To be restarted"},
    {"ERESTARTNOHAND", "To be restarted if no handler"},
    {"ENOIOCTLCMD", "No ioctl command"},
    {"ERESTART_RESTARTBLOCK", "Interrupted by signal"},
    {"EPROBE_DEFER", "Driver requests probe retry"},
    {"EOPENSTALE", "Open found a stale dentry"},
    {"ENOPARAM", "Parameter not supported"},
    {"", ""},
    {"EBADHANDLE", "Illegal NFS file handle"},
    {"ENOTSYNC", "Update synchronization mismatch"},
    {"EBADCOOKIE", "Cookie is stale"},
    {"ENOTSUPP", "Operation is not supported"},
    {"ETOOSMALL", "Buffer or request is too small"},
    {"ESERVERFAULT", "An untranslatable error occurred"},
    {"EBADTYPE", "Type not supported by server"},
    {"EJUKEBOX", "Request initiated, but will not complete before timeout"},
    {"EIOCBQUEUED", "iocb queued, will get completion event"},
    {"ERECALLCONFLICT", "conflict with recalled state"},
}};

// Kernel numbering, as strace prints it: realtime signals count from the
// kernel's 32 (SIGRTMIN, SIGRT_1 ...), not from glibc's SIGRTMIN (34), and
// 29 is SIGIO. Built once.
struct SignalNames {
    static constexpr int kKernelRtMin = 32;
    std::array<std::string, 65> names;
    SignalNames() {
        for (int sig = 1; sig < kKernelRtMin; ++sig)
            if (const char* abbrev = sigabbrev_np(sig))
                names[sig] = std::string("SIG") + abbrev;
        names[SIGIO] = "SIGIO";
        names[kKernelRtMin] = "SIGRTMIN";
        for (int sig = kKernelRtMin + 1; sig < static_cast<int>(names.size()); ++sig)
            names[sig] = "SIGRT_" + std::to_string(sig - kKernelRtMin);
    }
};

}  // namespace

bool errno_is_internal(long err) {
    return err >= kInternalFirst && err < kInternalFirst + static_cast<long>(kInternal.size()) &&
           !kInternal[err - kInternalFirst].name.empty();
}

ErrnoText errno_text(long err) {
    if (errno_is_internal(err))
        return kInternal[err - kInternalFirst];
    if (err > 0 && err < kInternalFirst) {
        const char* name = strerrorname_np(static_cast<int>(err));
        const char* message = strerrordesc_np(static_cast<int>(err));
        if (name && message)
            return {name, message};
    }
    return {"", ""};
}

std::string_view signal_name(int sig) {
    static const SignalNames table;
    if (sig <= 0 || sig >= static_cast<int>(table.names.size()))
        return {};
    return table.names[sig];
}

void format_signal(int sig, fmt::memory_buffer& out) {
    const std::string_view name = signal_name(sig);
    if (name.empty())
        put_dec(out, sig);
    else
        put(out, name);
}

void format_exit_status(uint32_t status, fmt::memory_buffer& out) {
    const ExitStatus exit = exit_status(status);
    if (exit.signal == 0) {
        put(out, "exited with ");
        put_dec(out, exit.code);
        return;
    }
    put(out, signal_name(exit.signal).empty() ? "killed by signal " : "killed by ");
    format_signal(exit.signal, out);
    if (exit.core_dumped)
        put(out, " (core dumped)");
}

}  // namespace btrace::decode
