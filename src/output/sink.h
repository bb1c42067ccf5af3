// Where formatted lines go: one large reused buffer, written with few write(2)s.
#pragma once

#include <fmt/format.h>

#include <unistd.h>

#include <string>

#include "util/result.h"

namespace btrace::output {

class Sink {
public:
    // Empty path: stderr, as strace and perf trace do (the command keeps stdout).
    static Result<Sink> open(const std::string& path);
    static Sink stdout_sink() { return Sink(STDOUT_FILENO, false, "stdout"); }

    Sink(Sink&& other) noexcept;
    Sink& operator=(Sink&&) = delete;
    ~Sink();

    fmt::memory_buffer& buffer() { return buffer_; }

    // Write out everything buffered. An error (EPIPE, ENOSPC...) is final.
    Result<void> flush();
    // Flush only past the batching threshold; called per record.
    Result<void> flush_if_full() { return buffer_.size() >= kFlushBytes ? flush() : Result<void>{}; }

private:
    static constexpr std::size_t kFlushBytes = 1 << 20;

    Sink(int fd, bool owned, std::string name) : fd_(fd), owned_(owned), name_(std::move(name)) {}

    int fd_;
    bool owned_;
    std::string name_;
    fmt::memory_buffer buffer_;
};

}  // namespace btrace::output
