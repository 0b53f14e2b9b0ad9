// VIS 1 / VIS 2 results (UltraSPARC Architecture 2007, chapter 7, VIS instructions). The
// exhaustive check is tests/vis (32,400 random cases against a model); these pin down one
// hand-computed case per instruction group.
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {
// IMPDEP1 (op3 0x36) with the given opf; register fields raw (use dr() for doubles).
uint32_t vis(unsigned opf, unsigned rd, unsigned rs1, unsigned rs2) {
  return (2u << 30) | (rd << 25) | (0x36u << 19) | (rs1 << 14) | (opf << 5) | rs2;
}
constexpr unsigned STDFA = 0x37, LDDFA = 0x33;
}  // namespace

TEST_CASE("fpadd16 and fpsub32 wrap per lane", "[vis]") {
  Machine m;
  m.s.set_fd(0, 0x000100027fffffffull);
  m.s.set_fd(2, 0x0001ffff00010001ull);
  m.s.set_fd(4, 0x0000000500000000ull);
  m.s.set_fd(6, 0x0000000700000001ull);
  RunResult r = m.exec({vis(0x050, dr(8), dr(0), dr(2)),     // fpadd16
                        vis(0x056, dr(10), dr(4), dr(6))});  // fpsub32 = rs1 - rs2
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fd(8) == 0x0002000180000000ull);
  CHECK(m.s.fd(10) == 0xfffffffeffffffffull);
}

TEST_CASE("alignaddr sets GSR.align and faligndata extracts 8 bytes", "[vis]") {
  Machine m;
  m.set(O0, 0x1003);
  m.set(O1, 2);
  m.s.set_fd(0, 0x0011223344556677ull);
  m.s.set_fd(2, 0x8899aabbccddeeffull);
  RunResult r = m.exec({vis(0x018, O2, O0, O1),           // alignaddr %o0, %o1, %o2
                        vis(0x048, dr(4), dr(0), dr(2))});  // faligndata
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O2) == 0x1000);
  CHECK((m.s.gsr & 7) == 5);
  CHECK(m.s.fd(4) == 0x5566778899aabbccull);
}

TEST_CASE("bmask loads GSR.mask and bshuffle picks bytes by its nibbles", "[vis]") {
  Machine m;
  m.set(O0, 0x76543210);
  m.s.set_fd(0, 0x0011223344556677ull);
  m.s.set_fd(2, 0x8899aabbccddeeffull);
  RunResult r = m.exec({vis(0x019, O2, O0, G0),           // bmask %o0, %g0, %o2
                        vis(0x04c, dr(4), dr(0), dr(2))});  // bshuffle
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O2) == 0x76543210);
  CHECK((m.s.gsr >> 32) == 0x76543210);
  CHECK(m.s.fd(4) == 0x7766554433221100ull);   // nibble 0 (bits 63:60) -> byte 0
}

TEST_CASE("fzero, fone and the single forms", "[vis]") {
  Machine m;
  m.s.set_fd(0, 0x123456789abcdef0ull);
  m.s.set_fs(5, 0x12345678);
  RunResult r = m.exec({vis(0x07e, dr(0), 0, 0),    // fone %d0
                        vis(0x061, 5, 0, 0),        // fzeros %f5
                        vis(0x060, dr(2), 0, 0)});  // fzero %d2
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fd(0) == ~0ull);
  CHECK(m.s.fs(5) == 0);
  CHECK(m.s.fd(2) == 0);
}

TEST_CASE("pdist accumulates absolute byte differences", "[vis]") {
  Machine m;
  m.s.set_fd(0, 0x0102030405060708ull);
  m.s.set_fd(2, 0x0807060504030201ull);
  m.s.set_fd(4, 100);
  RunResult r = m.exec({vis(0x03e, dr(4), dr(0), dr(2))});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fd(4) == 132);   // 100 + 7+5+3+1+1+3+5+7
}

TEST_CASE("edge8 masks within and across 8-byte blocks and sets cc like subcc", "[vis]") {
  Machine m;
  m.set(O0, 0x1002);
  m.set(O1, 0x1005);
  m.set(O3, 0x1010);
  RunResult r = m.exec({vis(0x000, O2, O0, O1),    // same block: 0x3f & 0xfc
                        vis(0x000, O4, O0, O3)});  // different blocks: left mask only
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O2) == 0x3c);
  CHECK(m.r(O4) == 0x3f);
  // 0x1002 - 0x1010 is negative with a borrow on both %icc and %xcc.
  CHECK(m.s.ccr == ((CC_N | CC_C) << 4 | CC_N | CC_C));
}

TEST_CASE("fexpand and fpack16 convert between 8-bit pixels and 16-bit fixed point", "[vis]") {
  Machine m;
  m.s.set_fs(1, 0x01020304);
  m.s.set_fd(2, 0x00100ff07fff8000ull);
  m.s.gsr = 7u << 3;   // scale 7: (v << 7) >> 7 keeps the value, then clip to 0..255
  RunResult r = m.exec({vis(0x04d, dr(4), 0, 1),    // fexpand %f1, %d4
                        vis(0x03b, 7, 0, dr(2))});  // fpack16 %d2, %f7
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fd(4) == 0x0010002000300040ull);
  CHECK(m.s.fs(7) == 0x10ffff00u);
}

TEST_CASE("partial store writes only the words the mask selects", "[vis][asi]") {
  Machine m;
  m.s.set_fd(0, 0x1111111122222222ull);
  m.set(O0, kData);
  m.set(O1, 1);        // element 0: the least significant word, stored at the higher address
  m.set(O2, kData + 8);
  m.set(O3, 2);        // element 1: the most significant word, at the lower address
  RunResult r = m.exec({mem_asi(STDFA, dr(0), O0, O1, 0xc4),    // stda %d0, [%o0] %o1, ASI_PST32_P
                        mem_asi(STDFA, dr(0), O2, O3, 0xc4)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.mem.r64(kData) == 0x0000000022222222ull);
  CHECK(m.mem.r64(kData + 8) == 0x1111111100000000ull);
}

TEST_CASE("block store and block load move 64 bytes through 8 double registers", "[vis][asi]") {
  Machine m;
  for (unsigned i = 0; i < 8; ++i) m.s.set_fd(2 * i, 0x0101010101010101ull * (i + 1));
  m.set(O0, kData + 64);
  RunResult r = m.exec({mem_asi(STDFA, dr(0), O0, G0, 0xf0),     // stda %d0, [%o0] ASI_BLK_P
                        mem_asi(LDDFA, dr(16), O0, G0, 0xf0)});  // ldda [%o0] ASI_BLK_P, %d16
  REQUIRE(r.trap == TT_NONE);
  for (unsigned i = 0; i < 8; ++i) {
    CHECK(m.mem.r64(kData + 64 + 8 * i) == 0x0101010101010101ull * (i + 1));
    CHECK(m.s.fd(16 + 2 * i) == 0x0101010101010101ull * (i + 1));
  }
  // A block transfer needs a 64-byte-aligned address.
  m.set(O0, kData + 8);
  CHECK(m.exec({mem_asi(STDFA, dr(0), O0, G0, 0xf0)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
}

TEST_CASE("VIS needs the FPU enabled", "[vis]") {
  Machine m;
  m.s.fprs = 0;
  CHECK(m.exec({vis(0x060, dr(0), 0, 0)}).trap == TT_FP_DISABLED);
}
