#include "monitor/http_server.h"
#include "util/parse.h"

#include <netdb.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include <httplib.h>

namespace btrace::monitor {

namespace {

Error address_error(const std::string& text, std::string_view why) {
    return Error{"--metrics " + text + ": " + std::string(why)};
}

// As the user would write it, for error messages.
std::string display(const ListenAddress& address) {
    const bool ipv6 = address.host.find(':') != std::string::npos;
    return (ipv6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace

Result<ListenAddress> parse_listen_address(const std::string& text) {
    ListenAddress address;
    std::string_view port_text = text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string::npos)
            return address_error(text, "missing ']' after the IPv6 address");
        if (close == 1)
            return address_error(text, "empty IPv6 address");
        if (close + 1 == text.size() || text[close + 1] != ':')
            return address_error(text, "expected [ADDRESS]:PORT");
        address.host = text.substr(1, close - 1);
        port_text.remove_prefix(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
        if (text.find(':') != colon)
            return address_error(text, "an IPv6 address goes in brackets: [ADDRESS]:PORT");
        if (colon > 0)
            address.host = text.substr(0, colon);
        port_text.remove_prefix(colon + 1);
    }
    const auto port = to_uint<uint16_t>(port_text);
    if (!port)
        return address_error(text, "the port must be a number from 0 to 65535");
    address.port = *port;
    return address;
}

struct MetricsServer::Impl {
    httplib::Server server;
    std::thread thread;
    std::atomic<bool> listen_returned = false;
    std::mutex render_mutex;
    ListenAddress bound;  // the port the kernel picked for port 0
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const ListenAddress& address,
                                                            std::function<std::string()> render) {
    const std::string what = "--metrics " + display(address);
    // Resolved here as well as in httplib, which reports a failed lookup and a
    // failed bind alike.
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* resolved = nullptr;
    if (const int rc = getaddrinfo(address.host.c_str(), nullptr, &hints, &resolved); rc != 0)
        return Error{what + ": " + gai_strerror(rc)};
    freeaddrinfo(resolved);

    auto impl = std::make_unique<Impl>();
    auto& server = impl->server;
    // httplib's default SO_REUSEPORT would let a second btrace share the port and
    // get half the scrapes; SO_REUSEADDR only allows a quick restart.
    server.set_socket_options([](socket_t sock) {
        const int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    // Two workers: one kept-alive scraper must not block another client. Set
    // here because the library's own default (at least 8) is compiled into it.
    server.new_task_queue = [] { return new httplib::ThreadPool(2); };
    // The mutex keeps render() on one thread at a time, as for a single server thread.
    server.Get("/metrics", [&mutex = impl->render_mutex, render = std::move(render)](const httplib::Request&,
                                                                                      httplib::Response& response) {
        std::lock_guard lock(mutex);
        response.set_content(render(), "text/plain; version=0.0.4; charset=utf-8");
    });

    errno = 0;  // what bind() or listen() leaves on failure: httplib has no error of its own
    const int port = address.port ? (server.bind_to_port(address.host, address.port) ? address.port : -1)
                                  : server.bind_to_any_port(address.host);
    if (port < 0)
        return errno ? errno_error(what, errno) : Error{what + ": cannot listen there"};
    impl->bound = ListenAddress{address.host, static_cast<uint16_t>(port)};
    impl->thread = std::thread([state = impl.get()] {
        state->server.listen_after_bind();
        state->listen_returned = true;
    });
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
    // httplib's stop() does nothing until the thread is inside listen_after_bind().
    while (!impl_->server.is_running() && !impl_->listen_returned)
        std::this_thread::yield();
    impl_->server.stop();
    impl_->thread.join();
}

uint16_t MetricsServer::port() const { return impl_->bound.port; }

std::string MetricsServer::url() const { return "http://" + display(impl_->bound) + "/metrics"; }

}  // namespace btrace::monitor
