// libFuzzer target: arbitrary CWQ entries, as a misbehaving guest queues them, into the
// unit's executor (hv/cwq.h). The input is a small guest memory (the first 4 KB also hold
// the entries, whose addresses point back into it, or anywhere at all); every entry runs in
// turn. Whatever the bytes: no crash, no read or write outside the memory the accessor
// gives, a request either ends (done or protocol error) or stays open, and the gathered
// state stays bounded.
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write valid requests (AES-CBC split over two entries, a SHA-256,
// an RC4) to DIR and exit (run_fuzz.sh's seeds).
#include "tests/fuzz/fuzz_seed.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "hv/cwq.h"

using namespace vfsim::hv;

namespace {

constexpr uint64_t kBase = 0x8000000;   // the guest memory's real address
constexpr size_t kMem = 64 * 1024;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_cwq: %s\n", what);
  std::abort();
}

void run(const uint8_t* data, size_t size) {
  std::vector<uint8_t> mem(kMem, 0);
  std::memcpy(mem.data(), data, std::min(size, kMem));
  CwqMemory m;
  m.read = [&](uint64_t ra, void* dst, uint64_t len) {
    if (ra < kBase || len > kMem || ra - kBase > kMem - len) return false;
    std::memcpy(dst, mem.data() + (ra - kBase), len);
    return true;
  };
  m.write = [&](uint64_t ra, const void* src, uint64_t len) {
    if (ra < kBase || len > kMem || ra - kBase > kMem - len) return false;
    std::memcpy(mem.data() + (ra - kBase), src, len);
    return true;
  };
  CwqChain chain;
  CwqTiming t;
  for (uint64_t off = 0; off < 4096; off += kCwqEntryBytes) {
    CwqStep s = cwq_execute(chain, kBase + off, m, t);
    if (s.request_ended && chain.open) finding("a request ended but its chain stayed open");
    if (chain.message.size() > kCwqMaxMessage) finding("a hash request gathered past the limit");
    if (chain.carry.size() >= 16) finding("a partial block longer than a block was carried");
    if (s.cycles > 10'000'000) finding("one entry cost more cycles than 64 KB of the slowest algorithm");
  }
}

void put(std::vector<uint8_t>& mem, uint64_t off, std::initializer_list<uint64_t> words) {
  for (uint64_t w : words) {
    for (int i = 0; i < 8; ++i) mem[off + size_t(i)] = uint8_t(w >> (56 - 8 * i));
    off += 8;
  }
}

void write_seeds(const char* dir) {
  auto cw0 = [](unsigned len, unsigned op, unsigned enc, unsigned auth, unsigned hlen, bool sob, bool eob, bool encrypt) {
    uint64_t w = uint64_t(len - 1) | uint64_t(op) << cw::kOpcodeShift | uint64_t(enc) << cw::kEncTypeShift |
                 uint64_t(auth) << cw::kAuthTypeShift;
    if (hlen) w |= uint64_t(hlen - 1) << cw::kHashLenShift;
    if (sob) w |= cw::kStartOfBlock;
    if (eob) w |= cw::kEndOfBlock;
    if (encrypt) w |= cw::kEncrypt;
    return w;
  };
  struct Seed { const char* name; std::vector<uint8_t> mem; };
  std::vector<Seed> seeds(3, Seed{"", std::vector<uint8_t>(8192, 0x5a)});
  seeds[0].name = "aes_cbc_split";
  put(seeds[0].mem, 0, {cw0(48, cw::kOpEncrypt, cw::kAes128 | cw::kCbc, 0, 0, true, false, true), kBase + 0x1000, 0, 0, 0,
                        kBase + 0x1800, kBase + 0x1900, kBase + 0x1a00});
  put(seeds[0].mem, 64, {cw0(16, 0, 0, 0, 0, false, true, false), kBase + 0x1030, 0, 0, 0, 0, 0, 0});
  seeds[1].name = "sha256";
  put(seeds[1].mem, 0, {cw0(100, cw::kOpAuthMac | cw::kOpInPlace, 0, cw::kSha256, 32, true, true, false), kBase + 0x1000, 0,
                        kBase + 0x1800, 0, 0, 0, kBase + 0x1800});
  seeds[2].name = "rc4";
  put(seeds[2].mem, 0, {cw0(200, cw::kOpEncrypt, cw::kRc4Stream, 0, 0, true, true, true), kBase + 0x1000, 0, 0, 0,
                        kBase + 0x1400, 0, kBase + 0x1600});
  for (const Seed& s : seeds) {
    fuzz_seed::write(std::string(dir) + "/" + s.name, s.mem);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) { write_seeds(dir.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
