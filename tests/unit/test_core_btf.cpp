// SPDX-License-Identifier: Apache-2.0
// The ELF-note reader that names the kernel and btrace in the BTF cache.
#include <catch2/catch.hpp>

#include <elf.h>

#include <cstring>
#include <string>

#include "loader/core_btf.h"

namespace {

// One ELF note: header, name padded to 4, desc padded to 4.
std::string note(uint32_t type, const std::string& name, const std::string& desc) {
    Elf64_Nhdr header{static_cast<Elf64_Word>(name.size()), static_cast<Elf64_Word>(desc.size()), type};
    std::string out(reinterpret_cast<const char*>(&header), sizeof(header));
    out += name;
    out.resize((out.size() + 3) & ~std::size_t{3}, '\0');
    out += desc;
    out.resize((out.size() + 3) & ~std::size_t{3}, '\0');
    return out;
}

}  // namespace

TEST_CASE("gnu_build_id finds the GNU build ID among other notes") {
    const std::string id("\x4a\x5a\x9b\x0a\xff", 5);
    const std::string notes = note(6, std::string("Linux\0", 6), std::string("\x01\x01\0\0", 4)) +
                              note(NT_GNU_BUILD_ID, std::string("GNU\0", 4), id);
    CHECK(btrace::loader::gnu_build_id(notes) == "4a5a9b0aff");
}

TEST_CASE("gnu_build_id: no such note, another owner's type 3, or truncated notes give nothing") {
    using btrace::loader::gnu_build_id;
    CHECK(gnu_build_id("").empty());
    CHECK(gnu_build_id(note(NT_GNU_BUILD_ID, std::string("Xen\0", 4), "abcd")).empty());
    const std::string whole = note(NT_GNU_BUILD_ID, std::string("GNU\0", 4), "abcdefgh");
    CHECK(gnu_build_id(whole.substr(0, whole.size() - 4)).empty());
    CHECK(gnu_build_id(whole.substr(0, 6)).empty());
}
