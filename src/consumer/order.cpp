// SPDX-License-Identifier: Apache-2.0
#include "consumer/order.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace btrace::consumer {

uint64_t order_of(std::span<const uint8_t> record) {
    btrace_hdr hdr;
    std::memcpy(&hdr, record.data(), sizeof(hdr));
    uint64_t duration_ns = 0;
    if (hdr.type == BTRACE_REC_SYSCALL && record.size() >= sizeof(btrace_syscall))
        std::memcpy(&duration_ns, record.data() + offsetof(btrace_syscall, duration_ns), sizeof(duration_ns));
    return btrace_order_ns(&hdr, duration_ns);
}

std::size_t OrderedRecords::add(const uint8_t* data, std::size_t size) {
    // Whole records only: the rest is malformed.
    std::size_t whole = 0;
    while (size - whole >= sizeof(btrace_hdr)) {
        btrace_hdr hdr;
        std::memcpy(&hdr, data + whole, sizeof(hdr));
        if (hdr.size < sizeof(hdr) || hdr.size > size - whole)
            break;
        whole += hdr.size;
    }
    if (whole > 0) {
        std::size_t slot;
        if (free_.empty()) {
            slot = samples_.size();
            samples_.emplace_back();
        } else {
            slot = free_.back();
            free_.pop_back();
        }
        Sample& s = samples_[slot];
        s.bytes.assign(data, data + whole);
        s.at = 0;
        s.head = order_of(s.bytes);
        s.seq = seq_++;
        held_bytes_ += whole;
        push(slot);
    }
    return size - whole;
}

void OrderedRecords::push(std::size_t slot) {
    heap_.push_back(slot);
    std::push_heap(heap_.begin(), heap_.end(), [this](std::size_t a, std::size_t b) { return after(a, b); });
}

void OrderedRecords::pop() {
    std::pop_heap(heap_.begin(), heap_.end(), [this](std::size_t a, std::size_t b) { return after(a, b); });
    heap_.pop_back();
}

Horizon::~Horizon() {
    if (pending_)
        munmap(const_cast<btrace_cpu_pending*>(pending_), pending_bytes_);
    const std::size_t page = static_cast<std::size_t>(getpagesize());
    if (consumer_pos_)
        munmap(const_cast<unsigned long*>(consumer_pos_), page);
    if (producer_pos_)
        munmap(const_cast<unsigned long*>(producer_pos_), mapped_bytes_);
}

Result<void> Horizon::open(int cpu_pending_fd, int ncpus, int ring_fd, std::size_t ring_bytes) {
    const std::size_t page = static_cast<std::size_t>(getpagesize());
    ncpus_ = ncpus;
    pending_bytes_ = (sizeof(btrace_cpu_pending) * static_cast<std::size_t>(ncpus) + page - 1) / page * page;
    void* pending = mmap(nullptr, pending_bytes_, PROT_READ, MAP_SHARED, cpu_pending_fd, 0);
    if (pending == MAP_FAILED)
        return errno_error("mapping the per-CPU pending times", errno);
    pending_ = static_cast<const btrace_cpu_pending*>(pending);
    // The ring buffer's consumer page, then its producer page (read-only here).
    void* cons = mmap(nullptr, page, PROT_READ, MAP_SHARED, ring_fd, 0);
    if (cons == MAP_FAILED)
        return errno_error("mapping the ring buffer's positions", errno);
    consumer_pos_ = static_cast<const unsigned long*>(cons);
    mapped_bytes_ = page + 2 * ring_bytes;
    void* prod = mmap(nullptr, mapped_bytes_, PROT_READ, MAP_SHARED, ring_fd, static_cast<off_t>(page));
    if (prod == MAP_FAILED)
        return errno_error("mapping the ring buffer", errno);
    producer_pos_ = static_cast<const unsigned long*>(prod);
    data_ = static_cast<const uint8_t*>(prod) + page;
    ring_bytes_ = ring_bytes;
    return {};
}

namespace {

template <class T>
T load_acquire(const T* at) {
    return std::atomic_ref<T>(*const_cast<T*>(at)).load(std::memory_order_acquire);
}

}  // namespace

Horizon::Mark Horizon::before_drain(uint64_t now_ns) const {
    Mark mark;
    mark.up_to_ns = now_ns > kSlackNs ? now_ns - kSlackNs : 0;
    // The pending times first: a CPU clears its time only after its records
    // are reserved in the ring, so the producer position read next covers them.
    for (int cpu = 0; cpu < ncpus_; ++cpu) {
        const uint64_t since = load_acquire(&pending_[cpu].since_ns);
        if (since && (mark.oldest_cpu < 0 || since < mark.oldest_ns)) {
            mark.oldest_cpu = cpu;
            mark.oldest_ns = since;
        }
    }
    if (mark.oldest_cpu >= 0)
        mark.up_to_ns = std::min(mark.up_to_ns, mark.oldest_ns - 1);
    mark.producer_pos = load_acquire(producer_pos_);
    return mark;
}

bool Horizon::drained(const Mark& mark) const { return load_acquire(consumer_pos_) >= mark.producer_pos; }

}  // namespace btrace::consumer
