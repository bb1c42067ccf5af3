// SPDX-License-Identifier: Apache-2.0
#include "output/stack_summary.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "decode/put.h"
#include "output/json.h"
#include "output/summary.h"
#include "output/text.h"
#include "syscalls/table.h"

namespace btrace::output {

namespace {

std::string_view name_of(long nr) {
    const syscalls::Syscall* info = syscalls::lookup(nr);
    return info ? info->name : std::string_view("?");
}

}  // namespace

void StackSummary::add(const btrace_syscall& rec, const stack::Stack& stack, bool failed) {
    // By what is shown: one address can hold another library later (dlclose, dlopen).
    key_.assign(reinterpret_cast<const char*>(&rec.nr), sizeof(rec.nr));
    key_.push_back(stack.doubt ? '?' : '.');
    for (const stack::Frame& frame : stack.frames) {
        key_.append(reinterpret_cast<const char*>(&frame.pc), sizeof(frame.pc));
        key_.append(frame.module ? frame.module : "");
        key_.push_back('\0');
        key_.append(frame.symbol);
        key_.push_back('\0');
    }
    auto it = groups_.find(key_);
    if (it == groups_.end()) {
        Group group;
        group.nr = rec.nr;
        fmt::memory_buffer text;
        if (json_)
            put_stack_json(stack, text);
        else
            put_stack_lines(stack, text);
        group.stack.assign(text.data(), text.size());
        it = groups_.emplace(key_, std::move(group)).first;
    }
    btrace_stats& s = it->second.stats;
    const __u64 ns = (rec.hdr.flags & BTRACE_SYS_NO_RETURN) ? 0 : rec.duration_ns;
    s.min_ns = s.calls ? std::min(s.min_ns, ns) : ns;
    s.max_ns = std::max(s.max_ns, ns);
    s.calls++;
    s.errors += failed;
    s.total_ns += ns;
    s.hist[hist_bucket(ns)]++;
}

void StackSummary::format(fmt::memory_buffer& out) const {
    std::vector<const Group*> sorted;
    sorted.reserve(groups_.size());
    for (const auto& [key, group] : groups_)
        sorted.push_back(&group);
    std::sort(sorted.begin(), sorted.end(), [](const Group* a, const Group* b) {
        return a->stats.total_ns != b->stats.total_ns ? a->stats.total_ns > b->stats.total_ns
                                                      : a->stats.calls > b->stats.calls;
    });
    auto it = std::back_inserter(out);
    if (json_) {
        decode::put(out, R"({"type":"stack_summary","stacks":[)");
        for (const Group* g : sorted) {
            const btrace_stats& s = g->stats;
            fmt::format_to(it, R"({}{{"syscall":"{}","calls":{},"errors":{},"total_ns":{},"p50_ns":{},"p99_ns":{},"max_ns":{})",
                           g == sorted.front() ? "" : ",", name_of(g->nr), s.calls, s.errors, s.total_ns,
                           percentile_ns(s, 0.5), percentile_ns(s, 0.99), s.max_ns);
            decode::put(out, g->stack);
            out.push_back('}');
        }
        decode::put(out, "]}\n");
        return;
    }
    fmt::format_to(it, "\nStacks ({} distinct, by total time):\n", sorted.size());
    for (const Group* g : sorted) {
        const btrace_stats& s = g->stats;
        fmt::format_to(it, "{:>9} call{}, {} error{}, {:.3f} ms total, p50 {:.3f} ms, p99 {:.3f} ms, max {:.3f} ms: {}\n",
                       s.calls, s.calls == 1 ? "" : "s", s.errors, s.errors == 1 ? "" : "s", s.total_ns / 1e6,
                       percentile_ns(s, 0.5) / 1e6, percentile_ns(s, 0.99) / 1e6, s.max_ns / 1e6, name_of(g->nr));
        decode::put(out, g->stack);
    }
}

}  // namespace btrace::output
