// SPDX-License-Identifier: Apache-2.0
#include "output/sink.h"
#include "util/file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace btrace::output {

namespace {

constexpr int kWriteFlags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;

}  // namespace

// Opens the output FILE for writing, as root should in a shared directory:
// - O_NOFOLLOW: a symlink planted at that name must not turn a root-run
//   btrace into a write anywhere.
// - A file someone else planted in a sticky world-writable directory (/tmp)
//   is refused, as the kernel's protected_regular and protected_fifos refuse
//   it when they are on (fs/namei.c may_create_in_sticky): owned by neither
//   the directory's owner nor us. Checked on the opened file, so swapping it
//   afterwards is of no use, and before any truncation.
// - A FIFO with no reader yet is waited for, but said on stderr first; the
//   fd is then blocking as usual.
// Truncating (not for reopening: after logrotate's copytruncate the file is
// already empty, and after a rename the name is free or freshly created).
Result<int> open_output_file(const std::string& path, bool truncate, const std::string& what) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    const int dir_fd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        return errno_error(what, errno);
    const char* name = path.c_str() + (slash == std::string::npos ? 0 : slash + 1);
    if (!*name)
        name = ".";  // "dir/": EISDIR, as open(2) says it
    const int flags = kWriteFlags | (truncate ? 0 : O_APPEND);
    int fd = ::openat(dir_fd, name, flags | O_NONBLOCK, 0644);
    if (fd < 0 && errno == ENXIO) {
        spdlog::info("{}: waiting for a reader of the FIFO", what);
        fd = ::openat(dir_fd, name, flags, 0644);
    }
    struct stat dir_st {}, st {};
    const bool stated = fd >= 0 && ::fstat(dir_fd, &dir_st) == 0 && ::fstat(fd, &st) == 0;
    const int err = errno;
    ::close(dir_fd);
    if (fd < 0 && err == ELOOP)
        return Error{what + ": is a symbolic link; give the real path"};
    if (fd < 0)
        return errno_error(what, err);
    auto fail = [&](Error error) {
        ::close(fd);
        return error;
    };
    if (!stated)
        return fail(errno_error(what, err));
    const bool shared = (dir_st.st_mode & S_ISVTX) && (dir_st.st_mode & S_IWOTH);
    if (shared && st.st_uid != dir_st.st_uid && st.st_uid != ::geteuid())
        return fail(Error{fmt::format("{}: owned by uid {} in the sticky world-writable {}, where anyone could have "
                                      "put it; remove it or write elsewhere",
                                      what, st.st_uid, dir)});
    // Without protected_hardlinks anyone can link a file of ours (/etc/shadow) there.
    if (shared && S_ISREG(st.st_mode) && st.st_nlink > 1)
        return fail(Error{fmt::format("{}: has {} hard links, in the sticky world-writable {} where anyone could "
                                      "have linked a file of ours; remove it or write elsewhere",
                                      what, st.st_nlink, dir)});
    if (::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0 ||
        (truncate && S_ISREG(st.st_mode) && ::ftruncate(fd, 0) < 0))
        return fail(errno_error(what, errno));
    return fd;
}

Result<Sink> Sink::open(const std::string& path, Rotation rotation, bool append, std::string_view option) {
    if (path.empty())
        return Sink(STDERR_FILENO, false, "stderr", {});
    auto fd = open_output_file(path, !append, std::string(option) + " " + path);
    if (!fd)
        return fd.error();
    return Sink(*fd, true, path, rotation);
}

Sink Sink::separate(std::string prefix, bool append) {
    Sink sink(STDERR_FILENO, false, "stderr", {});
    sink.threads_ = std::make_unique<Separate>(Separate{std::move(prefix), append, {}});
    return sink;
}

Result<void> Sink::route_to(uint32_t tid) {
    if (buffer_.size() == 0)
        return {};  // a record that printed nothing (fd-only calls, forks) opens no file
    if (tid == 0)
        return flush();  // to stderr now, before a thread's lines are buffered here
    auto file = threads_->files.find(tid);
    if (file == threads_->files.end()) {
        auto opened = open(threads_->prefix + "." + std::to_string(tid), {}, threads_->append);
        if (!opened) {
            buffer_.clear();
            return opened.error();
        }
        file = threads_->files.emplace(tid, std::move(*opened)).first;
    }
    auto& to = file->second.buffer_;
    to.append(buffer_.data(), buffer_.data() + buffer_.size());
    buffer_.clear();
    return file->second.flush_if_full();
}

Sink::Sink(Sink&& other) noexcept
    : fd_(other.fd_), owned_(other.owned_), name_(std::move(other.name_)), rotation_(other.rotation_),
      limit_(other.limit_), written_(other.written_), buffer_(std::move(other.buffer_)),
      threads_(std::move(other.threads_)) {
    other.owned_ = false;
}

Sink::~Sink() {
    if (owned_ && fd_ >= 0)
        ::close(fd_);
}

Result<void> Sink::flush() {
    if (threads_)
        for (auto& [tid, file] : threads_->files)
            if (auto ok = file.flush(); !ok)
                return ok;
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
    auto fd = open_output_file(name_, true, "rotating " + name_);
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
    auto fd = open_output_file(name_, false, "reopening " + name_);
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
