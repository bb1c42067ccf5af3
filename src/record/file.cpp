// SPDX-License-Identifier: Apache-2.0
#include "record/file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <charconv>
#include <cstring>
#include <fmt/format.h>

#include "output/sink.h"
#include "util/file.h"

namespace btrace::record {

namespace {

constexpr char kMagic[8] = {'B', 'T', 'R', 'A', 'C', 'E', 'R', '\n'};
constexpr char kBlockMagic[4] = {'B', 'L', 'K', '\n'};
constexpr uint32_t kBlockZstd = 1;
// A block is written once it holds this much; a reader refuses more than kMaxBlockBytes.
constexpr std::size_t kBlockBytes = 1u << 20;
constexpr std::size_t kMaxBlockBytes = 64u << 20;
constexpr int kZstdLevel = 1;  // the fastest: the recording host pays for it

struct FileHeader {
    char magic[8];
    uint32_t version;
    uint32_t reserved;
};
struct BlockHeader {
    char magic[4];
    uint32_t flags;        // kBlockZstd
    uint32_t stored_size;  // bytes that follow
    uint32_t raw_size;     // its frames' bytes
    uint32_t crc;          // CRC-32 of the stored bytes
};
struct FrameHeader {
    uint16_t type;
    uint16_t reserved;
    uint32_t size;  // payload bytes that follow
};
struct FdEntry {  // then name_size bytes of name
    uint32_t tgid;
    int32_t fd;
    uint64_t ino;
    uint32_t dev;
    uint16_t name_size;
    uint8_t cloexec;
    uint8_t reserved;
};

template <class T>
void append(std::vector<uint8_t>& out, const T& value) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
    out.insert(out.end(), bytes, bytes + sizeof(value));
}

// Values are one line each: a backslash and a newline are escaped.
void add_field(std::string& out, std::string_view key, std::string_view value) {
    out += key;
    out += '=';
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    out += '\n';
}

std::string unescape(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
            out += value[i + 1] == 'n' ? '\n' : value[i + 1];
            ++i;
        } else {
            out += value[i];
        }
    }
    return out;
}

// key=value lines to visit(key, value); false (and the key) if visit refuses one.
template <class Visit>
Result<void> for_each_field(std::string_view text, std::string_view what, Visit&& visit) {
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            return Error{fmt::format("{}: a line without '='", what)};
        const auto key = line.substr(0, equals);
        if (!visit(key, unescape(line.substr(equals + 1))))
            return Error{fmt::format("{}: a bad value for {}", what, key)};
    }
    return {};
}

template <class Int>
bool read_int(const std::string& text, Int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

bool read_bool(const std::string& text, bool& out) {
    if (text != "0" && text != "1")
        return false;
    out = text == "1";
    return true;
}

class FdSource final : public Source {
public:
    explicit FdSource(int fd) : fd_(fd) {}
    ~FdSource() override { ::close(fd_); }
    Result<std::size_t> read(void* data, std::size_t size) override {
        std::size_t got = 0;
        while (got < size) {
            const ssize_t n = ::read(fd_, static_cast<uint8_t*>(data) + got, size - got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return errno_error("reading", errno);
            if (n == 0)
                break;
            got += static_cast<std::size_t>(n);
        }
        return got;
    }

private:
    int fd_;
};

class BytesSource final : public Source {
public:
    explicit BytesSource(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    Result<std::size_t> read(void* data, std::size_t size) override {
        const std::size_t n = std::min(size, bytes_.size());
        if (n)  // an empty block's buffer may be null
            std::memcpy(data, bytes_.data(), n);
        bytes_ = bytes_.subspan(n);
        return n;
    }

private:
    std::span<const uint8_t> bytes_;
};

}  // namespace

std::string header_text(const Header& h) {
    std::string out;
    add_field(out, "btrace_version", h.btrace_version);
    add_field(out, "arch", h.arch);
    add_field(out, "syscall_table", fmt::format("{:016x}", h.syscall_table));
    add_field(out, "kernel_release", h.kernel_release);
    add_field(out, "hostname", h.hostname);
    add_field(out, "command_line", h.command_line);
    add_field(out, "start_ns", std::to_string(h.start_ns));
    add_field(out, "realtime_offset_ns", std::to_string(h.realtime_offset_ns));
    add_field(out, "string_max", std::to_string(h.string_max));
    add_field(out, "raw", h.raw ? "1" : "0");
    add_field(out, "sched", h.sched ? "1" : "0");
    add_field(out, "system_wide", h.system_wide ? "1" : "0");
    add_field(out, "names_from_records", h.names_from_records ? "1" : "0");
    return out;
}

Result<Header> parse_header(std::string_view text) {
    Header h;
    bool started = false;
    auto ok = for_each_field(text, "the recording's header", [&](std::string_view key, const std::string& value) {
        if (key == "btrace_version")
            h.btrace_version = value;
        else if (key == "arch")
            h.arch = value;
        else if (key == "syscall_table") {
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), h.syscall_table, 16);
            return ec == std::errc() && end == value.data() + value.size();
        } else if (key == "kernel_release")
            h.kernel_release = value;
        else if (key == "hostname")
            h.hostname = value;
        else if (key == "command_line")
            h.command_line = value;
        else if (key == "start_ns")
            return started = read_int(value, h.start_ns);
        else if (key == "realtime_offset_ns")
            return read_int(value, h.realtime_offset_ns);
        else if (key == "string_max")
            return read_int(value, h.string_max);
        else if (key == "raw")
            return read_bool(value, h.raw);
        else if (key == "sched")
            return read_bool(value, h.sched);
        else if (key == "system_wide")
            return read_bool(value, h.system_wide);
        else if (key == "names_from_records")
            return read_bool(value, h.names_from_records);
        return true;
    });
    if (!ok)
        return ok.error();
    if (!started || h.arch.empty())
        return Error{"the recording's header: no start time or architecture"};
    return h;
}

std::string counters_text(const Counters& c) {
    std::string out;
    add_field(out, "lost_calls", std::to_string(c.lost_calls));
    add_field(out, "lost_others", std::to_string(c.lost_others));
    add_field(out, "no_slot", std::to_string(c.no_slot));
    add_field(out, "missed_enter", std::to_string(c.missed_enter));
    add_field(out, "fatal_signals_full", std::to_string(c.fatal_signals_full));
    add_field(out, "stats_full", std::to_string(c.stats_full));
    add_field(out, "late", std::to_string(c.late));
    add_field(out, "malformed", std::to_string(c.malformed));
    std::string by_syscall;
    for (const auto& [nr, count] : c.lost_by_syscall)
        by_syscall += fmt::format("{}{}:{}", by_syscall.empty() ? "" : ",", nr, count);
    add_field(out, "lost_by_syscall", by_syscall);
    return out;
}

Result<Counters> parse_counters(std::string_view text) {
    Counters c;
    auto ok = for_each_field(text, "the recording's counters", [&](std::string_view key, const std::string& value) {
        if (key == "lost_calls")
            return read_int(value, c.lost_calls);
        if (key == "lost_others")
            return read_int(value, c.lost_others);
        if (key == "no_slot")
            return read_int(value, c.no_slot);
        if (key == "missed_enter")
            return read_int(value, c.missed_enter);
        if (key == "fatal_signals_full")
            return read_int(value, c.fatal_signals_full);
        if (key == "stats_full")
            return read_int(value, c.stats_full);
        if (key == "late")
            return read_int(value, c.late);
        if (key == "malformed")
            return read_int(value, c.malformed);
        if (key == "lost_by_syscall") {
            for (std::string_view rest = value; !rest.empty();) {
                const auto comma = rest.find(',');
                const auto item = std::string(rest.substr(0, comma));
                rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
                const auto colon = item.find(':');
                long nr = 0;
                uint64_t count = 0;
                if (colon == std::string::npos || !read_int(item.substr(0, colon), nr) ||
                    !read_int(item.substr(colon + 1), count))
                    return false;
                c.lost_by_syscall.emplace_back(nr, count);
            }
        }
        return true;
    });
    if (!ok)
        return ok.error();
    return c;
}

Result<std::unique_ptr<Writer>> Writer::create(const std::string& path, bool compress) {
    auto fd = output::open_output_file(path, true, "-o " + path);
    if (!fd)
        return fd.error();
    std::unique_ptr<Writer> writer(new Writer(*fd, path, compress));
    if (compress && !writer->cctx_)
        return Error{"-o " + path + ": cannot set up zstd compression"};
    FileHeader header{};
    std::memcpy(header.magic, kMagic, sizeof(kMagic));
    header.version = kFormatVersion;
    if (auto ok = writer->write_all(&header, sizeof(header)); !ok)
        return ok.error();
    return writer;
}

Writer::Writer(int fd, std::string path, bool compress) : fd_(fd), path_(std::move(path)), compress_(compress) {
    if (compress_)
        cctx_ = ZSTD_createCCtx();
    block_.reserve(kBlockBytes + 64 * 1024);
}

Writer::~Writer() {
    ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_));
    if (fd_ >= 0)
        ::close(fd_);
}

Result<void> Writer::write_all(const void* data, std::size_t size) {
    if (const int err = btrace::write_all(fd_, data, size))
        return errno_error("-o " + path_, err);
    bytes_written_ += size;
    return {};
}

void Writer::frame(FrameType type, std::span<const uint8_t> payload) {
    if (!status_ || fd_ < 0)
        return;
    append(block_, FrameHeader{static_cast<uint16_t>(type), 0, static_cast<uint32_t>(payload.size())});
    block_.insert(block_.end(), payload.begin(), payload.end());
    if (block_.size() >= kBlockBytes)
        status_ = flush();
}

void Writer::fds(std::span<const SnapshotFd> fds) {
    std::vector<uint8_t> payload;
    for (const auto& f : fds) {
        const std::size_t name_size = std::min<std::size_t>(f.name.size(), UINT16_MAX);
        append(payload, FdEntry{f.tgid, f.fd, f.file.ino, f.file.dev, static_cast<uint16_t>(name_size),
                                static_cast<uint8_t>(f.cloexec), 0});
        payload.insert(payload.end(), f.name.begin(), f.name.begin() + static_cast<std::ptrdiff_t>(name_size));
        if (payload.size() >= kBlockBytes) {  // a process with a million fds still makes blocks a reader takes
            frame(FrameType::FdSnapshot, payload);
            payload.clear();
        }
    }
    if (!payload.empty())
        frame(FrameType::FdSnapshot, payload);
}

Result<void> Writer::flush() {
    if (!status_)
        return status_;
    if (block_.empty() || fd_ < 0)
        return {};
    std::span<const uint8_t> stored(block_);
    BlockHeader header{};
    std::memcpy(header.magic, kBlockMagic, sizeof(kBlockMagic));
    if (compress_) {
        compressed_.resize(ZSTD_compressBound(block_.size()));
        const std::size_t n = ZSTD_compressCCtx(static_cast<ZSTD_CCtx*>(cctx_), compressed_.data(),
                                                compressed_.size(), block_.data(), block_.size(), kZstdLevel);
        if (ZSTD_isError(n))
            return status_ = Error{"-o " + path_ + ": compressing: " + ZSTD_getErrorName(n)};
        stored = std::span<const uint8_t>(compressed_.data(), n);
        header.flags = kBlockZstd;
    }
    header.stored_size = static_cast<uint32_t>(stored.size());
    header.raw_size = static_cast<uint32_t>(block_.size());
    header.crc = static_cast<uint32_t>(crc32(0, stored.data(), static_cast<uInt>(stored.size())));
    raw_bytes_ += block_.size();
    // A full disk leaves whole blocks and then at most one cut short, which a reader tells.
    status_ = write_all(&header, sizeof(header));
    if (status_)
        status_ = write_all(stored.data(), stored.size());
    block_.clear();
    return status_;
}

Result<void> Writer::close() {
    auto ok = flush();
    if (fd_ >= 0 && ::close(fd_) != 0 && ok)
        ok = errno_error("-o " + path_, errno);
    fd_ = -1;
    return ok;
}

std::unique_ptr<Source> file_source(int fd) { return std::make_unique<FdSource>(fd); }
std::unique_ptr<Source> bytes_source(std::span<const uint8_t> bytes) { return std::make_unique<BytesSource>(bytes); }

Result<std::unique_ptr<Reader>> Reader::open(const std::string& path) {
    if (path == "-")
        return open(file_source(::dup(STDIN_FILENO)), "stdin");
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno_error(path, errno);
    return open(file_source(fd), path);
}

Result<std::unique_ptr<Reader>> Reader::open(std::unique_ptr<Source> source, const std::string& name) {
    std::unique_ptr<Reader> reader(new Reader(std::move(source), name));
    FileHeader header{};
    auto got = reader->source_->read(&header, sizeof(header));
    if (!got)
        return Error{name + ": " + got.error().message};
    if (*got < sizeof(header) || std::memcmp(header.magic, kMagic, sizeof(kMagic)) != 0)
        return Error{name + ": not a btrace recording (made by btrace record)"};
    if (header.version == 0)
        return Error{name + ": a damaged recording (format version 0)"};
    if (header.version > kFormatVersion)
        return Error{fmt::format("{}: recorded by a newer btrace (file format {}; this btrace {} reads up to {}): "
                                 "report it with that btrace or a later one",
                                 name, header.version, BTRACE_VERSION, kFormatVersion)};
    Frame frame{};
    auto more = reader->next(frame);
    if (!more)
        return more.error();
    if (!*more)
        return Error{name + ": the recording's header cannot be read: " +
                     (reader->end_.empty() ? "the file ends before it" : reader->end_)};
    if (frame.type != FrameType::Header)
        return Error{name + ": a damaged recording (its first frame is not its header)"};
    auto parsed = parse_header(std::string_view(reinterpret_cast<const char*>(frame.payload.data()),
                                                frame.payload.size()));
    if (!parsed)
        return Error{name + ": " + parsed.error().message};
    reader->header_ = std::move(*parsed);
    return reader;
}

Result<bool> Reader::next_block() {
    BlockHeader header{};
    auto got = source_->read(&header, sizeof(header));
    if (!got)
        return Error{name_ + ": " + got.error().message};
    if (*got == 0) {
        if (!counters_seen_)
            end_ = "it ends without its closing counters: the recording was cut short (killed, or the disk filled)";
        return false;
    }
    const auto cut = [&](std::string why) {
        end_ = std::move(why);
        return false;
    };
    if (*got < sizeof(header))
        return cut("it ends inside a block: the recording was cut short");
    if (std::memcmp(header.magic, kBlockMagic, sizeof(kBlockMagic)) != 0 || (header.flags & ~kBlockZstd) ||
        header.raw_size > kMaxBlockBytes || header.stored_size > kMaxBlockBytes)
        return cut("a damaged block");
    stored_.resize(header.stored_size);
    got = source_->read(stored_.data(), stored_.size());
    if (!got)
        return Error{name_ + ": " + got.error().message};
    if (*got < stored_.size())
        return cut("it ends inside a block: the recording was cut short");
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // the fuzzer cannot make checksums (tests/fuzz/fuzz_recording.cpp)
    if (static_cast<uint32_t>(crc32(0, stored_.data(), static_cast<uInt>(stored_.size()))) != header.crc)
        return cut("a damaged block (its checksum does not match)");
#endif
    if (header.flags & kBlockZstd) {
        block_.resize(header.raw_size);
        const std::size_t n = ZSTD_decompress(block_.data(), block_.size(), stored_.data(), stored_.size());
        if (ZSTD_isError(n) || n != header.raw_size)
            return cut("a damaged block (it does not decompress)");
    } else {
        if (header.raw_size != header.stored_size)
            return cut("a damaged block");
        block_.swap(stored_);
    }
    at_ = 0;
    return true;
}

Result<bool> Reader::next(Frame& frame) {
    while (at_ >= block_.size()) {
        if (!end_.empty())
            return false;
        auto more = next_block();
        if (!more || !*more)
            return more;
    }
    FrameHeader header{};
    if (block_.size() - at_ >= sizeof(header))
        std::memcpy(&header, block_.data() + at_, sizeof(header));
    if (block_.size() - at_ < sizeof(header) + std::size_t{header.size}) {
        end_ = "a damaged block (a frame cut short)";
        block_.clear();
        return false;
    }
    at_ += sizeof(header);
    frame.type = static_cast<FrameType>(header.type);
    frame.payload = std::span<const uint8_t>(block_).subspan(at_, header.size);
    at_ += header.size;
    if (frame.type == FrameType::Counters)
        counters_seen_ = true;
    return true;
}

std::vector<uint8_t> in_progress_payload(const btrace_syscall& rec, std::span<const uint8_t> payload_area,
                                         std::string_view note) {
    std::vector<uint8_t> payload;
    append(payload, static_cast<uint32_t>(note.size()));
    payload.insert(payload.end(), note.begin(), note.end());
    append(payload, rec);
    payload.insert(payload.end(), payload_area.begin(), payload_area.end());
    return payload;
}

bool parse_in_progress(std::span<const uint8_t> payload, InProgress& out) {
    uint32_t note_size;
    if (payload.size() < sizeof(note_size))
        return false;
    std::memcpy(&note_size, payload.data(), sizeof(note_size));
    payload = payload.subspan(sizeof(note_size));
    if (payload.size() < note_size + sizeof(out.rec))
        return false;
    out.note = std::string_view(reinterpret_cast<const char*>(payload.data()), note_size);
    std::memcpy(&out.rec, payload.data() + note_size, sizeof(out.rec));
    out.payload_area = payload.subspan(note_size + sizeof(out.rec));
    return true;
}

bool parse_fds(std::span<const uint8_t> payload, std::vector<SnapshotFd>& out) {
    while (!payload.empty()) {
        FdEntry entry;
        if (payload.size() < sizeof(entry))
            return false;
        std::memcpy(&entry, payload.data(), sizeof(entry));
        payload = payload.subspan(sizeof(entry));
        if (payload.size() < entry.name_size)
            return false;
        out.push_back({entry.tgid, entry.fd,
                       std::string(reinterpret_cast<const char*>(payload.data()), entry.name_size), entry.cloexec != 0,
                       state::FileId{entry.ino, entry.dev}});
        payload = payload.subspan(entry.name_size);
    }
    return true;
}

}  // namespace btrace::record
