// SPDX-License-Identifier: Apache-2.0
// Drains the BPF ring buffer in batches and hands each record to the formatter.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "output/sink.h"
#include "output/formatter.h"
#include "state/fd_table.h"
#include "util/result.h"

struct ring_buffer;
struct bpf_map;

namespace btrace::consumer {

// Decides, call by call, whether a completed call is printed now (monitor
// --flight keeps the others for later), and hears of process exits first.
class CallFilter {
public:
    virtual ~CallFilter() = default;
    // record: the whole record (fixed part and payloads) as it can be stored.
    virtual bool admit(const btrace_syscall& rec, std::span<const uint8_t> record) = 0;
    virtual void before_exit(const btrace_exit& rec) = 0;
    // A call still in flight (no result, no captured memory): shown as in progress?
    virtual bool shows_in_progress(const btrace_syscall&) const { return true; }
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

    Result<void> open(bpf_map* events);

    // Waits up to timeout_ms for a wakeup (or for a wake_on fd to become
    // readable), then drains whatever is there: producers skip wakeups, so a
    // timeout does not mean the buffer is empty.
    Result<void> poll(int timeout_ms);
    // poll() also returns when fd is readable, until stop_waking_on(fd): with
    // -c no record announces the command's exit, its pidfd does.
    Result<void> wake_on(int fd);
    void stop_waking_on(int fd);
    // Drains what is there without waiting.
    Result<void> drain();
    // Decodes one ring-buffer sample: a batch of records, each sized by its
    // header. Returns -EIO once the output has failed.
    int feed(const void* data, size_t size);
    // Marks a gap in the output where the kernel side lost `count` records.
    void mark_lost(uint64_t count) { formatter_.lost(count, sink_.buffer()); }

    uint64_t calls() const { return calls_; }  // printed (with a filter: admitted)
    // --max-events: calls after the first `limit` are not printed (0: no limit).
    void limit_calls(uint64_t limit) { call_limit_ = limit; }
    void set_filter(CallFilter* filter) { filter_ = filter; }
    bool limit_reached() const { return call_limit_ && calls_ >= call_limit_; }
    uint64_t malformed() const { return malformed_; }

private:
    static int on_record(void* ctx, void* data, size_t size);
    void dispatch(const uint8_t* data, const btrace_hdr& hdr);
    static bool is_same_call(const std::vector<uint8_t>& enter_part, const btrace_syscall& rec);
    // Copies the record's fixed part out; false (and counted) if hdr.size is short of it.
    template <class Record>
    bool fixed_part(const uint8_t* data, const btrace_hdr& hdr, Record& rec);

    ring_buffer* ring_ = nullptr;
    int wait_fd_ = -1;  // epoll: the ring buffer's epoll fd and the wake_on fds
    output::Formatter& formatter_;
    output::Sink& sink_;
    state::FdTable& fds_;
    Result<void> sink_status_;
    uint64_t malformed_ = 0;
    uint64_t calls_ = 0;
    uint64_t call_limit_ = 0;
    CallFilter* filter_ = nullptr;
    std::unordered_map<uint32_t, std::vector<uint8_t>> exec_args_;  // tgid -> execve record from sys_enter
};

}  // namespace btrace::consumer
