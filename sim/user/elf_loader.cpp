#include "sim/user/elf_loader.h"

#include <elf.h>

#include <fstream>
#include <iterator>
#include <vector>

namespace vfsim::user {

namespace {
uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) { return uint32_t(be16(p)) << 16 | be16(p + 2); }
uint64_t be64(const uint8_t* p) { return uint64_t(be32(p)) << 32 | be32(p + 4); }
}  // namespace

ElfImage load_elf(const std::string& path, AddressSpace& as) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw LoadError(path + ": cannot open file");
  std::vector<uint8_t> img((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (img.size() < 64 || img[0] != 0x7f || img[1] != 'E' || img[2] != 'L' || img[3] != 'F')
    throw LoadError(path + ": not an ELF file");
  bool big = img[EI_DATA] == ELFDATA2MSB;
  uint16_t machine = big ? be16(&img[18]) : uint16_t(img[18] | img[19] << 8);
  if (machine == EM_SPARC || machine == EM_SPARC32PLUS || img[EI_CLASS] != ELFCLASS64) {
    if (machine == EM_SPARC || machine == EM_SPARC32PLUS || machine == EM_SPARCV9)
      throw LoadError(path + ": a 32-bit SPARC ELF; sparc64-run runs 64-bit sparc64 programs");
    throw LoadError(path + ": a 32-bit ELF for another machine (e_machine " + std::to_string(machine) + ")");
  }
  if (machine != EM_SPARCV9 || !big)
    throw LoadError(path + ": not a SPARC V9 ELF (e_machine " + std::to_string(machine) +
                    (machine == EM_X86_64 ? ", x86-64" : machine == EM_AARCH64 ? ", AArch64" : "") + ")");
  uint16_t type = be16(&img[16]);
  if (type != ET_EXEC) throw LoadError(path + ": not a static executable (ELF type " + std::to_string(type) + "); build with -static");
  ElfImage im;
  im.entry = be64(&img[24]);
  uint64_t phoff = be64(&img[32]);
  im.phentsize = be16(&img[54]);
  im.phnum = be16(&img[56]);
  if (im.phentsize < 56 || phoff + uint64_t(im.phnum) * im.phentsize > img.size())
    throw LoadError(path + ": truncated program headers");
  uint64_t top = 0;
  for (unsigned i = 0; i < im.phnum; ++i) {
    const uint8_t* ph = &img[phoff + uint64_t(i) * im.phentsize];
    uint32_t ptype = be32(ph), flags = be32(ph + 4);
    uint64_t off = be64(ph + 8), vaddr = be64(ph + 16), filesz = be64(ph + 32), memsz = be64(ph + 40);
    if (ptype == PT_INTERP || ptype == PT_DYNAMIC)
      throw LoadError(path + ": dynamically linked; build with -static");
    if (ptype == PT_PHDR) im.phdr = vaddr;
    if (ptype != PT_LOAD) continue;
    if (off + filesz > img.size() || filesz > memsz) throw LoadError(path + ": segment outside the file");
    uint8_t prot = (flags & PF_R ? PROT_R : 0) | (flags & PF_W ? PROT_W : 0) | (flags & PF_X ? PROT_X : 0);
    as.map(vaddr, memsz, prot);
    if (!as.poke(vaddr, &img[off], filesz)) throw LoadError(path + ": cannot load segment");
    if (off <= phoff && phoff < off + filesz && !im.phdr) im.phdr = vaddr + (phoff - off);
    top = std::max(top, vaddr + memsz);
  }
  im.brk_start = (top + AddressSpace::kPage - 1) & ~(AddressSpace::kPage - 1);
  return im;
}

}  // namespace vfsim::user
