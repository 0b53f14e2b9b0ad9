// Loads a static sparc64 Linux ELF executable into an AddressSpace.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sim/user/address_space.h"

namespace vfsim::user {

struct ElfImage {
  uint64_t entry = 0;
  uint64_t phdr = 0;        // address of the program headers in memory (AT_PHDR)
  uint16_t phnum = 0, phentsize = 0;
  uint64_t brk_start = 0;   // end of the highest segment, page-rounded
};

// Throws LoadError with a one-line message on anything that is not a static, 64-bit,
// big-endian SPARC executable.
struct LoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
ElfImage load_elf(const std::string& path, AddressSpace& as);

}  // namespace vfsim::user
