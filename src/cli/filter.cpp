// SPDX-License-Identifier: Apache-2.0
#include "cli/filter.h"

#include <regex.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cctype>
#include <cstring>
#include <optional>
#include <string>

#include "btrace/event.h"
#include "decode/errno.h"
#include "syscalls/table.h"
#include "util/parse.h"

namespace btrace::cli {

namespace {

namespace sc = btrace::syscalls;

struct ClassName {
    std::string_view name;
    uint16_t bits;  // a syscall is in the class when it has any of these
};

// strace's class names (basic_filters.c), %net being its alias of %network.
constexpr ClassName kClasses[] = {
    {"%file", sc::kFile},       {"%desc", sc::kDesc},         {"%network", sc::kNetwork},
    {"%net", sc::kNetwork},     {"%process", sc::kProcess},   {"%memory", sc::kMemory},
    {"%signal", sc::kSignal},   {"%ipc", sc::kIpc},           {"%clock", sc::kClock},
    {"%creds", sc::kCreds},     {"%stat", sc::kStat},         {"%lstat", sc::kLstat},
    {"%fstat", sc::kFstat},     {"%%stat", sc::kStatLike},    {"%statfs", sc::kStatfs},
    {"%fstatfs", sc::kFstatfs}, {"%%statfs", sc::kStatfsLike}, {"%pure", sc::kPure},
};

// The class names strace still takes without the %.
constexpr std::string_view kLegacyClasses[] = {"file",    "desc",   "network", "process",
                                               "memory", "signal", "ipc"};

std::optional<uint16_t> class_bits(std::string_view name) {
    for (const ClassName& c : kClasses) {
        if (c.name == name) return c.bits;
    }
    return std::nullopt;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

struct Candidate {
    std::string_view shown;     // what the suggestion prints
    std::string_view compared;  // what the distance is measured to
};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string folded(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

// The candidate closest to token, when it is close enough to be a typo:
// at most max(2, len/3) edits, case aside.  Ties go to a candidate with the
// same first letter, then to the earliest.
std::optional<std::string_view> closest(std::string_view token, const std::vector<Candidate>& candidates) {
    const std::string key = folded(token);
    const std::size_t limit = std::max<std::size_t>(2, key.size() / 3);
    std::optional<std::string_view> best;
    std::size_t best_distance = limit + 1;
    bool best_same_start = false;
    for (const Candidate& c : candidates) {
        const std::string other = folded(c.compared);
        const std::size_t d = edit_distance(key, other);
        const bool same_start = !key.empty() && !other.empty() && key[0] == other[0];
        if (d < best_distance || (d == best_distance && same_start && !best_same_start)) {
            best = c.shown;
            best_distance = d;
            best_same_start = same_start;
        }
    }
    return best;
}

std::string with_suggestion(std::string message, std::optional<std::string_view> suggestion) {
    if (suggestion) message += " (did you mean " + quoted(*suggestion) + "?)";
    return message;
}

// Splits on commas, dropping empty items ("open,,close" and "open," are fine,
// as in strace).
std::vector<std::string_view> items_of(std::string_view list) {
    std::vector<std::string_view> items;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view item = list.substr(0, comma);
        if (!item.empty()) items.push_back(item);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return items;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<long> to_number(std::string_view s) {
    if (!all_digits(s)) return std::nullopt;
    return to_uint<long>(s);
}

Error usage(std::string message) { return Error{std::move(message), 2}; }

// Adds the syscalls one item names to set; an error when it names nothing
// (unless it starts with `?`).
Result<bool> add_trace_item(std::string_view item, std::vector<bool>& set, const std::string& what) {
    const std::span<const sc::Syscall> table = sc::all();
    bool may_be_empty = false;
    while (!item.empty() && item.front() == '?') {
        may_be_empty = true;
        item.remove_prefix(1);
    }
    if (item.empty()) return true;  // "?" alone: strace lets it match nothing
    bool matched = false;
    auto add_if = [&](auto&& pred) {
        for (std::size_t nr = 0; nr < table.size(); ++nr) {
            if (!table[nr].name.empty() && pred(table[nr])) {
                set[nr] = true;
                matched = true;
            }
        }
    };

    if (item == "all") {
        std::fill(set.begin(), set.end(), true);
        return true;
    }
    if (item == "none") {
        return usage(what + ": 'none' is only valid as the whole list");
    }
    if (all_digits(item)) {
        const std::optional<long> nr = to_number(item);
        if (nr && sc::lookup(*nr) != nullptr) {
            set[static_cast<std::size_t>(*nr)] = true;
            return true;
        }
        if (may_be_empty) return true;
        return usage(what + ": unknown syscall number " + std::string(item));
    }
    if (item.front() == '/') {
        // POSIX extended regexes, as strace: glibc matches them without
        // backtracking (std::regex took exponential time on "^op**+****g").
        // Bounded, since the compiler recurses on nested groups; syscall names are short.
        constexpr std::size_t kMaxRegex = 4096;
        if (item.size() - 1 > kMaxRegex)
            return usage(what + ": regex longer than " + std::to_string(kMaxRegex) + " characters");
        regex_t re;
        if (regcomp(&re, std::string(item.substr(1)).c_str(), REG_EXTENDED | REG_NOSUB) != 0)
            return usage(what + ": invalid regex " + quoted(item));
        add_if([&](const sc::Syscall& s) { return regexec(&re, std::string(s.name).c_str(), 0, nullptr, 0) == 0; });
        regfree(&re);
        if (matched || may_be_empty) return true;
        return usage(what + ": regex " + quoted(item) + " matches no syscall");
    }
    const bool legacy = std::find(std::begin(kLegacyClasses), std::end(kLegacyClasses), item) !=
                        std::end(kLegacyClasses);
    if (item.front() == '%' || legacy) {
        const std::string name = legacy ? "%" + std::string(item) : std::string(item);
        if (const std::optional<uint16_t> bits = class_bits(name)) {
            add_if([&](const sc::Syscall& s) { return (s.classes & *bits) != 0; });
            return true;  // an empty class on this arch is not an error
        }
        if (may_be_empty) return true;
        std::vector<Candidate> candidates;
        for (const ClassName& c : kClasses) candidates.push_back({c.name, c.name});
        return usage(with_suggestion(what + ": unknown class " + quoted(item), closest(item, candidates)));
    }
    if (const long nr = sc::number_of(item); nr >= 0) {
        set[static_cast<std::size_t>(nr)] = true;
        return true;
    }
    if (may_be_empty) return true;
    std::vector<Candidate> candidates;
    for (const sc::Syscall& s : table) {
        if (!s.name.empty()) candidates.push_back({s.name, s.name});
    }
    for (const ClassName& c : kClasses) candidates.push_back({c.name, c.name.substr(c.name.find_first_not_of('%'))});
    return usage(with_suggestion(what + ": unknown syscall " + quoted(item), closest(item, candidates)));
}

// errno names by value, from the C library; 0 and the gaps (41, 58) empty.
constexpr int kMaxNamedErrno = 133;
constexpr int kMaxErrno = BTRACE_MAX_ERRNO;

struct ErrnoName {
    std::string_view name;
    int value;
};

const std::vector<ErrnoName>& errno_names() {
    static const std::vector<ErrnoName> names = [] {
        std::vector<ErrnoName> out;
        for (int err = 1; err <= kMaxNamedErrno; ++err) {
            if (const char* name = strerrorname_np(err)) out.push_back({name, err});
        }
        // Aliases the C library names by their other spelling.
        out.push_back({"EWOULDBLOCK", EAGAIN});
        out.push_back({"EDEADLOCK", EDEADLK});
        out.push_back({"ENOTSUP", EOPNOTSUPP});
        return out;
    }();
    return names;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];  // row[i-1][j-1]
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];  // row[i-1][j]
            row[j] = std::min({above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

Result<std::vector<bool>> parse_trace_set(std::string_view expr) {
    const std::string what = "-e trace=" + std::string(expr);
    std::vector<bool> set(sc::all().size(), false);
    std::string_view list = expr;
    const bool negate = !list.empty() && list.front() == '!';
    if (negate) list.remove_prefix(1);

    if (list == "none") {
        // nothing
    } else {
        const std::vector<std::string_view> items = items_of(list);
        if (items.empty()) return usage(what + ": no syscall given");
        for (std::string_view item : items) {
            Result<bool> added = add_trace_item(item, set, what);
            if (!added) return added.error();
        }
    }
    if (negate) set.flip();
    return set;
}

Result<StatusFilter> parse_status(std::string_view expr) {
    const std::string what = "-e status=" + std::string(expr);
    constexpr std::string_view kNames[] = {"successful", "failed", "unfinished", "unavailable", "detached"};
    constexpr std::size_t kCount = std::size(kNames);
    bool chosen[kCount] = {};
    std::string_view list = expr;
    const bool negate = !list.empty() && list.front() == '!';
    if (negate) list.remove_prefix(1);

    if (list == "all" || list == "none") {
        std::fill(std::begin(chosen), std::end(chosen), list == "all");
    } else {
        const std::vector<std::string_view> items = items_of(list);
        if (items.empty()) return usage(what + ": no status given");
        for (std::string_view item : items) {
            const auto* found = std::find(std::begin(kNames), std::end(kNames), item);
            if (found == std::end(kNames)) {
                std::vector<Candidate> candidates;
                for (std::string_view name : kNames) candidates.push_back({name, name});
                return usage(with_suggestion(what + ": unknown status " + quoted(item),
                                             closest(item, candidates)));
            }
            chosen[found - std::begin(kNames)] = true;
        }
    }
    if (negate) {
        for (bool& c : chosen) c = !c;
    }
    return StatusFilter{chosen[0], chosen[1], chosen[2]};
}

Result<std::vector<int>> parse_errno_list(std::string_view expr) {
    const std::string what = "--errno " + std::string(expr);
    const std::vector<std::string_view> items = items_of(expr);
    if (items.empty()) return usage(what + ": no errno given");
    std::vector<int> out;
    for (std::string_view item : items) {
        int value = 0;
        if (all_digits(item)) {
            const std::optional<long> n = to_number(item);
            if (!n || *n < 1 || *n > kMaxErrno) {
                return usage(what + ": errno " + std::string(item) + " out of range 1.." +
                             std::to_string(kMaxErrno));
            }
            value = static_cast<int>(*n);
        } else {
            const std::vector<ErrnoName>& names = errno_names();
            const auto found = std::find_if(names.begin(), names.end(),
                                            [&](const ErrnoName& e) { return e.name == item; });
            if (found == names.end()) {
                std::vector<Candidate> candidates;
                for (const ErrnoName& e : names) candidates.push_back({e.name, e.name});
                return usage(with_suggestion(what + ": unknown errno " + quoted(item),
                                             closest(item, candidates)));
            }
            value = found->value;
        }
        if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
    }
    return out;
}

Result<uint64_t> parse_signal_set(std::string_view expr) {
    const std::string what = "-e signal=" + std::string(expr);
    constexpr int kSignals = 64;
    std::string_view list = expr;
    const bool negate = !list.empty() && list.front() == '!';
    if (negate) list.remove_prefix(1);
    uint64_t set = 0;
    if (list == "all" || list == "none") {
        set = list == "all" ? ~0ull : 0;
    } else {
        const std::vector<std::string_view> items = items_of(list);
        if (items.empty()) return usage(what + ": no signal given");
        for (std::string_view item : items) {
            int sig = 0;
            if (all_digits(item)) {
                const std::optional<long> n = to_number(item);
                if (!n || *n < 1 || *n > kSignals)
                    return usage(what + ": signal " + std::string(item) + " out of range 1.." + std::to_string(kSignals));
                sig = static_cast<int>(*n);
            } else {
                // SIGUSR1 or USR1, any case, as strace takes them
                std::string name(item);
                std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
                if (!name.starts_with("SIG")) name = "SIG" + name;
                std::vector<Candidate> candidates;
                for (int n = 1; n <= kSignals && !sig; ++n) {
                    const std::string_view known = decode::signal_name(n);
                    if (known == name) sig = n;
                    candidates.push_back({known, known});
                }
                if (!sig)
                    return usage(with_suggestion(what + ": unknown signal " + quoted(item), closest(name, candidates)));
            }
            set |= 1ull << (sig - 1);
        }
    }
    return negate ? ~set : set;
}

Result<FdSet> parse_fd_set(std::string_view qualifier, std::string_view expr) {
    const std::string what = "-e " + std::string(qualifier) + "=" + std::string(expr);
    FdSet set;
    std::string_view list = expr;
    for (; !list.empty() && list.front() == '!'; list.remove_prefix(1))
        set.negated = !set.negated;
    if (list == "all" || list == "none") {
        set.negated = set.negated != (list == "all");
        return set;
    }
    const std::vector<std::string_view> items = items_of(list);
    if (items.empty())
        return usage(what + ": no file descriptor given");
    for (std::string_view item : items) {
        const std::optional<long> n = to_number(item);
        if (!n || *n > INT_MAX)
            return usage(what + ": " + quoted(item) + " is not a file descriptor (0 or more, all or none)");
        set.fds.push_back(static_cast<int>(*n));
    }
    std::sort(set.fds.begin(), set.fds.end());
    set.fds.erase(std::unique(set.fds.begin(), set.fds.end()), set.fds.end());
    return set;
}

}  // namespace btrace::cli
