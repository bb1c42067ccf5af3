// SPDX-License-Identifier: Apache-2.0
#include "consumer/consumer.h"

#include <bpf/libbpf.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <limits>

#include "state/fd_tracker.h"
#include "syscalls/table.h"

namespace btrace::consumer {

namespace {

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);  // bpf_ktime_get_ns's clock
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

Result<void> Consumer::open(bpf_map* events, bpf_map* cpu_pending, FlushCpu flush_cpu) {
    ring_ = ring_buffer__new(bpf_map__fd(events), &Consumer::on_record, this, nullptr);
    if (!ring_)
        return errno_error("creating the ring-buffer reader", errno);
    if (auto ok = horizon_.open(bpf_map__fd(cpu_pending), static_cast<int>(bpf_map__max_entries(cpu_pending)),
                                bpf_map__fd(events), bpf_map__max_entries(events));
        !ok)
        return ok;
    ordered_ = true;
    flush_cpu_ = std::move(flush_cpu);
    wait_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (wait_fd_ < 0)
        return errno_error("creating the ring-buffer reader", errno);
    return wake_on(ring_buffer__epoll_fd(ring_));
}

Consumer::~Consumer() {
    ring_buffer__free(ring_);
    if (wait_fd_ >= 0)
        close(wait_fd_);
}

Result<void> Consumer::wake_on(int fd) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    if (epoll_ctl(wait_fd_, EPOLL_CTL_ADD, fd, &event) != 0)
        return errno_error("waiting on fd " + std::to_string(fd), errno);
    return {};
}

void Consumer::stop_waking_on(int fd) { epoll_ctl(wait_fd_, EPOLL_CTL_DEL, fd, nullptr); }

int Consumer::on_record(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Consumer*>(ctx);
    if (const int status = self->feed(data, size); status < 0)
        return status;
    self->round_bytes_ += size;
    return self->round_bytes_ >= kRoundBytes ? kRoundFull : 0;
}

int Consumer::feed(const void* data, size_t size) {
    ++samples_;
    sample_bytes_ += size;
    if (queue_.add(static_cast<const uint8_t*>(data), size))
        ++malformed_;
    if (!ordered_)
        release(std::numeric_limits<uint64_t>::max());
    return sink_status_ ? 0 : -EIO;  // stop consuming: the output is gone
}

void Consumer::release(uint64_t up_to_ns) {
    queue_.release(up_to_ns, [&](std::span<const uint8_t> record, uint64_t order_ns, bool late) {
        btrace_hdr hdr;
        std::memcpy(&hdr, record.data(), sizeof(hdr));
        if (writer_) {
            if (limit_reached())
                return;  // --max-events: as live, nothing after the limit
            writer_->frame(record::FrameType::Record, record);
            btrace_loss loss;
            if (hdr.type == BTRACE_REC_SYSCALL && !(hdr.flags & (BTRACE_SYS_ENTER_PART | BTRACE_SYS_FDS_ONLY)))
                ++calls_;
            else if (hdr.type == BTRACE_REC_LOSS && fixed_part(record.data(), hdr, loss))
                count_loss(loss);
            if (!writer_->status())
                sink_status_ = writer_->status();
            return;
        }
        fds_.at(order_ns, hdr.ts_ns);
        dispatch(record.data(), hdr);
        if (late)
            forget_after_late(record.data(), hdr);
        if (sink_status_)
            sink_status_ = sink_.route(hdr.type == BTRACE_REC_LOSS ? 0 : hdr.tid);
        if (sink_status_)
            sink_status_ = sink_.flush_if_full();
    });
}

void Consumer::forget_after_late(const uint8_t* data, const btrace_hdr& hdr) {
    if (hdr.type == BTRACE_REC_FORK) {
        btrace_fork fork;  // copied: the record may be short or unaligned (any bytes the queue holds)
        if (hdr.size >= sizeof(fork)) {
            std::memcpy(&fork, data, sizeof(fork));
            fds_.lose(fork.child_tgid);
        }
        return;
    }
    btrace_syscall rec;
    if (hdr.type != BTRACE_REC_SYSCALL || hdr.size < sizeof(rec))
        return;
    std::memcpy(&rec, data, sizeof(rec));
    const auto* sc = syscalls::lookup(rec.nr);
    if (sc && state::changes_fds(*sc))
        fds_.lose(hdr.tgid);
    if (mappings_ && mappings_->follows(rec.nr))
        mappings_->lose(hdr.tgid, now_ns());  // stacks printed since may name the old mappings
}

template <class Record>
bool Consumer::fixed_part(const uint8_t* data, const btrace_hdr& hdr, Record& rec) {
    if (hdr.size < sizeof(Record)) {
        ++malformed_;
        return false;
    }
    std::memcpy(&rec, data, sizeof(rec));
    return true;
}

void Consumer::dispatch(const uint8_t* data, const btrace_hdr& hdr) {
    auto& out = sink_.buffer();
    switch (hdr.type) {
    case BTRACE_REC_SYSCALL: {
        btrace_syscall rec;
        if (!fixed_part(data, hdr, rec))
            return;
        std::span<const uint8_t> record(data, hdr.size);
        if (hdr.flags & BTRACE_SYS_ENTER_PART) {
            enter_parts_.hold(record, hdr);
            return;
        }
        if (mappings_ && mappings_->follows(rec.nr)) {
            decode::Payloads payloads;
            decode::split_payloads(record.subspan(sizeof(rec)), payloads);
            mappings_->follow(rec, payloads, fds_);
        }
        if (hdr.flags & BTRACE_SYS_FDS_ONLY) {
            // A call shown at entry but left out at exit (-Z, --duration):
            // its enter part goes with it.
            if (hdr.flags & BTRACE_SYS_INPUT_AT_ENTER)
                enter_parts_.drop(rec);
            formatter_.follow_fds(rec, record.subspan(sizeof(rec)));
            return;
        }
        if (limit_reached())
            return;
        if (hdr.flags & BTRACE_SYS_INPUT_AT_ENTER) {
            // Without its part (lost with its batch, which a loss line
            // before this one tells), the record shows the addresses.
            if (auto joined = enter_parts_.join(record, rec); !joined.empty())
                record = joined;
        }
        if (proc_names_)
            proc_names_->name_unseen(rec, fds_, queue_, horizon_);
        if (!filter_ || filter_->admit(rec, record)) {
            ++calls_;
            formatter_.syscall(rec, record.subspan(sizeof(rec)), out);
        }
        return;
    }
    case BTRACE_REC_EXIT: {
        btrace_exit rec;
        if (!fixed_part(data, hdr, rec))
            return;
        enter_parts_.process_exit(hdr.tgid);
        if ((!filter_ || filter_->before_exit(rec)) && !limit_reached())
            formatter_.process_exit(rec, out);
        fds_.exit(hdr.tgid);  // its earlier records are decoded: the names are done with
        if (mappings_) {
            mappings_->exit(hdr.tgid);
            unwinder_->exit(hdr.tgid);
        }
        return;
    }
    case BTRACE_REC_SIGNAL: {
        btrace_signal rec;
        if (!fixed_part(data, hdr, rec))
            return;
        if (!limit_reached() && (!filter_ || filter_->admits_signal(rec)))
            formatter_.signal(rec, out);
        return;
    }
    case BTRACE_REC_FORK: {
        btrace_fork rec;
        if (!fixed_part(data, hdr, rec))
            return;
        fds_.fork(hdr.tgid, rec.child_tgid);
        if (mappings_)
            mappings_->fork(hdr.tgid, rec.child_tgid);
        return;
    }
    case BTRACE_REC_LOSS: {
        btrace_loss rec;
        if (!fixed_part(data, hdr, rec))
            return;
        count_loss(rec);
        // The gap is here: what the lost calls did to fds and mappings is unknown.
        const uint64_t read_ns = mappings_ ? now_ns() : 0;
        if (rec.overflow_changes & BTRACE_LOSS_FDS)
            fds_.lose_all();
        if (mappings_ && (rec.overflow_changes & BTRACE_LOSS_MAPPINGS))
            mappings_->lose_all(read_ns);
        for (uint32_t i = 0; i < rec.tgid_count && i < BTRACE_LOSS_TGIDS; ++i) {
            if (rec.changes[i] & BTRACE_LOSS_FDS)
                fds_.lose(rec.tgids[i]);
            if (mappings_ && (rec.changes[i] & BTRACE_LOSS_MAPPINGS))
                mappings_->lose(rec.tgids[i], read_ns);
        }
        if (!limit_reached())
            formatter_.lost(rec.calls, rec.others, out);
        return;
    }
    default:
        ++malformed_;
        return;
    }
}

Result<void> Consumer::poll(int timeout_ms) {
    epoll_event events[2];
    if (epoll_wait(wait_fd_, events, 2, timeout_ms) < 0 && errno != EINTR)
        return errno_error("reading the ring buffer", errno);
    return drain();
}

Result<void> Consumer::drain() {
    for (int n = kRoundFull; n == kRoundFull;) {
        const uint64_t now = ordered_ ? now_ns() : 0;
        const Horizon::Mark mark = ordered_ ? horizon_.before_drain(now) : Horizon::Mark{};
        if (ordered_ && marks_.size() < kMaxMarks)
            marks_.push_back(mark);
        round_bytes_ = 0;
        n = ring_buffer__consume(ring_);
        if (n < 0 && n != kRoundFull)
            return errno_error("reading the ring buffer", n);
        if (ordered_) {
            // A mark holds once everything reserved before it is taken: a
            // record still being written, or a round cut short, leaves the
            // newer marks for a later round.
            auto held = marks_.begin();
            for (; held != marks_.end() && horizon_.drained(*held); ++held)
                released_up_to_ = std::max(released_up_to_, held->up_to_ns);
            marks_.erase(marks_.begin(), held);
            if (queue_.held_bytes() > kMaxHeldBytes && now > Horizon::kSlackNs)
                released_up_to_ = std::max(released_up_to_, now - Horizon::kSlackNs);
            release(released_up_to_);
            if (mark.oldest_cpu >= 0 && now - mark.oldest_ns > kStaleNs && flush_cpu_)
                flush_cpu_(mark.oldest_cpu);
        }
        if (!sink_status_)
            return sink_status_;
    }
    return sink_.flush();
}

Result<void> Consumer::finish() {
    release(std::numeric_limits<uint64_t>::max());
    if (!sink_status_)
        return sink_status_;
    return sink_.flush();
}

}  // namespace btrace::consumer
