#include "consumer/consumer.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>

namespace btrace::consumer {

Result<void> Consumer::open(bpf_map* events) {
    ring_ = ring_buffer__new(bpf_map__fd(events), &Consumer::on_record, this, nullptr);
    if (!ring_)
        return errno_error("creating the ring-buffer reader", errno);
    return {};
}

Consumer::~Consumer() { ring_buffer__free(ring_); }

int Consumer::on_record(void* ctx, void* data, size_t size) {
    return static_cast<Consumer*>(ctx)->feed(data, size);
}

int Consumer::feed(const void* data, size_t size) {
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
        btrace_hdr hdr;
        if (size < sizeof(hdr)) {
            ++malformed_;
            break;
        }
        std::memcpy(&hdr, bytes, sizeof(hdr));
        if (hdr.size < sizeof(hdr) || hdr.size > size) {
            ++malformed_;
            break;
        }
        dispatch(bytes, hdr);
        bytes += hdr.size;
        size -= hdr.size;
    }
    sink_status_ = sink_.flush_if_full();
    return sink_status_ ? 0 : -EIO;  // stop consuming: the output is gone
}

void Consumer::dispatch(const void* data, const btrace_hdr& header) {
    const btrace_hdr* hdr = &header;
    ++records_;
    auto& out = sink_.buffer();
    switch (hdr->type) {
    case BTRACE_REC_SYSCALL:
        if (hdr->size < sizeof(btrace_syscall)) {
            ++malformed_;
            return;
        }
        formatter_.syscall(*static_cast<const btrace_syscall*>(data), out);
        break;
    case BTRACE_REC_EXIT:
        if (hdr->size < sizeof(btrace_exit)) {
            ++malformed_;
            return;
        }
        formatter_.process_exit(*static_cast<const btrace_exit*>(data), out);
        break;
    default:
        ++malformed_;
        return;
    }
}

Result<void> Consumer::poll(int timeout_ms) {
    int n = ring_buffer__poll(ring_, timeout_ms);
    if (n < 0 && n != -EINTR && sink_status_)
        return errno_error("reading the ring buffer", n);
    return drain();
}

Result<void> Consumer::drain() {
    int n = ring_buffer__consume(ring_);
    if (!sink_status_)
        return sink_status_;
    if (n < 0)
        return errno_error("reading the ring buffer", n);
    return sink_.flush();
}

}  // namespace btrace::consumer
