// SPDX-License-Identifier: Apache-2.0
// The Debian package, as scripts/package makes it: cpack from the build tree into
// a scratch directory, unpacked with dpkg-deb -x into a scratch root, then its
// binary, man page, bash completion and control fields checked.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "run.h"

using namespace itest;
namespace fs = std::filesystem;

namespace {

// Built once per process (ctest runs each test case in its own process), removed
// with everything cpack and dpkg-deb wrote when the process ends.
struct Package {
    std::string dir;   // cpack's output directory
    std::string deb;   // the .deb in it
    std::string root;  // where it is unpacked

    Package() : dir(temp_path("package")) {
        fs::create_directories(dir);
        // btrace is built at the top of the build tree, next to CPackConfig.cmake.
        const std::string build = fs::path(btrace_bin()).parent_path().string();
        const Output cpack = run({"cpack", "--config", build + "/CPackConfig.cmake", "-G", "DEB", "-B", dir}, 120);
        INFO(cpack.out << cpack.err);
        REQUIRE(cpack.exit_code == 0);
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.path().extension() == ".deb")
                deb = entry.path().string();
        REQUIRE(!deb.empty());
        root = dir + "/root";
        const Output unpack = run({"dpkg-deb", "-x", deb, root});
        INFO(unpack.err);
        REQUIRE(unpack.exit_code == 0);
    }
    ~Package() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    std::string bin() const { return root + "/usr/bin/btrace"; }
    std::string man_page() const { return root + "/usr/share/man/man1/btrace.1.gz"; }
};

const Package& package() {
    static const Package built;
    return built;
}

// Every --long-option btrace --help mentions (the option list and the examples).
std::set<std::string> long_options(const std::string& help) {
    std::set<std::string> names;
    static const std::regex option(R"((^|[\s,\[])(--[a-z][a-z0-9-]*))");
    for (auto it = std::sregex_iterator(help.begin(), help.end(), option); it != std::sregex_iterator(); ++it)
        names.insert((*it)[2].str());
    return names;
}

// man's rendering of the page: plain ASCII, never hyphenated or justified, so
// option names come out whole.
Output render_man_page(const std::string& page) {
    return run({"env", "LC_ALL=C", "MANWIDTH=120", "man", "--warnings", "--no-hyphenation", "--no-justification",
                "-l", page});
}

}  // namespace

TEST_CASE("package: the .deb's btrace runs from its own root", "[package]") {
    const Package& pkg = package();
    const Output built_version = run({btrace_bin(), "--version"});
    REQUIRE(built_version.exit_code == 0);

    const Output version = run({pkg.bin(), "--version"});
    CHECK(version.exit_code == 0);
    std::smatch xyz;
    REQUIRE(std::regex_match(version.out, xyz, std::regex(R"(btrace (\d+\.\d+\.\d+)\n)")));
    CHECK(version.out == built_version.out);
    // The file name carries the same version: btrace_X.Y.Z_<arch>.deb.
    CHECK(fs::path(pkg.deb).filename().string().starts_with("btrace_" + xyz[1].str() + "_"));

    const Output trace = run({pkg.bin(), "--", "/bin/true"});
    INFO(trace.err);
    CHECK(trace.exit_code == 0);
    CHECK(trace.err.find("execve(") != std::string::npos);
    CHECK(trace.err.find("exit_group(") != std::string::npos);
}

TEST_CASE("package: the .deb's monitor serves /metrics", "[package]") {
    const Package& pkg = package();
    const std::string err = temp_path("package-monitor.err");
    Background monitor({pkg.bin(), "monitor", "-p", std::to_string(getpid()), "-o", "/dev/null", "--metrics",
                        "127.0.0.1:0"},
                       err);
    const int port = metrics_port(err);
    REQUIRE(port != 0);
    const auto body = http_get(port, "/metrics");
    REQUIRE(body);
    CHECK(body->find("btrace_events_lost_total") != std::string::npos);
}

TEST_CASE("package: the man page renders and documents every long option", "[package]") {
    const Package& pkg = package();
    REQUIRE(fs::exists(pkg.man_page()));
    const Output man = render_man_page(pkg.man_page());
    INFO(man.err);
    REQUIRE(man.exit_code == 0);
    CHECK(man.out.find("btrace") != std::string::npos);
    CHECK(man.err.find("warning") == std::string::npos);
    for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "OUTPUT", "EXIT STATUS",
                                "REQUIREMENTS", "SEE ALSO"}) {
        INFO(section);
        CHECK(has_line(man.out, std::string("^") + section + "$"));
    }

    const Output help = run({pkg.bin(), "--help"});
    REQUIRE(help.exit_code == 0);
    std::set<std::string> options = long_options(help.out);
    CHECK(options.size() >= 20);
    CHECK(options.count("--help") == 1);
    const Output monitor_help = run({pkg.bin(), "monitor", "--help"});
    REQUIRE(monitor_help.exit_code == 0);
    std::set<std::string> monitor_options = long_options(monitor_help.out);
    CHECK(monitor_options.count("--all-exits") == 1);
    options.merge(monitor_options);
    for (const std::string& option : options) {
        INFO(option << " is in btrace --help or btrace monitor --help but not in btrace(1)");
        CHECK(std::regex_search(man.out, std::regex("(^|[^a-z0-9-])" + option + "($|[^a-z0-9-])")));
    }
    CHECK(help.out.find("btrace monitor") != std::string::npos);
}

TEST_CASE("package: completion, copyright, changelog and control fields", "[package]") {
    const Package& pkg = package();
    const std::string completion = pkg.root + "/usr/share/bash-completion/completions/btrace";
    REQUIRE(fs::exists(completion));
    CHECK(read_file(completion).find("@BTRACE_SYSCALL_NAMES@") == std::string::npos);
    // -e trace=open<Tab>, with = a word break as in bash's default COMP_WORDBREAKS.
    const Output complete = run({"bash", "-c",
                                 "source \"$1\" && COMP_WORDS=(btrace -e trace = open) COMP_CWORD=4 && _btrace && "
                                 "printf '%s\\n' \"${COMPREPLY[@]}\"",
                                 "bash", completion});
    INFO(complete.err);
    CHECK(complete.exit_code == 0);
    CHECK(has_line(complete.out, "^openat$"));
    const Output classes = run({"bash", "-c",
                                "source \"$1\" && COMP_WORDS=(btrace -e trace = read,%fi) COMP_CWORD=4 && _btrace && "
                                "printf '%s\\n' \"${COMPREPLY[@]}\"",
                                "bash", completion});
    CHECK(has_line(classes.out, "^read,%file$"));
    const Output signals = run({"bash", "-c",
                                "source \"$1\" && COMP_WORDS=(btrace -e signal = \\!SIGCH) COMP_CWORD=4 && _btrace && "
                                "printf '%s\\n' \"${COMPREPLY[@]}\"",
                                "bash", completion});
    CHECK(has_line(signals.out, "^!SIGCHLD$"));

    // btrace monitor: offered as the first word, then its own options, every one of its --help.
    const auto completions = [&](const std::string& words, int cword) {
        const Output out = run({"bash", "-c",
                                "source \"$1\" && COMP_WORDS=(" + words + ") COMP_CWORD=" + std::to_string(cword) +
                                    " && { _btrace; printf '%s\\n' \"${COMPREPLY[@]}\"; }",
                                "bash", completion});
        INFO(words << ": " << out.err);
        CHECK(out.exit_code == 0);
        return out.out;
    };
    CHECK(has_line(completions("btrace mon", 1), "^monitor$"));
    const std::string monitor_options = completions("btrace monitor --", 2);
    INFO(monitor_options);
    const Output monitor_help = run({pkg.bin(), "monitor", "--help"});
    REQUIRE(monitor_help.exit_code == 0);
    const std::set<std::string> monitor_longs = long_options(monitor_help.out);
    CHECK(monitor_longs.count("--include-idle") == 1);
    for (const std::string& option : monitor_longs) {
        INFO(option << " is in btrace monitor --help but not completed");
        CHECK(has_line(monitor_options, "^" + option + "$"));
    }
    CHECK(!has_line(monitor_options, "^--summary$"));  // the trace's options are not the monitor's
    const std::string by = completions("btrace monitor --by ''", 3);
    CHECK(has_line(by, "^cgroup$"));
    CHECK(has_line(by, "^comm$"));
    const std::string expr = completions("btrace monitor -e ''", 3);
    CHECK(has_line(expr, "^trace=$"));
    CHECK(!has_line(expr, "^status=$"));

    CHECK(fs::exists(pkg.root + "/usr/share/doc/btrace/copyright"));
    CHECK(fs::exists(pkg.root + "/usr/share/doc/btrace/changelog.gz"));
    // The unit's command line is one btrace accepts (parsed, not run: --help after it).
    const std::string unit = pkg.root + "/usr/lib/systemd/system/btrace-monitor.service";
    REQUIRE(fs::exists(unit));
    std::smatch exec;
    const std::string unit_text = read_file(unit);
    REQUIRE(std::regex_search(unit_text, exec, std::regex("ExecStart=/usr/bin/btrace (.*)")));
    const Output parsed = run({"sh", "-c", pkg.bin() + " " + exec[1].str() + " --help"});
    INFO(parsed.err);
    CHECK(parsed.exit_code == 0);

    const Output fields = run({"dpkg-deb", "--field", pkg.deb, "Package", "Section", "Depends"});
    INFO(fields.out);
    CHECK(fields.exit_code == 0);
    CHECK(has_line(fields.out, "^Package: btrace$"));
    CHECK(has_line(fields.out, "^Section: utils$"));
    // Depends is what the README says apt pulls in, besides the base libraries
    // every system has: no more (cpp-httplib is the tests' alone), no less.
    std::smatch depends_line;
    REQUIRE(std::regex_search(fields.out, depends_line, std::regex("Depends: (.*)")));
    std::set<std::string> depends;
    const std::string depends_text = depends_line[1].str();
    static const std::regex package_name(R"((^|, )([a-z0-9][a-z0-9.+-]*))");
    for (auto it = std::sregex_iterator(depends_text.begin(), depends_text.end(), package_name);
         it != std::sregex_iterator(); ++it)
        depends.insert((*it)[2].str());
    for (const char* base : {"libc6", "libstdc++6", "libgcc-s1"})
        CHECK(depends.erase(base) == 1);
    const std::string readme = read_file(std::string(SOURCE_DIR) + "/README.md");
    std::smatch pulled;
    REQUIRE(std::regex_search(readme, pulled, std::regex(R"(apt pulls in ([^(]*)\()")));
    std::set<std::string> documented;
    const std::string pulled_text = pulled[1].str();
    static const std::regex quoted_name("`([^`]+)`");
    for (auto it = std::sregex_iterator(pulled_text.begin(), pulled_text.end(), quoted_name);
         it != std::sregex_iterator(); ++it)
        documented.insert((*it)[1].str());
    INFO(fields.out << "README: " << pulled_text);
    CHECK(documented.size() == 8);
    // A sanitizer build (scripts/test-sanitize) also depends on its runtimes
    // and on libbpf's own libraries, which it links directly: there the
    // documented ones must be among them; a release build has them alone.
    if (depends.erase("libasan8") + depends.erase("libubsan1") > 0)
        CHECK(std::includes(depends.begin(), depends.end(), documented.begin(), documented.end()));
    else
        CHECK(depends == documented);
    CHECK(fields.out.find("httplib") == std::string::npos);
}

TEST_CASE("package: lintian finds no error or warning", "[package]") {
    Package pkg;
    const Output lint = run({"lintian", "--fail-on", "error,warning", pkg.deb}, 300);
    INFO(lint.out << lint.err);
    CHECK(lint.exit_code == 0);
    CHECK(!has_line(lint.out, "^[EW]: "));
}
