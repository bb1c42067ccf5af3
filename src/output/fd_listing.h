// SPDX-License-Identifier: Apache-2.0
// --fds: the open files of processes, as lsof -p prints them
//   COMMAND PID   FD TYPE DEVICE SIZE/OFF NODE CLOEXEC NAME
//   cat     42    3r REG  254,0       3  131 yes     /etc/hostname
// or with json one array of objects, on one line:
//   [{"command":"cat","pid":42,"fd":"3","mode":"r","type":"REG","device":"254,0","size":3,"offset":0,
//     "node":131,"cloexec":true,"name":"/etc/hostname"},...]
#pragma once

#include <fmt/format.h>
#include <sys/types.h>

#include <span>
#include <string>
#include <vector>

#include "state/open_files.h"

namespace btrace::output {

struct ProcessFiles {
    pid_t pid;
    std::string comm;  // unescaped, as read
    std::vector<state::OpenFile> files;
};

void format_fd_listing(std::span<const ProcessFiles> processes, bool json, fmt::memory_buffer& out);

}  // namespace btrace::output
