// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: arbitrary bytes as one ring-buffer sample (a batch of
// records) fed to Consumer::feed, decoded by the text formatter (twice: with
// fd names and arguments decoded, and --raw with each time column) and by the JSON
// formatter. Whatever the bytes, decoding must not crash, hang, read out of
// bounds or leak. Each input starts from fresh state, so a finding replays
// from its input alone.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "consumer/consumer.h"
#include "output/json.h"
#include "output/sink.h"
#include "output/text.h"
#include "state/fd_table.h"

namespace {

using namespace btrace;

output::Sink& null_sink() {
    static output::Sink* sink = [] {
        auto opened = output::Sink::open("/dev/null");
        if (!opened)
            std::abort();
        return new output::Sink(std::move(*opened));
    }();
    return *sink;
}

template <class Formatter>
void run(const uint8_t* data, size_t size, const output::FormatOptions& options, bool with_fds) {
    state::FdTable fds;
    Formatter formatter(options, with_fds ? &fds : nullptr);
    consumer::Consumer consumer(formatter, null_sink(), fds);
    consumer.feed(data, size);
    (void)consumer.finish();
    (void)null_sink().flush();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exact-size heap copy: ASan then sees any read past the sample's end.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
    if (size)
        std::memcpy(copy.get(), data, size);

    constexpr uint64_t kOrigin = 1'000'000'000;
    run<output::TextFormatter>(copy.get(), size, output::FormatOptions{kOrigin, 0, false, output::TimeFormat::SinceStart},
                               true);
    // --raw, no fd table, and a time column picked by the input's size.
    const auto time = static_cast<output::TimeFormat>(size % 5);
    run<output::TextFormatter>(copy.get(), size, output::FormatOptions{kOrigin, 1'700'000'000'000'000'000, true, time},
                               false);
    run<output::JsonFormatter>(copy.get(), size, output::FormatOptions{kOrigin, 1'700'000'000'000'000'000, false,
                                                                       output::TimeFormat::WallMicros},
                               true);
    return 0;
}
