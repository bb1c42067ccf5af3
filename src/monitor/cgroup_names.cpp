// SPDX-License-Identifier: Apache-2.0
#include "monitor/cgroup_names.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace btrace::monitor {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& field) {
    const auto octal = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size() && octal(field[i + 1]) && octal(field[i + 2]) &&
            octal(field[i + 3])) {
            out += static_cast<char>((field[i + 1] - '0') << 6 | (field[i + 2] - '0') << 3 | (field[i + 3] - '0'));
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> unified_cgroup_mount(std::istream& mountinfo) {
    std::optional<std::string> any;
    for (std::string line; std::getline(mountinfo, line);) {
        // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
        std::istringstream fields(line);
        std::vector<std::string> words;
        for (std::string word; fields >> word;)
            words.push_back(word);
        std::size_t dash = 6;
        while (dash < words.size() && words[dash] != "-")
            ++dash;
        if (dash + 1 >= words.size() || words[dash + 1] != "cgroup2")
            continue;
        std::string mount_point = unescape_octal(words[4]);
        if (words[3] == "/")
            return mount_point;
        if (!any)
            any = std::move(mount_point);
    }
    return any;
}

CgroupNames CgroupNames::of_this_host() {
    std::ifstream mountinfo("/proc/self/mountinfo");
    return CgroupNames(unified_cgroup_mount(mountinfo).value_or(""));
}

std::string CgroupNames::name(uint64_t id) {
    if (auto it = names_.find(id); it != names_.end())
        return it->second;
    if (!rescanned_) {
        rescan();
        rescanned_ = true;
        if (auto it = names_.find(id); it != names_.end())
            return it->second;
    }
    return std::to_string(id);  // gone already, or no unified hierarchy
}

void CgroupNames::rescan() {
    namespace fs = std::filesystem;
    if (root_.empty())
        return;
    const fs::path root = root_;
    std::error_code ec;
    struct stat st;
    if (stat(root.c_str(), &st) == 0)
        names_[st.st_ino] = "/";
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && !it->is_symlink(ec) && stat(it->path().c_str(), &st) == 0)
            names_[st.st_ino] = "/" + fs::relative(it->path(), root).string();
    }
}

}  // namespace btrace::monitor
