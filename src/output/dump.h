// SPDX-License-Identifier: Apache-2.0
// strace's -e read=SET / -e write=SET: after a call that moved data on an fd
// of the set, a hex and ASCII dump of the data, in strace's dumpio() form:
//  | 00000  68 65 6c 6c 6f 0a 01 02  61 62 63 64 65 66 67 68  hello...abcdefgh |
// The dump is of what the kernel side captured (at most BTRACE_STRING_MAX
// bytes of a call); a transfer longer than that ends with a line saying how
// many bytes were not captured, never passed off as whole.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <span>
#include <vector>

#include "btrace/event.h"
#include "decode/payloads.h"
#include "util/fd_set.h"

namespace btrace::output {

// The rows of one buffer the call transferred whole_len bytes of, captured:
// its first bytes. The offsets are as wide as whole_len needs (at least 5), as
// strace's; fewer bytes captured than whole_len end with a " | ... N more
// bytes not captured (...) |" line (unreadable: the kernel could not read them).
void put_hex_dump(std::span<const uint8_t> captured, uint64_t whole_len, bool unreadable, fmt::memory_buffer& out);

class IoDumps {
public:
    // Which calls dump is settled here, by name, for this arch: strace's
    // dumpio() list (read, pread64, readv, preadv, preadv2, recvfrom, recvmsg,
    // mq_timedreceive; write, pwrite64, writev, pwritev, pwritev2, vmsplice,
    // sendto, sendmsg, mq_timedsend). sendmmsg and recvmmsg, whose data
    // btrace does not read, are left out.
    IoDumps(FdSet reads, FdSet writes);

    // The dump lines of rec, if it is one of those calls on an fd of its set:
    // reads when they succeeded, up to the result; writes (as strace) what
    // they were given, whether or not it was written.
    void dump(const btrace_syscall& rec, const decode::Payloads& payloads, fmt::memory_buffer& out) const;

private:
    enum class Form : uint8_t { None, ReadBuffer, ReadIovec, ReadMsghdr, WriteBuffer, WriteIovec, WriteMsghdr };
    std::vector<Form> form_by_nr_;
    FdSet reads_, writes_;
};

}  // namespace btrace::output
