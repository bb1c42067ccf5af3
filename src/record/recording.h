// SPDX-License-Identifier: Apache-2.0
// What btrace record puts around the records: the header that lets report
// decode them on another host, and the closing counters.
#pragma once

#include <cstdint>
#include <string_view>

#include "cli/options.h"
#include "record/file.h"

namespace btrace::record {

// The architecture whose syscall table this btrace decodes with.
std::string_view this_arch();
// A hash of that table's names by number: a recording from a btrace whose
// table differs may name some calls differently.
uint64_t syscall_table_hash();

Header header_for(const cli::Options& opts, uint64_t start_ns, int64_t realtime_offset_ns);

}  // namespace btrace::record
