// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>

#include "decode/errno.h"

using namespace btrace::decode;

TEST_CASE("errno names and messages match strace's", "[errno]") {
    CHECK(errno_text(ENOENT).name == "ENOENT");
    CHECK(errno_text(ENOENT).message == "No such file or directory");
    CHECK(errno_text(EACCES).name == "EACCES");
    CHECK(errno_text(EAGAIN).name == "EAGAIN");
    CHECK_FALSE(errno_is_internal(ENOENT));
}

TEST_CASE("kernel-internal restart errnos are named", "[errno]") {
    CHECK(errno_text(512).name == "ERESTARTSYS");
    CHECK(errno_text(512).message == "To be restarted if SA_RESTART is set");
    CHECK(errno_text(516).name == "ERESTART_RESTARTBLOCK");
    CHECK(errno_is_internal(512));
    CHECK(errno_is_internal(516));
    CHECK_FALSE(errno_is_internal(520));  // a hole in include/linux/errno.h
}

TEST_CASE("unknown errnos have no name", "[errno]") {
    CHECK(errno_text(999).name.empty());
    CHECK(errno_text(0).name.empty());
    CHECK(errno_text(-2).name.empty());
}

TEST_CASE("signal names", "[errno]") {
    CHECK(signal_name(SIGKILL) == "SIGKILL");
    CHECK(signal_name(SIGSEGV) == "SIGSEGV");
    CHECK(signal_name(SIGIO) == "SIGIO");
    CHECK(signal_name(32) == "SIGRTMIN");  // kernel numbering, like strace
    CHECK(signal_name(34) == "SIGRT_2");   // glibc's SIGRTMIN
    CHECK(signal_name(64) == "SIGRT_32");
    CHECK(signal_name(0).empty());
    CHECK(signal_name(200).empty());
}
