// SPDX-License-Identifier: Apache-2.0
// Synthetic kernel records for the unit tests: a completed call, and the
// payloads that follow it, laid out as bpf/ writes them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "btrace/event.h"
#include "syscalls/table.h"

namespace test {

constexpr uint64_t kOrigin = 1'000'000'000;  // the monotonic instant the tests' formatters show as 0

// A --sched split: 0.12 ms on-CPU, 11.9 ms blocked, 0.325 ms waiting for a CPU, 3 switches, and its waker.
inline btrace_sched split(uint8_t waker_kind, const char* comm = "", uint32_t waker_tid = 0) {
    btrace_sched s{};
    s.cpu_ns = 120'000;
    s.blocked_ns = 11'900'000;
    s.runq_ns = 325'000;
    s.switches = 3;
    s.waker_kind = waker_kind;
    s.waker_tid = waker_tid;
    std::strncpy(s.waker_comm, comm, sizeof(s.waker_comm));
    return s;
}

struct CallHeader {
    uint32_t tgid = 7;
    uint32_t tid = 7;
    const char* comm = "t";
    uint64_t ts_ns = kOrigin;
    uint64_t duration_ns = 0;
};

inline btrace_syscall make_call(const char* name, int64_t ret, std::initializer_list<uint64_t> args,
                                const CallHeader& header = {}) {
    btrace_syscall rec{};
    rec.hdr.type = BTRACE_REC_SYSCALL;
    rec.hdr.size = sizeof(rec);
    rec.hdr.tgid = header.tgid;
    rec.hdr.tid = header.tid;
    rec.hdr.ts_ns = header.ts_ns;
    std::strncpy(rec.hdr.comm, header.comm, sizeof(rec.hdr.comm));
    rec.nr = btrace::syscalls::number_of(name);
    rec.ret = ret;
    rec.duration_ns = header.duration_ns;
    unsigned i = 0;
    for (uint64_t arg : args)
        rec.args[i++] = arg;
    return rec;
}

// Appends one payload: its header, the bytes, padding to 8.
inline void append_payload(std::vector<uint8_t>& area, uint8_t arg, uint8_t how, std::string_view bytes,
                           uint16_t flags = 0, uint16_t count = 0) {
    const btrace_payload p{arg, how, static_cast<uint16_t>(bytes.size()), flags, count};
    const auto* raw = reinterpret_cast<const uint8_t*>(&p);
    area.insert(area.end(), raw, raw + sizeof(p));
    area.insert(area.end(), bytes.begin(), bytes.end());
    area.resize((area.size() + 7) & ~std::size_t{7});
}

// A BTRACE_CAP_FD_DESC payload for a file fd; components leaf first.
inline std::vector<uint8_t> file_desc(int fd, std::vector<std::string> leaf_first, bool cloexec = false) {
    btrace_fd_desc d{};
    d.fd = fd;
    d.kind = BTRACE_FD_FILE;
    d.cloexec = cloexec;
    std::vector<uint8_t> names;
    for (const auto& c : leaf_first) {
        names.insert(names.end(), c.begin(), c.end());
        names.push_back(0);
    }
    d.name_len = static_cast<uint16_t>(names.size());
    std::vector<uint8_t> bytes(sizeof(d) + names.size());
    std::memcpy(bytes.data(), &d, sizeof(d));
    std::copy(names.begin(), names.end(), bytes.begin() + sizeof(d));
    return bytes;
}

// An IOVEC payload's bytes: each entry's btrace_iov, then its data padded to 8.
inline std::string iov_bytes(std::initializer_list<std::pair<std::string_view, uint64_t>> entries) {
    std::string bytes;
    for (const auto& [data, len] : entries) {
        btrace_iov iov{len, static_cast<uint32_t>(data.size()), 0};
        bytes.append(reinterpret_cast<const char*>(&iov), sizeof(iov));
        bytes.append(data);
        bytes.append((8 - data.size() % 8) % 8, '\0');
    }
    return bytes;
}

}  // namespace test
