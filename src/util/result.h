// SPDX-License-Identifier: Apache-2.0
// Expected-style results: errors travel up to main(), which prints one line
// `btrace: <message>` and exits non-zero.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace btrace {

struct Error {
    std::string message;  // "<what>: <why>", without the "btrace: " prefix
    int exit_code = 1;
};

// "<what>: <strerror(err)>" for an errno value (positive or negative).
inline Error errno_error(std::string what, int err) {
    return Error{std::move(what) + ": " + std::strerror(err < 0 ? -err : err)};
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    explicit operator bool() const { return v_.index() == 0; }
    T& operator*() { return std::get<0>(v_); }
    T* operator->() { return &std::get<0>(v_); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    explicit operator bool() const { return !failed_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool failed_ = false;
};

}  // namespace btrace
