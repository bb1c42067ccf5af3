// SPDX-License-Identifier: Apache-2.0
// --fds: what a process has open, as lsof -p lists it: its cwd, root,
// executable, memory-mapped files and fds, each with its type, device, size,
// offset and inode. Attach-time code, over /proc.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace btrace::state {

struct OpenFile {
    std::string fd;    // "cwd", "rtd", "txt", "mem", or the fd number
    char mode = 0;     // fds: 'r', 'w' or 'u' (read and write); 0 for the rest
    std::string type;  // REG DIR CHR BLK FIFO LINK SOCK IPv4 IPv6 unix netlink sock a_inode, or "unknown"
    std::optional<std::pair<unsigned, unsigned>> device;  // major, minor (a device file's own for CHR/BLK)
    std::optional<uint64_t> size;
    std::optional<uint64_t> offset;  // fds: the file position
    uint64_t node = 0;               // inode
    std::optional<bool> cloexec;     // fds: closed by execve (O_CLOEXEC)
    std::string name;                // a path, or an fd name as in the trace (unescaped)
};

// One line of /proc/PID/maps: a file mapping (its path, device, inode), or
// nullopt for anonymous memory, [heap], [stack] and malformed lines.
struct MappedFile {
    std::string path;
    std::pair<unsigned, unsigned> device;
    uint64_t inode;
};
std::optional<MappedFile> parse_maps_line(std::string_view line);

// In lsof's order: cwd, rtd, txt, the mapped files other than the
// executable (each once, as first mapped), then the fds by number. An error
// when the fd directory cannot be read.
Result<std::vector<OpenFile>> open_files(pid_t pid);

}  // namespace btrace::state
