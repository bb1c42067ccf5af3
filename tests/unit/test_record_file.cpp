// SPDX-License-Identifier: Apache-2.0
// btrace record's file: frames come back as written, compressed or not; a
// file cut anywhere reads up to its last whole block and says so; a newer
// format is refused with one line.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "cli/options.h"
#include "output/sink.h"
#include "record/file.h"
#include "record/recording.h"
#include "record/report.h"
#include "records.h"

using namespace btrace::record;
namespace fs = std::filesystem;

namespace {

struct TempFile {
    std::string path;
    TempFile() {
        std::string tmpl = (fs::temp_directory_path() / "btrace-record-XXXXXX").string();
        const int fd = ::mkstemp(tmpl.data());
        REQUIRE(fd >= 0);
        ::close(fd);
        path = tmpl;
    }
    ~TempFile() { fs::remove(path); }
    std::vector<uint8_t> bytes() const {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
};

Header sample_header() {
    Header h;
    h.btrace_version = "0.1.0";
    h.arch = "x86_64";
    h.syscall_table = 0x0123456789abcdefull;
    h.kernel_release = "6.1.0-test";
    h.hostname = "host";
    h.command_line = "btrace record -o 'a\nb\\c' -- true";  // a newline and a backslash survive
    h.start_ns = 123456789;
    h.realtime_offset_ns = -42;
    h.string_max = 32;
    h.sched = true;
    return h;
}

std::vector<uint8_t> record_of(uint32_t tid, std::size_t size) {
    std::vector<uint8_t> rec(size);
    for (std::size_t i = 0; i < size; ++i)
        rec[i] = static_cast<uint8_t>(tid + i);
    return rec;
}

// Writes the header, fds, `records` records of 200 bytes and the counters, in blocks.
void write_sample(const std::string& path, bool compress, int records) {
    auto writer = Writer::create(path, compress);
    REQUIRE(writer);
    (*writer)->frame(FrameType::Header, header_text(sample_header()));
    const std::vector<SnapshotFd> fds = {{7, 3, "/etc/passwd", true, {99, 2049}}, {7, 4, "TCP 1.2.3.4:5->6.7.8.9:10", false, {}}};
    (*writer)->fds(fds);
    for (int i = 0; i < records; ++i)
        (*writer)->frame(FrameType::Record, record_of(static_cast<uint32_t>(i), 200));
    Counters counters;
    counters.lost_calls = 5;
    counters.lost_by_syscall = {{0, 3}, {257, 2}};
    (*writer)->frame(FrameType::Counters, counters_text(counters));
    REQUIRE((*writer)->close());
}

struct ReadBack {
    Header header;
    std::vector<SnapshotFd> fds;
    std::vector<std::vector<uint8_t>> records;
    bool counters = false;
    std::string end_note;
};

ReadBack read_back(std::span<const uint8_t> bytes) {
    auto reader = Reader::open(bytes_source(bytes), "test");
    REQUIRE(reader);
    ReadBack out;
    out.header = (*reader)->header();
    Frame frame{};
    for (;;) {
        auto more = (*reader)->next(frame);
        REQUIRE(more);
        if (!*more)
            break;
        if (frame.type == FrameType::Record)
            out.records.emplace_back(frame.payload.begin(), frame.payload.end());
        else if (frame.type == FrameType::FdSnapshot)
            REQUIRE(parse_fds(frame.payload, out.fds));
        else if (frame.type == FrameType::Counters) {
            auto counters = parse_counters(std::string_view(reinterpret_cast<const char*>(frame.payload.data()),
                                                            frame.payload.size()));
            REQUIRE(counters);
            CHECK(counters->lost_calls == 5);
            CHECK(counters->lost_by_syscall == std::vector<std::pair<long, uint64_t>>{{0, 3}, {257, 2}});
            out.counters = true;
        }
    }
    out.end_note = (*reader)->end_note();
    return out;
}

}  // namespace

TEST_CASE("a recording reads back frame for frame, compressed or not", "[record]") {
    for (const bool compress : {true, false}) {
        TempFile file;
        write_sample(file.path, compress, 20000);  // ~4 MiB: several blocks
        const auto bytes = file.bytes();
        const auto back = read_back(bytes);
        CHECK(back.header.command_line == sample_header().command_line);
        CHECK(back.header.start_ns == 123456789);
        CHECK(back.header.realtime_offset_ns == -42);
        CHECK(back.header.syscall_table == 0x0123456789abcdefull);
        CHECK(back.header.sched);
        REQUIRE(back.fds.size() == 2);
        CHECK(back.fds[0].name == "/etc/passwd");
        CHECK(back.fds[0].cloexec);
        CHECK(back.fds[0].file == btrace::state::FileId{99, 2049});
        CHECK(back.fds[1].fd == 4);
        REQUIRE(back.records.size() == 20000);
        CHECK(back.records[12345] == record_of(12345, 200));
        CHECK(back.counters);
        CHECK(back.end_note.empty());
        if (compress)
            CHECK(bytes.size() < 20000 * 200 / 4);  // the records repeat: zstd makes them small
    }
}

TEST_CASE("a recording cut anywhere reads up to its last whole block and says it was cut", "[record]") {
    TempFile file;
    write_sample(file.path, false, 12000);  // ~2.4 MiB: blocks of 1 MiB, the last ~0.4 MiB
    const auto bytes = file.bytes();
    std::size_t previous = 0;
    // Every cut in the last 64K (the tail block and the end), and one in the middle.
    for (std::size_t size = bytes.size() - 1; size > bytes.size() - 65536; size -= 257) {
        const auto back = read_back(std::span(bytes).first(size));
        CHECK_FALSE(back.end_note.empty());
        CHECK_FALSE(back.counters);
        // Whole blocks only: each record intact, in order.
        for (std::size_t i = 0; i < back.records.size(); i += 997)
            REQUIRE(back.records[i] == record_of(static_cast<uint32_t>(i), 200));
        CHECK(back.records.size() < 12000);
        previous = std::max(previous, back.records.size());
    }
    CHECK(previous > 0);
    const auto half = read_back(std::span(bytes).first(bytes.size() / 2));
    CHECK(half.records.size() > 0);
    CHECK(half.end_note.find("cut short") != std::string::npos);
}

TEST_CASE("a damaged block ends the reading there, with a note", "[record]") {
    TempFile file;
    write_sample(file.path, false, 12000);
    auto bytes = file.bytes();
    bytes[bytes.size() / 2] ^= 0xff;  // inside a stored block: its checksum no longer matches
    const auto back = read_back(bytes);
    CHECK(back.end_note.find("checksum") != std::string::npos);
    CHECK(back.records.size() < 12000);
    CHECK_FALSE(back.counters);
}

TEST_CASE("a recording from a newer btrace, or not a recording, is refused in one line", "[record]") {
    TempFile file;
    write_sample(file.path, true, 10);
    auto bytes = file.bytes();
    bytes[8] = static_cast<uint8_t>(kFormatVersion + 1);  // the version follows the 8-byte magic
    auto newer = Reader::open(bytes_source(bytes), "new.btr");
    REQUIRE_FALSE(newer);
    CHECK(newer.error().message.find("new.btr: recorded by a newer btrace (file format 2") == 0);
    CHECK(newer.error().message.find('\n') == std::string::npos);

    const std::string text = "PRETTY_NAME=\"Debian\"\n";
    auto other = Reader::open(bytes_source(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())),
                              "os-release");
    REQUIRE_FALSE(other);
    CHECK(other.error().message == "os-release: not a btrace recording (made by btrace record)");
    auto empty = Reader::open(bytes_source({}), "empty");
    REQUIRE_FALSE(empty);
}

TEST_CASE("a recording's header keeps unknown keys out of the way and refuses bad values", "[record]") {
    auto parsed = parse_header(header_text(sample_header()) + "added_by_a_later_btrace=1\n");
    REQUIRE(parsed);
    CHECK(parsed->hostname == "host");
    CHECK_FALSE(parse_header("arch=x86_64\nstart_ns=12x\n"));
    CHECK_FALSE(parse_header("arch=x86_64\n"));  // no start time
    CHECK_FALSE(parse_counters("lost_by_syscall=1:2,3\n"));
}

TEST_CASE("a call in flight at attach goes into a frame and comes back whole", "[record]") {
    btrace_syscall rec{};
    rec.hdr.tid = 77;
    rec.nr = 0;
    rec.args[0] = 3;
    const std::vector<uint8_t> area = {1, 2, 3, 4, 5, 6, 7, 8};
    const auto payload = in_progress_payload(rec, area, "... in progress when tracing started");
    InProgress back{};
    REQUIRE(parse_in_progress(payload, back));
    CHECK(back.rec.hdr.tid == 77);
    CHECK(back.rec.args[0] == 3);
    CHECK(back.note == "... in progress when tracing started");
    CHECK(std::vector<uint8_t>(back.payload_area.begin(), back.payload_area.end()) == area);
    for (std::size_t cut = 0; cut < payload.size() - area.size(); ++cut)
        CHECK_FALSE(parse_in_progress(std::span(payload).first(cut), back));
}

TEST_CASE("recordings keep the record layouts of their format version", "[record]") {
    // Records are stored as the kernel side makes them (include/btrace/event.h).
    // A change to their layout is a change to the file format: when this fails,
    // raise kFormatVersion (docs/record-format.md) and update what it checks.
    STATIC_REQUIRE(kFormatVersion == 1);
    CHECK(sizeof(btrace_hdr) == 40);
    CHECK(sizeof(btrace_syscall) == 112);
    CHECK(sizeof(btrace_exit) == 48);
    CHECK(sizeof(btrace_signal) == 96);
    CHECK(sizeof(btrace_fork) == 48);
    CHECK(sizeof(btrace_loss) == 96);
    CHECK(sizeof(btrace_payload) == 8);
    CHECK(sizeof(btrace_sched) == 56);
    CHECK(sizeof(btrace_fd_desc) == 72);
    CHECK(BTRACE_REC_LOSS == 5);
    CHECK(BTRACE_CAP_PASSED_IN == 20);
    CHECK(BTRACE_PAYLOAD_KERNEL_STACK == 0x89);
}

TEST_CASE("a process with very many fds is snapshot in frames a reader takes", "[record]") {
    TempFile file;
    std::vector<SnapshotFd> fds;
    for (int fd = 0; fd < 200000; ++fd)  // ~10 MiB of entries: more than a block
        fds.push_back({42, fd, "/a/path/of/about/forty/characters/" + std::to_string(fd), false, {}});
    {
        auto writer = Writer::create(file.path, true);
        REQUIRE(writer);
        (*writer)->frame(FrameType::Header, header_text(sample_header()));
        (*writer)->fds(fds);
        REQUIRE((*writer)->close());
    }
    const auto bytes = file.bytes();
    const auto back = read_back(bytes);
    REQUIRE(back.fds.size() == fds.size());
    CHECK(back.fds.back().name == fds.back().name);
}

TEST_CASE("an empty block reads as no frames", "[record]") {
    TempFile file;
    write_sample(file.path, false, 0);
    auto bytes = file.bytes();
    // After the header's block: an empty block, then the rest.
    const uint8_t empty[20] = {'B', 'L', 'K', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    const std::size_t first_block_end = 16 + 20 + (bytes[16 + 8] | bytes[16 + 9] << 8 | bytes[16 + 10] << 16);
    bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(first_block_end), std::begin(empty), std::end(empty));
    const auto back = read_back(bytes);
    CHECK(back.counters);
    CHECK(back.end_note.empty());
}

namespace {

// What report prints of a recording: tgid 7 listed at attach with fd 3, its
// reads of fds 3 and 5, and tgid 9's read of fd 4 (a process no listing had).
std::string reported_fds(bool system_wide) {
    TempFile file, out;
    auto writer = Writer::create(file.path, true);
    REQUIRE(writer);
    Header header;
    header.btrace_version = "test";
    header.arch = std::string(this_arch());
    header.syscall_table = syscall_table_hash();
    header.start_ns = test::kOrigin;
    header.system_wide = system_wide;
    (*writer)->frame(FrameType::Header, header_text(header));
    (*writer)->fds(std::vector<SnapshotFd>{{7, 3, "/etc/passwd", false, {}}});
    for (const auto& [tgid, fd] : {std::pair<uint32_t, int>{7, 3}, {7, 5}, {9, 4}}) {
        const auto rec = test::make_call("read", 1, {static_cast<uint64_t>(fd), 0, 1}, {.tgid = tgid, .tid = tgid});
        (*writer)->frame(FrameType::Record,
                         std::span(reinterpret_cast<const uint8_t*>(&rec), sizeof(rec)));
    }
    (*writer)->frame(FrameType::Counters, counters_text({}));
    REQUIRE((*writer)->close());
    auto reader = Reader::open(file.path);
    REQUIRE(reader);
    auto sink = btrace::output::Sink::open(out.path);
    REQUIRE(sink);
    btrace::cli::Options opts;
    opts.command = {file.path};
    REQUIRE(report(**reader, opts, *sink, "test"));
    REQUIRE(sink->flush());
    const auto bytes = out.bytes();
    return {bytes.begin(), bytes.end()};
}

}  // namespace

TEST_CASE("report marks unknown the fds a system-wide recording's listing missed, never a bare number",
          "[record]") {
    // Opened between the listing and the attach, or by a process started then:
    // live -a reads /proc; report has none of that host.
    const std::string wide = reported_fds(true);
    INFO(wide);
    CHECK(wide.find("read(fd: 3</etc/passwd>,") != std::string::npos);
    CHECK(wide.find("read(fd: 5<?>,") != std::string::npos);
    CHECK(wide.find("read(fd: 4<?>,") != std::string::npos);
    // Recorded from its start or -p: every fd is listed or seen opened, so one not is not open.
    const std::string listed = reported_fds(false);
    INFO(listed);
    CHECK(listed.find("read(fd: 3</etc/passwd>,") != std::string::npos);
    CHECK(listed.find("read(fd: 5,") != std::string::npos);
}
