#include "sim/isa/elf_image.h"

#include <elf.h>

#include <fstream>
#include <iterator>

namespace vfsim::isa {

namespace {
uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return uint32_t(be16(p)) << 16 | be16(p + 2); }
uint64_t be64(const uint8_t* p) { return uint64_t(be32(p)) << 32 | be32(p + 4); }
}  // namespace

ElfFile read_elf(const std::string& path, const std::string& tool) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ElfError(path + ": cannot open file");
  ElfFile e;
  e.bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  const std::vector<uint8_t>& img = e.bytes;
  if (img.size() < 64 || img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' || img[3] != 'F')
    throw ElfError(path + ": not an ELF file");
  bool big = img[EI_DATA] == ELFDATA2MSB;
  uint16_t machine = big ? be16(&img[18]) : uint16_t(img[18] | img[19] << 8);
  if (machine == EM_SPARC || machine == EM_SPARC32PLUS || img[EI_CLASS] != ELFCLASS64) {
    if (machine == EM_SPARC || machine == EM_SPARC32PLUS || machine == EM_SPARCV9)
      throw ElfError(path + ": a 32-bit SPARC ELF; " + tool + " runs 64-bit sparc64 programs");
    throw ElfError(path + ": a 32-bit ELF for another machine (e_machine " + std::to_string(machine) + ")");
  }
  if (machine != EM_SPARCV9 || !big)
    throw ElfError(path + ": not a SPARC V9 ELF (e_machine " + std::to_string(machine) +
                   (machine == EM_X86_64 ? ", x86-64" : machine == EM_AARCH64 ? ", AArch64" : "") + ")");
  uint16_t type = be16(&img[16]);
  if (type != ET_EXEC)
    throw ElfError(path + ": not a static executable (ELF type " + std::to_string(type) + "); build with -static");
  e.entry = be64(&img[24]);
  uint64_t phoff = be64(&img[32]);
  e.phentsize = be16(&img[54]);
  e.phnum = be16(&img[56]);
  // Bounds without overflow: phoff near 2^64 must not wrap back into the file.
  if (e.phentsize < 56 || phoff > img.size() || uint64_t(e.phnum) * e.phentsize > img.size() - phoff)
    throw ElfError(path + ": truncated program headers");
  for (unsigned i = 0; i < e.phnum; ++i) {
    const uint8_t* ph = &img[phoff + uint64_t(i) * e.phentsize];
    uint32_t ptype = be32(ph), flags = be32(ph + 4);
    uint64_t off = be64(ph + 8), vaddr = be64(ph + 16), paddr = be64(ph + 24);
    uint64_t filesz = be64(ph + 32), memsz = be64(ph + 40);
    if (ptype == PT_INTERP || ptype == PT_DYNAMIC)
      throw ElfError(path + ": dynamically linked; build with -static");
    if (ptype == PT_PHDR) e.phdr = vaddr;
    if (ptype != PT_LOAD) continue;
    if (off > img.size() || filesz > img.size() - off || filesz > memsz)
      throw ElfError(path + ": segment outside the file");
    if (memsz > ~0ull - vaddr || memsz > ~0ull - paddr)
      throw ElfError(path + ": segment wraps around the end of the address space");
    e.segments.push_back({vaddr, paddr, filesz, memsz, flags, &img[off]});
    if (off <= phoff && phoff < off + filesz && !e.phdr) e.phdr = vaddr + (phoff - off);
  }
  return e;
}

}  // namespace vfsim::isa
