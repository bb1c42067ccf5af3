#include "output/sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace btrace::output {

Result<Sink> Sink::open(const std::string& path) {
    if (path.empty())
        return Sink(STDERR_FILENO, false, "stderr");
    // O_NOFOLLOW: in a shared directory, a symlink planted at that name must
    // not turn a root-run btrace into a write anywhere.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno == ELOOP)
        return Error{"-o " + path + ": is a symbolic link; give the real path"};
    if (fd < 0)
        return errno_error("-o " + path, errno);
    return Sink(fd, true, path);
}

Sink::Sink(Sink&& other) noexcept
    : fd_(other.fd_), owned_(other.owned_), name_(std::move(other.name_)), buffer_(std::move(other.buffer_)) {
    other.owned_ = false;
}

Sink::~Sink() {
    if (owned_)
        ::close(fd_);
}

Result<void> Sink::flush() {
    const char* data = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, data, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            buffer_.clear();
            return errno_error("writing " + name_, err);
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
    return {};
}

}  // namespace btrace::output
