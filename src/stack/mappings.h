// SPDX-License-Identifier: Apache-2.0
// Each traced process's file mappings, kept from its own calls as they come
// (mmap of an fd, munmap, mremap, execve), so a stack is symbolized against
// the mappings the process had when it made the call, even after it exited.
// -p and -a start from /proc/PID/maps.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "btrace/event.h"
#include "decode/payloads.h"
#include "state/fd_table.h"
#include "syscalls/table.h"

namespace btrace::stack {

// A module's file, opened to be read, or -1: a path from the traced side may
// name a FIFO (which would block btrace) or a device by now.
int open_regular_file(const char* path);

// /proc/PID/map_files/START-END of tgid's mapping that starts at start: the
// file it maps, even if its path now names another; "" if there is none.
std::string mapped_file_path(uint32_t tgid, uint64_t start);

// Whether a successful call of sc maps or unmaps memory (sent with -k whatever the filters).
bool changes_mappings(const syscalls::Syscall& sc);

// Where an ELF image lies in memory, from the kernel's auxv after execve:
// its load bias from AT_PHDR, its interpreter's from AT_BASE.
struct LoadedImage {
    uint64_t start = 0, end = 0;  // its PT_LOAD segments, page-aligned
    std::string interpreter;      // PT_INTERP, resolved ("" if none)
};
// The image at path loaded so that its program headers are at phdr_addr
// (AT_PHDR; 0: loaded at bias `bias`, as the interpreter at AT_BASE).
bool loaded_image(const std::string& path, uint64_t phdr_addr, uint64_t bias, LoadedImage& image);

// A mapped file: the path it was mapped by, and its inode then (0: not
// known), which tells whether the path still names it.
struct MappedFile {
    std::string path;
    uint64_t ino = 0;
};

class Mappings {
public:
    Mappings();

    // Whether calls of nr change mappings (mmap, munmap, mremap, execve).
    bool follows(long nr) const {
        return nr == nr_mmap_ || nr == nr_munmap_ || nr == nr_mremap_ || nr == nr_execve_ || nr == nr_execveat_;
    }
    // A completed call of rec.hdr.tgid (rec.ret its result); fds names the
    // fd an mmap maps, as it was at the call.
    void follow(const btrace_syscall& rec, const decode::Payloads& payloads, const state::FdTable& fds);
    void fork(uint32_t parent, uint32_t child);  // the child has the parent's mappings
    void exit(uint32_t tgid);
    // Records of tgid's calls that may have changed its mappings were lost:
    // they are read again from /proc (none if it is gone). A call made before
    // that read (now_ns, CLOCK_MONOTONIC) is doubtful: its frames may name
    // what was mapped after it.
    void lose(uint32_t tgid, uint64_t now_ns);
    void lose_all(uint64_t now_ns);
    bool doubtful(uint32_t tgid, uint64_t ts_ns) const;
    // -p, -a and the monitor: a process running before tracing (or whose
    // calls are not all sent), from /proc/PID/maps.
    bool read_proc(uint32_t tgid);
    bool knows(uint32_t tgid) const { return procs_.count(tgid) != 0; }
    // Whether tgid's mappings are of the image whose start_stack this is
    // (btrace_user_stack): those kept from its calls always are; those read
    // from /proc, until it execs. If not, they are read again: false if they
    // still are not (it has exec'd or exited since: the call's are gone).
    bool of_image(uint32_t tgid, uint64_t start_stack);

    // Changes whenever tgid's mappings do (0: none known).
    uint64_t generation(uint32_t tgid) const;
    // tgid's mapped ELF images: visit(file, low, high) for each file's
    // mappings that continue one another (adjacent, or at the same base),
    // by address. A part mapped on its own elsewhere (V8 remaps node's
    // builtins) is left out: its first byte is not the file's, from which
    // libdwfl takes the image's load address.
    template <class F>
    void for_each_file(uint32_t tgid, F&& visit) const;

    // For tests: add and remove mappings directly.
    void map(uint32_t tgid, uint64_t start, uint64_t end, uint64_t pgoff, std::string_view path, uint64_t ino = 0);
    void unmap(uint32_t tgid, uint64_t start, uint64_t end);

private:
    struct Region {
        uint64_t end;
        uint64_t pgoff;
        std::shared_ptr<const MappedFile> file;
    };
    struct Process {
        std::map<uint64_t, Region> regions;  // by start; file mappings only
        uint64_t generation = 0;
        uint64_t proc_start_stack = 0;  // read from /proc: of the image that starts its stack there
        uint64_t read_after_loss_ns = 0;  // when lose() read them
    };
    void exec(uint32_t tgid, const decode::Payloads& payloads);
    Process& process(uint32_t tgid);
    void unmap(Process& proc, uint64_t start, uint64_t end);
    void touch(Process& proc) { proc.generation = ++generation_; }

    std::unordered_map<uint32_t, Process> procs_;
    uint64_t generation_ = 0;
    long nr_mmap_, nr_munmap_, nr_mremap_, nr_execve_, nr_execveat_;
};

template <class F>
void Mappings::for_each_file(uint32_t tgid, F&& visit) const {
    auto it = procs_.find(tgid);
    if (it == procs_.end())
        return;
    const MappedFile* file = nullptr;
    uint64_t low = 0, high = 0, base = 0;
    const auto group_done = [&] {
        if (file && base == low)  // starts at the file's first byte
            visit(*file, low, high);
    };
    for (const auto& [start, region] : it->second.regions) {
        if (file && file->path == region.file->path && file->ino == region.file->ino &&
            (start == high || start - region.pgoff == base)) {
            high = region.end;
            continue;
        }
        group_done();
        file = region.file.get();
        low = start;
        high = region.end;
        base = start - region.pgoff;
    }
    group_done();
}

}  // namespace btrace::stack
