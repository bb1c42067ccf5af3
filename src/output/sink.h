// SPDX-License-Identifier: Apache-2.0
// Where formatted lines go: one large reused buffer, written with few write(2)s.
#pragma once

#include <fmt/format.h>

#include <unistd.h>

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>

#include "util/result.h"

namespace btrace::output {

// Size-based rotation of a file sink: FILE -> FILE.1 -> ... -> FILE.keep.
// Opens path for writing as root should in a shared directory (no symlinks,
// nothing planted in a sticky world-writable directory; see sink.cpp);
// truncate: else appended to. what: the start of its error messages.
Result<int> open_output_file(const std::string& path, bool truncate, const std::string& what);

struct Rotation {
    std::size_t max_bytes = 0;  // 0: never rotate
    unsigned keep = 0;          // old files kept; 0: just truncate FILE
};

class Sink {
public:
    // Empty path: stderr, as strace and perf trace do (the command keeps stdout).
    // Rotation applies only to a file.
    // append (-A): added to FILE instead of replacing it. option: the one
    // that named the file, in errors.
    static Result<Sink> open(const std::string& path, Rotation rotation = {}, bool append = false,
                             std::string_view option = "-o");
    static Sink stdout_sink() { return Sink(STDOUT_FILENO, false, "stdout", {}); }
    // -ff: each thread's lines go to PREFIX.TID (as strace -ff, whose files are
    // per thread), opened at its first line; lines of no thread (losses) to stderr.
    static Sink separate(std::string prefix, bool append);

    Sink(Sink&& other) noexcept;
    Sink& operator=(Sink&&) = delete;
    ~Sink();

    fmt::memory_buffer& buffer() { return buffer_; }

    // Write out everything buffered, rotating first if the file would pass
    // max_bytes. An error (EPIPE, ENOSPC...) is final.
    Result<void> flush();
    // Flush only past the batching threshold or the rotation size; called per
    // record, so it is kept to integer comparisons.
    Result<void> flush_if_full() {
        return buffer_.size() >= kFlushBytes || written_ + buffer_.size() > limit_ ? flush() : Result<void>{};
    }
    // With -ff: what is buffered is thread tid's (0: no thread's), moved to its
    // file's buffer. Otherwise nothing to do.
    Result<void> route(uint32_t tid) { return threads_ ? route_to(tid) : Result<void>{}; }
    // SIGHUP / logrotate: flush, then reopen the same path for appending, so a
    // renamed-away file is replaced and a copytruncated one is continued.
    // No-op for stderr/stdout.
    Result<void> reopen();

private:
    static constexpr std::size_t kFlushBytes = 1 << 20;

    Sink(int fd, bool owned, std::string name, Rotation rotation)
        : fd_(fd), owned_(owned), name_(std::move(name)), rotation_(rotation),
          limit_(rotation.max_bytes ? rotation.max_bytes : std::numeric_limits<std::size_t>::max() / 2) {}

    Result<void> rotate();
    Result<void> route_to(uint32_t tid);

    int fd_;  // -1 after a failed rotate or reopen
    bool owned_;
    std::string name_;  // the path, for a file sink
    Rotation rotation_;
    std::size_t limit_;        // max_bytes, or a bound never reached
    std::size_t written_ = 0;  // bytes in the current file
    fmt::memory_buffer buffer_;
    // -ff: a file per thread, by tid (none: one output).
    struct Separate {
        std::string prefix;
        bool append;
        std::unordered_map<uint32_t, Sink> files;
    };
    std::unique_ptr<Separate> threads_;
};

}  // namespace btrace::output
