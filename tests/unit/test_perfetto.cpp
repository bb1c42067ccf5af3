// SPDX-License-Identifier: Apache-2.0
// The Perfetto trace, read back with the messages generated from
// proto/perfetto_trace.proto: its tracks, a slice per call with the decoded
// arguments and result, instants for signals, exits and losses, valid UTF-8
// whatever a process calls itself.
#include <catch2/catch.hpp>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "decode/utf8.h"
#include "output/perfetto.h"
#include "proto/perfetto_trace.pb.h"
#include "records.h"

using namespace btrace;
namespace pb = perfetto::protos;

namespace {

constexpr uint64_t kT0 = test::kOrigin + 1'000;

// The whole output as one Trace: each packet must be framed as its field 1.
pb::Trace parse(const fmt::memory_buffer& out) {
    pb::Trace trace;
    REQUIRE(trace.ParseFromArray(out.data(), static_cast<int>(out.size())));
    return trace;
}

// The last descriptor of a thread's (or process's, tid 0) track: a track is described again when renamed.
const pb::TrackDescriptor* track_of(const pb::Trace& trace, uint32_t pid, uint32_t tid = 0) {
    const pb::TrackDescriptor* found = nullptr;
    for (const auto& packet : trace.packet()) {
        const auto& track = packet.track_descriptor();
        if (!packet.has_track_descriptor())
            continue;
        if (tid ? track.has_thread() && track.thread().pid() == static_cast<int32_t>(pid) && track.thread().tid() == tid
                : track.has_process() && track.process().pid() == static_cast<int32_t>(pid))
            found = &track;
    }
    return found;
}

std::vector<const pb::TracePacket*> events_on(const pb::Trace& trace, uint64_t track) {
    std::vector<const pb::TracePacket*> events;
    for (const auto& packet : trace.packet())
        if (packet.has_track_event() && packet.track_event().track_uuid() == track)
            events.push_back(&packet);
    return events;
}

// An annotation's value as text; "-" when the event has none of that name.
std::string arg(const pb::TracePacket* packet, const std::string& name) {
    for (const auto& a : packet->track_event().debug_annotations()) {
        if (a.name() != name)
            continue;
        if (a.has_string_value())
            return a.string_value();
        if (a.has_uint_value())
            return std::to_string(a.uint_value());
        return a.bool_value() ? "true" : "false";
    }
    return "-";
}

bool valid_utf8(const std::string& text) {
    const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    for (std::size_t i = 0, n; i < bytes.size(); i += n)
        if ((n = decode::utf8_sequence_length(bytes.subspan(i))) == 0)
            return false;
    return true;
}

btrace_signal signal_record(uint32_t tgid, uint32_t tid, const char* comm, int signo, uint64_t ts_ns) {
    btrace_signal rec{};
    rec.hdr.type = BTRACE_REC_SIGNAL;
    rec.hdr.tgid = tgid;
    rec.hdr.tid = tid;
    rec.hdr.ts_ns = ts_ns;
    std::strncpy(rec.hdr.comm, comm, sizeof(rec.hdr.comm));
    rec.signo = signo;
    siginfo_t si{};
    si.si_signo = signo;
    si.si_code = CLD_EXITED;
    std::memcpy(rec.siginfo, &si, sizeof(rec.siginfo));
    return rec;
}

btrace_exit exit_record(uint32_t tgid, const char* comm, uint32_t status, uint64_t ts_ns) {
    btrace_exit rec{};
    rec.hdr.type = BTRACE_REC_EXIT;
    rec.hdr.tgid = rec.hdr.tid = tgid;
    rec.hdr.ts_ns = ts_ns;
    std::strncpy(rec.hdr.comm, comm, sizeof(rec.hdr.comm));
    rec.status = status;
    return rec;
}

// cat/42 opens /etc/passwd as 3 and reads it; its thread worker/43 fails to
// open /nope; cat gets a SIGCHLD, records are lost, cat exits.
void format_session(output::PerfettoFormatter& formatter, fmt::memory_buffer& out) {
    const test::CallHeader cat{.tgid = 42, .tid = 42, .comm = "cat", .ts_ns = kT0, .duration_ns = 4'000};
    std::vector<uint8_t> open_area;
    test::append_payload(open_area, 1, BTRACE_CAP_PATH, "/etc/passwd");
    const auto desc = test::file_desc(3, {"passwd", "etc"});
    test::append_payload(open_area, BTRACE_PAYLOAD_FD_DESC, BTRACE_CAP_FD_DESC,
                         {reinterpret_cast<const char*>(desc.data()), desc.size()}, 0, 1);
    formatter.syscall(test::make_call("openat", 3, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, cat),
                      open_area, out);

    test::CallHeader read = cat;
    read.ts_ns = kT0 + 10'000;
    read.duration_ns = 3'000;
    formatter.syscall(test::make_call("read", 5, {3, 0, 100}, read), {}, out);

    const test::CallHeader worker{.tgid = 42, .tid = 43, .comm = "worker", .ts_ns = kT0 + 11'000,
                                  .duration_ns = 1'000};
    std::vector<uint8_t> missing_area;
    test::append_payload(missing_area, 1, BTRACE_CAP_PATH, "/nope");
    formatter.syscall(test::make_call("openat", -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0x1000, O_RDONLY}, worker),
                      missing_area, out);

    formatter.signal(signal_record(42, 42, "cat", SIGCHLD, kT0 + 20'000), out);
    formatter.lost(2, 1, out);

    test::CallHeader exit_group = cat;
    exit_group.ts_ns = kT0 + 30'000;
    exit_group.duration_ns = 0;
    auto last = test::make_call("exit_group", 0, {0}, exit_group);
    last.hdr.flags = BTRACE_SYS_NO_RETURN;
    formatter.syscall(last, {}, out);
    formatter.process_exit(exit_record(42, "cat", 0, kT0 + 31'000), out);
}

}  // namespace

TEST_CASE("Perfetto: a track per process and thread, a slice per call, instants for the rest", "[perfetto]") {
    state::FdTable fds;
    output::PerfettoFormatter formatter(output::FormatOptions{test::kOrigin}, &fds);
    fmt::memory_buffer out;
    format_session(formatter, out);
    const pb::Trace trace = parse(out);

    // One sequence, started by the first packet.
    REQUIRE(trace.packet_size() > 0);
    CHECK(trace.packet(0).sequence_flags() == pb::TracePacket::SEQ_INCREMENTAL_STATE_CLEARED);
    int descriptors = 0;
    for (int i = 0; i < trace.packet_size(); ++i) {
        CHECK(trace.packet(i).trusted_packet_sequence_id() == 1);
        CHECK(trace.packet(i).has_timestamp());
        CHECK((i == 0 || !trace.packet(i).has_sequence_flags()));
        descriptors += trace.packet(i).has_track_descriptor();
    }
    CHECK(descriptors == 4);  // each track once: the process, its two threads, the losses

    const auto* process = track_of(trace, 42);
    const auto* main = track_of(trace, 42, 42);
    const auto* worker = track_of(trace, 42, 43);
    REQUIRE(process);
    REQUIRE(main);
    REQUIRE(worker);
    CHECK(process->process().process_name() == "cat");
    CHECK(main->thread().thread_name() == "cat");
    CHECK(worker->thread().thread_name() == "worker");
    CHECK(main->parent_uuid() == process->uuid());
    CHECK(worker->parent_uuid() == process->uuid());
    CHECK(main->uuid() != worker->uuid());
    CHECK(main->uuid() != process->uuid());

    // cat: two slices, then a signal and exit_group (no end) as instants.
    const auto on_main = events_on(trace, main->uuid());
    REQUIRE(on_main.size() == 6);
    CHECK(on_main[0]->track_event().type() == pb::TrackEvent::TYPE_SLICE_BEGIN);
    CHECK(on_main[0]->track_event().name() == "openat");
    CHECK(on_main[0]->timestamp() == kT0);
    CHECK(arg(on_main[0], "dfd") == "AT_FDCWD");
    CHECK(arg(on_main[0], "filename") == "\"/etc/passwd\"");
    CHECK(arg(on_main[0], "flags") == "O_RDONLY");
    CHECK(on_main[1]->track_event().type() == pb::TrackEvent::TYPE_SLICE_END);
    CHECK(on_main[1]->timestamp() == kT0 + 4'000);
    CHECK(arg(on_main[1], "result") == "3</etc/passwd>");  // named as the call left it
    CHECK(on_main[2]->track_event().type() == pb::TrackEvent::TYPE_SLICE_BEGIN);
    CHECK(on_main[2]->track_event().name() == "read");
    CHECK(on_main[2]->timestamp() == kT0 + 10'000);
    CHECK(arg(on_main[2], "fd") == "3</etc/passwd>");
    CHECK(on_main[3]->track_event().type() == pb::TrackEvent::TYPE_SLICE_END);
    CHECK(on_main[3]->timestamp() == kT0 + 13'000);
    CHECK(arg(on_main[3], "result") == "5");
    CHECK(on_main[4]->track_event().type() == pb::TrackEvent::TYPE_INSTANT);
    CHECK(on_main[4]->track_event().name() == "SIGCHLD");
    CHECK(on_main[4]->timestamp() == kT0 + 20'000);
    CHECK_THAT(arg(on_main[4], "siginfo"), Catch::StartsWith("{si_signo=SIGCHLD, si_code=CLD_EXITED"));
    CHECK(on_main[5]->track_event().type() == pb::TrackEvent::TYPE_INSTANT);
    CHECK(on_main[5]->track_event().name() == "exit_group");
    CHECK(on_main[5]->timestamp() == kT0 + 30'000);
    CHECK(arg(on_main[5], "error_code") == "0");
    CHECK(arg(on_main[5], "result") == "-");

    const auto on_worker = events_on(trace, worker->uuid());
    REQUIRE(on_worker.size() == 2);
    CHECK(on_worker[0]->track_event().name() == "openat");
    CHECK(arg(on_worker[0], "filename") == "\"/nope\"");
    CHECK(on_worker[1]->track_event().type() == pb::TrackEvent::TYPE_SLICE_END);
    CHECK(on_worker[1]->timestamp() == kT0 + 12'000);
    CHECK(arg(on_worker[1], "result") == "-1 ENOENT (No such file or directory)");

    const auto on_process = events_on(trace, process->uuid());
    REQUIRE(on_process.size() == 1);
    CHECK(on_process[0]->track_event().name() == "exit");
    CHECK(on_process[0]->timestamp() == kT0 + 31'000);
    CHECK(arg(on_process[0], "status") == "exited with 0");

    // The loss: on its own track, at the time of the last packet before it (the signal's).
    const pb::TracePacket* loss = nullptr;
    for (const auto& packet : trace.packet())
        if (packet.has_track_event() && packet.track_event().name() == "lost")
            loss = &packet;
    REQUIRE(loss);
    CHECK(loss->track_event().type() == pb::TrackEvent::TYPE_INSTANT);
    CHECK(loss->timestamp() == kT0 + 20'000);
    CHECK(arg(loss, "calls") == "2");
    CHECK(arg(loss, "others") == "1");
    const pb::TrackDescriptor* losses = nullptr;
    for (const auto& packet : trace.packet())
        if (packet.track_descriptor().uuid() == loss->track_event().track_uuid())
            losses = &packet.track_descriptor();
    REQUIRE(losses);
    CHECK(losses->name() == "btrace losses");

    // Every event's track is described before it; slices nest on each track.
    std::map<uint64_t, int> depth;
    for (const auto& packet : trace.packet()) {
        if (packet.has_track_descriptor()) {
            depth.emplace(packet.track_descriptor().uuid(), 0);
            continue;
        }
        const auto it = depth.find(packet.track_event().track_uuid());
        REQUIRE(it != depth.end());
        it->second += packet.track_event().type() == pb::TrackEvent::TYPE_SLICE_BEGIN;
        it->second -= packet.track_event().type() == pb::TrackEvent::TYPE_SLICE_END;
        CHECK(it->second >= 0);
        CHECK(it->second <= 1);
    }
    for (const auto& [track, open] : depth)
        CHECK(open == 0);

    // The same records give the same bytes: uuids come from the ids, not from the order seen.
    state::FdTable fds2;
    output::PerfettoFormatter again(output::FormatOptions{test::kOrigin}, &fds2);
    fmt::memory_buffer out2;
    format_session(again, out2);
    CHECK(fmt::to_string(out2) == fmt::to_string(out));
}

TEST_CASE("Perfetto: a call in flight at attach is one slice, begun in progress and ended by its completion",
          "[perfetto]") {
    output::PerfettoFormatter formatter(output::FormatOptions{test::kOrigin});
    fmt::memory_buffer out;
    const test::CallHeader t{.tgid = 7, .tid = 7, .comm = "t", .ts_ns = kT0, .duration_ns = 50'000};
    auto blocked = test::make_call("read", 0, {0, 0, 10}, t);
    formatter.in_progress(blocked, {}, "... in progress when tracing started", out);
    formatter.in_progress(blocked, {}, "... still in progress after >=1.000 s", out);  // --pending, later
    blocked.hdr.flags = BTRACE_SYS_STARTED_BEFORE;
    blocked.ret = 10;
    formatter.syscall(blocked, {}, out);
    // A call shown in progress whose completion is not shown: the thread's next call ends its slice.
    test::CallHeader later = t;
    later.ts_ns = kT0 + 100'000;
    formatter.in_progress(test::make_call("wait4", 0, {static_cast<uint64_t>(-1)}, later), {}, "... note", out);
    later.ts_ns = kT0 + 200'000;
    later.duration_ns = 1'000;
    formatter.syscall(test::make_call("getpid", 7, {}, later), {}, out);

    const pb::Trace trace = parse(out);
    const auto* thread = track_of(trace, 7, 7);
    REQUIRE(thread);
    const auto events = events_on(trace, thread->uuid());
    REQUIRE(events.size() == 7);
    CHECK(events[0]->track_event().type() == pb::TrackEvent::TYPE_SLICE_BEGIN);
    CHECK(events[0]->track_event().name() == "read");
    CHECK(events[0]->timestamp() == kT0);
    CHECK(arg(events[0], "note") == "... in progress when tracing started");
    CHECK(arg(events[0], "fd") == "0");
    CHECK(events[1]->track_event().type() == pb::TrackEvent::TYPE_INSTANT);  // inside the open slice
    CHECK(arg(events[1], "note") == "... still in progress after >=1.000 s");
    CHECK(events[2]->track_event().type() == pb::TrackEvent::TYPE_SLICE_END);
    CHECK(events[2]->timestamp() == kT0 + 50'000);
    CHECK(arg(events[2], "result") == "10");

    CHECK(events[3]->track_event().type() == pb::TrackEvent::TYPE_SLICE_BEGIN);
    CHECK(events[3]->track_event().name() == "wait4");
    CHECK(events[4]->track_event().type() == pb::TrackEvent::TYPE_SLICE_END);
    CHECK(events[4]->timestamp() == kT0 + 200'000);
    CHECK_THAT(arg(events[4], "result"), Catch::StartsWith("? (its end not shown"));
    CHECK(events[5]->track_event().name() == "getpid");
    CHECK(events[5]->track_event().type() == pb::TrackEvent::TYPE_SLICE_BEGIN);
    CHECK(events[6]->track_event().type() == pb::TrackEvent::TYPE_SLICE_END);
}

TEST_CASE("Perfetto: --sched's split and waker annotate the call's end", "[perfetto][sched]") {
    output::PerfettoFormatter formatter(output::FormatOptions{test::kOrigin});
    const btrace_sched sched = test::split(BTRACE_WAKER_TASK, "mysqld", 2211);
    std::vector<uint8_t> area;
    test::append_payload(area, BTRACE_PAYLOAD_SCHED, 0, {reinterpret_cast<const char*>(&sched), sizeof(sched)});
    fmt::memory_buffer out;
    formatter.syscall(test::make_call("getppid", 1, {}, {.ts_ns = kT0, .duration_ns = 12'345'000}), area, out);

    const pb::Trace trace = parse(out);
    const auto events = events_on(trace, track_of(trace, 7, 7)->uuid());
    REQUIRE(events.size() == 2);
    CHECK(arg(events[1], "cpu_ns") == "120000");
    CHECK(arg(events[1], "blocked_ns") == "11900000");
    CHECK(arg(events[1], "runq_ns") == "325000");
    CHECK(arg(events[1], "switches") == "3");
    CHECK(arg(events[1], "woken_by") == "mysqld/2211");
}

TEST_CASE("Perfetto: a process is named by its main thread, and a renamed thread is described again", "[perfetto]") {
    output::PerfettoFormatter formatter(output::FormatOptions{test::kOrigin});
    fmt::memory_buffer out;
    const auto getpid = [&](uint32_t tid, const char* comm, uint64_t ts_ns) {
        formatter.syscall(test::make_call("getpid", 9, {}, {.tgid = 9, .tid = tid, .comm = comm, .ts_ns = ts_ns}), {},
                          out);
    };
    getpid(10, "worker", kT0);
    {
        const pb::Trace trace = parse(out);
        REQUIRE(track_of(trace, 9));
        CHECK_FALSE(track_of(trace, 9)->process().has_process_name());  // not the worker's name
    }
    getpid(9, "sh", kT0 + 1);
    getpid(9, "cat", kT0 + 2);  // exec
    getpid(9, "cat", kT0 + 3);
    const pb::Trace trace = parse(out);
    CHECK(track_of(trace, 9)->process().process_name() == "cat");
    CHECK(track_of(trace, 9, 9)->thread().thread_name() == "cat");
    CHECK(track_of(trace, 9, 10)->thread().thread_name() == "worker");
    int descriptors = 0;
    for (const auto& packet : trace.packet())
        descriptors += packet.has_track_descriptor();
    CHECK(descriptors == 6);  // process (unnamed, sh, cat), worker, main thread (sh, cat)
}

TEST_CASE("Perfetto: a hostile comm and path still make a trace of valid UTF-8", "[perfetto][escaping]") {
    state::FdTable fds;
    fds.set(42, 3, "/tmp/ev\33]0;PWNED\7\xff\xfe caf\xc3\xa9 \xe2\x82", false);
    output::PerfettoFormatter formatter(output::FormatOptions{test::kOrigin}, &fds);
    fmt::memory_buffer out;
    const char comm[] = "\xff\xfe\33[31m\xc3\xa9\xc3";
    formatter.syscall(test::make_call("read", 0, {3, 0, 0}, {.tgid = 42, .tid = 42, .comm = comm, .ts_ns = kT0}),
                      {}, out);
    std::vector<uint8_t> area;
    test::append_payload(area, 1, BTRACE_CAP_PATH, "/x\xff\xc0\x80\xed\xa0\x80\n");
    formatter.syscall(test::make_call("openat", -ENOENT, {static_cast<uint64_t>(AT_FDCWD), 0x1000, 0},
                                      {.tgid = 42, .tid = 42, .comm = comm, .ts_ns = kT0 + 10}),
                      area, out);
    formatter.process_exit(exit_record(42, comm, SIGSEGV | 0x80, kT0 + 20), out);

    const pb::Trace trace = parse(out);
    std::vector<std::string> strings;
    for (const auto& packet : trace.packet()) {
        const auto& track = packet.track_descriptor();
        for (const auto* s : {&track.name(), &track.process().process_name(), &track.thread().thread_name(),
                              &packet.track_event().name()})
            strings.push_back(*s);
        for (const auto& a : packet.track_event().debug_annotations()) {
            strings.push_back(a.name());
            strings.push_back(a.string_value());
        }
    }
    for (const auto& s : strings) {
        INFO(s);
        CHECK(valid_utf8(s));
        CHECK(s.find('\33') == std::string::npos);
    }
    CHECK(track_of(trace, 42, 42)->thread().thread_name() == "\\377\\376\\33[31m\xc3\xa9\\303");
    const auto events = events_on(trace, track_of(trace, 42, 42)->uuid());
    REQUIRE(events.size() == 4);
    CHECK(arg(events[0], "fd") == "3</tmp/ev\\33]0;PWNED\\7\\377\\376 caf\xc3\xa9 \\342\\202>");
    CHECK(arg(events[2], "filename") == "\"/x\\377\\300\\200\\355\\240\\200\\n\"");
    CHECK(arg(events_on(trace, track_of(trace, 42)->uuid())[0], "status") == "killed by SIGSEGV (core dumped)");
}
