// SPDX-License-Identifier: Apache-2.0
#include "consumer/pending.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>

#include "cli/filter.h"
#include "decode/payloads.h"
#include "decode/structs.h"
#include "state/fd_tracker.h"
#include "state/proc_snapshot.h"
#include "syscalls/table.h"

namespace btrace::consumer {

namespace {

btrace_syscall call_record(pid_t tgid, pid_t tid, std::string_view comm, long nr, const uint64_t* args,
                           uint64_t ts_ns) {
    btrace_syscall rec{};
    rec.hdr.type = BTRACE_REC_SYSCALL;
    rec.hdr.tgid = static_cast<uint32_t>(tgid);
    rec.hdr.tid = static_cast<uint32_t>(tid);
    rec.hdr.ts_ns = ts_ns;
    std::memcpy(rec.hdr.comm, comm.data(), std::min(comm.size(), sizeof(rec.hdr.comm) - 1));
    rec.nr = nr;
    std::copy(args, args + BTRACE_MAX_ARGS, rec.args);
    return rec;
}

// What a call in flight was passed (paths, strings, structs, addresses),
// read from the thread's memory now (it may have changed since the kernel
// read it: a call in flight at attach has nothing else): a payload area as
// the kernel side would send it, in `area`. Bounded as the kernel side bounds it; what cannot be read is left out.
void read_passed_memory(pid_t tid, const syscalls::Syscall& sc, const __u64* args, std::size_t string_max,
                        std::vector<uint8_t>& area) {
    using syscalls::ArgKind;
    area.clear();
    const syscalls::Shown shown = syscalls::shown(sc, args);
    for (unsigned i = 0; i < shown.nargs; ++i) {
        const syscalls::Arg& arg = shown.args[i];
        const unsigned reg = shown.regs[i];
        btrace_payload hdr{};
        hdr.arg = static_cast<uint8_t>(reg);
        std::size_t max = 0;
        switch (arg.kind) {
        case ArgKind::Path: hdr.how = BTRACE_CAP_PATH; max = BTRACE_PATH_MAX; break;
        case ArgKind::String: hdr.how = BTRACE_CAP_STR; max = string_max + 1; break;  // one more: cut or not
        case ArgKind::InStruct: case ArgKind::InOutStruct: {
            const uint64_t count = arg.len_arg == syscalls::kNone ? 1 : args[arg.len_arg];
            const std::size_t size = decode::struct_size(static_cast<decode::StructKind>(arg.aux));
            hdr.how = BTRACE_CAP_STRUCT_IN;
            hdr.count = static_cast<uint16_t>(std::min<uint64_t>(count, 0xffff));
            const bool more = count > BTRACE_STRUCT_MAX / size;  // no count * size: it may overflow
            max = more ? BTRACE_STRUCT_MAX : count * size;
            if (more)
                hdr.flags |= BTRACE_PAYLOAD_TRUNCATED;
            break;
        }
        case ArgKind::SockaddrIn:
            hdr.how = BTRACE_CAP_SOCKADDR_IN;
            max = std::min<uint64_t>(args[arg.len_arg], BTRACE_SOCKADDR_MAX);
            break;
        default: continue;
        }
        if (!args[reg])
            continue;
        const std::size_t at = area.size();
        area.resize(at + sizeof(hdr) + ((max + 7) & ~std::size_t{7}));
        iovec local{area.data() + at + sizeof(hdr), max}, remote{reinterpret_cast<void*>(args[reg]), max};
        const ssize_t n = max ? process_vm_readv(tid, &local, 1, &remote, 1, 0) : 0;
        std::size_t len = n > 0 ? static_cast<std::size_t>(n) : 0;
        if (n < 0 || (hdr.how == BTRACE_CAP_STRUCT_IN && len < max))
            hdr.flags |= BTRACE_PAYLOAD_FAULT;
        if (hdr.how == BTRACE_CAP_PATH || hdr.how == BTRACE_CAP_STR) {
            const auto* bytes = area.data() + at + sizeof(hdr);
            const auto* nul = static_cast<const uint8_t*>(std::memchr(bytes, 0, len));
            if (nul)
                len = static_cast<std::size_t>(nul - bytes);
            else if (len == max)
                hdr.flags |= BTRACE_PAYLOAD_TRUNCATED;
            else
                hdr.flags |= BTRACE_PAYLOAD_FAULT;  // it ran into memory that cannot be read
            if (hdr.how == BTRACE_CAP_STR && len == max)
                len = string_max;
        }
        hdr.len = static_cast<uint32_t>(hdr.flags & BTRACE_PAYLOAD_FAULT ? 0 : len);
        std::memcpy(area.data() + at, &hdr, sizeof(hdr));
        area.resize(at + sizeof(hdr) + ((hdr.len + 7) & ~std::size_t{7}));
    }
}

// A call in flight, printed with what it was passed: its enter part's
// payloads (read as the kernel read them) when there is one, else what the
// thread's memory holds now.
// Recording: the call goes to the file as it would have been printed.
Result<void> print_in_progress(const btrace_syscall& rec, std::string_view note, std::span<const uint8_t> passed_in,
                               const CallFilter* filter, output::Formatter& formatter, output::Sink& out,
                               record::Writer* recording = nullptr) {
    std::vector<uint8_t> area;  // a call in flight is rare: its own buffer
    decode::Payloads payloads;
    if (const syscalls::Syscall* info = syscalls::lookup(rec.nr); info && passed_in.empty())
        read_passed_memory(static_cast<pid_t>(rec.hdr.tid), *info, rec.args, formatter.string_max(), area);
    if (recording) {
        recording->frame(record::FrameType::InProgress,
                         record::in_progress_payload(rec, passed_in.empty() ? area : passed_in, note));
        return recording->status();
    }
    decode::split_payloads(passed_in.empty() ? area : passed_in, payloads);
    if (filter && !filter->shows_in_progress(rec, payloads))
        return {};
    formatter.in_progress(rec, payloads, note, out.buffer());
    return out.route(rec.hdr.tid);
}

// --sched: what the call is doing right now, as a note's ending.
std::string_view sched_state_note(uint32_t state) {
    switch (state) {
    case BTRACE_SCHED_RUNNING:
        return ", running";
    case BTRACE_SCHED_BLOCKED:
        return ", blocked";
    case BTRACE_SCHED_RUNQ:
        return ", waiting for a CPU";
    }
    return "";
}

}  // namespace

Result<void> report_calls_in_flight(pid_t pid, uint64_t now_ns, const std::vector<bool>& syscalls,
                                    const CallFilter* filter, loader::Tracer& tracer, output::Formatter& formatter,
                                    output::Sink& out, record::Writer* recording) {
    for (const auto& call : state::calls_in_flight(pid)) {
        const bool shown = cli::selects(syscalls, call.nr);
        const syscalls::Syscall* info = syscalls::lookup(call.nr);
        if (!shown && !(tracer.tracks_fds() && info && state::changes_fds(*info)))
            continue;
        if (shown) {
            const btrace_syscall rec = call_record(pid, call.tid, call.comm, call.nr, call.args, now_ns);
            if (auto ok = print_in_progress(rec, "... in progress when tracing started", {}, filter, formatter, out,
                                            recording);
                !ok)
                return ok;
        }
        btrace_inflight slot{};
        slot.ts_ns = now_ns;
        slot.nr = call.nr;
        std::copy(call.args, call.args + BTRACE_MAX_ARGS, slot.args);
        slot.flags = BTRACE_SYS_STARTED_BEFORE | (shown ? 0 : BTRACE_SYS_FDS_ONLY);
        if (auto ok = tracer.add_inflight(call.tid, slot); !ok)
            return ok;
    }
    return {};
}

std::vector<pid_t> PendingReporter::traced_threads(const loader::Tracer& tracer) const {
    std::vector<pid_t> processes;
    std::vector<pid_t> threads;
    if (system_wide_)
        processes = state::process_ids();
    else
        tracer.for_each_target([&](uint32_t key) {
            (follow_ ? processes : threads).push_back(static_cast<pid_t>(key));
        });
    for (pid_t pid : processes) {
        const auto tids = state::thread_ids(pid);
        threads.insert(threads.end(), tids.begin(), tids.end());
    }
    return threads;
}

Result<void> PendingReporter::scan(const loader::Tracer& tracer, const Consumer& consumer, uint64_t now_ns,
                                   const CallFilter* filter, output::Formatter& formatter, output::Sink& out) {
    const uint64_t scan = ++scans_;
    for (pid_t tid : traced_threads(tracer)) {
        const auto call = tracer.inflight_of(tid);
        if (!call || call->ts_ns == 0 || (call->flags & BTRACE_SYS_FDS_ONLY) || now_ns < call->ts_ns + threshold_ns_)
            continue;  // none, short, or left out by -e trace= (in flight only for the fd table)
        if (auto it = reported_.find(static_cast<uint32_t>(tid));
            it != reported_.end() && it->second.call_ts_ns == call->ts_ns) {
            it->second.scan = scan;
            continue;  // this call was reported already
        }
        // The kernel side keeps no arguments (it reads them at sys_exit):
        // /proc has them while the thread is blocked in the call. A thread
        // still running in it is reported at a later scan.
        const auto blocked = state::call_in_flight(tid);
        if (!blocked || blocked->nr != call->nr)
            continue;
        auto id = state::thread_identity(tid);
        if (!id)
            continue;  // gone meanwhile: its exit comes through the ring buffer
        reported_[static_cast<uint32_t>(tid)] = Reported{call->ts_ns, scan};
        const btrace_syscall rec = call_record(id->tgid, tid, id->comm, call->nr, blocked->args, call->ts_ns);
        const double seconds = static_cast<double>(now_ns - call->ts_ns) / 1e9;
        const std::string note = fmt::format("... still in progress after {}{:.3f} s{}",
                                             call->flags & BTRACE_SYS_STARTED_BEFORE ? ">=" : "", seconds,
                                             sched_state_note(call->sched_state));
        if (auto ok = print_in_progress(rec, note, consumer.passed_in(id->tgid, tid, call->ts_ns), filter,
                                        formatter, out);
            !ok)
            return ok;
    }
    std::erase_if(reported_, [&](const auto& entry) { return entry.second.scan != scan; });
    return {};
}

}  // namespace btrace::consumer
