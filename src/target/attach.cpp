#include "target/attach.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

namespace btrace::target {

namespace {

// The Tgid: line of /proc/ID/status; -1 when unreadable.
pid_t tgid_of(pid_t id) {
    std::string path = "/proc/" + std::to_string(id) + "/status";
    FILE* file = fopen(path.c_str(), "re");
    if (!file)
        return -1;
    char line[256];
    pid_t tgid = -1;
    while (fgets(line, sizeof(line), file))
        if (std::strncmp(line, "Tgid:", 5) == 0) {
            tgid = static_cast<pid_t>(std::strtol(line + 5, nullptr, 10));
            break;
        }
    fclose(file);
    return tgid;
}

}  // namespace

Result<void> check_process(pid_t pid) {
    const std::string what = "-p " + std::to_string(pid);
    if (pid == getpid())
        return Error{what + ": that is btrace itself", 2};
    pid_t tgid = tgid_of(pid);
    if (tgid < 0)
        return Error{what + ": no such process", 1};
    if (tgid != pid)
        return Error{what + ": is a thread of process " + std::to_string(tgid) + "; give the process id", 2};
    return {};
}

std::vector<pid_t> threads_of(pid_t pid) {
    std::vector<pid_t> tids;
    std::string path = "/proc/" + std::to_string(pid) + "/task";
    DIR* dir = opendir(path.c_str());
    if (!dir)
        return tids;
    while (dirent* entry = readdir(dir)) {
        pid_t tid = 0;
        const char* name = entry->d_name;
        auto [end, ec] = std::from_chars(name, name + std::strlen(name), tid);
        if (ec == std::errc() && *end == '\0')
            tids.push_back(tid);
    }
    closedir(dir);
    return tids;
}

bool task_exists(pid_t id) {
    // A zombie has exited: its exit event may have come before we attached.
    const std::string path = "/proc/" + std::to_string(id) + "/stat";
    FILE* file = fopen(path.c_str(), "re");
    if (!file)
        return false;
    char buf[512];
    const size_t n = fread(buf, 1, sizeof(buf) - 1, file);
    fclose(file);
    buf[n] = '\0';
    const char* paren = strrchr(buf, ')');  // comm may contain spaces and parens
    return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

}  // namespace btrace::target
