// SPDX-License-Identifier: Apache-2.0
// Internal to src/syscalls: the native architecture's syscall array, defined
// by whichever generated syscalls_<arch>.cpp matches the build target and
// used only by table.cpp. Everyone else goes through table.h.
#pragma once

#include <span>

#include "syscalls/table.h"

namespace btrace::syscalls::detail {

// Indexed by syscall number; holes have an empty name.
extern const std::span<const Syscall> kTable;

}  // namespace btrace::syscalls::detail
