// SPDX-License-Identifier: Apache-2.0
// One order for the records of all CPUs. Each CPU sends its records in order
// (btrace_order_ns: a call at its completion), batch after batch, but the
// batches of different CPUs reach the ring buffer in flush order, so a close
// on one CPU can arrive after a read on another that came later. Records are
// held here and released in order, up to a horizon past which no CPU can
// still send anything older (see Horizon), as perf's ordered events are.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "btrace/event.h"
#include "util/result.h"

namespace btrace::consumer {

// The order of a whole record (at least its header; a short syscall record
// is ordered by its start).
uint64_t order_of(std::span<const uint8_t> record);

class OrderedRecords {
public:
    // One ring-buffer sample: one CPU's records, in order. Copied; returns
    // the bytes that do not make whole records (malformed).
    std::size_t add(const uint8_t* data, std::size_t size);

    // Calls visit(record, order_ns, late) for each record ordered at or
    // before up_to_ns, in order (ties: as they arrived). late: ordered before
    // a record already released, which it should have preceded.
    template <class Visit>
    void release(uint64_t up_to_ns, Visit&& visit);

    // Whether any record still held (not yet released, the rest of the
    // sample being released included) satisfies pred(record).
    template <class Pred>
    bool any_held(Pred&& pred) const;

    bool empty() const { return heap_.empty(); }
    std::size_t held_bytes() const { return held_bytes_; }
    uint64_t late() const { return late_; }

private:
    struct Sample {
        std::vector<uint8_t> bytes;  // kept between uses: no allocation once warm
        std::size_t at = 0;          // the next record
        uint64_t head = 0;           // its order
        uint64_t seq = 0;            // arrival, for ties
    };
    // The heap's top is the sample whose next record comes first.
    bool after(std::size_t a, std::size_t b) const {
        const Sample &x = samples_[a], &y = samples_[b];
        return x.head != y.head ? x.head > y.head : x.seq > y.seq;
    }
    void pop();
    void push(std::size_t slot);

    std::vector<Sample> samples_;
    std::vector<std::size_t> free_;
    std::vector<std::size_t> heap_;
    uint64_t seq_ = 0;
    uint64_t released_ = 0;  // order of the last record released
    uint64_t late_ = 0;
    std::size_t held_bytes_ = 0;
    static constexpr std::size_t kNone = SIZE_MAX;
    std::size_t releasing_ = kNone;  // the sample whose records release() is visiting
};

template <class Pred>
bool OrderedRecords::any_held(Pred&& pred) const {
    const auto any_in = [&](std::size_t slot) {
        const Sample& s = samples_[slot];
        for (std::size_t at = s.at; at + sizeof(btrace_hdr) <= s.bytes.size();) {
            btrace_hdr hdr;
            std::copy_n(s.bytes.data() + at, sizeof(hdr), reinterpret_cast<uint8_t*>(&hdr));
            if (pred(std::span<const uint8_t>(s.bytes).subspan(at, hdr.size)))
                return true;
            at += hdr.size;  // whole records only (add)
        }
        return false;
    };
    return (releasing_ != kNone && any_in(releasing_)) || std::any_of(heap_.begin(), heap_.end(), any_in);
}

template <class Visit>
void OrderedRecords::release(uint64_t up_to_ns, Visit&& visit) {
    while (!heap_.empty()) {
        const std::size_t slot = heap_.front();
        Sample& s = samples_[slot];
        if (s.head > up_to_ns)
            return;
        pop();
        releasing_ = slot;
        // Its records run on while they come before the next sample's (one
        // CPU's burst): the heap is touched once per run, not per record.
        const Sample* next = heap_.empty() ? nullptr : &samples_[heap_.front()];
        do {
            const uint64_t order_ns = s.head;
            const bool late = order_ns < released_;
            late_ += late;
            released_ = std::max(released_, order_ns);
            const auto* at = s.bytes.data() + s.at;
            btrace_hdr hdr;
            std::copy_n(at, sizeof(hdr), reinterpret_cast<uint8_t*>(&hdr));
            s.at += hdr.size;
            held_bytes_ -= hdr.size;
            visit(std::span<const uint8_t>(at, hdr.size), order_ns, late);
            if (s.at >= s.bytes.size())
                break;
            s.head = order_of(std::span<const uint8_t>(s.bytes).subspan(s.at));
        } while (s.head <= up_to_ns && (!next || s.head < next->head || (s.head == next->head && s.seq < next->seq)));
        releasing_ = kNone;
        if (s.at < s.bytes.size())
            push(slot);
        else
            free_.push_back(slot);
    }
}

// Where the records still to come can start: the oldest record any CPU holds
// back (the kernel side publishes it per CPU) and the clock. Read before
// draining the ring buffer; valid only if the drain took everything that had
// been reserved by then (a record still being written stops it).
class Horizon {
public:
    Horizon() = default;
    Horizon(const Horizon&) = delete;
    Horizon& operator=(const Horizon&) = delete;
    ~Horizon();

    // cpu_pending: the mmappable per-CPU array; ring: the ring buffer map
    // of ring_bytes.
    Result<void> open(int cpu_pending_fd, int ncpus, int ring_fd, std::size_t ring_bytes);

    struct Mark {
        uint64_t up_to_ns = 0;    // records at or before this are all here once drained
        int oldest_cpu = -1;      // the CPU that holds back the oldest record (-1: none)
        uint64_t oldest_ns = 0;   // since when
        unsigned long producer_pos = 0;
    };
    // now_ns: CLOCK_MONOTONIC, read before.
    Mark before_drain(uint64_t now_ns) const;
    // Whether the drain since the mark took every record reserved before it.
    bool drained(const Mark& mark) const;
    // Whether a record the ring buffer holds, not yet taken, satisfies pred
    // (a span of one record), or may: one still being written. Run between
    // drains (the consumer is the one that takes records).
    template <class Pred>
    bool any_in_ring(Pred&& pred) const;

    // A record's order is read just before it is published: allow for a
    // producer interrupted in between.
    static constexpr uint64_t kSlackNs = 5'000'000;

private:
    const btrace_cpu_pending* pending_ = nullptr;
    std::size_t pending_bytes_ = 0;
    int ncpus_ = 0;
    const unsigned long* consumer_pos_ = nullptr;
    const unsigned long* producer_pos_ = nullptr;
    // The producer page and then the data, mapped twice in a row (as libbpf
    // maps it), so a sample that wraps around reads on.
    const uint8_t* data_ = nullptr;
    std::size_t ring_bytes_ = 0;
    std::size_t mapped_bytes_ = 0;
};

template <class Pred>
bool Horizon::any_in_ring(Pred&& pred) const {
    constexpr uint32_t kBusy = 1u << 31, kDiscard = 1u << 30, kSampleHeader = 8;  // linux/bpf.h BPF_RINGBUF_*
    if (!data_)
        return false;
    const unsigned long producer = std::atomic_ref<const unsigned long>(*producer_pos_).load(std::memory_order_acquire);
    for (unsigned long at = *consumer_pos_; at < producer;) {
        const uint8_t* sample = data_ + (at & (ring_bytes_ - 1));
        const uint32_t len = std::atomic_ref<const uint32_t>(*reinterpret_cast<const uint32_t*>(sample))
                                 .load(std::memory_order_acquire);
        if (len & kBusy)
            return true;  // still being written: it may be anything
        const uint32_t size = len & ~(kBusy | kDiscard);
        if (!(len & kDiscard)) {
            const std::span<const uint8_t> records(sample + kSampleHeader, size);
            for (std::size_t off = 0; off + sizeof(btrace_hdr) <= size;) {
                btrace_hdr hdr;
                std::copy_n(records.data() + off, sizeof(hdr), reinterpret_cast<uint8_t*>(&hdr));
                if (hdr.size < sizeof(hdr) || hdr.size > size - off)
                    return true;  // not a record btrace made: take the worst
                if (pred(records.subspan(off, hdr.size)))
                    return true;
                off += hdr.size;
            }
        }
        at += (size + kSampleHeader + 7) & ~7ul;
    }
    return false;
}

}  // namespace btrace::consumer
