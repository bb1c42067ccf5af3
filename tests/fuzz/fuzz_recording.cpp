// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: arbitrary bytes as a recording (btrace record's file),
// read and reported as btrace report does: text, JSON, or a summary, picked
// by the input's size. Whatever the file holds, report must not crash, hang,
// read out of bounds or leak. Built with FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
// (scripts/fuzz), the reader skips block checksums, which the fuzzer cannot
// make, to reach the frames inside.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "output/sink.h"
#include "record/file.h"
#include "record/report.h"

namespace {

using namespace btrace;

output::Sink& null_sink() {
    static output::Sink* sink = [] {
        spdlog::set_level(spdlog::level::off);  // report's warnings on damaged files
        auto opened = output::Sink::open("/dev/null");
        if (!opened)
            std::abort();
        return new output::Sink(std::move(*opened));
    }();
    return *sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exact-size heap copy: ASan then sees any read past the input's end.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
    if (size)
        std::memcpy(copy.get(), data, size);
    auto& sink = null_sink();
    auto reader = record::Reader::open(record::bytes_source({copy.get(), size}), "fuzz");
    if (!reader)
        return 0;
    cli::Options opts;
    opts.command = {"fuzz"};
    opts.json = size % 3 == 1;
    opts.summary = size % 3 == 2 ? cli::Options::Summary::Only : cli::Options::Summary::None;
    opts.hex = size % 2 ? cli::Options::Hex::NonAscii : cli::Options::Hex::None;
    (void)record::report(**reader, opts, sink, "fuzz");
    (void)sink.flush();
    return 0;
}
