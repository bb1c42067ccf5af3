// SPDX-License-Identifier: Apache-2.0
#include "stack/unwinder.h"

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <span>
#include <string>

namespace btrace::stack {

namespace {

// What the thread callbacks read: the call's registers and stack copy.
struct Sample {
    pid_t tid = 0;
    btrace_user_stack regs{};
    std::span<const uint8_t> copy;
    bool left_copy = false;  // the unwind wanted stack past the copy
};

pid_t next_thread(Dwfl*, void* arg, void** thread_arg) {
    if (*thread_arg)
        return 0;
    *thread_arg = arg;
    return static_cast<Sample*>(arg)->tid;
}

bool memory_read(Dwfl*, Dwarf_Addr addr, Dwarf_Word* result, void* arg) {
    auto* sample = static_cast<Sample*>(arg);
    const uint64_t sp = sample->regs.sp;
    if (addr >= sp && addr - sp <= sample->copy.size() && sample->copy.size() - (addr - sp) >= sizeof(*result)) {
        std::memcpy(result, sample->copy.data() + (addr - sp), sizeof(*result));
        return true;
    }
    if (addr >= sp)
        sample->left_copy = true;
    return false;
}

bool set_initial_registers(Dwfl_Thread* thread, void* arg) {
    Dwarf_Word regs[BTRACE_USER_REGS_MAX];
    std::memcpy(regs, static_cast<Sample*>(arg)->regs.regs, sizeof(regs));
#if defined(__x86_64__)
    return dwfl_thread_state_registers(thread, 0, 17, regs);  // rip is DWARF register 16
#elif defined(__aarch64__)
    dwfl_thread_state_register_pc(thread, regs[32]);
    return dwfl_thread_state_registers(thread, 0, 32, regs);
#else
#error "btrace: unsupported architecture"
#endif
}

const Dwfl_Thread_Callbacks kThreadCallbacks = {
    .next_thread = next_thread,
    .get_thread = nullptr,
    .memory_read = memory_read,
    .set_initial_registers = set_initial_registers,
    .detach = nullptr,
    .thread_detach = nullptr,
};

// The unwind reads .eh_frame; at a stack's outermost frame libdwfl tries
// .debug_frame too, which would load (and decompress) each process's debug
// information: the shared Symbolizer reads that once per module instead.
int no_debuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*, GElf_Word, char**) {
    return -1;
}

// A module's mapping: what find_elf checks the file its path names against.
struct ModuleFile {
    uint32_t tgid = 0;
    uint64_t low = 0;  // where it is mapped from its first byte
    uint64_t ino = 0;  // 0: not known
};

uint64_t inode_of(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? st.st_ino : 0;
}

// A module's file by its name (a path); libdwfl reads the ELF from the fd.
// If the path names another file now (a package upgrade replaced it), the
// one mapped is read through /proc/PID/map_files while the process lives;
// after that its frames are unknown, never named from the new file.
int find_elf(Dwfl_Module*, void** userdata, const char* name, Dwarf_Addr, char** file_name, Elf** elf) {
    const auto* mapped = static_cast<const ModuleFile*>(*userdata);
    int fd = open_regular_file(name);
    std::string replaced_by;
    if (mapped && mapped->ino && (fd < 0 || inode_of(fd) != mapped->ino)) {
        if (fd >= 0)
            close(fd);
        replaced_by = mapped_file_path(mapped->tgid, mapped->low);
        fd = replaced_by.empty() ? -1 : open_regular_file(replaced_by.c_str());
        if (fd >= 0 && inode_of(fd) != mapped->ino) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0) {
        *file_name = strdup(replaced_by.empty() ? name : replaced_by.c_str());
        *elf = nullptr;
    }
    return fd;
}

const Dwfl_Callbacks kCallbacks = {
    .find_elf = find_elf,
    .find_debuginfo = no_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

}  // namespace

struct Unwinder::Session {
    Dwfl* dwfl = nullptr;
    uint64_t generation = 0;
    bool attached = false;
    Sample sample;
    std::deque<ModuleFile> files;  // its modules' userdata (a deque: they stay put)
    std::list<uint32_t>::iterator lru;
    ~Session() { dwfl_end(dwfl); }
};

Unwinder::Unwinder(Mappings& mappings) : mappings_(mappings) {}

Unwinder::~Unwinder() = default;

void Unwinder::exit(uint32_t tgid) {
    perf_maps_.exit(tgid);
    if (auto it = sessions_.find(tgid); it != sessions_.end()) {
        lru_.erase(it->second->lru);
        sessions_.erase(it);
    }
}

// The process's modules, reported again whenever its mappings changed.
Unwinder::Session* Unwinder::session_for(uint32_t tgid, uint64_t start_stack) {
    if (!mappings_.of_image(tgid, start_stack))
        return nullptr;
    auto it = sessions_.find(tgid);
    if (it == sessions_.end()) {
        if (sessions_.size() >= kMaxProcesses) {
            sessions_.erase(lru_.back());
            lru_.pop_back();
        }
        lru_.push_front(tgid);
        it = sessions_.emplace(tgid, std::make_unique<Session>()).first;
        it->second->lru = lru_.begin();
    } else {
        lru_.splice(lru_.begin(), lru_, it->second->lru);
    }
    Session& session = *it->second;
    const uint64_t generation = mappings_.generation(tgid);
    if (session.dwfl && session.generation == generation)
        return &session;
    // A new Dwfl: one attached to a process keeps the modules it was attached with.
    dwfl_end(session.dwfl);
    session.attached = false;
    session.generation = generation;
    session.dwfl = dwfl_begin(&kCallbacks);
    if (!session.dwfl)
        return nullptr;
    // Named by path: find_elf opens the file by its name.
    session.files.clear();
    dwfl_report_begin(session.dwfl);
    mappings_.for_each_file(tgid, [&](const MappedFile& file, uint64_t low, uint64_t high) {
        Dwfl_Module* module = dwfl_report_module(session.dwfl, file.path.c_str(), low, high);
        void** userdata = nullptr;
        if (module && dwfl_module_info(module, &userdata, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr))
            *userdata = &session.files.emplace_back(ModuleFile{tgid, low, file.ino});
    });
    dwfl_report_end(session.dwfl, nullptr, nullptr);
    // The architecture comes from a module's ELF, which libdwfl opens only when asked.
    Elf* any_elf = nullptr;
    dwfl_getmodules(
        session.dwfl,
        [](Dwfl_Module* module, void**, const char*, Dwarf_Addr, void* arg) -> int {
            Dwarf_Addr bias;
            *static_cast<Elf**>(arg) = dwfl_module_getelf(module, &bias);
            return *static_cast<Elf**>(arg) ? DWARF_CB_ABORT : DWARF_CB_OK;
        },
        &any_elf, 0);
    session.attached = any_elf && dwfl_attach_state(session.dwfl, any_elf, static_cast<pid_t>(tgid),
                                                    &kThreadCallbacks, &session.sample);
    return &session;
}

// The frames of pc: its function's, and before it those inlined there.
void Unwinder::add_frames(Session& session, uint32_t tgid, uint64_t pc, bool activation, Stack& stack) {
    // A return address is past its call, which may end the function (a
    // noreturn callee): the call is looked up.
    const uint64_t at = activation ? pc : pc - 1;
    Dwfl_Module* module = session.dwfl ? dwfl_addrmodule(session.dwfl, at) : nullptr;
    Dwarf_Addr bias = 0;
    if (!module || !dwfl_module_getelf(module, &bias)) {
        Frame& frame = stack.frames.emplace_back();
        frame.pc = pc;
        // JIT code, named by its perf map if it writes one.
        if (const PerfMaps::Symbol* jit = perf_maps_.find(tgid, at)) {
            frame.module = perf_maps_.path(tgid).c_str();
            frame.module_offset = pc;
            frame.symbol = jit->name;
            frame.symbol_offset = pc - jit->start;
        }
        return;
    }
    const char* path = dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
    const std::size_t first = stack.frames.size();
    symbolizer_.symbolize(module, pc - bias, activation, stack.frames);
    for (std::size_t i = first; i < stack.frames.size(); ++i) {
        stack.frames[i].pc = pc;
        stack.frames[i].module = path;
        stack.frames[i].module_offset = pc - bias;
    }
}

void Unwinder::unwind(const btrace_hdr& hdr, const decode::Payload& user_stack, Stack& stack) {
    symbolizer_.trim();
    if (user_stack.bytes.size() < sizeof(btrace_user_stack)) {
        stack.cut = "no registers";
        return;
    }
    Sample sample;
    std::memcpy(&sample.regs, user_stack.bytes.data(), sizeof(sample.regs));
    Session* session = session_for(hdr.tgid, sample.regs.start_stack);
    if (mappings_.doubtful(hdr.tgid, hdr.ts_ns))
        stack.doubt = "mappings read again after records were lost: frames may name code mapped after this call";
    sample.tid = static_cast<pid_t>(hdr.tid);
    sample.copy = user_stack.bytes.subspan(sizeof(btrace_user_stack));
    // The last register the kernel side filled is the pc (the count comes from the record: bounded).
    const unsigned filled = std::min<unsigned>(user_stack.hdr.count, BTRACE_USER_REGS_MAX);
    const uint64_t pc = sample.regs.regs[filled ? filled - 1 : 0];
    if (!session || !session->attached) {
        // No module known to unwind by: the call's own address.
        if (session)
            add_frames(*session, hdr.tgid, pc, true, stack);
        else
            stack.frames.emplace_back().pc = pc;
        stack.cut = session ? "no modules known for the process"
                            : "the process has exec'd or exited since: its mappings are not known";
        return;
    }
    session->sample = sample;
    struct Walk {
        Unwinder* self;
        Session* session;
        uint32_t tgid;
        Stack* stack;
        std::size_t max_frames;
    } walk{this, session, hdr.tgid, &stack, stack.frames.size() + kMaxFrames};
    const int rc = dwfl_getthread_frames(
        session->dwfl, sample.tid,
        [](Dwfl_Frame* state, void* arg) -> int {
            auto* w = static_cast<Walk*>(arg);
            Dwarf_Addr frame_pc;
            bool activation = false;
            if (!dwfl_frame_pc(state, &frame_pc, &activation))
                return DWARF_CB_ABORT;
            w->self->add_frames(*w->session, w->tgid, frame_pc, activation, *w->stack);
            if (w->stack->frames.size() >= w->max_frames) {
                w->stack->cut = "more frames than shown";
                return DWARF_CB_ABORT;
            }
            return DWARF_CB_OK;
        },
        &walk);
    // libdwfl ends a walk quietly where it cannot read the stack: that is a cut too.
    const bool outermost = stack.frames.size() > stack.kernel_frames && stack.frames.back().entry;
    if (!stack.cut && !outermost) {
        const uint16_t flags = user_stack.hdr.flags;
        if (session->sample.left_copy)
            stack.cut = flags & BTRACE_PAYLOAD_FAULT       ? "the stack could not be read"
                        : flags & BTRACE_PAYLOAD_TRUNCATED ? "the stack copy ends here (--stack-size)"
                                                           : "the unwind left the stack";
        else if (rc != 0)
            stack.cut = dwfl_errmsg(-1);
    }
}

}  // namespace btrace::stack
