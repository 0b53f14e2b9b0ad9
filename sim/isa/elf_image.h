// A static SPARC V9 ELF executable, parsed and checked: entry point, program headers and
// loadable segments. The user-mode runner maps it at virtual addresses, the bare-metal
// harness places it at physical ones.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfsim::isa {

struct ElfSegment {
  uint64_t vaddr, paddr, filesz, memsz;
  uint32_t flags;               // PF_R | PF_W | PF_X
  const uint8_t* data;          // filesz bytes inside ElfFile::bytes
};

struct ElfFile {
  std::vector<uint8_t> bytes;
  uint64_t entry = 0, phdr = 0;   // phdr: address of the program headers in memory (AT_PHDR)
  uint16_t phnum = 0, phentsize = 0;
  std::vector<ElfSegment> segments;   // PT_LOAD only
};

// One-line message naming the file; thrown for anything that is not a static, 64-bit,
// big-endian SPARC V9 executable.
struct ElfError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
ElfFile read_elf(const std::string& path, const std::string& tool = "sparc64-run");

}  // namespace vfsim::isa
