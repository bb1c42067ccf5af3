// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "output/sink.h"

using btrace::output::Rotation;
using btrace::output::Sink;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "btrace-sink-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
}

// A 40-byte line: "line N" padded with dots, newline-terminated.
std::string line(int n) {
    std::string s = fmt::format("line {}", n);
    s.resize(39, '.');
    return s + '\n';
}

std::string lines(int from, int to) {
    std::string s;
    for (int n = from; n <= to; ++n)
        s += line(n);
    return s;
}

void write_line(Sink& sink, int n) {
    fmt::format_to(std::back_inserter(sink.buffer()), "{}", line(n));
    REQUIRE(sink.flush());
}

}  // namespace

TEST_CASE("sink rotates by size and keeps N old files", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string(), Rotation{100, 2});
    REQUIRE(sink);

    for (int n = 1; n <= 7; ++n) {
        write_line(*sink, n);
        CHECK_FALSE(fs::exists(out.string() + ".3"));
    }
    // 100 bytes hold two 40-byte lines: 1-2, 3-4, 5-6 went to rotated files,
    // and 1-2 fell off when 3-4 moved to .2.
    CHECK(slurp(out) == lines(7, 7));
    CHECK(slurp(out.string() + ".1") == lines(5, 6));
    CHECK(slurp(out.string() + ".2") == lines(3, 4));
    int files = 0;
    for ([[maybe_unused]] auto& entry : fs::directory_iterator(dir.path))
        ++files;
    CHECK(files == 3);
}

TEST_CASE("sink rotation is driven by flush_if_full below the batch size", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string(), Rotation{100, 1});
    REQUIRE(sink);
    write_line(*sink, 1);

    for (int n = 2; n <= 5; ++n) {
        fmt::format_to(std::back_inserter(sink->buffer()), "{}", line(n));
        REQUIRE(sink->flush_if_full());
    }
    REQUIRE(sink->flush());
    // Pending lines are never split: line 3 took the total past 100, so lines
    // 2-3 started a new file, which line 4 then rotated out.
    CHECK(slurp(out.string() + ".1") == lines(2, 3));
    CHECK(slurp(out) == lines(4, 5));
    CHECK_FALSE(fs::exists(out.string() + ".2"));
}

TEST_CASE("sink rotation with keep 0 truncates in place", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string(), Rotation{100, 0});
    REQUIRE(sink);

    for (int n = 1; n <= 3; ++n)
        write_line(*sink, n);
    CHECK(slurp(out) == lines(3, 3));
    CHECK_FALSE(fs::exists(out.string() + ".1"));
}

TEST_CASE("sink writes an oversized buffer whole into one file", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string(), Rotation{50, 1});
    REQUIRE(sink);

    fmt::format_to(std::back_inserter(sink->buffer()), "{}", lines(1, 3));
    REQUIRE(sink->flush());
    CHECK(slurp(out) == lines(1, 3));
    CHECK_FALSE(fs::exists(out.string() + ".1"));

    write_line(*sink, 4);
    CHECK(slurp(out.string() + ".1") == lines(1, 3));
    CHECK(slurp(out) == lines(4, 4));
}

TEST_CASE("sink without rotation never rotates", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string());
    REQUIRE(sink);

    for (int n = 1; n <= 10; ++n)
        write_line(*sink, n);
    CHECK(slurp(out) == lines(1, 10));
    CHECK_FALSE(fs::exists(out.string() + ".1"));
}

TEST_CASE("sink reopen after a logrotate-style rename starts a new file", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string());
    REQUIRE(sink);

    write_line(*sink, 1);
    fmt::format_to(std::back_inserter(sink->buffer()), "{}", line(2));  // still buffered
    fs::rename(out, dir.path / "out.txt.old");
    REQUIRE(sink->reopen());
    write_line(*sink, 3);

    // The buffered line belongs to the old file: it was formatted before the signal.
    CHECK(slurp(dir.path / "out.txt.old") == lines(1, 2));
    CHECK(slurp(out) == lines(3, 3));
}

TEST_CASE("sink reopen appends and counts the existing size toward rotation", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto sink = Sink::open(out.string(), Rotation{100, 1});
    REQUIRE(sink);

    spit(out, lines(1, 2));  // e.g. written by someone else meanwhile
    REQUIRE(sink->reopen());
    write_line(*sink, 3);  // 80 + 40 > 100: rotates rather than appending
    CHECK(slurp(out.string() + ".1") == lines(1, 2));
    CHECK(slurp(out) == lines(3, 3));

    REQUIRE(sink->reopen());
    write_line(*sink, 4);
    CHECK(slurp(out) == lines(3, 4));
}

TEST_CASE("sink open refuses a symlink", "[sink]") {
    TempDir dir;
    const fs::path target = dir.path / "target";
    const fs::path link = dir.path / "link";
    spit(target, "keep me\n");
    fs::create_symlink(target, link);

    auto sink = Sink::open(link.string());
    REQUIRE_FALSE(sink);
    CHECK(sink.error().message == "-o " + link.string() + ": is a symbolic link; give the real path");
    CHECK(slurp(target) == "keep me\n");
}

TEST_CASE("sink reopen refuses a symlink planted after open", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    const fs::path target = dir.path / "target";
    auto sink = Sink::open(out.string());
    REQUIRE(sink);
    spit(target, "keep me\n");
    fs::remove(out);
    fs::create_symlink(target, out);

    auto ok = sink->reopen();
    REQUIRE_FALSE(ok);
    CHECK(ok.error().message == "reopening " + out.string() + ": is a symbolic link; give the real path");
    CHECK(slurp(target) == "keep me\n");
}

TEST_CASE("sink open errors name the path: a missing directory, a directory with or without a slash", "[sink]") {
    TempDir dir;
    const std::pair<std::string, std::string> cases[] = {
        {(dir.path / "missing" / "out.txt").string(), "No such file or directory"},
        {dir.path.string(), "Is a directory"},
        {dir.path.string() + "/", "Is a directory"},
    };
    for (const auto& [path, why] : cases) {
        auto sink = Sink::open(path);
        REQUIRE_FALSE(sink);
        CHECK(sink.error().message == "-o " + path + ": " + why);
    }
}

TEST_CASE("sink rotation errors name the path", "[sink]") {
    TempDir dir;
    const fs::path sub = dir.path / "sub";
    fs::create_directory(sub);
    const fs::path out = sub / "out.txt";
    auto sink = Sink::open(out.string(), Rotation{50, 0});
    REQUIRE(sink);
    write_line(*sink, 1);

    fs::remove_all(sub);  // the reopen after rotation has nowhere to go
    fmt::format_to(std::back_inserter(sink->buffer()), "{}", line(2));
    auto ok = sink->flush();
    REQUIRE_FALSE(ok);
    CHECK(ok.error().message == "rotating " + out.string() + ": No such file or directory");
}

TEST_CASE("sink reopen of stderr is a no-op", "[sink]") {
    auto sink = Sink::open("");
    REQUIRE(sink);
    CHECK(sink->reopen());
    CHECK(::fcntl(STDERR_FILENO, F_GETFD) >= 0);  // still open
    auto out = Sink::stdout_sink();
    CHECK(out.reopen());
}

TEST_CASE("sink survives a move with its rotation state", "[sink]") {
    TempDir dir;
    const fs::path out = dir.path / "out.txt";
    auto opened = Sink::open(out.string(), Rotation{100, 1});
    REQUIRE(opened);
    write_line(*opened, 1);
    write_line(*opened, 2);
    Sink moved(std::move(*opened));
    write_line(moved, 3);
    CHECK(slurp(out.string() + ".1") == lines(1, 2));
    CHECK(slurp(out) == lines(3, 3));
}

TEST_CASE("sink on a FIFO with a reader writes to it", "[sink]") {
    TempDir dir;
    const fs::path fifo = dir.path / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    auto sink = Sink::open(fifo.string());
    REQUIRE(sink);
    write_line(*sink, 1);
    char buf[64] = {};
    CHECK(::read(reader, buf, sizeof(buf)) == 40);
    CHECK(std::string(buf, 40) == line(1));
    ::close(reader);
}
