// SPDX-License-Identifier: Apache-2.0
// --by cgroup labels: cgroup v2 ids (what bpf_get_current_cgroup_id() gives)
// named by their path in the unified hierarchy. On hosts that mount cgroup v1
// and v2 together the v1 hierarchies are left alone: their roots all have
// inode 1 like v2's, and v2 may sit at /sys/fs/cgroup/unified.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <unordered_map>

namespace btrace::monitor {

// Where the unified (cgroup2) hierarchy is mounted, from /proc/self/mountinfo
// text: the first cgroup2 mount of its root, else the first cgroup2 mount;
// nullopt when there is none.
std::optional<std::string> unified_cgroup_mount(std::istream& mountinfo);

// ids -> paths under root ("/" for root itself), learnt by walking the tree
// again when an id is new: at most once per scrape, since the ids of removed
// cgroups stay unknown and are shown as numbers.
class CgroupNames {
public:
    // root: the unified hierarchy's mount point; empty: every id a number.
    explicit CgroupNames(std::string root) : root_(std::move(root)) {}
    // From the running system's mount table.
    static CgroupNames of_this_host();

    void new_scrape() { rescanned_ = false; }
    std::string name(uint64_t id);

private:
    void rescan();

    std::string root_;
    std::unordered_map<uint64_t, std::string> names_;
    bool rescanned_ = false;
};

}  // namespace btrace::monitor
