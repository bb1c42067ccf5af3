// SPDX-License-Identifier: Apache-2.0
// btrace record / btrace report: what report prints of a recording is what
// the live trace of the same run printed; report's filters narrow it as the
// live ones would; a recording cut short (killed, a full disk) reads up to
// its last whole block; losses are marked where they were.
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "run.h"

using namespace itest;

namespace {

// A line without what differs between two tracers of one run: when each
// started (the first column) and how long each timed the call (its tracepoints
// run one after the other).
std::string untimed(const std::string& line) {
    static const std::regex text_times(R"(^ *[0-9.]+ \([^)]*\))");
    static const std::regex json_times(R"re("(ts|rel_ms|duration_ns)":[^,}]*,?)re");
    return line.starts_with("{") ? std::regex_replace(line, json_times, "") : std::regex_replace(line, text_times, "");
}

// Each thread's lines in order, untimed. Two tracers time a call a few hundred
// ns apart, so calls on two CPUs that complete that close may be printed in
// either order; each thread's own are in one order.
std::map<std::string, std::vector<std::string>> by_thread(const std::string& text) {
    static const std::regex text_tid(R"(^ *[0-9.]+ \([^)]*\): \S*?/(\d+) )");
    static const std::regex json_tid(R"re("tid":(\d+))re");
    std::map<std::string, std::vector<std::string>> threads;
    std::smatch m;
    for (const auto& line : lines_of(text)) {
        const bool found = std::regex_search(line, m, line.starts_with("{") ? json_tid : text_tid);
        threads[found ? m[1].str() : "-"].push_back(untimed(line));
    }
    return threads;
}

// A line without its fds' names: what a line shows when only they differ.
std::string without_fd_names(const std::string& line) {
    static const std::regex name(R"re((\d+)<[^<]*?>(?=[,) "\]}]|$)|,"fd_name":"unknown")re");
    return std::regex_replace(line, name, "$1");
}

// Where two texts' threads first differ ("" if they do not): the thread and
// the two lines. Two tracers of one run may tell apart differently whether
// an fd changed before or after a call started, when another CPU changed it
// within the time between their tracepoints: there one shows the name and
// the other "?" (as unknown). Those lines are counted in `unknown_on_one_side`.
std::string first_difference(const std::string& a, const std::string& b, long& unknown_on_one_side) {
    const auto x = by_thread(a), y = by_thread(b);
    for (const auto& [tid, lines] : x) {
        const auto other = y.find(tid);
        if (other == y.end())
            return "thread " + tid + " only in the first";
        for (std::size_t i = 0; i < std::max(lines.size(), other->second.size()); ++i) {
            const std::string p = i < lines.size() ? lines[i] : "(none)";
            const std::string q = i < other->second.size() ? other->second[i] : "(none)";
            if (p == q)
                continue;
            const bool one_unknown = (p.find("<?>") != std::string::npos) != (q.find("<?>") != std::string::npos);
            if (one_unknown && without_fd_names(p) == without_fd_names(q)) {
                ++unknown_on_one_side;
                continue;
            }
            return "thread " + tid + " line " + std::to_string(i) + ":\n" + p + "\n" + q;
        }
    }
    return x.size() == y.size() ? "" : "a thread only in the second";
}

// The "calls errors syscall" columns of a -c table, by syscall.
std::map<std::string, std::string> summary_counts(const std::string& table) {
    static const std::regex row(R"(^ *[0-9.]+ +[0-9.]+ +(\d+) +(\d*) .* (\S+)$)");
    std::map<std::string, std::string> counts;
    std::smatch m;
    for (const auto& line : lines_of(table))
        if (std::regex_match(line, m, row))
            counts[m[3].str()] = m[1].str() + " " + m[2].str();
    return counts;
}

std::vector<std::string> matching_in(const std::string& text, const std::string& regex) {
    std::vector<std::string> out;
    const std::regex re(regex);
    for (const auto& line : lines_of(text))
        if (std::regex_search(line, re))
            out.push_back(line);
    return out;
}

Output report(const std::vector<std::string>& options, const std::string& file) {
    std::vector<std::string> argv = {btrace_bin(), "report"};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back(file);
    return run(argv);
}

// Records `command` (-- COMMAND): the recording's path.
std::string recorded(const std::vector<std::string>& command, const std::vector<std::string>& options = {}) {
    const std::string path = temp_path("rec.btr");
    std::vector<std::string> argv = {btrace_bin(), "record", "-o", path};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.push_back("--");
    argv.insert(argv.end(), command.begin(), command.end());
    const auto out = run(argv);
    REQUIRE(out.exit_code == 0);
    REQUIRE(has_line(out.err, R"(^btrace: recorded \d+ calls to .*: [0-9.]+ (bytes|KiB|MiB)( \(.* before compression\))?$)"));
    return path;
}

}  // namespace

TEST_CASE("report prints what the live trace of the same run printed: lines, fd names, JSON and counts",
          "[integration][record]") {
    // One run of a threaded TCP server and its clients (fds made and reused
    // across threads and CPUs), watched by the live trace (text, JSON, -c) and
    // by btrace record at once: the command waits on a FIFO until all are attached.
    const std::string fifo = temp_path("go.fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    Background target({"/bin/sh", "-c", "read go < " + fifo + "; exec " + helper("tcp_threads") + " 100"});
    const std::string pid = std::to_string(target.pid());
    const std::string live = temp_path("live.txt"), json = temp_path("live.json"), counts = temp_path("live-c.txt"),
                      file = temp_path("run.btr");
    Background live_text({btrace_bin(), "-p", pid, "-o", live});
    Background live_json({btrace_bin(), "-p", pid, "--json", "-o", json});
    Background live_counts({btrace_bin(), "-c", "-p", pid, "-o", counts});
    Background recording({btrace_bin(), "record", "-p", pid, "-o", file});
    for (const Background* tracer : {&live_text, &live_json, &live_counts, &recording})
        REQUIRE(eventually([&] { return attached(tracer->pid()); }, 30000));
    write_file(fifo, "go\n");
    REQUIRE(target.wait(60000) == 0);
    for (Background* tracer : {&live_text, &live_json, &live_counts, &recording})
        REQUIRE(tracer->wait(30000) == 0);

    const auto text = report({}, file);
    REQUIRE(text.exit_code == 0);
    CHECK(text.err.empty());
    const std::string live_lines = read_file(live);
    CHECK(lines_of(text.out).size() == lines_of(live_lines).size());
    long unknown_on_one_side = 0;
    CHECK(first_difference(text.out, live_lines, unknown_on_one_side) == "");
    // What the comparison is worth: the calls in flight at attach, the
    // exec, and reads and writes named by the connection they went over.
    CHECK(has_line(text.out, R"(openat\(.*\.\.\. in progress when tracing started$)"));
    CHECK(has_line(text.out, R"(execve\(filename: ".*tcp_threads")"));
    CHECK(count_matching(text.out, R"(write\(fd: \d+<TCP 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+>, buf: "cport=)") >= 400);

    const auto as_json = report({"--json"}, file);
    REQUIRE(as_json.exit_code == 0);
    CHECK(first_difference(as_json.out, read_file(json), unknown_on_one_side) == "");
    WARN(unknown_on_one_side << " lines named an fd in one trace and showed it unknown in the other");
    CHECK(unknown_on_one_side * 100 < static_cast<long>(lines_of(live_lines).size()));

    const auto summary = report({"-c"}, file);
    REQUIRE(summary.exit_code == 0);
    const auto counted = summary_counts(summary.out);
    CHECK(counted.size() > 10);
    CHECK(counted == summary_counts(read_file(counts)));
}

namespace {
// Records `btrace record --comm COMM` while `script` runs under sh: it is
// started first, waits on FIFO (its path replaces each FIFO in script) until
// the recording is attached, then goes on. The report's text.
std::string recorded_by_comm(const std::string& comm, std::string script) {
    const std::string fifo = temp_path(comm + ".fifo");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    for (std::size_t at; (at = script.find("FIFO")) != std::string::npos;)
        script.replace(at, 4, fifo);
    Background target({"sh", "-c", script});
    usleep(200 * 1000);  // its fds set, waiting on the FIFO
    const std::string file = temp_path(comm + ".btr");
    Background recording({btrace_bin(), "record", "--comm", comm, "-o", file});
    REQUIRE(eventually([&] { return attached(recording.pid()); }, 30000));
    write_file(fifo, "go\n");
    REQUIRE(target.wait(10000) == 0);
    kill(recording.pid(), SIGINT);
    REQUIRE(recording.wait(10000) == 0);
    const auto out = report({}, file);
    REQUIRE(out.exit_code == 0);
    return out.out;
}

// A copy of program under a comm of its own; its path.
std::string renamed(const std::string& program, const std::string& comm) {
    const std::string dir = temp_path("bin-" + comm), path = dir + "/" + comm;
    REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    REQUIRE(run({"cp", program, path}).exit_code == 0);
    return path;
}
}  // namespace

TEST_CASE("a system-wide recording names the fds processes had open before it started", "[integration][record]") {
    // Live, -a names such fds from /proc when a call first uses them; report has
    // no /proc of that host: the recording lists every process's fds at attach.
    const std::string shell = renamed("/bin/dash", "btrace-rec-a");
    const std::string out = recorded_by_comm(
        "btrace-rec-a", "exec " + shell + " -c 'exec 3</etc/hostname; read go < FIFO; read line <&3'");
    INFO(out);
    CHECK(has_line(out, R"(btrace-rec-a/\d+ dup2\(oldfd: 3</etc/hostname>, newfd: 0\) = 0</etc/hostname>$)"));
    CHECK(has_line(out, R"(btrace-rec-a/\d+ read\(fd: 0</etc/hostname>, )"));
}

TEST_CASE("a recording with --comm lists only the processes it selects: another's fds may change untraced",
          "[integration][record]") {
    // A shell (not selected) redirects its stdout, then execs a command that is:
    // the shell's listing at attach would name the old file.
    const std::string command = renamed("/bin/cat", "btrace-rec-c"), old = temp_path("old-stdout");
    const std::string out = recorded_by_comm(
        "btrace-rec-c", "exec >" + old + "; read go < FIFO; exec " + command + " /etc/hostname >/dev/null");
    INFO(out);
    CHECK(has_line(out, R"(btrace-rec-c/\d+ write\(fd: 1<\?>, buf: ")"));
    CHECK(out.find("old-stdout") == std::string::npos);
}

TEST_CASE("report's filters narrow a recording as the live trace's would", "[integration][record]") {
    const std::string file = recorded({helper("decode_calls")});
    const auto all = report({}, file);
    REQUIRE(all.exit_code == 0);
    const auto lines = lines_of(all.out);
    REQUIRE(lines.size() > 50);
    const auto matching = [&](const std::string& regex) { return matching_in(all.out, regex); };
    const std::string call_regex = R"(^ *[0-9.]+ \( *[0-9.>= ]+ ms\): )";
    const auto call_lines = matching(call_regex);

    // -e trace=, -Z, --errno: the calls the live trace would have shown.
    CHECK(lines_of(report({"-e", "trace=openat,close"}, file).out) ==
          matching(R"(\): \S+ (openat|close)\(|^\+\+\+ )"));
    CHECK(lines_of(report({"-Z"}, file).out) == matching(R"(\) = -1 E|^\+\+\+ )"));
    CHECK(lines_of(report({"--errno", "ENOENT"}, file).out) == matching(R"(\) = -1 ENOENT |^\+\+\+ )"));
    // --duration 0 shows everything; a longer one only the calls that took that long.
    CHECK(report({"--duration", "0"}, file).out == all.out);
    for (const auto& line : lines_of(report({"--duration", "0.05"}, file).out))
        if (!line.starts_with("+++"))
            CHECK(std::stod(line.substr(line.find('(') + 1)) >= 0.05);
    // --max-events: the first N calls.
    const auto first = lines_of(report({"--max-events", "5"}, file).out);
    REQUIRE(first.size() == 5);
    CHECK(std::equal(first.begin(), first.end(), call_lines.begin()));
    // -p: only that process (here, every line but none of another pid's).
    const std::string tid = std::regex_replace(call_lines.front(), std::regex(R"(^.*?/(\d+) .*$)"), "$1");
    CHECK(report({"-p", tid}, file).out == all.out);
    CHECK(report({"-p", "1"}, file).out.empty());
    // --since/--until: the calls that started in that window (the first column: ms since the start).
    const double mid_ms = std::stod(call_lines[call_lines.size() / 2]);
    const auto started = [](const std::string& line) { return std::stod(line); };
    const auto count_started = [&](auto pred) { return std::count_if(call_lines.begin(), call_lines.end(), pred); };
    const auto since = matching_in(report({"--since", std::to_string(mid_ms / 1000)}, file).out, call_regex);
    for (const auto& line : since)
        CHECK(started(line) >= mid_ms - 0.001);
    CHECK(std::ssize(since) >= count_started([&](const std::string& l) { return started(l) > mid_ms + 0.001; }));
    const auto until = matching_in(report({"--until", std::to_string(mid_ms / 1000)}, file).out, call_regex);
    for (const auto& line : until)
        CHECK(started(line) <= mid_ms + 0.001);
    CHECK(std::ssize(until) >= count_started([&](const std::string& l) { return started(l) < mid_ms - 0.001; }));
    // -c: every call shown, counted.
    const auto summary = report({"-c"}, file);
    static const std::regex total(R"(^100\.00 +[0-9.]+ +(\d+) .* total$)");
    std::smatch m;
    const auto summary_lines = lines_of(summary.out);
    REQUIRE(std::regex_match(summary_lines.back(), m, total));
    CHECK(std::stoul(m[1].str()) == call_lines.size());
    // -P: only calls that touch the path, by name or by an fd named so.
    for (const auto& line : lines_of(report({"-P", "/etc/passwd"}, file).out))
        if (!line.starts_with("+++"))
            CHECK(line.find("/etc/passwd") != std::string::npos);
}

TEST_CASE("a recording killed mid-run reads up to its last whole block, and the target runs on",
          "[integration][record]") {
    Background target({helper("getpid_loop"), "2000000000"});
    const std::string file = temp_path("killed.btr");
    Background recording({btrace_bin(), "record", "--no-compress", "-e", "trace=getpid", "-p",
                          std::to_string(target.pid()), "-o", file});
    REQUIRE(eventually([&] { return attached(recording.pid()); }, 30000));
    // Some blocks of 1 MiB written (a few thousand calls each), one being filled.
    REQUIRE(eventually([&] {
        struct stat st {};
        return stat(file.c_str(), &st) == 0 && st.st_size > (3 << 20);
    }, 30000));
    kill(recording.pid(), SIGKILL);
    recording.wait(10000);
    CHECK(target.alive());

    const auto out = report({"-c"}, file);
    REQUIRE(out.exit_code == 0);
    CHECK(has_line(out.err, R"(^btrace: .*killed\.btr: it ends .*cut short.* shown up to its last whole block$)"));
    static const std::regex getpid_row(R"(^100\.00 +[0-9.]+ +(\d+) .* getpid$)");
    std::smatch m;
    const auto lines = lines_of(out.out);
    REQUIRE(lines.size() >= 3);
    REQUIRE(std::regex_match(lines[2], m, getpid_row));
    CHECK(std::stoul(m[1].str()) > 10000);
}

TEST_CASE("a recording stopped by Ctrl-C or SIGTERM ends whole", "[integration][record]") {
    for (const int sig : {SIGINT, SIGTERM}) {
        Background target({helper("spinner")});
        const std::string file = temp_path("stopped.btr");
        Background recording({btrace_bin(), "record", "-p", std::to_string(target.pid()), "-o", file});
        REQUIRE(eventually([&] { return attached(recording.pid()); }, 30000));
        usleep(300 * 1000);
        kill(recording.pid(), sig);
        REQUIRE(recording.wait(10000) == 0);
        CHECK(target.alive());
        const auto out = report({}, file);
        REQUIRE(out.exit_code == 0);
        CHECK(out.err.empty());  // whole: its counters at the end
        CHECK(count_matching(out.out, R"(: spinner/\d+ (clock_nanosleep|nanosleep|getppid)\()") > 10);
    }
}

TEST_CASE("a full disk ends the recording with one line, and what was written reads", "[integration][record]") {
    const std::string dir = temp_path("full");
    REQUIRE(mkdir(dir.c_str(), 0700) == 0);
    REQUIRE(mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=2m") == 0);
    struct Unmount {
        std::string dir;
        ~Unmount() { umount2(dir.c_str(), MNT_DETACH); }
    } unmount{dir};
    Background target({helper("getpid_loop"), "2000000000"});
    const std::string file = dir + "/full.btr";
    Background recording({btrace_bin(), "record", "--no-compress", "-p", std::to_string(target.pid()), "-o", file},
                         temp_path("full.err"));
    const int code = recording.wait(60000);
    CHECK(code == 1);
    CHECK(target.alive());
    const auto out = report({"-c"}, file);
    REQUIRE(out.exit_code == 0);
    CHECK(has_line(out.err, R"(: it ends .*cut short.*shown up to its last whole block$)"));
    CHECK(has_line(out.out, R"( getpid$)"));
}

TEST_CASE("losses in a recording are marked in the report where they were, and counted at the end",
          "[integration][record]") {
    // btrace record stopped while seq_writes makes 200,000 calls: its 64K ring overflows.
    const std::string file = temp_path("lossy.btr");
    Background recording({btrace_bin(), "record", "--buffer-size", "64K", "-o", file, "--", helper("seq_writes"),
                          "200000"},
                         file + ".err");
    REQUIRE(recording.read_line(10000) == "stop");
    kill(recording.pid(), SIGSTOP);
    const std::string resume = recording.read_line(20000);
    kill(recording.pid(), SIGCONT);
    REQUIRE(resume == "resume");
    REQUIRE(recording.wait(30000) == 0);
    const std::string warning_text = R"(^btrace: (\d+) calls? lost .*; try a larger --buffer-size$)";
    const std::regex warning(warning_text);
    const auto loss_line = [&](const std::string& err) {
        const auto lines = matching_in(err, warning_text);
        return lines.empty() ? std::string() : lines.front();
    };
    const std::string recorded_loss = loss_line(read_file(file + ".err"));
    REQUIRE(!recorded_loss.empty());
    const auto out = report({}, file);
    REQUIRE(out.exit_code == 0);
    CHECK(loss_line(out.err) == recorded_loss);
    std::smatch m;
    REQUIRE(std::regex_match(recorded_loss, m, warning));
    const long lost = std::stol(m[1].str());
    long marked = 0;
    static const std::regex marker(R"(^\.\.\. (\d+) calls? (?:and \d+ other records? )?lost \.\.\.$)");
    for (const auto& line : lines_of(out.out))
        if (std::regex_match(line, m, marker))
            marked += std::stol(m[1].str());
    CHECK(marked == lost);
    CHECK(marked > 100000);
}

namespace {

// One TracePacket of `protoc --decode` text: what the checks look at.
struct Packet {
    uint64_t ts = 0;
    std::string type;  // TYPE_SLICE_BEGIN ...; empty for a descriptor
    uint64_t track = 0;
    std::string name;
    uint64_t uuid = 0, parent = 0;  // a descriptor's
    long pid = 0, tid = 0;
    std::string thread_name;
    std::vector<std::string> annotations;  // "name=value"
};

std::vector<Packet> packets_of(const std::string& decoded) {
    std::vector<Packet> packets;
    static const std::regex field(R"(^ *(\w+): (.*)$)");
    std::string annotation_value;
    std::smatch m;
    for (const auto& line : lines_of(decoded)) {
        if (line == "packet {") {
            packets.emplace_back();
            continue;
        }
        if (packets.empty() || !std::regex_match(line, m, field))
            continue;
        Packet& p = packets.back();
        const std::string key = m[1].str(), value = m[2].str();
        const auto unquoted = [&] { return value.size() >= 2 ? value.substr(1, value.size() - 2) : value; };
        const auto indent = line.find_first_not_of(' ');
        if (key == "timestamp")
            p.ts = std::stoull(value);
        else if (key == "type")
            p.type = value;
        else if (key == "track_uuid")
            p.track = std::stoull(value);
        else if (key == "uuid")
            p.uuid = std::stoull(value);
        else if (key == "parent_uuid")
            p.parent = std::stoull(value);
        else if (key == "pid")
            p.pid = std::stol(value);
        else if (key == "tid")
            p.tid = std::stol(value);
        else if (key == "thread_name")
            p.thread_name = unquoted();
        else if (key == "string_value")
            annotation_value = unquoted();
        else if (key == "name" && indent == 6)  // a debug annotation's (its value comes first)
            p.annotations.push_back(unquoted() + "=" + annotation_value);
        else if (key == "name" && indent == 4)
            p.name = unquoted();
    }
    return packets;
}

}  // namespace

TEST_CASE("report --perfetto and record --perfetto: a track per thread, a slice per call with its arguments and result",
          "[integration][record]") {
    const std::string at_end = temp_path("at-end.pftrace");
    const std::string file = recorded({helper("tcp_threads"), "20"}, {"--perfetto", at_end});
    const std::string trace = temp_path("run.pftrace");
    const auto wrote = report({"--perfetto", trace}, file);
    REQUIRE(wrote.exit_code == 0);
    CHECK(wrote.err.empty());
    CHECK(read_file(at_end) == read_file(trace));  // record --perfetto: the same, written as recording ends
    const auto decoded = run({"sh", "-c", "protoc --decode=perfetto.protos.Trace -I " + std::string(SOURCE_DIR) +
                                              "/proto perfetto_trace.proto < " + trace});
    REQUIRE(decoded.exit_code == 0);
    const auto packets = packets_of(decoded.out);
    const auto text = report({}, file).out;

    // Threads: one track each, named by comm, under its process's track, described before use.
    std::map<uint64_t, const Packet*> threads;
    uint64_t process_track = 0;
    for (const auto& p : packets) {
        if (p.uuid && p.tid)
            threads[p.uuid] = &p;
        else if (p.uuid && p.pid && !process_track)
            process_track = p.uuid;
    }
    CHECK(threads.size() == 9);  // main, 4 servers, 4 clients
    for (const auto& [uuid, p] : threads) {
        CHECK(p->thread_name == "tcp_threads");
        CHECK(p->parent == process_track);
    }
    // Calls: on each thread, a begin and its end, in time, one at a time; as many as the text's lines.
    std::map<uint64_t, std::vector<const Packet*>> open;
    std::map<uint64_t, uint64_t> last_ts;
    long slices = 0, fd_named_writes = 0;
    for (const auto& p : packets) {
        if (p.type.empty() || p.type == "TYPE_INSTANT")
            continue;
        REQUIRE(threads.count(p.track) == 1);
        CHECK(p.ts >= last_ts[p.track]);
        last_ts[p.track] = p.ts;
        if (p.type == "TYPE_SLICE_BEGIN") {
            CHECK(open[p.track].empty());
            open[p.track].push_back(&p);
            ++slices;
            if (p.name == "write" && std::any_of(p.annotations.begin(), p.annotations.end(), [](const std::string& a) {
                    return std::regex_match(a, std::regex(R"(fd=\d+<TCP 127\.0\.0\.1:\d+->127\.0\.0\.1:\d+>)"));
                }))
                ++fd_named_writes;
        } else {
            REQUIRE(open[p.track].size() == 1);
            open[p.track].clear();
            CHECK(std::any_of(p.annotations.begin(), p.annotations.end(),
                              [](const std::string& a) { return a.starts_with("result="); }));
        }
    }
    CHECK(slices == count_matching(text, R"(^ *[0-9.]+ \( *[0-9.>= ]+ ms\): )"));
    CHECK(fd_named_writes == 2 * 4 * 20);  // each connection: the client's write and the server's
    CHECK(std::count_if(packets.begin(), packets.end(), [](const Packet& p) {
              return p.type == "TYPE_INSTANT" && p.name == "exit_group";
          }) == 1);
}

TEST_CASE("report refuses what it cannot read in one line", "[integration][record]") {
    const auto missing = report({}, temp_path("missing.btr"));
    CHECK(missing.exit_code == 1);
    CHECK(has_line(missing.err, R"(^btrace: .*missing\.btr: No such file or directory$)"));
    const auto not_one = report({}, "/etc/os-release");
    CHECK(not_one.exit_code == 1);
    CHECK(not_one.err == "btrace: /etc/os-release: not a btrace recording (made by btrace record)\n");
    const std::string file = recorded({"true"});
    std::string bytes = read_file(file);
    bytes[8] = 9;  // the format version
    const std::string newer = temp_path("newer.btr");
    write_file(newer, bytes);
    const auto refused = report({}, newer);
    CHECK(refused.exit_code == 1);
    CHECK(has_line(refused.err, R"(^btrace: .*newer\.btr: recorded by a newer btrace \(file format 9; this btrace .* reads up to 1\): report it with that btrace or a later one$)"));
    CHECK(lines_of(refused.err).size() == 1);

    // A hostile header: its text reaches the message escaped, not raw.
    const std::string raw = recorded({"true"}, {"--no-compress"});
    const std::string hostile = temp_path("hostile.btr");
    const auto rewritten = run({"python3", "-c", R"py(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
flags, stored, size, crc = struct.unpack_from('<IIII', data, 20)
block = data[36:36 + stored]
ftype, res, fsize = struct.unpack_from('<HHI', block, 0)
text = block[8:8 + fsize].replace(b'arch=x86_64', b'arch=[2J]0;owned')
block = struct.pack('<HHI', ftype, res, len(text)) + text + block[8 + fsize:]
out = data[:20] + struct.pack('<IIII', flags, len(block), len(block), zlib.crc32(block)) + block + data[36 + stored:]
open(sys.argv[2], 'wb').write(out)
)py", raw, hostile});
    REQUIRE(rewritten.exit_code == 0);
    const auto escaped = report({}, hostile);
    CHECK(escaped.exit_code == 1);
    CHECK(escaped.err.find('\x1b') == std::string::npos);
    CHECK(has_line(escaped.err, R"(recorded on \\33\[2J\\33\]0;owned\\7; this btrace decodes)"));
}
