// SPDX-License-Identifier: Apache-2.0
#include "monitor/http_server.h"
#include "util/parse.h"

#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <string_view>
#include <thread>
#include <utility>
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

using Clock = std::chrono::steady_clock;

// An fd closed with its owner.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        std::swap(fd_, other.fd_);
        return *this;
    }
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

struct Connection {
    Fd fd;
    Clock::time_point deadline;
    std::string request;                        // bytes read so far, up to ServerLimits::request_bytes
    std::string head;                           // status line and headers, once the request is complete
    std::shared_ptr<const fmt::memory_buffer> body;  // shared with the other responses made from it
    std::size_t sent = 0;                       // of head, then body
    bool responding() const { return !head.empty(); }
};

// The end of the request's headers, or npos.
std::size_t headers_end(const std::string& request) {
    const std::size_t crlf = request.find("\r\n\r\n");
    return crlf != std::string::npos ? crlf : request.find("\n\n");
}

}  // namespace

struct MetricsServer::Impl {
    Fd listener;
    Fd wakeup;  // an eventfd: the destructor's stop signal
    ListenAddress bound;
    ServerLimits limits;
    Render render;
    std::shared_ptr<const fmt::memory_buffer> body;
    Clock::time_point rendered;
    std::vector<Connection> connections;
    std::atomic<bool> stop = false;
    std::thread thread;

    ~Impl() {
        if (!thread.joinable())
            return;
        stop = true;
        const uint64_t one = 1;
        (void)!::write(wakeup.get(), &one, sizeof(one));
        thread.join();
    }

    void serve() {
        std::vector<pollfd> polled;
        while (!stop) {
            polled.clear();
            polled.push_back({wakeup.get(), POLLIN, 0});
            // Full: new connections wait in the backlog until one ends or turns out
            // slow, which a look every 50 ms finds.
            const bool room = connections.size() < limits.connections;
            polled.push_back({listener.get(), static_cast<short>(room ? POLLIN : 0), 0});
            auto wait = room ? limits.deadline : std::chrono::milliseconds(50);
            const auto now = Clock::now();
            for (const auto& c : connections) {
                polled.push_back({c.fd.get(), static_cast<short>(c.responding() ? POLLOUT : POLLIN), 0});
                wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(c.deadline - now));
            }
            if (::poll(polled.data(), polled.size(), static_cast<int>(std::max<int64_t>(wait.count(), 0))) < 0 &&
                errno != EINTR)
                return;
            // Connections first (their pollfds follow the two fixed ones), then new ones.
            const auto after = Clock::now();
            std::size_t kept = 0;
            for (std::size_t i = 0; i < connections.size(); ++i) {
                Connection& c = connections[i];
                const short events = polled[i + 2].revents;
                const bool alive = c.deadline > after && (!events || advance(c, events, after));
                if (alive && kept != i)
                    connections[kept] = std::move(c);
                kept += alive;
            }
            connections.resize(kept);
            if (polled[1].revents & POLLIN || connections.size() >= limits.connections)
                accept_all(after);
        }
    }

    // While there is a slot, or a slow client to take one from: the rest wait
    // in the kernel's backlog.
    void accept_all(Clock::time_point now) {
        while (connections.size() < limits.connections || evict_slow_reader(now)) {
            Fd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (fd.get() < 0)
                return;  // EAGAIN: none left (or an error that the next poll reports again)
            connections.push_back(Connection{std::move(fd), now + limits.deadline, {}, {}, nullptr, 0});
        }
    }

    // Closes the oldest connection still sending its request after kGrace
    // (a scraper sends it at once); false if there is none.
    bool evict_slow_reader(Clock::time_point now) {
        static constexpr auto kGrace = std::chrono::milliseconds(200);
        auto oldest = connections.end();
        for (auto it = connections.begin(); it != connections.end(); ++it)
            if (!it->responding() && it->deadline - limits.deadline + kGrace <= now &&
                (oldest == connections.end() || it->deadline < oldest->deadline))
                oldest = it;
        if (oldest == connections.end())
            return false;
        connections.erase(oldest);
        return true;
    }

    // Reads or writes what the connection is ready for; false when it is done with.
    bool advance(Connection& c, short events, Clock::time_point now) {
        if (events & (POLLERR | POLLNVAL))
            return false;
        if (!c.responding()) {
            char chunk[2048];
            const std::size_t room = limits.request_bytes - c.request.size();
            const ssize_t n = ::recv(c.fd.get(), chunk, std::min(room, sizeof(chunk)), 0);
            if (n <= 0)
                return n < 0 && (errno == EAGAIN || errno == EINTR);
            c.request.append(chunk, static_cast<std::size_t>(n));
            if (headers_end(c.request) != std::string::npos)
                respond(c, now);
            else if (c.request.size() >= limits.request_bytes)
                reply(c, "431 Request Header Fields Too Large", nullptr);
            else
                return true;
        }
        return send_some(c);
    }

    void respond(Connection& c, Clock::time_point now) {
        const std::string_view line(c.request.data(), c.request.find_first_of("\r\n"));
        const std::size_t space = line.find(' ');
        const std::string_view method = line.substr(0, space);
        std::string_view target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        target = target.substr(0, target.find(' '));
        target = target.substr(0, target.find('?'));
        if (target != "/metrics") {
            reply(c, "404 Not Found", nullptr);
        } else if (method != "GET") {
            reply(c, "405 Method Not Allowed", nullptr);
        } else {
            // A body still being sent serves on (up to the deadline, when its last
            // reader is gone), so that one body, not two, is held at a time.
            const auto age = now - rendered;
            if (!body || (age >= limits.cache && (body.use_count() == 1 || age >= limits.deadline))) {
                body.reset();
                auto fresh = std::make_shared<fmt::memory_buffer>();
                render(*fresh);
                body = std::move(fresh);
                rendered = Clock::now();
            }
            reply(c, "200 OK", body);
        }
        c.request = std::string();  // its memory back now
    }

    static void reply(Connection& c, std::string_view status, std::shared_ptr<const fmt::memory_buffer> body) {
        c.head = fmt::format("HTTP/1.1 {}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
                             "Content-Length: {}\r\nConnection: close\r\n\r\n",
                             status, body ? body->size() : 0);
        c.body = std::move(body);
    }

    // Writes what the socket takes; false when all is sent or the peer is gone.
    static bool send_some(Connection& c) {
        const std::size_t total = c.head.size() + (c.body ? c.body->size() : 0);
        while (c.sent < total) {
            const bool in_head = c.sent < c.head.size();
            const char* from = in_head ? c.head.data() + c.sent : c.body->data() + (c.sent - c.head.size());
            const std::size_t left = in_head ? c.head.size() - c.sent : total - c.sent;
            const ssize_t n = ::send(c.fd.get(), from, left, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0)
                return errno == EAGAIN || errno == EINTR;
            c.sent += static_cast<std::size_t>(n);
        }
        return false;
    }
};

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const ListenAddress& address, Render render,
                                                            const ServerLimits& limits) {
    const std::string what = "--metrics " + display(address);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* resolved = nullptr;
    const std::string port = std::to_string(address.port);
    if (const int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &resolved); rc != 0)
        return Error{what + ": " + gai_strerror(rc)};
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(resolved, freeaddrinfo);

    auto impl = std::make_unique<Impl>();
    impl->limits = limits;
    impl->render = std::move(render);
    int err = 0;
    for (const addrinfo* ai = resolved; ai && impl->listener.get() < 0; ai = ai->ai_next) {
        Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
        // SO_REUSEADDR allows a quick restart; never SO_REUSEPORT, which would let a
        // second btrace share the port and get half the scrapes.
        const int yes = 1;
        if (fd.get() < 0 || setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes)) != 0 ||
            ::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), SOMAXCONN) != 0) {
            err = errno;
            continue;
        }
        impl->listener = std::move(fd);
    }
    if (impl->listener.get() < 0)
        return errno_error(what, err);
    sockaddr_storage bound{};
    socklen_t length = sizeof(bound);
    if (getsockname(impl->listener.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0)
        return errno_error(what, errno);
    const uint16_t bound_port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                                                  : reinterpret_cast<sockaddr_in&>(bound).sin_port);
    impl->bound = ListenAddress{address.host, bound_port};
    impl->wakeup = Fd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (impl->wakeup.get() < 0)
        return errno_error(what + ": eventfd", errno);
    impl->thread = std::thread([raw = impl.get()] { raw->serve(); });
    return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl)));
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() = default;

uint16_t MetricsServer::port() const { return impl_->bound.port; }

std::string MetricsServer::url() const { return "http://" + display(impl_->bound) + "/metrics"; }

}  // namespace btrace::monitor
