// SPDX-License-Identifier: Apache-2.0
// A Perfetto trace (protobuf, proto/perfetto_trace.proto) for ui.perfetto.dev
// and trace_processor: a track per process and per thread, each call a slice
// on its thread's track, from its start to its end, with its decoded
// arguments and its result as annotations (the JSON's text: "3</etc/issue>").
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "decode/payloads.h"
#include "output/formatter.h"
#include "syscalls/table.h"

namespace perfetto::protos {
class TracePacket;
class TrackDescriptor;
class TrackEvent;
enum TrackEvent_Type : int;
}  // namespace perfetto::protos

namespace btrace::output {

// Every method appends whole TracePackets, each framed as a field 1 of
// perfetto.protos.Trace, so that what one formatter appends, written in that
// order to one file, is a Trace: no preamble, no trailer. The first packet
// starts the packet sequence; a track is described by the first packet that
// needs it, and again when its thread's comm changes (exec, prctl). So the
// stream is not to be split (per thread, or by rotation): a piece without the
// descriptors loses its tracks' names.
//
//   call            TYPE_SLICE_BEGIN at its start: name = syscall, an annotation per argument
//                   TYPE_SLICE_END at start + duration: "result" (and --sched's split)
//   exit_group      TYPE_INSTANT: it never returns
//   in_progress     TYPE_SLICE_BEGIN with a "note"; the call's completion ends that slice
//   signal          TYPE_INSTANT "SIGCHLD" on the thread's track, with its "siginfo"
//   process exit    TYPE_INSTANT "exit" on the process's track, with its "status"
//   lost            TYPE_INSTANT "lost" on a track of its own, "btrace losses", at the last packet's time
//
// Timestamps are the records' CLOCK_MONOTONIC ns, as trace time (no clock id:
// with no clock snapshot to convert from, Perfetto would drop a clock other
// than the trace's own).
class PerfettoFormatter final : public Formatter {
public:
    explicit PerfettoFormatter(const FormatOptions& options, state::FdTable* fds = nullptr);
    ~PerfettoFormatter() override;

    void in_progress(const btrace_syscall& rec, const decode::Payloads& payloads, std::string_view note,
                     fmt::memory_buffer& out) override;
    void signal(const btrace_signal& rec, fmt::memory_buffer& out) override;
    void lost(uint64_t calls, uint64_t others, fmt::memory_buffer& out) override;

private:
    struct Thread {
        std::array<char, BTRACE_COMM_LEN> comm{};  // as its track was last described
        std::optional<uint64_t> open_since;        // a call shown in progress, its slice open: its start
    };

    void call_start(const DecodedCall& call, fmt::memory_buffer& out) override;
    void call_end(const DecodedCall& call, fmt::memory_buffer& out) override;
    void exit_line(const btrace_exit& rec, fmt::memory_buffer& out) override;

    // The thread's track (and its process's), described first if new or renamed.
    Thread& thread_track(const btrace_hdr& hdr, fmt::memory_buffer& out);
    void process_track(const btrace_hdr& hdr, fmt::memory_buffer& out);
    // Ends the slice of a call shown in progress whose end was not shown.
    void close_unseen(Thread& thread, uint64_t track, uint64_t ts_ns, fmt::memory_buffer& out);
    // The name and an annotation per shown argument.
    void call_head(const btrace_syscall& rec, const syscalls::Syscall* info, const decode::Payloads& payloads,
                   const decode::CallContext& context, perfetto::protos::TrackEvent& event);
    void sched_split(const btrace_sched& sched, perfetto::protos::TrackEvent& event);
    // Start the next packet in packet_ (cleared); emit() appends it to out.
    perfetto::protos::TracePacket& start_packet(uint64_t ts_ns);
    perfetto::protos::TrackEvent& start_event(uint64_t ts_ns, uint64_t track, perfetto::protos::TrackEvent_Type type);
    perfetto::protos::TrackDescriptor& start_descriptor(uint64_t ts_ns, uint64_t uuid);
    void emit(fmt::memory_buffer& out);

    std::unique_ptr<perfetto::protos::TracePacket> packet_;  // reused: Clear() keeps its memory
    fmt::memory_buffer text_;                                 // a name's or an annotation's text
    bool first_packet_ = true;
    uint64_t last_ts_ = 0;  // the last packet's: a loss has no time of its own
    bool loss_track_ = false;  // described
    std::unordered_map<uint64_t, Thread> threads_;  // by track uuid: every thread seen
    // By tgid: the name its track was described with (none yet: zeros).
    std::unordered_map<uint32_t, std::array<char, BTRACE_COMM_LEN>> processes_;
};

}  // namespace btrace::output
