// A minimal HTTP endpoint for Prometheus scrapes: GET /metrics answers with
// render(); everything else is 404. Runs on its own thread (cpp-httplib, in a
// module loaded on start: see http_endpoint.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "monitor/http_endpoint.h"
#include "util/result.h"

namespace btrace::monitor {

// "PORT", ":PORT", "HOST:PORT" or "[V6]:PORT"; the host defaults to 127.0.0.1
// (loopback: metrics are not exposed to the network unless asked for).
Result<ListenAddress> parse_listen_address(const std::string& text);

class MetricsServer {
public:
    // Binds before returning (a busy port is an error here, not later on the
    // thread). render is called on a server thread, once per scrape, never
    // two at a time.
    static Result<std::unique_ptr<MetricsServer>> start(const ListenAddress& address,
                                                        std::function<std::string()> render);
    ~MetricsServer();  // stops and joins the thread

    uint16_t port() const;  // the bound port (useful with port 0)
    std::string url() const;  // http://127.0.0.1:9464/metrics, http://[::1]:9464/metrics

private:
    struct Impl;
    explicit MetricsServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace btrace::monitor
