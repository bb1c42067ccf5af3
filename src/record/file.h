// SPDX-License-Identifier: Apache-2.0
// The file `btrace record` writes and `btrace report` reads (docs/record-format.md):
// a file header, then blocks of frames. Each block is compressed on its own
// (zstd) and checked (CRC-32), so a recording cut short (Ctrl-C before the
// end, a full disk, a crash) reads up to its last whole block.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "btrace/event.h"
#include "state/fd_desc.h"
#include "util/result.h"

namespace btrace::record {

// Raised on any change an older btrace could not read (frame layouts, the
// records of include/btrace/event.h); a reader refuses a newer version.
inline constexpr uint32_t kFormatVersion = 1;

enum class FrameType : uint16_t {
    Header = 1,       // key=value lines: what decoding needs later (Header)
    FdSnapshot = 2,   // fds open at attach (SnapshotFd each)
    Record = 3,       // one record as the ring buffer sent it, in the order it was printed live
    Counters = 4,     // key=value lines: what was lost, at the end (Counters)
    InProgress = 5,   // a call in flight when tracing began (InProgress)
};

// What report needs to decode, format and judge the records.
struct Header {
    std::string btrace_version;
    std::string arch;            // the syscall table's: x86_64, aarch64
    uint64_t syscall_table = 0;  // a hash of the table's names by number
    std::string kernel_release;  // uname -r
    std::string hostname;
    std::string command_line;    // btrace's own
    uint64_t start_ns = 0;       // CLOCK_MONOTONIC at start: times print relative to it
    int64_t realtime_offset_ns = 0;  // CLOCK_REALTIME - CLOCK_MONOTONIC then: -t, -tt, -ttt
    uint32_t string_max = 0;     // -s at record time: how much of each string was read
    bool raw = false;            // --raw: nothing read from memory
    bool sched = false;          // --sched: calls carry their time split
    bool system_wide = false;
    // A monitor's flight recording: fds are named from each record's own
    // descriptions (the calls that opened them were not kept).
    bool names_from_records = false;
};

struct SnapshotFd {
    uint32_t tgid = 0;
    int fd = 0;
    std::string name;
    bool cloexec = false;
    state::FileId file;
};

// At the end: what the kernel side lost and the consumer could not place.
struct Counters {
    uint64_t lost_calls = 0, lost_others = 0;  // from the loss records
    uint64_t no_slot = 0;                       // calls with no in-flight slot (BTRACE_CNT_STASH_FULL)
    uint64_t missed_enter = 0;
    uint64_t fatal_signals_full = 0;
    uint64_t stats_full = 0;  // calls the live summary could not count (none in a recording)
    uint64_t late = 0, malformed = 0;
    std::vector<std::pair<long, uint64_t>> lost_by_syscall;
};

// The text of a Header or Counters frame, and back. Unknown keys are skipped
// (a later btrace may add some); a known key with a bad value is an error.
std::string header_text(const Header& header);
Result<Header> parse_header(std::string_view text);
std::string counters_text(const Counters& counters);
Result<Counters> parse_counters(std::string_view text);

// Frames go into the block being filled, which is written whole when full
// and on flush().
class Writer {
public:
    // Creates (or truncates) path; compress: zstd, else stored as is.
    static Result<std::unique_ptr<Writer>> create(const std::string& path, bool compress);
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    void frame(FrameType type, std::span<const uint8_t> payload);
    void frame(FrameType type, std::string_view text) {
        frame(type, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    }
    void fds(std::span<const SnapshotFd> fds);
    // Writes the block being filled; a failure (a full disk) stays: later frames are dropped.
    Result<void> flush();
    // Everything written so far is in whole blocks; then nothing more is written.
    Result<void> close();
    const Result<void>& status() const { return status_; }
    uint64_t bytes_written() const { return bytes_written_; }
    uint64_t raw_bytes() const { return raw_bytes_; }
    bool compressed() const { return compress_; }

private:
    Writer(int fd, std::string path, bool compress);
    Result<void> write_all(const void* data, std::size_t size);

    int fd_;
    std::string path_;
    bool compress_;
    void* cctx_ = nullptr;  // ZSTD_CCtx
    std::vector<uint8_t> block_;
    std::vector<uint8_t> compressed_;
    Result<void> status_;
    uint64_t bytes_written_ = 0, raw_bytes_ = 0;
};

// Where a Reader reads from: a file, or bytes (the fuzz target).
class Source {
public:
    virtual ~Source() = default;
    // Up to size bytes; fewer only at the end. Errors: an Error.
    virtual Result<std::size_t> read(void* data, std::size_t size) = 0;
};
std::unique_ptr<Source> file_source(int fd);  // takes the fd
std::unique_ptr<Source> bytes_source(std::span<const uint8_t> bytes);

struct Frame {
    FrameType type;
    std::span<const uint8_t> payload;  // valid until the next call to next()
};

class Reader {
public:
    // Reads the file header and the Header frame; name: in error messages.
    static Result<std::unique_ptr<Reader>> open(std::unique_ptr<Source> source, const std::string& name);
    static Result<std::unique_ptr<Reader>> open(const std::string& path);  // "-": stdin

    const Header& header() const { return header_; }
    // The next frame; false at the end. How the file ended: end_note().
    Result<bool> next(Frame& frame);
    // Empty when the file ended where a whole recording ends; else what was
    // wrong (cut short inside a block, a damaged block, no end).
    std::string end_note() const { return end_.empty() ? end_ : end_ + ": shown up to its last whole block"; }

private:
    Reader(std::unique_ptr<Source> source, std::string name) : source_(std::move(source)), name_(std::move(name)) {}
    // false: no further block (end_ says why, when it was not a clean end).
    Result<bool> next_block();

    std::unique_ptr<Source> source_;
    std::string name_;
    Header header_;
    std::vector<uint8_t> stored_, block_;
    std::size_t at_ = 0;  // in block_
    bool counters_seen_ = false;
    std::string end_;  // why the reading ended early; empty: it did not
};

// A call in flight when tracing began, as the live trace showed it: its
// record (no result), what it was passed (read from the thread's memory), a note.
struct InProgress {
    btrace_syscall rec;
    std::span<const uint8_t> payload_area;
    std::string_view note;
};
std::vector<uint8_t> in_progress_payload(const btrace_syscall& rec, std::span<const uint8_t> payload_area,
                                         std::string_view note);
// false if it is malformed; spans point into payload.
bool parse_in_progress(std::span<const uint8_t> payload, InProgress& out);

// fds of a FdSnapshot frame; false if it is malformed.
bool parse_fds(std::span<const uint8_t> payload, std::vector<SnapshotFd>& out);

}  // namespace btrace::record
