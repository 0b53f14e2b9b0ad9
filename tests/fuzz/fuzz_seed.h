// Shared by the fuzz targets: run_fuzz.sh asks a target for its seed corpus by running it once
// with VFSIM_FUZZ_WRITE_SEED set (a directory; for state_stream, a file).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace fuzz_seed {

// Writes size bytes at data to path (a seed; for the targets whose reader takes a path, the
// input); a file that cannot be written ends the program with 1 (a target without its seeds
// would fuzz from nothing and say nothing).
inline void write(const std::string& path, const void* data, size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) {
    std::fprintf(stderr, "fuzz: cannot write the seed %s\n", path.c_str());
    std::exit(1);
  }
}
template <class Bytes>
void write(const std::string& path, const Bytes& b) { write(path, b.data(), b.size()); }

// When run_fuzz.sh asks for the seeds (VFSIM_FUZZ_WRITE_SEED=DIR): write(DIR), then exit 0.
template <class Write>
void write_if_asked(Write write) {
  if (const char* dir = std::getenv("VFSIM_FUZZ_WRITE_SEED")) {
    write(std::string(dir));
    std::exit(0);
  }
}

// The targets that build a machine keep it for `n` inputs, then build a new one (W has an
// `inputs` counter): a machine keeps blocks it mapped until it goes, and a fresh one now and
// then keeps the fuzzer's memory bounded.
template <class W>
W& fresh_every(std::unique_ptr<W>& w, unsigned n) {
  if (!w || w->inputs++ == n) {
    w.reset();
    w = std::make_unique<W>();
  }
  return *w;
}

}  // namespace fuzz_seed
