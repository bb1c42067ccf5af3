// The /metrics HTTP endpoint, built as a module of its own (btrace-metrics.so)
// that MetricsServer loads only when --metrics asks for it: cpp-httplib brings
// OpenSSL and brotli with it, whose loading and initialisation would otherwise
// cost every btrace start ~1.6 ms. Binary and module are built together, by
// the same compiler against the same libstdc++, so C++ types cross the line.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "util/result.h"

namespace btrace::monitor {

struct ListenAddress {
    std::string host = "127.0.0.1";
    uint16_t port = 0;
};

// Serving on its own thread until destroyed (which stops and joins it).
class HttpEndpoint {
public:
    virtual ~HttpEndpoint() = default;
    virtual uint16_t port() const = 0;  // the bound port (the kernel's pick for port 0)
};

// The module's one entry point, looked up by kStartHttpEndpoint. what names
// the address in error messages ("--metrics 127.0.0.1:9464").
using StartHttpEndpoint = void(const ListenAddress& address, const std::string& what,
                               std::function<std::string()> render, Result<std::unique_ptr<HttpEndpoint>>& started);
inline constexpr const char* kStartHttpEndpoint = "btrace_start_http_endpoint";
inline constexpr const char* kMetricsModule = "btrace-metrics.so";

}  // namespace btrace::monitor
