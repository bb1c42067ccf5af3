// SPDX-License-Identifier: Apache-2.0
// Delivered signals: siginfo decoded as strace prints it, and the signal line
// of each output form, from synthetic records.
#include <catch2/catch.hpp>

#include <linux/audit.h>
#include <signal.h>

#include <cstring>
#include <string>

#include "btrace/event.h"
#include "decode/siginfo.h"
#include "output/json.h"
#include "output/text.h"
#include "syscalls/table.h"
#include "records.h"

using btrace::decode::format_siginfo;

namespace {

std::string show(const siginfo_t& si) {
    uint8_t bytes[BTRACE_SIGINFO_BYTES];
    std::memcpy(bytes, &si, sizeof(bytes));
    fmt::memory_buffer out;
    format_siginfo(si.si_signo, bytes, out);
    return fmt::to_string(out);
}

siginfo_t info(int signo, int code) {
    siginfo_t si{};
    si.si_signo = signo;
    si.si_code = code;
    return si;
}

btrace_signal signal_record(const siginfo_t& si) {
    btrace_signal rec{};
    rec.hdr.type = BTRACE_REC_SIGNAL;
    rec.hdr.size = sizeof(rec);
    rec.hdr.tgid = rec.hdr.tid = 4242;
    rec.hdr.ts_ns = test::kOrigin + 412'000;
    std::strncpy(rec.hdr.comm, "sh", sizeof(rec.hdr.comm));
    rec.signo = si.si_signo;
    std::memcpy(rec.siginfo, &si, sizeof(rec.siginfo));
    return rec;
}

}  // namespace

// Expected strings follow strace's printsiginfo: which fields a code shows.
TEST_CASE("siginfo of kill and tkill: the sender", "[siginfo]") {
    siginfo_t si = info(SIGUSR1, SI_USER);
    si.si_pid = 123;
    si.si_uid = 1000;
    CHECK(show(si) == "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=123, si_uid=1000}");
    si.si_code = SI_TKILL;
    CHECK(show(si) == "{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=123, si_uid=1000}");
}

TEST_CASE("siginfo of sigqueue and timers: the value", "[siginfo]") {
    siginfo_t si = info(SIGRTMIN, SI_QUEUE);
    si.si_pid = 7;
    si.si_value.sival_ptr = reinterpret_cast<void*>(0x2a);
    CHECK(show(si) == "{si_signo=SIGRT_2, si_code=SI_QUEUE, si_pid=7, si_uid=0, si_int=42, si_ptr=0x2a}");
    si.si_value.sival_ptr = nullptr;  // a zero value is left out
    CHECK(show(si) == "{si_signo=SIGRT_2, si_code=SI_QUEUE, si_pid=7, si_uid=0}");
    siginfo_t timer = info(SIGALRM, SI_TIMER);
    timer.si_timerid = 1;
    timer.si_overrun = 2;
    CHECK(show(timer) == "{si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0x1, si_overrun=2, si_int=0, si_ptr=NULL}");
}

TEST_CASE("siginfo of SIGCHLD: the child, its status and times", "[siginfo]") {
    siginfo_t si = info(SIGCHLD, CLD_EXITED);
    si.si_pid = 99;
    si.si_status = 3;
    si.si_stime = 2;
    CHECK(show(si) ==
          "{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=99, si_uid=0, si_status=3, si_utime=0, si_stime=2 /* 0.02 s */}");
    si.si_code = CLD_KILLED;
    si.si_status = SIGKILL;
    si.si_stime = 0;
    CHECK(show(si) == "{si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=99, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0}");
}

TEST_CASE("siginfo of faults: the address, and of seccomp: the call", "[siginfo]") {
    siginfo_t si = info(SIGSEGV, SEGV_MAPERR);
    si.si_addr = reinterpret_cast<void*>(0x10);
    CHECK(show(si) == "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}");
    si = info(SIGSEGV, SI_KERNEL);
    CHECK(show(si) == "{si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL}");
    si = info(SIGBUS, BUS_ADRERR);
    si.si_errno = 5;
    CHECK(show(si) == "{si_signo=SIGBUS, si_code=BUS_ADRERR, si_errno=EIO, si_addr=NULL}");
#if defined(__x86_64__)
    si = info(SIGSYS, 1);
    si.si_call_addr = reinterpret_cast<void*>(0x401000);
    si.si_syscall = 257;
    si.si_arch = AUDIT_ARCH_X86_64;
    CHECK(show(si) ==
          "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x401000, si_syscall=__NR_openat, si_arch=AUDIT_ARCH_X86_64}");
#endif
    CHECK(show(info(SIGSEGV, 77)) == "{si_signo=SIGSEGV, si_code=0x4d, si_addr=NULL}");  // unknown: hex
    si = info(SIGSYS, 1);
    si.si_syscall = 257;
    si.si_arch = 0x40000028;  // AUDIT_ARCH_ARM: another arch's numbering, not named
    CHECK(show(si) == "{si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=NULL, si_syscall=257, si_arch=0x40000028}");
    si = info(SIGIO, POLL_IN);
    si.si_band = 65;
    si.si_fd = 3;
    CHECK(show(si) == "{si_signo=SIGIO, si_code=POLL_IN, si_band=65, si_fd=3}");
    CHECK(show(info(SIGIO, POLL_ERR)) == "{si_signo=SIGIO, si_code=POLL_ERR}");
    CHECK(show(info(SIGTERM, SI_KERNEL)) == "{si_signo=SIGTERM, si_code=SI_KERNEL}");
}

TEST_CASE("a signal line in text and JSON", "[siginfo]") {
    siginfo_t si = info(SIGTERM, SI_USER);
    si.si_pid = 1;
    const btrace_signal rec = signal_record(si);
    fmt::memory_buffer text;
    btrace::output::TextFormatter(btrace::output::FormatOptions{test::kOrigin}).signal(rec, text);
    CHECK(fmt::to_string(text) ==
          "     0.412 (         ): sh/4242 --- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0} ---\n");
    fmt::memory_buffer json;
    btrace::output::JsonFormatter(btrace::output::FormatOptions{test::kOrigin, 0}).signal(rec, json);
    const std::string line = fmt::to_string(json);
    CHECK(line.starts_with("{\"type\":\"signal\","));
    CHECK(line.find("\"pid\":4242,\"tid\":4242,\"comm\":\"sh\",\"signal\":\"SIGTERM\",\"siginfo\":"
                    "\"{si_signo=SIGTERM, si_code=SI_USER, si_pid=1, si_uid=0}\"}\n") != std::string::npos);
}
