// SPDX-License-Identifier: Apache-2.0
#include "output/dump.h"

#include <fmt/compile.h>

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <utility>

#include "decode/put.h"
#include "syscalls/table.h"

namespace btrace::output {

namespace {

using decode::put;

constexpr std::size_t kRowBytes = 16;
// "xx " per byte, a space after each group of 8, then the bytes as text.
constexpr std::size_t kRowChars = kRowBytes * 3 + 2 + kRowBytes;

// strace's is_print: printable ASCII only; the rest shows as '.'.
char printable(uint8_t c) { return c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.'; }

void put_row(std::span<const uint8_t> row, uint64_t offset, int offset_chars, fmt::memory_buffer& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    fmt::format_to(std::back_inserter(out), FMT_COMPILE(" | {:0{}x}  "), offset, offset_chars);
    char* at = decode::reserve(out, kRowChars + 3);
    for (std::size_t i = 0; i < kRowBytes; ++i) {
        if (i < row.size()) {
            *at++ = kHex[row[i] >> 4];
            *at++ = kHex[row[i] & 15];
        } else {
            *at++ = ' ';
            *at++ = ' ';
        }
        *at++ = ' ';
        if (i % 8 == 7)
            *at++ = ' ';
    }
    for (std::size_t i = 0; i < kRowBytes; ++i)
        *at++ = i < row.size() ? printable(row[i]) : ' ';
    at = decode::write(at, " |\n");
    decode::commit(out, at);
}

// A dump that stops before the data does: " | ... 12288 more bytes not captured (why) |".
void put_cut(std::string_view what, uint64_t bytes, bool unreadable, fmt::memory_buffer& out) {
    if (unreadable)
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(" | ... {} {} (unreadable) |\n"), bytes, what);
    else
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(" | ... {} {} (btrace captures at most {} bytes of a call) |\n"),
                       bytes, what, BTRACE_STRING_MAX);
}

}  // namespace

void put_hex_dump(std::span<const uint8_t> captured, uint64_t whole_len, bool unreadable, fmt::memory_buffer& out) {
    captured = captured.first(std::min<uint64_t>(captured.size(), whole_len));
    // As strace: 5 hex digits, more when the transfer's last offset needs them.
    const int offset_chars = whole_len > (uint64_t{1} << 20) ? 1 + (63 - __builtin_clzll(whole_len - 1)) / 4 : 5;
    for (std::size_t off = 0; off < captured.size(); off += kRowBytes)
        put_row(captured.subspan(off, std::min(kRowBytes, captured.size() - off)), off, offset_chars, out);
    if (captured.size() < whole_len)
        put_cut(captured.empty() ? "bytes not captured" : "more bytes not captured", whole_len - captured.size(),
                unreadable, out);
}

IoDumps::IoDumps(FdSet reads, FdSet writes) : reads_(std::move(reads)), writes_(std::move(writes)) {
    static constexpr std::pair<std::string_view, bool> kCalls[] = {  // name, reads
        {"read", true},      {"pread64", true},   {"readv", true},         {"preadv", true},
        {"preadv2", true},   {"recv", true},      {"recvfrom", true},      {"recvmsg", true},
        {"mq_timedreceive", true},
        {"write", false},    {"pwrite64", false}, {"writev", false},       {"pwritev", false},
        {"pwritev2", false}, {"vmsplice", false}, {"send", false},         {"sendto", false},
        {"sendmsg", false},  {"mq_timedsend", false},
    };
    const auto table = syscalls::all();
    form_by_nr_.assign(table.size(), Form::None);
    for (std::size_t nr = 0; nr < table.size(); ++nr) {
        const syscalls::Syscall& sc = table[nr];
        const auto it = std::find_if(std::begin(kCalls), std::end(kCalls),
                                     [&](const auto& call) { return call.first == sc.name; });
        if (it == std::end(kCalls) || sc.nargs < 2)
            continue;
        const bool reads = it->second;
        // The data is the second argument of each; its kind says in what form.
        switch (sc.args[1].kind) {
        case syscalls::ArgKind::InBuf: case syscalls::ArgKind::OutBuf:
            form_by_nr_[nr] = reads ? Form::ReadBuffer : Form::WriteBuffer;
            break;
        case syscalls::ArgKind::IovecIn: case syscalls::ArgKind::IovecOut:
            form_by_nr_[nr] = reads ? Form::ReadIovec : Form::WriteIovec;
            break;
        case syscalls::ArgKind::MsghdrIn: case syscalls::ArgKind::MsghdrOut:
            form_by_nr_[nr] = reads ? Form::ReadMsghdr : Form::WriteMsghdr;
            break;
        default:
            break;
        }
    }
}

namespace {

// strace's dumpiov_upto: each of the iovcnt buffers with data, up to
// data_size bytes in all, as " * N bytes in buffer I" and its rows; a buffer
// of 0 bytes ends it.
void dump_iovecs(const decode::Payload& p, uint64_t iovcnt, uint64_t data_size, fmt::memory_buffer& out) {
    if (!p.present || (p.faulted() && p.hdr.count == 0)) {
        put(out, " | ... the iovecs were not captured |\n");
        return;
    }
    bool ended = false;
    std::size_t captured_total = 0;
    unsigned visited = 0;
    decode::for_each_iov(p, [&](unsigned i, uint64_t iov_len, std::span<const uint8_t> captured) {
        const uint64_t len = std::min(iov_len, data_size);
        ended = len == 0;
        if (ended)
            return false;
        data_size -= len;
        visited = i + 1;
        fmt::format_to(std::back_inserter(out), FMT_COMPILE(" * {} bytes in buffer {}\n"), len, i);
        // The kernel side stops at a buffer it cannot read, with nothing of it;
        // one cut short with the call's bytes used up was not unreadable.
        const bool unreadable = p.faulted() && captured.empty() && captured_total < BTRACE_STRING_MAX;
        put_hex_dump(captured, len, unreadable, out);
        captured_total += captured.size();
        return true;
    });
    // More iovecs than the kernel side reads (BTRACE_IOV_MAX), no room left
    // for them, or an iovec array it could not read to the end.
    if (!ended && data_size > 0 && visited < iovcnt)
        put(out, " | ... the buffers after these were not captured |\n");
}

// The msghdr's iovec count, as the kernel side read it (0: not read).
uint64_t msg_iovlen(const decode::Payload& msghdr) {
    struct msghdr m;
    static_assert(sizeof(m) == BTRACE_MSGHDR_SIZE);
    if (!msghdr.present || msghdr.bytes.size() < sizeof(m))
        return 0;
    std::memcpy(&m, msghdr.bytes.data(), sizeof(m));
    return m.msg_iovlen;
}

}  // namespace

void IoDumps::dump(const btrace_syscall& rec, const decode::Payloads& payloads, fmt::memory_buffer& out) const {
    if (rec.nr < 0 || static_cast<std::size_t>(rec.nr) >= form_by_nr_.size() || (rec.hdr.flags & BTRACE_SYS_NO_RETURN))
        return;
    const Form form = form_by_nr_[rec.nr];
    const int fd = static_cast<int>(rec.args[0]);
    const bool reads = form == Form::ReadBuffer || form == Form::ReadIovec || form == Form::ReadMsghdr;
    if (form == Form::None || !(reads ? reads_ : writes_).contains(fd))
        return;
    if (reads && rec.ret <= 0)  // failed, or nothing read
        return;
    const uint64_t read = static_cast<uint64_t>(rec.ret);
    const decode::Payload& buffer = payloads.args[1];
    switch (form) {
    case Form::ReadBuffer:
    case Form::WriteBuffer:  // a buffer not read at all: a NULL or bad pointer
        put_hex_dump(buffer.present ? buffer.bytes : std::span<const uint8_t>(),
                     form == Form::ReadBuffer ? read : rec.args[2], !buffer.present || buffer.faulted(), out);
        break;
    case Form::ReadIovec: dump_iovecs(buffer, rec.args[2], read, out); break;
    case Form::WriteIovec: dump_iovecs(buffer, rec.args[2], UINT64_MAX, out); break;
    case Form::ReadMsghdr: dump_iovecs(payloads.msg_iov, msg_iovlen(buffer), read, out); break;
    case Form::WriteMsghdr: dump_iovecs(payloads.msg_iov, msg_iovlen(buffer), UINT64_MAX, out); break;
    case Form::None: break;
    }
}

}  // namespace btrace::output
