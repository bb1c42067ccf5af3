// SPDX-License-Identifier: Apache-2.0
// -k: a process's mappings kept from its own calls, and the unwinder, run on
// this test's own stack (no root, no BPF).
#include <catch2/catch.hpp>

#include <elf.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "records.h"
#include "stack/mappings.h"
#include "stack/perf_map.h"
#include "stack/unwinder.h"
#include "state/fd_table.h"

using btrace::stack::Mappings;

namespace {

using File = std::tuple<std::string, uint64_t, uint64_t>;

std::vector<File> files_of(const Mappings& mappings, uint32_t tgid) {
    std::vector<File> files;
    mappings.for_each_file(tgid, [&](const btrace::stack::MappedFile& file, uint64_t low, uint64_t high) {
        files.emplace_back(file.path, low, high);
    });
    return files;
}

void follow(Mappings& mappings, const btrace_syscall& rec, const btrace::state::FdTable& fds,
            const std::vector<uint8_t>& area = {}) {
    btrace::decode::Payloads payloads;
    btrace::decode::split_payloads(area, payloads);
    mappings.follow(rec, payloads, fds);
}

// Where this process's file at path starts and ends, from /proc/self/maps.
std::pair<uint64_t, uint64_t> mapped_range(const std::string& path) {
    std::ifstream in("/proc/self/maps");
    std::string line;
    uint64_t low = 0, high = 0;
    while (std::getline(in, line)) {
        if (line.size() < path.size() || line.compare(line.size() - path.size(), path.size(), path) != 0)
            continue;
        const uint64_t start = std::stoull(line.substr(0, line.find('-')), nullptr, 16);
        const uint64_t end = std::stoull(line.substr(line.find('-') + 1), nullptr, 16);
        low = low ? std::min(low, start) : start;
        high = std::max(high, end);
    }
    return {low, high};
}

std::string self_exe() {
    char buf[PATH_MAX];
    return realpath("/proc/self/exe", buf);
}

}  // namespace

TEST_CASE("mappings: mmap of a named fd, munmap and mremap cut and move regions", "[stack]") {
    btrace::state::FdTable fds;
    fds.set(7, 3, "/usr/lib/libx.so", false);
    Mappings mappings;
    mappings.map(7, 0x1000, 0x2000, 0, "/bin/exe");  // as if from execve
    follow(mappings, test::make_call("mmap", 0x10000, {0, 0x5000, PROT_READ, MAP_PRIVATE, 3, 0}), fds);
    // An anonymous mapping and an fd with no path add nothing.
    follow(mappings, test::make_call("mmap", 0x20000, {0, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, ~0ull, 0}),
           fds);
    CHECK(files_of(mappings, 7) == std::vector<File>{{"/bin/exe", 0x1000, 0x2000}, {"/usr/lib/libx.so", 0x10000, 0x15000}});

    // The loader's MAP_FIXED anonymous .bss over the file's tail, then an unmap of its middle.
    follow(mappings,
           test::make_call("mmap", 0x14000, {0x14000, 0x1000, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, ~0ull, 0}),
           fds);
    follow(mappings, test::make_call("munmap", 0, {0x11000, 0x1000}), fds);
    // Its two parts are one file still, from its first byte to its last.
    CHECK(files_of(mappings, 7) == std::vector<File>{{"/bin/exe", 0x1000, 0x2000}, {"/usr/lib/libx.so", 0x10000, 0x14000}});
    // A failed call changes nothing.
    follow(mappings, test::make_call("munmap", -22, {0x10000, 0x4000}), fds);
    CHECK(files_of(mappings, 7).size() == 2);

    // Moved and grown: the file is at its new place only.
    follow(mappings, test::make_call("mremap", 0x40000, {0x1000, 0x1000, 0x3000, 1, 0}), fds);
    CHECK(files_of(mappings, 7) == std::vector<File>{{"/usr/lib/libx.so", 0x10000, 0x14000}, {"/bin/exe", 0x40000, 0x43000}});

    const uint64_t before = mappings.generation(7);
    mappings.fork(7, 8);
    CHECK(files_of(mappings, 8) == files_of(mappings, 7));
    follow(mappings, test::make_call("munmap", 0, {0, 0x100000}), fds);
    CHECK(files_of(mappings, 7).empty());
    CHECK(mappings.generation(7) != before);
    CHECK(files_of(mappings, 8).size() == 2);
    mappings.exit(8);
    CHECK(!mappings.knows(8));
}

TEST_CASE("mappings: after a loss they are read again, and calls made before that are doubtful", "[stack]") {
    const auto self = static_cast<uint32_t>(getpid());
    Mappings mappings;
    mappings.map(self, 0x1000, 0x2000, 0, "/usr/lib/gone.so");  // what a lost munmap took away
    CHECK(!mappings.doubtful(self, 5));
    mappings.lose(self, 1000);
    const auto files = files_of(mappings, self);
    CHECK(std::find_if(files.begin(), files.end(), [](const File& f) { return std::get<0>(f) == "/usr/lib/gone.so"; }) ==
          files.end());
    CHECK(std::find_if(files.begin(), files.end(), [](const File& f) { return std::get<0>(f) == self_exe(); }) != files.end());
    CHECK(mappings.doubtful(self, 999));
    CHECK(!mappings.doubtful(self, 1000));
    // A process gone by then has none: its frames are unknown, never another's.
    const uint32_t gone = 0x3fffffff;  // above pid_max
    mappings.map(gone, 0x1000, 0x2000, 0, "/usr/lib/gone.so");
    mappings.lose_all(2000);
    CHECK(files_of(mappings, gone).empty());
    CHECK(mappings.doubtful(gone, 1999));
}

TEST_CASE("mappings: a part of a file mapped again elsewhere is not taken for the file", "[stack]") {
    Mappings mappings;
    // node: its image at its base, segments adjacent or at the same base ...
    mappings.map(5, 0x400000, 0x500000, 0, "/usr/bin/node");
    mappings.map(5, 0x500000, 0x600000, 0x100000, "/usr/bin/node");
    mappings.map(5, 0x700000, 0x710000, 0x300000, "/usr/bin/node");
    // ... and V8's copy of its builtins far away, whose first byte is not the file's.
    mappings.map(5, 0x7f0000000000, 0x7f0000100000, 0x14c4000, "/usr/bin/node");
    CHECK(files_of(mappings, 5) == std::vector<File>{{"/usr/bin/node", 0x400000, 0x710000}});
}

TEST_CASE("mappings: a module path that names a FIFO or a device is not opened to be read", "[stack]") {
    const std::string fifo = "/tmp/btrace-unit-fifo-" + std::to_string(getpid());
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(btrace::stack::open_regular_file(fifo.c_str()) == -1);  // no writer: a plain open would block
    std::remove(fifo.c_str());
    CHECK(btrace::stack::open_regular_file("/dev/zero") == -1);
    const int fd = btrace::stack::open_regular_file("/proc/self/exe");
    CHECK(fd >= 0);
    close(fd);
}

TEST_CASE("perf maps: JIT code named from /tmp/perf-PID.map, read again as it grows", "[stack]") {
    const uint32_t tgid = 4100000 + static_cast<uint32_t>(getpid() % 1000);  // above any pid
    const std::string path = "/tmp/perf-" + std::to_string(tgid) + ".map";
    {
        std::ofstream out(path);
        out << "7f0000001000 100 JS:*hot /tmp/a.js:2:17\n" << "garbage line\n" << "7f0000002000 20 LazyCompile:~cold\n";
    }
    btrace::stack::PerfMaps maps;
    const auto* hot = maps.find(tgid, 0x7f0000001010);
    REQUIRE(hot);
    CHECK(hot->name == "JS:*hot /tmp/a.js:2:17");
    CHECK(hot->start == 0x7f0000001000);
    CHECK(!maps.find(tgid, 0x7f0000001100));  // past its size
    CHECK(maps.path(tgid) == path);
    {
        std::ofstream out(path, std::ios::app);  // recompiled in place, and a new function
        out << "7f0000001000 80 JS:*hot2\n" << "7f0000003000 10 JS:new\n";
    }
    REQUIRE(maps.find(tgid, 0x7f0000003004));
    CHECK(maps.find(tgid, 0x7f0000003004)->name == "JS:new");
    CHECK(maps.find(tgid, 0x7f0000001010)->name == "JS:*hot2");
    std::remove(path.c_str());
    CHECK(!maps.find(tgid + 1, 0x7f0000001010));
}

TEST_CASE("mappings: an execve maps its image and interpreter where the auxv says", "[stack]") {
    const std::string exe = self_exe();
    btrace::stack::LoadedImage image;
    REQUIRE(btrace::stack::loaded_image(exe, getauxval(AT_PHDR), 0, image));
    const auto [low, high] = mapped_range(exe);
    CHECK(image.start == low);
    CHECK(image.end >= high - 0x1000);
    CHECK(image.interpreter.find("ld-linux") != std::string::npos);

    // The execve record's payloads: the image as a description, the auxv.
    btrace_fd_desc desc{};
    desc.fd = -1;
    desc.kind = BTRACE_FD_FILE;
    std::string components;  // leaf first, each NUL-terminated
    for (std::string rest = exe; !rest.empty() && rest != "/";) {
        const auto slash = rest.rfind('/');
        components += rest.substr(slash + 1) + '\0';
        rest.erase(slash);
    }
    desc.name_len = static_cast<uint16_t>(components.size());
    std::string exe_bytes(reinterpret_cast<const char*>(&desc), sizeof(desc));
    exe_bytes += components;
    const uint64_t auxv[] = {AT_PHDR, getauxval(AT_PHDR), AT_BASE, getauxval(AT_BASE), AT_NULL, 0};
    std::vector<uint8_t> area;
    test::append_payload(area, BTRACE_PAYLOAD_EXE, BTRACE_CAP_FD_DESC, exe_bytes, 0, 1);
    test::append_payload(area, BTRACE_PAYLOAD_AUXV, 0, std::string_view(reinterpret_cast<const char*>(auxv), sizeof(auxv)));
    btrace::state::FdTable fds;
    Mappings mappings;
    mappings.map(9, 0x1000, 0x2000, 0, "/old/image");
    follow(mappings, test::make_call("execve", 0, {0, 0, 0}, {.tgid = 9, .tid = 9}), fds, area);
    const auto files = files_of(mappings, 9);
    REQUIRE(files.size() == 2);
    const auto& first = std::get<0>(files[0]) == exe ? files[0] : files[1];
    const auto& second = std::get<0>(files[0]) == exe ? files[1] : files[0];
    CHECK(std::get<0>(first) == exe);
    CHECK(std::get<1>(first) == low);
    CHECK(std::get<0>(second) == image.interpreter);
    CHECK(std::get<1>(second) == mapped_range(image.interpreter).first);
}

#if defined(__x86_64__)
namespace {

// Raw bytes of this thread's stack, frames and all, as the kernel side reads
// them: not through an instrumented memcpy (AddressSanitizer poisons the
// redzones between locals).
__attribute__((noinline, no_sanitize("address"))) void copy_raw(uint8_t* to, const volatile uint8_t* from, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        to[i] = from[i];
}

// This thread's registers and the top of its stack, as the kernel side takes
// them at a call: rip here, rsp and the callee-saved registers as they are.
// Where this (main) thread's stack mapping ends: a copy must stop there.
uint64_t stack_end() {
    std::ifstream in("/proc/self/maps");
    std::string line;
    while (std::getline(in, line))
        if (line.find("[stack]") != std::string::npos)
            return std::stoull(line.substr(line.find('-') + 1), nullptr, 16);
    return 0;
}

__attribute__((noinline)) void take_stack(btrace_user_stack& regs, std::vector<uint8_t>& copy, std::size_t copy_bytes) {
    uint64_t ip, sp, bp, bx, r12, r13, r14, r15;
    asm volatile("lea 0(%%rip), %0\n\tmov %%rsp, %1\n\tmov %%rbp, %2\n\tmov %%rbx, %3\n\t"
                 "mov %%r12, %4\n\tmov %%r13, %5\n\tmov %%r14, %6\n\tmov %%r15, %7"
                 : "=r"(ip), "=m"(sp), "=m"(bp), "=m"(bx), "=m"(r12), "=m"(r13), "=m"(r14), "=m"(r15));
    regs = btrace_user_stack{};
    regs.regs[3] = bx;
    regs.regs[6] = bp;
    regs.regs[7] = sp;
    regs.regs[12] = r12;
    regs.regs[13] = r13;
    regs.regs[14] = r14;
    regs.regs[15] = r15;
    regs.regs[16] = ip;
    regs.sp = sp;
    copy.resize(std::min<uint64_t>(copy_bytes, stack_end() - sp));
    copy_raw(copy.data(), reinterpret_cast<const volatile uint8_t*>(sp), copy.size());
}

// This process's startstack (/proc/self/stat field 28), as the kernel side sends it.
uint64_t own_start_stack() {
    std::ifstream stat("/proc/self/stat");
    std::string fields;
    std::getline(stat, fields);
    std::istringstream after(fields.substr(fields.rfind(')') + 1));
    std::string field;
    for (int i = 3; i <= 28 && after >> field; ++i) {
    }
    return std::stoull(field);
}

__attribute__((noinline)) std::vector<std::string> unwind_here(Mappings& mappings, uint64_t start_stack,
                                                                std::size_t copy_bytes) {
    btrace_user_stack regs;
    std::vector<uint8_t> copy;
    take_stack(regs, copy, copy_bytes);
    regs.start_stack = start_stack;
    std::string bytes(reinterpret_cast<const char*>(&regs), sizeof(regs));
    bytes.append(copy.begin(), copy.end());
    std::vector<uint8_t> area;
    test::append_payload(area, BTRACE_PAYLOAD_USER_STACK, 0, bytes, BTRACE_PAYLOAD_TRUNCATED, 17);
    btrace::decode::Payloads payloads;
    REQUIRE(btrace::decode::split_payloads(area, payloads));
    btrace_hdr hdr{};
    hdr.tgid = static_cast<uint32_t>(getpid());
    hdr.tid = static_cast<uint32_t>(gettid());
    btrace::stack::Unwinder unwinder(mappings);
    btrace::stack::Stack stack;
    unwinder.unwind(hdr, payloads.user_stack, stack);
    std::vector<std::string> names;
    for (const auto& frame : stack.frames)
        names.emplace_back(frame.symbol);
    if (stack.cut)
        names.emplace_back(std::string("cut: ") + stack.cut);
    if (stack.doubt)
        names.emplace_back(std::string("doubt: ") + stack.doubt);
    return names;
}

__attribute__((noinline)) std::vector<std::string> outer_here(Mappings& mappings, uint64_t start_stack,
                                                               std::size_t copy_bytes = 6144) {
    auto names = unwind_here(mappings, start_stack, copy_bytes);
    asm volatile("" ::: "memory");  // not a tail call
    return names;
}

}  // namespace

TEST_CASE("unwinder: this test's own stack, from a copy of its top, by DWARF CFI", "[stack]") {
    Mappings mappings;  // from /proc, as for -p
    const auto names = outer_here(mappings, own_start_stack());
    INFO(Catch::Detail::stringify(names));
    REQUIRE(names.size() >= 3);
    CHECK(names[0].find("take_stack") != std::string::npos);
    CHECK(names[1].find("unwind_here") != std::string::npos);
    CHECK(names[2].find("outer_here") != std::string::npos);
    // A copy of 96 bytes ends the walk at once (as the BPF side marks it, truncated): it says so.
    const auto short_copy = outer_here(mappings, own_start_stack(), 96);
    INFO(Catch::Detail::stringify(short_copy));
    REQUIRE(short_copy.size() >= 2);
    CHECK(short_copy.back() == "cut: the stack copy ends here (--stack-size)");

    // The stack of another image of this pid (one it exec'd, or an earlier one) is not named by these mappings.
    const auto other = outer_here(mappings, own_start_stack() + 4096);
    REQUIRE(other.size() == 2);
    CHECK(other[0].empty());
    CHECK(other[1] == "cut: the process has exec'd or exited since: its mappings are not known");

    // Made (ts 0) before mappings read again after a loss: named, and said to be doubtful.
    mappings.lose(static_cast<uint32_t>(getpid()), 1);
    const auto doubtful = outer_here(mappings, own_start_stack());
    INFO(Catch::Detail::stringify(doubtful));
    REQUIRE(doubtful.size() >= 4);
    CHECK(doubtful[0].find("take_stack") != std::string::npos);
    CHECK(doubtful.back() ==
          "doubt: mappings read again after records were lost: frames may name code mapped after this call");
}
#endif
