// SPDX-License-Identifier: Apache-2.0
#include "loader/core_btf.h"
#include "util/file.h"
#include "util/parse.h"

#include <bpf/btf.h>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace btrace::loader {

namespace {

constexpr const char* kKernelBtf = "/sys/kernel/btf/vmlinux";

// The kernel: its image's build ID, release and BTF size.
std::string kernel_key() {
    const std::string id = gnu_build_id(read_whole("/sys/kernel/notes").value_or(""));
    struct utsname uts;
    struct stat btf;
    if (id.empty() || uname(&uts) != 0 || stat(kKernelBtf, &btf) != 0)
        return {};
    return fmt::format("{}-{}-{}", uts.release, id, btf.st_size);
}

// This binary's build ID, from its PT_NOTE segments in memory: it covers the
// BPF object embedded in it.
std::string own_build_id() {
    std::string id;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* out) {
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const auto& ph = info->dlpi_phdr[i];
                if (ph.p_type != PT_NOTE)
                    continue;
                const auto* notes = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
                *static_cast<std::string*>(out) = gnu_build_id({notes, ph.p_memsz});
                if (!static_cast<std::string*>(out)->empty())
                    break;
            }
            return 1;  // the first object is the executable
        },
        &id);
    return id;
}

// Ours alone: made by us, writable by no one else (the kernel trusts nothing
// in it, but a planted file could make btrace's CO-RE offsets wrong).
bool is_private_dir(const std::string& dir) {
    mkdir(dir.c_str(), 0700);
    struct stat st;
    return stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022);
}

bool parses(const std::string& path) {
    btf* parsed = btf__parse_raw(path.c_str());
    btf__free(parsed);
    return parsed != nullptr;
}

// bpftool gen min_core_btf KERNEL_BTF OUT OBJECT, quietly.
bool run_bpftool(const std::string& object, const std::string& out) {
    const char* argv[] = {"bpftool", "gen", "min_core_btf", kKernelBtf, out.c_str(), object.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    auto* args = const_cast<char**>(argv);
    pid_t pid;
    int err = posix_spawnp(&pid, "bpftool", &actions, nullptr, args, environ);
    if (err == ENOENT)  // a PATH without sbin
        err = posix_spawn(&pid, "/usr/sbin/bpftool", &actions, nullptr, args, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (err != 0)
        return false;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// What was cached for other kernels is of no more use here. Other btrace
// builds' subsets (an installed one next to a development build) stay: they
// would only be made again.
void remove_other_kernels(const std::string& dir, const std::string& kernel) {
    DIR* d = opendir(dir.c_str());
    if (!d)
        return;
    while (const dirent* entry = readdir(d)) {
        const std::string_view name = entry->d_name;
        if ((name.ends_with(".btf") && !name.starts_with(kernel + "-")) ||
            (name.ends_with(".tracepoints") && name != kernel + ".tracepoints"))
            unlinkat(dirfd(d), entry->d_name, 0);
    }
    closedir(d);
}

// Lines of "NAME ID".
std::unordered_map<std::string, uint32_t> parse_tracepoint_ids(std::string_view text) {
    std::unordered_map<std::string, uint32_t> ids;
    while (!text.empty()) {
        const std::string_view line = text.substr(0, text.find('\n'));
        text.remove_prefix(std::min(text.size(), line.size() + 1));
        const std::size_t space = line.find(' ');
        if (space == std::string_view::npos)
            continue;
        if (const auto id = to_uint<uint32_t>(line.substr(space + 1)); id && *id > 0)
            ids.emplace(line.substr(0, space), *id);
    }
    return ids;
}

std::unordered_map<std::string, uint32_t> find_tracepoint_ids(const std::vector<std::string>& names) {
    std::unordered_map<std::string, uint32_t> ids;
    btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux)
        return ids;
    for (const std::string& name : names)
        if (const int id = btf__find_by_name_kind(vmlinux, ("btf_trace_" + name).c_str(), BTF_KIND_TYPEDEF); id > 0)
            ids.emplace(name, static_cast<uint32_t>(id));
    btf__free(vmlinux);
    return ids;
}

}  // namespace

std::unordered_map<std::string, uint32_t> tracepoint_btf_ids(const std::vector<std::string>& names,
                                                             const std::string& cache_dir) {
    const std::string kernel = kernel_key();
    const bool cached = !kernel.empty() && is_private_dir(cache_dir);
    const std::string path = cache_dir + "/" + kernel + ".tracepoints";
    if (cached) {
        auto ids = parse_tracepoint_ids(read_whole(path).value_or(""));
        if (std::ranges::all_of(names, [&](const std::string& name) { return ids.contains(name); }))
            return ids;
    }
    auto ids = find_tracepoint_ids(names);
    if (!cached || ids.empty())
        return ids;
    std::string text;
    for (const auto& [name, id] : ids)
        fmt::format_to(std::back_inserter(text), "{} {}\n", name, id);
    std::string temp = cache_dir + "/tracepoints.XXXXXX";  // renamed into place whole
    const int fd = mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0)
        return ids;
    const bool written = write_all(fd, text.data(), text.size()) == 0;
    close(fd);
    if (!written || rename(temp.c_str(), path.c_str()) != 0)
        unlink(temp.c_str());
    else
        remove_other_kernels(cache_dir, kernel);
    return ids;
}

std::string gnu_build_id(std::string_view notes) {
    constexpr auto align4 = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
    std::size_t off = 0;
    while (off + sizeof(Elf64_Nhdr) <= notes.size()) {
        Elf64_Nhdr note;  // the same layout as Elf32_Nhdr
        std::memcpy(&note, notes.data() + off, sizeof(note));
        const std::size_t name_off = off + sizeof(note);
        const std::size_t desc_off = name_off + align4(note.n_namesz);
        const std::size_t next = desc_off + align4(note.n_descsz);
        if (next > notes.size() || next <= off)
            break;
        if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && notes.substr(name_off, 4) == std::string_view("GNU", 4)) {
            std::string hex;
            for (std::size_t i = 0; i < note.n_descsz; ++i)
                fmt::format_to(std::back_inserter(hex), "{:02x}", static_cast<uint8_t>(notes[desc_off + i]));
            return hex;
        }
        off = next;
    }
    return {};
}

std::string default_cache_dir() {
    const char* dir = std::getenv("BTRACE_CACHE_DIR");
    return dir && *dir ? dir : "/var/cache/btrace";
}

std::string core_btf_path(std::span<const uint8_t> bpf_object, const std::string& cache_dir) {
    const std::string kernel = kernel_key();
    const std::string btrace = own_build_id();
    if (kernel.empty() || btrace.empty() || !is_private_dir(cache_dir))
        return {};
    const std::string path = cache_dir + "/" + kernel + "-" + btrace + ".btf";
    if (access(path.c_str(), R_OK) == 0) {
        if (parses(path))
            return path;
        unlink(path.c_str());  // damaged: made again
    }
    // Made under temporary names and renamed into place: a btrace starting
    // meanwhile never reads half a file.
    std::string object = cache_dir + "/object.XXXXXX";
    std::string subset = cache_dir + "/subset.XXXXXX";
    const int object_fd = mkostemp(object.data(), O_CLOEXEC);
    const int subset_fd = mkostemp(subset.data(), O_CLOEXEC);
    bool made = false;
    if (object_fd >= 0 && subset_fd >= 0) {
        made = write_all(object_fd, bpf_object.data(), bpf_object.size()) == 0 && run_bpftool(object, subset) &&
               parses(subset) &&
               rename(subset.c_str(), path.c_str()) == 0;
    }
    for (int fd : {object_fd, subset_fd})
        if (fd >= 0)
            close(fd);
    unlink(object.c_str());
    if (!made) {
        unlink(subset.c_str());
        spdlog::debug("no kernel BTF subset in {}: libbpf reads the whole kernel BTF", cache_dir);
        return {};
    }
    remove_other_kernels(cache_dir, kernel);
    spdlog::debug("kernel BTF subset for CO-RE made: {}", path);
    return path;
}

}  // namespace btrace::loader
