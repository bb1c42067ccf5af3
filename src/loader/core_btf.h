// SPDX-License-Identifier: Apache-2.0
// The kernel BTF that CO-RE relocation needs, cut down to what btrace's BPF
// object uses, and cached.
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

namespace btrace::loader {

// The subset for bpf_object (embedded in this btrace binary) on the running
// kernel, made on first use in cache_dir. Empty when it cannot be had (no
// build IDs, no bpftool, a cache directory that is not ours alone): libbpf
// then reads the whole kernel BTF.
std::string core_btf_path(std::span<const uint8_t> bpf_object, const std::string& cache_dir);

// $BTRACE_CACHE_DIR, else /var/cache/btrace.
std::string default_cache_dir();

// The GNU build ID (hex) in a sequence of ELF notes; empty if there is none.
std::string gnu_build_id(std::string_view notes);

}  // namespace btrace::loader
