// SPDX-License-Identifier: Apache-2.0
// monitor --by cgroup: labels from the unified hierarchy only, on a hybrid
// host's mount table and on a directory tree built here (v1 roots beside it).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "monitor/cgroup_names.h"

using btrace::monitor::CgroupNames;
using btrace::monitor::unified_cgroup_mount;
namespace fs = std::filesystem;

namespace {

// systemd's hybrid layout: a tmpfs at /sys/fs/cgroup, v1 controllers in it,
// the unified hierarchy at /sys/fs/cgroup/unified.
constexpr const char* kHybrid =
    "22 1 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "25 22 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "27 25 0:25 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:11 - cgroup2 cgroup2 "
    "rw,nsdelegate\n"
    "28 25 0:26 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup "
    "rw,xattr,name=systemd\n";

uint64_t inode_of(const fs::path& path) {
    struct stat st;
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_ino;
}

}  // namespace

TEST_CASE("cgroup labels: the unified hierarchy is found wherever it is mounted", "[monitor]") {
    std::istringstream hybrid(kHybrid);
    CHECK(unified_cgroup_mount(hybrid) == "/sys/fs/cgroup/unified");

    std::istringstream unified("30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 "
                               "cgroup2 rw,nsdelegate,memory_recursiveprot\n");
    CHECK(unified_cgroup_mount(unified) == "/sys/fs/cgroup");

    // A bind mount of a sub-cgroup comes second to the hierarchy's root; optional
    // fields of any number; mountinfo's octal escapes.
    std::istringstream bound("40 22 0:27 /sys.slice /srv/bound rw shared:1 master:2 - cgroup2 cgroup2 rw\n"
                             "41 22 0:27 / /mnt/cgroup\\040v2 rw - cgroup2 cgroup2 rw\n");
    CHECK(unified_cgroup_mount(bound) == "/mnt/cgroup v2");

    std::istringstream v1_only("26 25 0:24 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");
    CHECK_FALSE(unified_cgroup_mount(v1_only).has_value());
}

TEST_CASE("cgroup labels: paths under the unified root, not under v1's hierarchies beside it", "[monitor]") {
    // /sys/fs/cgroup of a hybrid host, in small: v1 roots and the unified one.
    const fs::path top = fs::temp_directory_path() / ("btrace-cgroups-" + std::to_string(getpid()));
    fs::remove_all(top);
    for (const char* dir : {"cpu/uxtest2", "systemd/system.slice", "unified/uxtest2", "unified/system.slice/a b"})
        fs::create_directories(top / dir);

    CgroupNames names((top / "unified").string());
    CHECK(names.name(inode_of(top / "unified")) == "/");
    CHECK(names.name(inode_of(top / "unified/uxtest2")) == "/uxtest2");
    CHECK(names.name(inode_of(top / "unified/system.slice/a b")) == "/system.slice/a b");
    // The v1 directories are not walked: their ids stay numbers.
    const uint64_t v1 = inode_of(top / "cpu/uxtest2");
    CHECK(names.name(v1) == std::to_string(v1));

    // A cgroup made after the first walk is learnt at the next scrape.
    fs::create_directories(top / "unified/later");
    names.new_scrape();
    CHECK(names.name(inode_of(top / "unified/later")) == "/later");

    // No unified hierarchy: ids as numbers.
    CgroupNames none("");
    CHECK(none.name(inode_of(top / "unified")) == std::to_string(inode_of(top / "unified")));
    fs::remove_all(top);
}
