// SPDX-License-Identifier: Apache-2.0
#include "stack/mappings.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "decode/errno.h"
#include "state/fd_tracker.h"

namespace btrace::stack {

namespace {

constexpr uint64_t kPage = 4096;

uint64_t page_down(uint64_t a) { return a & ~(kPage - 1); }
uint64_t page_up(uint64_t a) { return (a + kPage - 1) & ~(kPage - 1); }

// A path as /proc/PID/maps names it: symlinks resolved.
std::string resolved(const std::string& path) {
    char buf[PATH_MAX];
    return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

struct ElfFile {
    int fd = -1;
    Elf* elf = nullptr;
    explicit ElfFile(const std::string& path) {
        elf_version(EV_CURRENT);
        fd = open_regular_file(path.c_str());
        if (fd >= 0)
            elf = elf_begin(fd, ELF_C_READ_MMAP, nullptr);
    }
    ~ElfFile() {
        elf_end(elf);
        if (fd >= 0)
            ::close(fd);
    }
    ElfFile(const ElfFile&) = delete;
    ElfFile& operator=(const ElfFile&) = delete;
};

}  // namespace

int open_regular_file(const char* path) {
    const int fd = ::open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string mapped_file_path(uint32_t tgid, uint64_t start) {
    std::ifstream maps(fmt::format("/proc/{}/maps", tgid));
    const std::string prefix = fmt::format("{:x}-", start);
    std::string line;
    while (std::getline(maps, line)) {
        if (line.rfind(prefix, 0) != 0)
            continue;
        const uint64_t end = std::strtoull(line.c_str() + prefix.size(), nullptr, 16);
        return fmt::format("/proc/{}/map_files/{:x}-{:x}", tgid, start, end);
    }
    return {};
}

bool changes_mappings(const syscalls::Syscall& sc) {
    return sc.name == "mmap" || sc.name == "munmap" || sc.name == "mremap" || sc.name == "execve" ||
           sc.name == "execveat";
}

bool loaded_image(const std::string& path, uint64_t phdr_addr, uint64_t bias, LoadedImage& image) {
    ElfFile file(path);
    GElf_Ehdr ehdr;
    size_t count = 0;
    if (!file.elf || !gelf_getehdr(file.elf, &ehdr) || elf_getphdrnum(file.elf, &count) != 0)
        return false;
    uint64_t low = UINT64_MAX, high = 0, phdr_vaddr = UINT64_MAX, first_vaddr = UINT64_MAX;
    image.interpreter.clear();
    for (size_t i = 0; i < count; ++i) {
        GElf_Phdr ph;
        if (!gelf_getphdr(file.elf, static_cast<int>(i), &ph))
            return false;
        if (ph.p_type == PT_PHDR) {
            phdr_vaddr = ph.p_vaddr;
        } else if (ph.p_type == PT_LOAD) {
            low = std::min(low, page_down(ph.p_vaddr));
            high = std::max(high, page_up(ph.p_vaddr + ph.p_memsz));
            if (ph.p_offset == 0)
                first_vaddr = ph.p_vaddr;
        } else if (ph.p_type == PT_INTERP) {
            size_t size = 0;
            const char* raw = elf_rawfile(file.elf, &size);
            if (raw && ph.p_offset < size && ph.p_filesz <= size - ph.p_offset)
                image.interpreter = resolved(std::string(raw + ph.p_offset, strnlen(raw + ph.p_offset, ph.p_filesz)));
        }
    }
    if (high == 0)
        return false;
    if (phdr_addr) {
        // The headers are mapped with the first segment when there is no PT_PHDR.
        if (phdr_vaddr == UINT64_MAX && first_vaddr != UINT64_MAX)
            phdr_vaddr = first_vaddr + ehdr.e_phoff;
        if (phdr_vaddr == UINT64_MAX)
            return false;
        bias = phdr_addr - phdr_vaddr;
    }
    image.start = bias + low;
    image.end = bias + high;
    return true;
}

Mappings::Mappings()
    : nr_mmap_(syscalls::number_of("mmap")),
      nr_munmap_(syscalls::number_of("munmap")),
      nr_mremap_(syscalls::number_of("mremap")),
      nr_execve_(syscalls::number_of("execve")),
      nr_execveat_(syscalls::number_of("execveat")) {}

Mappings::Process& Mappings::process(uint32_t tgid) { return procs_[tgid]; }

void Mappings::follow(const btrace_syscall& rec, const decode::Payloads& payloads, const state::FdTable& fds) {
    if (rec.hdr.flags & (BTRACE_SYS_NO_RETURN | BTRACE_SYS_ENTER_PART) || decode::is_error_return(rec.ret))
        return;
    const uint32_t tgid = rec.hdr.tgid;
    const uint64_t ret = static_cast<uint64_t>(rec.ret);
    const bool execs = rec.nr == nr_execve_ || rec.nr == nr_execveat_;
    if (!execs && !knows(tgid) && (rec.nr == nr_mmap_ || rec.nr == nr_munmap_ || rec.nr == nr_mremap_))
        read_proc(tgid);  // running before tracing (-p, -a): what it had mapped
    if (execs) {
        exec(tgid, payloads);
    } else if (rec.nr == nr_mmap_) {
        Process& proc = process(tgid);
        const uint64_t end = ret + page_up(rec.args[1]);
        const int fd = static_cast<int>(rec.args[4]);
        const bool of_fd = fd >= 0 && !(rec.args[3] & MAP_ANONYMOUS);
        const std::string_view name = of_fd ? fds.name(tgid, fd) : "";
        unmap(proc, ret, end);  // MAP_FIXED replaces what was there
        if (!name.empty() && name.front() == '/')
            proc.regions[ret] =
                Region{end, rec.args[5], std::make_shared<const MappedFile>(MappedFile{std::string(name), fds.file(tgid, fd).ino})};
        touch(proc);
    } else if (rec.nr == nr_munmap_) {
        if (auto it = procs_.find(tgid); it != procs_.end()) {
            unmap(it->second, rec.args[0], rec.args[0] + page_up(rec.args[1]));
            touch(it->second);
        }
    } else if (rec.nr == nr_mremap_) {
        auto it = procs_.find(tgid);
        if (it == procs_.end())
            return;
        Process& proc = it->second;
        const uint64_t old_start = rec.args[0];
        std::optional<Region> moved;
        if (auto r = proc.regions.upper_bound(old_start); r != proc.regions.begin()) {
            --r;
            if (old_start < r->second.end)
                moved = Region{0, r->second.pgoff + (old_start - r->first), r->second.file};
        }
        unmap(proc, old_start, old_start + page_up(rec.args[1]));
        const uint64_t end = ret + page_up(rec.args[2]);
        unmap(proc, ret, end);
        if (moved) {
            moved->end = end;
            proc.regions[ret] = *moved;
        }
        touch(proc);
    }
}

// The image and its interpreter, which the kernel mapped: no call tells.
void Mappings::exec(uint32_t tgid, const decode::Payloads& payloads) {
    Process& proc = process(tgid);
    proc.regions.clear();
    proc.proc_start_stack = 0;
    touch(proc);
    state::FdDescription exe;
    int fd;
    bool cloexec;
    if (!payloads.exe.present || !payloads.auxv.present ||
        !state::from_kernel(payloads.exe.bytes, exe, fd, cloexec) || exe.path.empty())
        return;
    uint64_t phdr = 0, base = 0;
    const auto& auxv = payloads.auxv.bytes;
    for (std::size_t at = 0; at + 16 <= auxv.size(); at += 16) {
        uint64_t key, value;
        std::memcpy(&key, auxv.data() + at, 8);
        std::memcpy(&value, auxv.data() + at + 8, 8);
        if (key == AT_NULL)
            break;
        if (key == AT_PHDR)
            phdr = value;
        else if (key == AT_BASE)
            base = value;
    }
    LoadedImage image;
    if (!phdr || !loaded_image(exe.path, phdr, 0, image))
        return;
    map(tgid, image.start, image.end, 0, exe.path, exe.inode);
    const std::string interpreter = image.interpreter;
    struct stat st;  // no record names its inode: the file's now, moments after the exec
    if (base && !interpreter.empty() && stat(interpreter.c_str(), &st) == 0 &&
        loaded_image(interpreter, 0, base, image))
        map(tgid, image.start, image.end, 0, interpreter, st.st_ino);
}

void Mappings::fork(uint32_t parent, uint32_t child) {
    auto it = procs_.find(parent);
    if (it == procs_.end())
        return;
    Process copy = it->second;
    touch(copy);
    procs_[child] = std::move(copy);
}

void Mappings::exit(uint32_t tgid) { procs_.erase(tgid); }

void Mappings::lose(uint32_t tgid, uint64_t now_ns) {
    if (!read_proc(tgid)) {
        Process& gone = process(tgid);  // its frames are unknown from here on
        gone.regions.clear();
        gone.proc_start_stack = 0;
        touch(gone);
    }
    procs_[tgid].read_after_loss_ns = now_ns;
}

void Mappings::lose_all(uint64_t now_ns) {
    for (const auto& [tgid, proc] : procs_)
        lose(tgid, now_ns);  // inserts nothing: the iteration holds
}

bool Mappings::doubtful(uint32_t tgid, uint64_t ts_ns) const {
    auto it = procs_.find(tgid);
    return it != procs_.end() && ts_ns < it->second.read_after_loss_ns;
}

bool Mappings::read_proc(uint32_t tgid) {
    // The image's start_stack first: maps read after an exec would be of the new image.
    std::ifstream stat(fmt::format("/proc/{}/stat", tgid));
    std::string fields;
    std::getline(stat, fields);
    const auto comm_end = fields.rfind(')');
    std::ifstream in(fmt::format("/proc/{}/maps", tgid));
    if (!in || comm_end == std::string::npos)
        return false;
    std::istringstream after(fields.substr(comm_end + 1));
    std::string field;
    uint64_t start_stack = 0;
    for (int i = 3; i <= 28 && after >> field; ++i)  // startstack is field 28
        if (i == 28)
            start_stack = std::strtoull(field.c_str(), nullptr, 10);
    Process& proc = process(tgid);
    proc.regions.clear();
    proc.proc_start_stack = start_stack;
    std::string line;
    while (std::getline(in, line)) {
        unsigned long long start, end, pgoff, inode;
        int path_at = -1;
        char perms[8];
        unsigned dev_major, dev_minor;
        if (std::sscanf(line.c_str(), "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &dev_major,
                        &dev_minor, &inode, &path_at) < 7 ||
            path_at < 0 || line[path_at] != '/' || inode == 0)
            continue;
        proc.regions[start] = Region{end, pgoff, std::make_shared<const MappedFile>(MappedFile{line.substr(path_at), inode})};
    }
    touch(proc);
    return true;
}

bool Mappings::of_image(uint32_t tgid, uint64_t start_stack) {
    auto it = procs_.find(tgid);
    if (it == procs_.end())
        return read_proc(tgid) && procs_[tgid].proc_start_stack == start_stack;
    if (!it->second.proc_start_stack || it->second.proc_start_stack == start_stack)
        return true;
    return read_proc(tgid) && procs_[tgid].proc_start_stack == start_stack;
}

uint64_t Mappings::generation(uint32_t tgid) const {
    auto it = procs_.find(tgid);
    return it == procs_.end() ? 0 : it->second.generation;
}

void Mappings::map(uint32_t tgid, uint64_t start, uint64_t end, uint64_t pgoff, std::string_view path, uint64_t ino) {
    Process& proc = process(tgid);
    unmap(proc, start, end);
    proc.regions[start] = Region{end, pgoff, std::make_shared<const MappedFile>(MappedFile{std::string(path), ino})};
    touch(proc);
}

void Mappings::unmap(uint32_t tgid, uint64_t start, uint64_t end) {
    if (auto it = procs_.find(tgid); it != procs_.end()) {
        unmap(it->second, start, end);
        touch(it->second);
    }
}

// Cuts [start, end) out of the regions: those inside go, those across an
// edge keep the part outside.
void Mappings::unmap(Process& proc, uint64_t start, uint64_t end) {
    auto& regions = proc.regions;
    auto it = regions.upper_bound(start);
    if (it != regions.begin() && std::prev(it)->second.end > start)
        --it;
    while (it != regions.end() && it->first < end) {
        const uint64_t r_start = it->first;
        const Region r = it->second;
        it = regions.erase(it);
        if (r_start < start)
            regions[r_start] = Region{start, r.pgoff, r.file};
        if (r.end > end)
            regions[end] = Region{r.end, r.pgoff + (end - r_start), r.file};
    }
}

}  // namespace btrace::stack
