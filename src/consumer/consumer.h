// SPDX-License-Identifier: Apache-2.0
// Drains the BPF ring buffer in batches and hands each record to the formatter.
#pragma once

#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "consumer/enter_parts.h"
#include "consumer/order.h"
#include "output/sink.h"
#include "output/formatter.h"
#include "record/file.h"
#include "stack/mappings.h"
#include "stack/unwinder.h"
#include "state/fd_table.h"
#include "util/result.h"

struct ring_buffer;
struct bpf_map;

namespace btrace::consumer {

// Names the fds of a call that the table has never seen, before the call is
// decoded (ProcFdNames: from /proc, under -a). An interface, so that the
// consumer needs no tracer to be built (the fuzz target has none).
class UnseenFds {
public:
    virtual ~UnseenFds() = default;
    // held: the records not yet released; horizon: the ring buffer's state.
    virtual void name_unseen(const btrace_syscall& rec, state::FdTable& fds, const OrderedRecords& held,
                             const Horizon& horizon) = 0;
};

// Decides, call by call, whether a completed call is printed now (monitor
// --flight keeps the others for later), and hears of process exits first.
class CallFilter {
public:
    virtual ~CallFilter() = default;
    // record: the whole record (fixed part and payloads) as it can be stored.
    virtual bool admit(const btrace_syscall& rec, std::span<const uint8_t> record) = 0;
    // Whether the exit line is printed (the monitor's log keeps only some).
    virtual bool before_exit(const btrace_exit& rec) = 0;
    // Whether a signal's line is printed.
    virtual bool admits_signal(const btrace_signal&) { return true; }
    // A call still in flight (no result; payloads: what it was passed, read
    // from the thread's memory): shown as in progress?
    virtual bool shows_in_progress(const btrace_syscall&, const decode::Payloads&) const { return true; }
};

class Consumer {
public:
    // fds: follows forks and exits of traced processes (the formatter keeps
    // it current from their calls).
    Consumer(output::Formatter& formatter, output::Sink& sink, state::FdTable& fds)
        : formatter_(formatter), sink_(sink), fds_(fds) {}
    // libbpf keeps `this` as the callback context: the consumer stays put.
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;
    ~Consumer();

    // cpu_pending: when each CPU's held-back records start (the horizon);
    // flush_cpu sends what a CPU holds back once it has held it too long.
    using FlushCpu = std::function<void(int cpu)>;
    Result<void> open(bpf_map* events, bpf_map* cpu_pending, FlushCpu flush_cpu);

    // Waits up to timeout_ms for a wakeup (or for a wake_on fd to become
    // readable), then drains whatever is there: producers skip wakeups, so a
    // timeout does not mean the buffer is empty.
    Result<void> poll(int timeout_ms);
    // poll() also returns when fd is readable, until stop_waking_on(fd): with
    // -c no record announces the command's exit, its pidfd does.
    Result<void> wake_on(int fd);
    void stop_waking_on(int fd);
    // Drains what is there without waiting, and prints what is complete: the
    // records no CPU can still precede.
    Result<void> drain();
    // Takes one ring-buffer sample (a batch of records, each sized by its
    // header) into the order. Returns -EIO once the output has failed.
    int feed(const void* data, size_t size);
    // After the kernel side has stopped: prints every record still held.
    Result<void> finish();

    uint64_t calls() const { return calls_; }  // printed (with a filter: admitted)
    // --max-events: nothing after the first `limit` calls is printed, exit and
    // signal lines neither (0: no limit).
    void limit_calls(uint64_t limit) { call_limit_ = limit; }
    void set_filter(CallFilter* filter) { filter_ = filter; }
    // btrace record: each record goes to the file, in the order it would be
    // printed, instead of being decoded (report decodes it later).
    void record_to(record::Writer* writer) { writer_ = writer; }
    // -k: keep each process's mappings from its calls, forks and exits, for
    // the unwinder (whose modules go with the process).
    void follow_mappings(stack::Mappings* mappings, stack::Unwinder* unwinder) {
        mappings_ = mappings;
        unwinder_ = unwinder;
    }
    // Fds a shown call uses that the table has never seen are named from
    // /proc (see ProcFdNames), with the tracer's view of what is in flight.
    void name_unseen_fds(std::unique_ptr<UnseenFds> namer) { proc_names_ = std::move(namer); }
    bool limit_reached() const { return call_limit_ && calls_ >= call_limit_; }
    uint64_t malformed() const { return malformed_; }
    // Ring-buffer samples taken (a sample is a CPU's batch) and their bytes:
    // how many reservations of the shared ring the trace cost (bench/README.md).
    uint64_t samples() const { return samples_; }
    uint64_t sample_bytes() const { return sample_bytes_; }
    // What the kernel side reported lost (BTRACE_REC_LOSS): calls shown, other records.
    uint64_t lost_calls() const { return lost_calls_; }
    uint64_t lost_others() const { return lost_others_; }
    // Every record ordered at or before this has been printed (or filtered).
    uint64_t released_up_to() const { return released_up_to_; }
    // What a call still in flight was passed, from its enter part (see EnterParts).
    std::span<const uint8_t> passed_in(uint32_t tgid, uint32_t tid, uint64_t ts_ns) const {
        return enter_parts_.payloads_of(tgid, tid, ts_ns);
    }
    // Records that came after later ones had been printed (see OrderedRecords).
    uint64_t late() const { return queue_.late(); }

private:
    static int on_record(void* ctx, void* data, size_t size);
    void release(uint64_t up_to_ns);
    void dispatch(const uint8_t* data, const btrace_hdr& hdr);
    // A record printed out of order: what it did to fds and mappings went in
    // after lines that came later, so its process's names are no longer known.
    void forget_after_late(const uint8_t* data, const btrace_hdr& hdr);
    // Copies the record's fixed part out; false (and counted) if hdr.size is short of it.
    template <class Record>
    bool fixed_part(const uint8_t* data, const btrace_hdr& hdr, Record& rec);
    void count_loss(const btrace_loss& rec) {
        lost_calls_ += rec.calls;
        lost_others_ += rec.others;
    }

    // Records held until no CPU can still send an older one. More than this
    // held (a CPU that cannot be made to flush) releases up to the clock.
    static constexpr std::size_t kMaxHeldBytes = 64u << 20;
    // A CPU holding records back this long is made to send them.
    static constexpr uint64_t kStaleNs = 10'000'000;
    // One consume takes at most about this much, then what is complete is
    // released: producers faster than the consumer otherwise kept a single
    // consume going while everything piled up held (hundreds of MiB).
    static constexpr std::size_t kRoundBytes = 4u << 20;
    static constexpr int kRoundFull = -EAGAIN;  // on_record: the round is full (libbpf stops on < 0)
    static constexpr std::size_t kMaxMarks = 64;  // rounds whose marks wait to be drained

    ring_buffer* ring_ = nullptr;
    OrderedRecords queue_;
    Horizon horizon_;
    bool ordered_ = false;  // open() with a horizon: else records go out as they come
    FlushCpu flush_cpu_;
    uint64_t released_up_to_ = 0;
    std::size_t round_bytes_ = 0;
    std::vector<Horizon::Mark> marks_;  // taken before rounds, oldest first, not yet drained
    int wait_fd_ = -1;  // epoll: the ring buffer's epoll fd and the wake_on fds
    output::Formatter& formatter_;
    output::Sink& sink_;
    state::FdTable& fds_;
    Result<void> sink_status_;
    uint64_t malformed_ = 0;
    uint64_t samples_ = 0;
    uint64_t sample_bytes_ = 0;
    uint64_t lost_calls_ = 0;
    uint64_t lost_others_ = 0;
    uint64_t calls_ = 0;
    uint64_t call_limit_ = 0;
    CallFilter* filter_ = nullptr;
    record::Writer* writer_ = nullptr;
    std::unique_ptr<UnseenFds> proc_names_;
    stack::Mappings* mappings_ = nullptr;
    stack::Unwinder* unwinder_ = nullptr;
    EnterParts enter_parts_;
};

}  // namespace btrace::consumer
