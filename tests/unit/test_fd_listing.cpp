// SPDX-License-Identifier: Apache-2.0
// --fds: /proc/PID/maps lines, and the lsof-like listing as text and JSON.
#include <catch2/catch.hpp>

#include <string>

#include "output/fd_listing.h"
#include "state/open_files.h"

using namespace btrace;

TEST_CASE("maps lines: file mappings with their device and inode, nothing else", "[fds]") {
    const auto libc = state::parse_maps_line(
        "7f2a1c000000-7f2a1c021000 r--p 00000000 fe:00 332835                     /usr/lib/x86_64-linux-gnu/libc.so.6");
    REQUIRE(libc);
    CHECK(libc->path == "/usr/lib/x86_64-linux-gnu/libc.so.6");
    CHECK(libc->device == std::pair<unsigned, unsigned>{254, 0});
    CHECK(libc->inode == 332835);
    const auto deleted = state::parse_maps_line("7f2a1c000000-7f2a1c021000 r--s 00000000 00:01 42 /memfd:x (deleted)");
    REQUIRE(deleted);  // lsof lists it too (as DEL)
    CHECK(deleted->path == "/memfd:x (deleted)");
    CHECK(state::parse_maps_line("7ffd1000-7ffd2000 rw-p 00000000 00:00 0                          [stack]") == std::nullopt);
    CHECK(state::parse_maps_line("7f000000-7f001000 rw-p 00000000 00:00 0 ") == std::nullopt);
    CHECK(state::parse_maps_line("7f000000-7f001000 rw-p 00000000 zz:00 5 /x") == std::nullopt);
    CHECK(state::parse_maps_line("garbage") == std::nullopt);
    const auto spaced = state::parse_maps_line("1000-2000 r-xp 00000000 08:01 7 /tmp/a b");
    REQUIRE(spaced);
    CHECK(spaced->path == "/tmp/a b");
}

namespace {

output::ProcessFiles sample() {
    state::OpenFile cwd{"cwd", 0, "DIR", std::pair{254u, 0u}, 4096, std::nullopt, 2, std::nullopt, "/"};
    state::OpenFile mem{"mem", 0, "REG", std::pair{254u, 0u}, 1926232, std::nullopt, 332835, std::nullopt,
                        "/usr/lib/libc.so.6"};
    state::OpenFile file{"3", 'r', "REG", std::pair{254u, 0u}, 3, 1, 131, true, "/etc/host\nname"};
    state::OpenFile tty{"10", 'u', "CHR", std::pair{136u, 0u}, 0, 0, 3, false, "/dev/pts/0"};
    state::OpenFile pipe{"251", 'w', "FIFO", std::pair{0u, 15u}, 0, 12, 896550, true, "pipe:[896550]"};
    return {42, "c\"at", {cwd, mem, file, tty, pipe}};
}

}  // namespace

TEST_CASE("fds listing as text: lsof's columns, aligned, sizes of files and offsets of the rest, names escaped", "[fds]") {
    const output::ProcessFiles processes[] = {sample()};
    fmt::memory_buffer out;
    output::format_fd_listing(processes, false, out);
    CHECK(fmt::to_string(out) ==
          "COMMAND PID   FD TYPE DEVICE SIZE/OFF   NODE CLOEXEC NAME\n"
          "c\\\"at    42  cwd DIR   254,0     4096      2         /\n"
          "c\\\"at    42  mem REG   254,0  1926232 332835         /usr/lib/libc.so.6\n"
          "c\\\"at    42   3r REG   254,0        3    131 yes     /etc/host\\nname\n"
          "c\\\"at    42  10u CHR   136,0      0t0      3 no      /dev/pts/0\n"
          "c\\\"at    42 251w FIFO   0,15     0t12 896550 yes     pipe:[896550]\n");
}

TEST_CASE("fds listing as JSON: one array of objects with the same fields, null where a field does not apply", "[fds][json]") {
    const output::ProcessFiles processes[] = {sample()};
    fmt::memory_buffer out;
    output::format_fd_listing(processes, true, out);
    const std::string text = fmt::to_string(out);
    CHECK(text.starts_with(
        R"([{"command":"c\\\"at","pid":42,"fd":"cwd","mode":null,"type":"DIR","device":"254,0","size":4096,"offset":null,"node":2,"cloexec":null,"name":"/"},)"));
    CHECK(text.find(
              R"({"command":"c\\\"at","pid":42,"fd":"3","mode":"r","type":"REG","device":"254,0","size":3,"offset":1,"node":131,"cloexec":true,"name":"/etc/host\\nname"})") !=
          std::string::npos);
    CHECK(text.ends_with("}]\n"));
    CHECK(text.find('\n') == text.size() - 1);
}
