// SPDX-License-Identifier: Apache-2.0
// The /metrics endpoint for Prometheus scrapes: GET /metrics answers with
// render()'s text; any other path is 404, any other method 405. One thread
// serves every connection through poll(), so a client that sends slowly, or
// not at all, holds a slot and nothing else: each connection has a deadline
// for its whole life (request in, response out), the request's size is bounded,
// and when every slot is taken the oldest connection still sending its request
// after 200 ms makes room for a new one (the others wait in the kernel's
// backlog for a slot). The body is rendered at most once per cache interval and shared by the
// responses made from it, so parallel scrapes cost one body, not one each.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstddef>
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

// "PORT", ":PORT", "HOST:PORT" or "[V6]:PORT"; the host defaults to 127.0.0.1
// (loopback: metrics are not exposed to the network unless asked for).
Result<ListenAddress> parse_listen_address(const std::string& text);

struct ServerLimits {
    std::chrono::milliseconds deadline{5000};  // from accept to the response's last byte
    std::size_t connections = 64;              // held at once
    std::size_t request_bytes = 8192;          // request line and headers
    // A body serves the scrapes that come this soon after it, or while it is still
    // being sent to another (up to the deadline).
    std::chrono::milliseconds cache{500};
};

class MetricsServer {
public:
    // Binds before returning (a busy port is an error here, not later on the
    // thread). render appends the body to an empty buffer; it is called on the
    // server thread, never two at a time.
    using Render = std::function<void(fmt::memory_buffer&)>;
    static Result<std::unique_ptr<MetricsServer>> start(const ListenAddress& address, Render render,
                                                        const ServerLimits& limits = {});
    ~MetricsServer();  // stops and joins the thread

    uint16_t port() const;  // the bound port (useful with port 0)
    std::string url() const;  // http://127.0.0.1:9464/metrics, http://[::1]:9464/metrics

private:
    struct Impl;
    explicit MetricsServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace btrace::monitor
