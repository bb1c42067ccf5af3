// Command-line options: parsing and validation only, no side effects.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <variant>
#include <vector>

#include "util/result.h"

namespace btrace::cli {

struct Options {
    std::vector<std::string> command;  // -- COMMAND [ARGS...]
    std::vector<pid_t> pids;           // -p PID[,PID...]
    std::string output_path;           // -o FILE; empty: stderr
    bool follow = true;                // children and threads
    std::size_t buffer_bytes = 16u << 20;
    bool verbose = false;
    std::size_t string_max = 256;  // -s: bytes of each string or buffer shown
    bool raw = false;              // --raw: register values only, nothing read from memory
    double pending_ms = 1000;      // --pending: report calls in flight this long (0: never)
    bool fds_only = false;         // --fds: print the fd table of each -p target and exit
};

// --help / --version: print text to stdout and exit 0.
struct EarlyExit {
    std::string text;
};

using ParseResult = std::variant<Options, EarlyExit, Error>;

ParseResult parse(int argc, const char* const* argv);

// "16M", "512K", "1G", "65536" -> bytes; a power of two of at least one page.
Result<std::size_t> parse_buffer_size(const std::string& text);

}  // namespace btrace::cli
