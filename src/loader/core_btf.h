// SPDX-License-Identifier: Apache-2.0
// What btrace needs from the kernel's BTF, cut down and cached per kernel:
// the types CO-RE relocation needs, and the IDs tp_btf programs attach by.
//
// libbpf relocates field offsets against the running kernel's BTF: it reads
// and copies all of /sys/kernel/btf/vmlinux (5 MB) and searches its ~120K
// types once per struct the programs touch, ~20 ms of every start. The
// subset `bpftool gen min_core_btf` cuts for our object (a few KB) relocates
// the same; it is made once per kernel and btrace build.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace btrace::loader {

// The subset for bpf_object (embedded in this btrace binary) on the running
// kernel, made on first use in cache_dir. Empty when it cannot be had (no
// build IDs, no bpftool, a cache directory that is not ours alone): libbpf
// then reads the whole kernel BTF.
std::string core_btf_path(std::span<const uint8_t> bpf_object, const std::string& cache_dir);

// The kernel BTF type IDs of tracepoints by name (btf_trace_NAME, what a
// tp_btf program attaches by), from cache_dir, or found and cached there.
// libbpf finds them by reading all of the kernel BTF, ~45 ms of every start
// that has such a program. Names the kernel lacks are left out.
std::unordered_map<std::string, uint32_t> tracepoint_btf_ids(const std::vector<std::string>& names,
                                                             const std::string& cache_dir);

// $BTRACE_CACHE_DIR, else /var/cache/btrace.
std::string default_cache_dir();

// The GNU build ID (hex) in a sequence of ELF notes; empty if there is none.
std::string gnu_build_id(std::string_view notes);

}  // namespace btrace::loader
