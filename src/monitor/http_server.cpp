#include "monitor/http_server.h"
#include "util/parse.h"

#include <dlfcn.h>
#include <netdb.h>

#include <filesystem>
#include <string_view>
#include <vector>

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

namespace {

// Next to the binary (the build tree), or where the package installs it
// relative to the binary (so an unpacked package works from any root).
std::vector<std::string> module_candidates() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec)
        return {};
    const auto dir = exe.parent_path();
    return {(dir / kMetricsModule).string(),
            (dir / ".." / BTRACE_MODULE_DIR / kMetricsModule).lexically_normal().string()};
}

}  // namespace

struct MetricsServer::Impl {
    void* module = nullptr;
    std::unique_ptr<HttpEndpoint> endpoint;  // goes before the module that holds its code
    ListenAddress bound;

    ~Impl() {
        endpoint.reset();
        if (module)
            dlclose(module);
    }
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
    std::string tried;
    for (const auto& path : module_candidates()) {
        if ((impl->module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)))
            break;
        tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
    }
    if (!impl->module)
        return Error{what + ": cannot load the HTTP endpoint module " + kMetricsModule + " (" + tried + ")"};
    auto* start_endpoint = reinterpret_cast<StartHttpEndpoint*>(dlsym(impl->module, kStartHttpEndpoint));
    if (!start_endpoint)
        return Error{what + ": " + kMetricsModule + " has no " + kStartHttpEndpoint};
    Result<std::unique_ptr<HttpEndpoint>> started = Error{what + ": not started"};
    start_endpoint(address, what, std::move(render), started);
    if (!started)
        return started.error();
    impl->endpoint = std::move(*started);
    impl->bound = ListenAddress{address.host, impl->endpoint->port()};
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() = default;

uint16_t MetricsServer::port() const { return impl_->bound.port; }

std::string MetricsServer::url() const { return "http://" + display(impl_->bound) + "/metrics"; }

}  // namespace btrace::monitor
