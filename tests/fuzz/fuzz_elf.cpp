// libFuzzer target: arbitrary bytes as the ELF file every image loader reads
// (sim/isa/elf_image.h: read_elf, which takes a path: each input is written to one temporary
// file made at start-up). Whatever the bytes: read_elf either throws its ElfError or returns
// a file whose bytes are the input and whose every PT_LOAD segment lies inside them
// (filesz <= memsz, no wrap around the address space). No crash, no hang (-timeout).
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write a tiny valid static SPARC V9 executable (ELF header, a
// PT_PHDR and a PT_LOAD covering the headers and four instructions) to DIR and exit.
#include "tests/fuzz/fuzz_seed.h"
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/isa/elf_image.h"

using namespace vfsim::isa;

namespace {

std::string g_path;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_elf: %s\n", what);
  std::abort();
}

void remove_temp() {
  if (!g_path.empty()) ::unlink(g_path.c_str());
}

void run(const uint8_t* data, size_t size) {
  fuzz_seed::write(g_path, data, size);   // (the reader takes a path)
  ElfFile e;
  try {
    e = read_elf(g_path);
  } catch (const ElfError&) {
    return;   // rejected with its own error: fine
  }
  if (e.bytes.size() != size || !std::equal(e.bytes.begin(), e.bytes.end(), data)) finding("bytes differ from the file");
  const uint8_t* lo = e.bytes.data();
  for (const ElfSegment& s : e.segments) {
    if (s.filesz > s.memsz) finding("filesz > memsz");
    if (s.filesz > e.bytes.size()) finding("a segment larger than the file");
    if (s.filesz && (s.data < lo || uint64_t(s.data - lo) > e.bytes.size() - s.filesz))
      finding("a segment's data lies outside the file");
    if (s.memsz > ~0ull - s.vaddr || s.memsz > ~0ull - s.paddr) finding("a segment wraps the address space");
    // Touch the data: ASan reports any byte outside the buffer.
    volatile uint8_t sum = 0;
    for (uint64_t i = 0; i < s.filesz; ++i) sum = uint8_t(sum + s.data[i]);
  }
}

void be(std::vector<uint8_t>& b, size_t off, int n, uint64_t v) {
  for (int i = 0; i < n; ++i) b[off + size_t(i)] = uint8_t(v >> (8 * (n - 1 - i)));
}

void write_seeds(const char* dir) {
  const uint64_t base = 0x100000;
  std::vector<uint8_t> b(64 + 2 * 56 + 16, 0);
  b[0] = 0x7f; b[1] = 'E'; b[2] = 'L'; b[3] = 'F';
  b[4] = 2;   // ELFCLASS64
  b[5] = 2;   // ELFDATA2MSB
  b[6] = 1;   // EV_CURRENT
  be(b, 16, 2, 2);                // ET_EXEC
  be(b, 18, 2, 43);               // EM_SPARCV9
  be(b, 20, 4, 1);
  be(b, 24, 8, base + 64 + 2 * 56);   // e_entry: the first instruction
  be(b, 32, 8, 64);               // e_phoff
  be(b, 52, 2, 64);               // e_ehsize
  be(b, 54, 2, 56);               // e_phentsize
  be(b, 56, 2, 2);                // e_phnum
  be(b, 58, 2, 64);               // e_shentsize
  // PT_PHDR
  size_t ph = 64;
  be(b, ph, 4, 6); be(b, ph + 4, 4, 4); be(b, ph + 8, 8, 64); be(b, ph + 16, 8, base + 64);
  be(b, ph + 24, 8, base + 64); be(b, ph + 32, 8, 112); be(b, ph + 40, 8, 112); be(b, ph + 48, 8, 8);
  // PT_LOAD: the whole file, R+X, with 4 KB of bss
  ph += 56;
  be(b, ph, 4, 1); be(b, ph + 4, 4, 5); be(b, ph + 8, 8, 0); be(b, ph + 16, 8, base);
  be(b, ph + 24, 8, base); be(b, ph + 32, 8, b.size()); be(b, ph + 40, 8, b.size() + 4096); be(b, ph + 48, 8, 0x2000);
  // code: mov 1, %g1; ta 0x6d; nop; nop
  size_t c = 64 + 2 * 56;
  be(b, c, 4, 0x82102001); be(b, c + 4, 4, 0x91d0206d); be(b, c + 8, 4, 0x01000000); be(b, c + 12, 4, 0x01000000);
  fuzz_seed::write(std::string(dir) + "/tiny_static", b);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) { write_seeds(dir.c_str()); });
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_elf.XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) finding("cannot create the temporary file");
  ::close(fd);
  g_path = buf.data();
  std::atexit(remove_temp);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
