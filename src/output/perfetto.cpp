// SPDX-License-Identifier: Apache-2.0
#include "output/perfetto.h"

#include <cstring>

#include "decode/errno.h"
#include "decode/siginfo.h"
#include "output/call.h"
#include "proto/perfetto_trace.pb.h"

namespace btrace::output {

namespace {

namespace pb = perfetto::protos;

constexpr uint32_t kSequence = 1;  // one writer: all packets are one sequence

// Track uuids, made of the ids themselves (pids are below 2^22, the kernel's
// PID_MAX_LIMIT): a thread's holds its tgid and tid side by side (a tid reused
// in another process is another track); a process's and the loss track's set
// bits that no thread's does.
uint64_t thread_uuid(const btrace_hdr& hdr) { return uint64_t{hdr.tgid} << 32 | hdr.tid; }
uint64_t process_uuid(uint32_t tgid) { return uint64_t{1} << 63 | tgid; }
constexpr uint64_t kLossTrack = uint64_t{1} << 62;

std::string_view view(const fmt::memory_buffer& text) { return {text.data(), text.size()}; }

// assign(), not set_*(): the field's string keeps its capacity from the last event.
pb::DebugAnnotation& annotation(pb::TrackEvent& event, std::string_view name) {
    pb::DebugAnnotation& a = *event.add_debug_annotations();
    a.mutable_name()->assign(name);
    return a;
}

void annotate(pb::TrackEvent& event, std::string_view name, std::string_view value) {
    annotation(event, name).mutable_string_value()->assign(value);
}

void annotate(pb::TrackEvent& event, std::string_view name, uint64_t value) {
    annotation(event, name).set_uint_value(value);
}

void put_varint(uint64_t value, fmt::memory_buffer& out) {
    for (; value >= 0x80; value >>= 7)
        out.push_back(static_cast<char>(value | 0x80));
    out.push_back(static_cast<char>(value));
}

}  // namespace

// utf8: Perfetto's strings must be UTF-8; decoded text keeps valid UTF-8 and escapes the rest.
PerfettoFormatter::PerfettoFormatter(const FormatOptions& options, state::FdTable* fds)
    : Formatter(options, fds, true), packet_(std::make_unique<pb::TracePacket>()) {}

PerfettoFormatter::~PerfettoFormatter() = default;

pb::TracePacket& PerfettoFormatter::start_packet(uint64_t ts_ns) {
    packet_->Clear();
    packet_->set_timestamp(ts_ns);
    packet_->set_trusted_packet_sequence_id(kSequence);
    if (first_packet_) {
        packet_->set_sequence_flags(pb::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED);
        first_packet_ = false;
    }
    return *packet_;
}

pb::TrackEvent& PerfettoFormatter::start_event(uint64_t ts_ns, uint64_t track, pb::TrackEvent_Type type) {
    pb::TrackEvent& event = *start_packet(ts_ns).mutable_track_event();
    event.set_type(type);
    event.set_track_uuid(track);
    return event;
}

pb::TrackDescriptor& PerfettoFormatter::start_descriptor(uint64_t ts_ns, uint64_t uuid) {
    pb::TrackDescriptor& track = *start_packet(ts_ns).mutable_track_descriptor();
    track.set_uuid(uuid);
    return track;
}

// Trace's field 1 (tag 0x0a, length-delimited): its length, then the packet,
// serialized in place.
void PerfettoFormatter::emit(fmt::memory_buffer& out) {
    const std::size_t size = packet_->ByteSizeLong();
    out.push_back(0x0a);
    put_varint(size, out);
    const std::size_t at = out.size();
    out.resize(at + size);
    packet_->SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(out.data() + at));
    last_ts_ = packet_->timestamp();
}

// Named after its main thread (tid == tgid), as ps names it; by pid only
// until that thread is seen.
void PerfettoFormatter::process_track(const btrace_hdr& hdr, fmt::memory_buffer& out) {
    auto [it, fresh] = processes_.try_emplace(hdr.tgid);
    const bool main = hdr.tid == hdr.tgid;
    if (!fresh && !(main && std::memcmp(it->second.data(), hdr.comm, sizeof(hdr.comm)) != 0))
        return;
    pb::ProcessDescriptor& process = *start_descriptor(hdr.ts_ns, process_uuid(hdr.tgid)).mutable_process();
    process.set_pid(static_cast<int32_t>(hdr.tgid));
    if (main) {
        std::memcpy(it->second.data(), hdr.comm, sizeof(hdr.comm));
        text_.clear();
        put_comm(hdr, text_, utf8_);
        process.mutable_process_name()->assign(view(text_));
    }
    emit(out);
}

PerfettoFormatter::Thread& PerfettoFormatter::thread_track(const btrace_hdr& hdr, fmt::memory_buffer& out) {
    auto [it, fresh] = threads_.try_emplace(thread_uuid(hdr));
    Thread& thread = it->second;
    if (!fresh && std::memcmp(thread.comm.data(), hdr.comm, sizeof(hdr.comm)) == 0)
        return thread;
    std::memcpy(thread.comm.data(), hdr.comm, sizeof(hdr.comm));
    process_track(hdr, out);
    pb::TrackDescriptor& track = start_descriptor(hdr.ts_ns, thread_uuid(hdr));
    track.set_parent_uuid(process_uuid(hdr.tgid));
    pb::ThreadDescriptor& descriptor = *track.mutable_thread();
    descriptor.set_pid(static_cast<int32_t>(hdr.tgid));
    descriptor.set_tid(hdr.tid);
    text_.clear();
    put_comm(hdr, text_, utf8_);
    descriptor.mutable_thread_name()->assign(view(text_));
    emit(out);
    return thread;
}

// Its completion was filtered out or lost; a thread is in one call at a time,
// so it ended before this next one: the slice ends here, said so, rather
// than hold the thread's next calls as its children.
void PerfettoFormatter::close_unseen(Thread& thread, uint64_t track, uint64_t ts_ns, fmt::memory_buffer& out) {
    if (!thread.open_since)
        return;
    thread.open_since.reset();
    annotate(start_event(ts_ns, track, pb::TrackEvent::TYPE_SLICE_END), "result",
             "? (its end not shown: before the thread's next call)");
    emit(out);
}

void PerfettoFormatter::call_head(const btrace_syscall& rec, const syscalls::Syscall* info,
                                  const decode::Payloads& payloads, const decode::CallContext& context,
                                  pb::TrackEvent& event) {
    text_.clear();
    format_name(rec, info, text_);
    event.mutable_name()->assign(view(text_));
    for_each_shown_arg(rec, info, payloads, context, [&](std::string_view name, std::optional<uint64_t>, auto&& format_into) {
        text_.clear();
        format_into(text_);
        annotate(event, name, view(text_));
    });
}

void PerfettoFormatter::call_start(const DecodedCall& call, fmt::memory_buffer& out) {
    const btrace_syscall& rec = call.rec;
    const uint64_t track = thread_uuid(rec.hdr);
    Thread& thread = thread_track(rec.hdr, out);
    const bool no_return = rec.hdr.flags & BTRACE_SYS_NO_RETURN;
    if (thread.open_since == rec.hdr.ts_ns && !no_return) {  // shown in progress: its slice is open already
        thread.open_since.reset();
        return;
    }
    close_unseen(thread, track, rec.hdr.ts_ns, out);
    pb::TrackEvent& event =
        start_event(rec.hdr.ts_ns, track, no_return ? pb::TrackEvent::TYPE_INSTANT : pb::TrackEvent::TYPE_SLICE_BEGIN);
    call_head(rec, call.info, call.payloads, call.context, event);
    if (rec.hdr.flags & BTRACE_SYS_STARTED_BEFORE)  // the slice starts at attach: the call is longer
        annotation(event, "started_before_attach").set_bool_value(true);
    emit(out);
}

// After the fd table followed the call: the result names the fd it made.
void PerfettoFormatter::call_end(const DecodedCall& call, fmt::memory_buffer& out) {
    const btrace_syscall& rec = call.rec;
    if (rec.hdr.flags & BTRACE_SYS_NO_RETURN)
        return;
    pb::TrackEvent& event =
        start_event(rec.hdr.ts_ns + rec.duration_ns, thread_uuid(rec.hdr), pb::TrackEvent::TYPE_SLICE_END);
    text_.clear();
    format_result(rec, call.info, call.context, text_);
    annotate(event, "result", view(text_));
    if (btrace_sched sched; sched_of(rec, call.payloads, sched))
        sched_split(sched, event);
    emit(out);
}

// --sched: the text's (cpu .. blocked .. runq .. ms, N switches, woken by W).
// Totals only: when in the call each part fell is not known, so no child slices.
void PerfettoFormatter::sched_split(const btrace_sched& sched, pb::TrackEvent& event) {
    annotate(event, "cpu_ns", sched.cpu_ns);
    annotate(event, "blocked_ns", sched.blocked_ns);
    annotate(event, "runq_ns", sched.runq_ns);
    annotate(event, "switches", sched.switches);
    if (sched.waker_kind == BTRACE_WAKER_NONE)
        return;
    text_.clear();
    put_waker(sched, text_, utf8_);
    annotate(event, "woken_by", view(text_));
}

// The start of a slice that the call's completion ends (call_start). Reported
// again (a later --pending scan): a mark inside that open slice.
void PerfettoFormatter::in_progress(const btrace_syscall& rec, const decode::Payloads& payloads,
                                    std::string_view note, fmt::memory_buffer& out) {
    const uint64_t track = thread_uuid(rec.hdr);
    Thread& thread = thread_track(rec.hdr, out);
    const bool again = thread.open_since == rec.hdr.ts_ns;
    if (!again)
        close_unseen(thread, track, rec.hdr.ts_ns, out);
    pb::TrackEvent& event =
        start_event(rec.hdr.ts_ns, track, again ? pb::TrackEvent::TYPE_INSTANT : pb::TrackEvent::TYPE_SLICE_BEGIN);
    if (again) {
        text_.clear();
        format_name(rec, syscalls::lookup(rec.nr), text_);
        event.mutable_name()->assign(view(text_));
    } else {
        call_head(rec, syscalls::lookup(rec.nr), payloads, context(rec, false), event);
    }
    annotate(event, "note", note);
    emit(out);
    thread.open_since = rec.hdr.ts_ns;
}

void PerfettoFormatter::exit_line(const btrace_exit& rec, fmt::memory_buffer& out) {
    process_track(rec.hdr, out);
    pb::TrackEvent& event = start_event(rec.hdr.ts_ns, process_uuid(rec.hdr.tgid), pb::TrackEvent::TYPE_INSTANT);
    event.set_name("exit");
    text_.clear();
    decode::format_exit_status(rec.status, text_);
    annotate(event, "status", view(text_));
    emit(out);
}

void PerfettoFormatter::signal(const btrace_signal& rec, fmt::memory_buffer& out) {
    const uint64_t track = thread_uuid(rec.hdr);
    thread_track(rec.hdr, out);
    pb::TrackEvent& event = start_event(rec.hdr.ts_ns, track, pb::TrackEvent::TYPE_INSTANT);
    text_.clear();
    decode::format_signal(rec.signo, text_);
    event.mutable_name()->assign(view(text_));
    text_.clear();
    decode::format_siginfo(rec.signo, rec.siginfo, text_);
    annotate(event, "siginfo", view(text_));
    emit(out);
}

void PerfettoFormatter::lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) {
    if (!loss_track_) {
        start_descriptor(last_ts_, kLossTrack).set_name("btrace losses");
        emit(out);
        loss_track_ = true;
    }
    pb::TrackEvent& event = start_event(last_ts_, kLossTrack, pb::TrackEvent::TYPE_INSTANT);
    event.set_name("lost");
    annotate(event, "calls", calls);
    annotate(event, "others", others);
    emit(out);
}

}  // namespace btrace::output
