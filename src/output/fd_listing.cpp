// SPDX-License-Identifier: Apache-2.0
#include "output/fd_listing.h"

#include <algorithm>
#include <array>
#include <iterator>

#include "decode/put.h"
#include "decode/structs.h"
#include "output/json.h"

namespace btrace::output {

namespace {

using decode::put;

std::string escaped(std::string_view name, decode::NameKind kind, bool json) {
    fmt::memory_buffer out;
    decode::format_name(name, kind, json, out);
    return fmt::to_string(out);
}

std::string device_text(const state::OpenFile& file) {
    return file.device ? fmt::format("{},{}", file.device->first, file.device->second) : std::string();
}

// lsof's SIZE/OFF: the size of a regular file or directory (or a file with
// no offset: cwd, txt, mem), else the offset as 0t<decimal>.
std::string size_or_offset(const state::OpenFile& file) {
    if ((file.type == "REG" || file.type == "DIR" || !file.offset) && file.size)
        return std::to_string(*file.size);
    return file.offset ? "0t" + std::to_string(*file.offset) : std::string();
}

void text(std::span<const ProcessFiles> processes, fmt::memory_buffer& out) {
    constexpr std::size_t kColumns = 9;
    using Row = std::array<std::string, kColumns>;
    std::vector<Row> rows{{"COMMAND", "PID", "FD", "TYPE", "DEVICE", "SIZE/OFF", "NODE", "CLOEXEC", "NAME"}};
    for (const auto& process : processes) {
        const std::string comm = escaped(process.comm, decode::NameKind::Comm, false);
        for (const auto& file : process.files)
            rows.push_back({comm, std::to_string(process.pid), file.fd + (file.mode ? std::string(1, file.mode) : ""),
                            file.type, device_text(file), size_or_offset(file), std::to_string(file.node),
                            file.cloexec ? (*file.cloexec ? "yes" : "no") : "",
                            escaped(file.name, decode::NameKind::Fd, false)});
    }
    std::array<std::size_t, kColumns> width{};
    for (const auto& row : rows)
        for (std::size_t c = 0; c < kColumns; ++c)
            width[c] = std::max(width[c], row[c].size());
    // Numbers right-aligned, words left-aligned; NAME last and unpadded.
    constexpr std::array<bool, kColumns> kRight{false, true, true, false, true, true, true, false, false};
    for (const auto& row : rows) {
        for (std::size_t c = 0; c + 1 < kColumns; ++c) {
            if (kRight[c])
                fmt::format_to(std::back_inserter(out), "{:>{}} ", row[c], width[c]);
            else
                fmt::format_to(std::back_inserter(out), "{:<{}} ", row[c], width[c]);
        }
        put(out, row[kColumns - 1]);
        out.push_back('\n');
    }
}

template <class T>
void json_optional(const std::optional<T>& value, fmt::memory_buffer& out) {
    if (value)
        fmt::format_to(std::back_inserter(out), "{}", *value);
    else
        put(out, "null");
}

void json(std::span<const ProcessFiles> processes, fmt::memory_buffer& out) {
    auto it = std::back_inserter(out);
    out.push_back('[');
    bool first = true;
    for (const auto& process : processes) {
        const std::string comm = escaped(process.comm, decode::NameKind::Comm, true);
        for (const auto& file : process.files) {
            put(out, first ? "{\"command\":" : ",{\"command\":");
            first = false;
            json_string(comm, out);
            fmt::format_to(it, ",\"pid\":{},\"fd\":\"{}\",\"mode\":", process.pid, file.fd);
            if (file.mode)
                fmt::format_to(it, "\"{}\"", file.mode);
            else
                put(out, "null");
            fmt::format_to(it, ",\"type\":\"{}\",\"device\":", file.type);
            if (file.device)
                fmt::format_to(it, "\"{}\"", device_text(file));
            else
                put(out, "null");
            put(out, ",\"size\":");
            json_optional(file.size, out);
            put(out, ",\"offset\":");
            json_optional(file.offset, out);
            fmt::format_to(it, ",\"node\":{},\"cloexec\":", file.node);
            json_optional(file.cloexec, out);
            put(out, ",\"name\":");
            json_string(escaped(file.name, decode::NameKind::Fd, true), out);
            out.push_back('}');
        }
    }
    put(out, "]\n");
}

}  // namespace

void format_fd_listing(std::span<const ProcessFiles> processes, bool as_json, fmt::memory_buffer& out) {
    if (as_json)
        json(processes, out);
    else
        text(processes, out);
}

}  // namespace btrace::output
