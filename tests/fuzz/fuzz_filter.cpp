// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: arbitrary strings as filter expressions, to
// parse_trace_set, parse_status, parse_errno_list and cli::parse as
// `-e <string>`. Each must return a value or a usage error, never crash,
// throw past its caller, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/filter.h"
#include "cli/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view expr(reinterpret_cast<const char*>(data), size);

    (void)btrace::cli::parse_trace_set(expr);
    (void)btrace::cli::parse_status(expr);
    (void)btrace::cli::parse_errno_list(expr);

    // An argv string ends at its first NUL.
    const std::string arg(expr.substr(0, expr.find('\0')));
    {
        const char* argv[] = {"btrace", "-e", arg.c_str(), "--", "true"};
        (void)btrace::cli::parse(5, argv);
    }
    {
        const std::string joined = "-e" + arg;  // -eEXPR, as one argument
        const char* argv[] = {"btrace", joined.c_str(), "-p", "1"};
        (void)btrace::cli::parse(4, argv);
    }
    return 0;
}
