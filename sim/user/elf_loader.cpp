#include "sim/user/elf_loader.h"

#include <elf.h>

#include <algorithm>

#include "sim/isa/elf_image.h"

namespace vfsim::user {

ElfImage load_elf(const std::string& path, AddressSpace& as) {
  isa::ElfFile e;
  try {
    e = isa::read_elf(path);
  } catch (const isa::ElfError& err) {
    throw LoadError(err.what());
  }
  ElfImage im;
  im.entry = e.entry;
  im.phdr = e.phdr;
  im.phnum = e.phnum;
  im.phentsize = e.phentsize;
  uint64_t top = 0;
  for (const isa::ElfSegment& sg : e.segments) {
    uint8_t prot = (sg.flags & PF_R ? PROT_R : 0) | (sg.flags & PF_W ? PROT_W : 0) |
                   (sg.flags & PF_X ? PROT_X : 0);
    as.map(sg.vaddr, sg.memsz, prot);
    if (!as.poke(sg.vaddr, sg.data, sg.filesz)) throw LoadError(path + ": cannot load segment");
    top = std::max(top, sg.vaddr + sg.memsz);
  }
  im.brk_start = (top + AddressSpace::kPage - 1) & ~(AddressSpace::kPage - 1);
  return im;
}

}  // namespace vfsim::user
