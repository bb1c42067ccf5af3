// SPDX-License-Identifier: Apache-2.0
#include "output/sink.h"
#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace btrace::output {

namespace {

constexpr int kCreateFlags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW;
// Reopening must not truncate: after logrotate's copytruncate the file is
// already empty, and after a rename the name is free or freshly created.
constexpr int kReopenFlags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW;

// O_NOFOLLOW: in a shared directory, a symlink planted at that name must
// not turn a root-run btrace into a write anywhere.
Result<int> open_file(const std::string& path, int flags, const std::string& what) {
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0 && errno == ELOOP)
        return Error{what + ": is a symbolic link; give the real path"};
    if (fd < 0)
        return errno_error(what, errno);
    return fd;
}

}  // namespace

Result<Sink> Sink::open(const std::string& path, Rotation rotation) {
    if (path.empty())
        return Sink(STDERR_FILENO, false, "stderr", {});
    auto fd = open_file(path, kCreateFlags, "-o " + path);
    if (!fd)
        return fd.error();
    return Sink(*fd, true, path, rotation);
}

Sink::Sink(Sink&& other) noexcept
    : fd_(other.fd_), owned_(other.owned_), name_(std::move(other.name_)), rotation_(other.rotation_),
      limit_(other.limit_), written_(other.written_), buffer_(std::move(other.buffer_)) {
    other.owned_ = false;
}

Sink::~Sink() {
    if (owned_ && fd_ >= 0)
        ::close(fd_);
}

Result<void> Sink::flush() {
    // The buffer holds whole lines, so rotating before it keeps lines intact;
    // a buffer larger than max_bytes still goes whole into one file.
    if (written_ > 0 && written_ + buffer_.size() > limit_) {
        if (auto ok = rotate(); !ok) {
            buffer_.clear();
            return ok;
        }
    }
    const int err = write_all(fd_, buffer_.data(), buffer_.size());
    if (err == 0)
        written_ += buffer_.size();
    buffer_.clear();
    if (err != 0)
        return errno_error("writing " + name_, err);
    return {};
}

Result<void> Sink::rotate() {
    ::close(fd_);
    fd_ = -1;
    // Oldest first, so each rename lands on a free name (or over FILE.keep,
    // which drops the oldest); gaps from missing files are skipped.
    for (unsigned i = rotation_.keep; i > 0; --i) {
        std::string from = i == 1 ? name_ : name_ + "." + std::to_string(i - 1);
        std::string to = name_ + "." + std::to_string(i);
        if (::rename(from.c_str(), to.c_str()) < 0 && errno != ENOENT)
            return errno_error("rotating " + from, errno);
    }
    auto fd = open_file(name_, kCreateFlags, "rotating " + name_);
    if (!fd)
        return fd.error();
    fd_ = *fd;
    written_ = 0;
    return {};
}

Result<void> Sink::reopen() {
    if (!owned_)
        return {};
    if (auto ok = flush(); !ok)
        return ok;
    ::close(fd_);
    fd_ = -1;
    auto fd = open_file(name_, kReopenFlags, "reopening " + name_);
    if (!fd)
        return fd.error();
    fd_ = *fd;
    struct stat st;
    if (::fstat(fd_, &st) < 0)
        return errno_error("reopening " + name_, errno);
    written_ = static_cast<std::size_t>(st.st_size);
    return {};
}

}  // namespace btrace::output
