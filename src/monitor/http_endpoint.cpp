#include "monitor/http_endpoint.h"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <thread>

#include <httplib.h>

namespace btrace::monitor {

namespace {

class HttplibEndpoint final : public HttpEndpoint {
public:
    ~HttplibEndpoint() override {
        if (!thread_.joinable())
            return;  // start() failed: nothing listens
        // httplib's stop() does nothing until the thread is inside listen_after_bind().
        while (!server_.is_running() && !listen_returned_)
            std::this_thread::yield();
        server_.stop();
        thread_.join();
    }
    uint16_t port() const override { return port_; }

    Result<void> start(const ListenAddress& address, const std::string& what, std::function<std::string()> render) {
        // httplib's default SO_REUSEPORT would let a second btrace share the port and
        // get half the scrapes; SO_REUSEADDR only allows a quick restart.
        server_.set_socket_options([](socket_t sock) {
            const int yes = 1;
            setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
        });
        // Two workers: one kept-alive scraper must not block another client. Set
        // here because the library's own default (at least 8) is compiled into it.
        server_.new_task_queue = [] { return new httplib::ThreadPool(2); };
        // The mutex keeps render() on one thread at a time, as for a single server thread.
        server_.Get("/metrics", [&mutex = render_mutex_, render = std::move(render)](const httplib::Request&,
                                                                                   httplib::Response& response) {
            std::lock_guard lock(mutex);
            response.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
        });

        errno = 0;  // what bind() or listen() leaves on failure: httplib has no error of its own
        const int port = address.port ? (server_.bind_to_port(address.host, address.port) ? address.port : -1)
                                      : server_.bind_to_any_port(address.host);
        if (port < 0)
            return errno ? errno_error(what, errno) : Error{what + ": cannot listen there"};
        port_ = static_cast<uint16_t>(port);
        thread_ = std::thread([this] {
            server_.listen_after_bind();
            listen_returned_ = true;
        });
        return {};
    }

private:
    httplib::Server server_;
    std::thread thread_;
    std::atomic<bool> listen_returned_ = false;
    std::mutex render_mutex_;
    uint16_t port_ = 0;
};

}  // namespace

}  // namespace btrace::monitor

extern "C" void btrace_start_http_endpoint(const btrace::monitor::ListenAddress& address, const std::string& what,
                                           std::function<std::string()> render,
                                           btrace::Result<std::unique_ptr<btrace::monitor::HttpEndpoint>>& started) {
    auto endpoint = std::make_unique<btrace::monitor::HttplibEndpoint>();
    if (auto ok = endpoint->start(address, what, std::move(render)); !ok)
        started = ok.error();
    else
        started = std::unique_ptr<btrace::monitor::HttpEndpoint>(std::move(endpoint));
}

static_assert(std::is_same_v<decltype(btrace_start_http_endpoint), btrace::monitor::StartHttpEndpoint>);
