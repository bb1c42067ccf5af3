// SPDX-License-Identifier: Apache-2.0
// strace's filter expressions: -e trace=, -e status= and errno lists.
// Parsing only; the errors are usage errors (exit code 2) whose message
// names the option, the bad item and, when one is close, a suggestion.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "util/fd_set.h"
#include "util/result.h"

namespace btrace::cli {

// -e trace=EXPR, as strace reads it: a comma-separated list of
//   name       a syscall of this arch (open, openat, ...)
//   N          a syscall number
//   %class     %file %desc %network (%net) %process %memory %signal %ipc
//              %clock %creds %stat %lstat %fstat %%stat %statfs %fstatfs
//              %%statfs %pure; the legacy bare file desc network process
//              memory signal ipc too
//   /regex     every syscall whose name regex_search()es it (ECMAScript)
//   all        every syscall
// An item prefixed with `?` is allowed to match nothing.  `!` in front of the
// whole list negates it: `!open,close` is every syscall but those two.  The
// whole list may also be `none` (`!none` = all).
// Indexed by syscall number, size syscalls::all().size(), true = traced.
// Numbers without a syscall (holes in the table) are traced only through
// `all` or a negation, as strace does for numbers it does not know.
Result<std::vector<bool>> parse_trace_set(std::string_view expr);
// Whether such a set (empty: all) selects syscall nr.
inline bool selects(const std::vector<bool>& set, long nr) {
    return set.empty() || (nr >= 0 && static_cast<std::size_t>(nr) < set.size() && set[static_cast<std::size_t>(nr)]);
}

// -e status=EXPR: a comma-separated list of successful failed unfinished
// unavailable detached (the last two are accepted and change nothing here),
// `!` in front negating the list, or `all` / `none` alone.
struct StatusFilter {
    bool successful = true, failed = true, unfinished = true;
};
Result<StatusFilter> parse_status(std::string_view expr);

// An errno list: comma-separated names (ENOENT, EACCES; the names
// strerrorname_np gives for 1..133, plus the aliases EWOULDBLOCK, EDEADLOCK
// and ENOTSUP) or numbers 1..4095.  Positive values, in the order given,
// without repeats.
Result<std::vector<int>> parse_errno_list(std::string_view expr);

// -e signal=EXPR: a comma-separated list of signal names (SIGUSR1, or USR1, in
// any case) or numbers 1..64, `!` in front negating it, or `all` / `none`.
// Bit sig - 1 is set for each signal shown.
Result<uint64_t> parse_signal_set(std::string_view expr);

// -e read=EXPR / -e write=EXPR (qualifier: the name given, for messages), as
// strace's qualify_tokens reads them: comma-separated fd numbers 0..INT_MAX
// (empty items skipped), `all` or `none`; each leading `!` negates the rest.
Result<FdSet> parse_fd_set(std::string_view qualifier, std::string_view expr);

// Levenshtein distance (insertions, deletions, substitutions), used for the
// "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace btrace::cli
