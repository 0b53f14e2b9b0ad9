// Loads, stores, atomics and alternate-space accesses (SPARC V9 A.26-A.31, A.9 CASA,
// A.51-A.55, A.56 SWAP, A.28 LDSTUB; UA2007 LDTXA). Guest memory is big-endian.
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

// A machine with %g1 = kData and the bytes 80 81 82 ... 8f at kData.
struct DataMachine : Machine {
  DataMachine() {
    set(G1, kData);
    for (unsigned i = 0; i < 16; ++i) mem.w8(kData + i, 0x80 + i);
  }
};

uint64_t load1(unsigned op3, int32_t off, uint64_t init = 0x5555) {
  DataMachine m;
  m.set(O0, init);
  RunResult r = m.exec({mem_imm(op3, O0, G1, off)});
  REQUIRE(r.trap == TT_NONE);
  return m.r(O0);
}

}  // namespace

TEST_CASE("loads of every width zero- or sign-extend big-endian data", "[ldst]") {
  CHECK(load1(LDUB, 0) == 0x80);
  CHECK(load1(LDSB, 0) == 0xffffffffffffff80ull);
  CHECK(load1(LDUB, 5) == 0x85);
  CHECK(load1(LDUH, 0) == 0x8081);
  CHECK(load1(LDSH, 0) == 0xffffffffffff8081ull);
  CHECK(load1(LDUH, 6) == 0x8687);
  CHECK(load1(LDUW, 0) == 0x80818283ull);
  CHECK(load1(LDSW, 0) == 0xffffffff80818283ull);
  CHECK(load1(LDUW, 4) == 0x84858687ull);
  CHECK(load1(LDX, 0) == 0x8081828384858687ull);
  CHECK(load1(LDX, 8) == 0x88898a8b8c8d8e8full);

  DataMachine m;
  m.mem.w32(kData + 16, 0x7f000001);
  m.set(G2, 3);
  m.set(G3, kData + 8);
  RunResult r = m.exec({mem_imm(LDSB, O0, G1, 16), mem_imm(LDSH, O1, G1, 16),
                        mem_imm(LDSW, O2, G1, 16), mem(LDUB, O3, G1, G2),
                        mem_imm(LDUB, O4, G3, -8), mem_imm(LDUB, G0, G1, 0)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x7f);
  CHECK(m.r(O1) == 0x7f00);
  CHECK(m.r(O2) == 0x7f000001);
  CHECK(m.r(O3) == 0x83);
  CHECK(m.r(O4) == 0x80);
  CHECK(m.r(G0) == 0);
}

TEST_CASE("stores write the low bytes of rd big-endian", "[ldst]") {
  Machine m;
  m.set(G1, kData);
  m.set(O0, 0x1122334455667788ull);
  RunResult r = m.exec({mem_imm(STB, O0, G1, 0), mem_imm(STH, O0, G1, 2),
                        mem_imm(STW, O0, G1, 4), mem_imm(STX, O0, G1, 8)});
  REQUIRE(r.trap == TT_NONE);
  const uint8_t expect[16] = {0x88, 0x00, 0x77, 0x88, 0x55, 0x66, 0x77, 0x88,
                              0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  for (int i = 0; i < 16; ++i) {
    INFO("byte " << i);
    CHECK(int(m.mem.r8(kData + i)) == int(expect[i]));
  }
  // Store then load back through the same path.
  r = m.exec({mem_imm(LDX, O1, G1, 8), mem_imm(LDUH, O2, G1, 2)});
  CHECK(m.r(O1) == 0x1122334455667788ull);
  CHECK(m.r(O2) == 0x7788);
}

TEST_CASE("misaligned accesses raise mem_address_not_aligned", "[ldst][trap]") {
  struct Case { uint32_t insn; };
  const Case cases[] = {
      {mem_imm(LDUH, O0, G1, 1)}, {mem_imm(LDSH, O0, G1, 3)}, {mem_imm(LDUW, O0, G1, 2)},
      {mem_imm(LDSW, O0, G1, 1)}, {mem_imm(LDX, O0, G1, 4)},  {mem_imm(LDD, O0, G1, 4)},
      {mem_imm(STH, O0, G1, 1)},  {mem_imm(STW, O0, G1, 2)},  {mem_imm(STX, O0, G1, 4)},
      {mem_imm(STD, O0, G1, 4)},  {mem_imm(SWAP, O0, G1, 2)}, {casa(O0, G2, G0)},
      {casxa(O0, G2, G0)},
  };
  for (const Case& c : cases) {
    INFO(std::hex << c.insn);
    Machine m;
    m.set(G1, kData);
    m.set(G2, kData + 4 + 2);
    m.set(O0, 0x1234);
    m.set(O1, 0x5678);
    RunResult r = m.exec({c.insn});
    CHECK(r.trap == TT_MEM_ADDRESS_NOT_ALIGNED);
    CHECK(m.r(O0) == 0x1234);
    CHECK(m.r(O1) == 0x5678);
    CHECK(m.s.pc == kBase);
    CHECK(m.mem.r64(kData) == 0);
    CHECK(m.mem.r64(kData + 8) == 0);
  }
}

TEST_CASE("accesses outside the map raise data_access_exception", "[ldst][trap]") {
  Machine m;
  m.set(G1, kUnmapped);
  m.set(O0, 0x77);
  CHECK(m.exec({mem_imm(LDUW, O0, G1, 0)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.r(O0) == 0x77);
  CHECK(m.exec({mem_imm(STX, O0, G1, 0)}).trap == TT_DATA_ACCESS_EXCEPTION);
  m.set(G1, kLimit);
  CHECK(m.exec({mem_imm(LDUB, O0, G1, 0)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.exec({mem_imm(LDUB, O0, G1, -1)}).trap == TT_NONE);
}

TEST_CASE("ldd/std move an even/odd register pair as two words", "[ldst][ldd]") {
  Machine m;
  m.set(G1, kData);
  m.set(O2, 0xaaaaaaaa11223344ull);
  m.set(O3, 0xbbbbbbbb55667788ull);
  RunResult r = m.exec({mem_imm(STD, O2, G1, 8), mem_imm(LDD, O4, G1, 8)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.mem.r64(kData + 8) == 0x1122334455667788ull);
  CHECK(m.r(O4) == 0x11223344ull);   // zero-extended words
  CHECK(m.r(O5) == 0x55667788ull);

  m.mem.w64(kData + 16, 0xf0000001f0000002ull);
  r = m.exec({mem_imm(LDD, O4, G1, 16)});
  CHECK(m.r(O4) == 0xf0000001ull);
  CHECK(m.r(O5) == 0xf0000002ull);

  CHECK(m.exec({mem_imm(LDD, O5, G1, 0)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.exec({mem_imm(STD, O3, G1, 0)}).trap == TT_ILLEGAL_INSTRUCTION);
}

TEST_CASE("ldstub and swap are atomic read-modify-writes", "[ldst][atomic]") {
  Machine m;
  m.set(G1, kData);
  m.mem.w8(kData + 3, 0x12);
  RunResult r = m.exec({mem_imm(LDSTUB, O0, G1, 3), mem_imm(LDSTUB, O1, G1, 3)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x12);
  CHECK(m.r(O1) == 0xff);
  CHECK(m.mem.r8(kData + 3) == 0xff);
  CHECK(m.mem.r8(kData + 2) == 0);

  m.mem.w32(kData + 8, 0xaabbccdd);
  m.set(O2, 0xffffffff11223344ull);
  r = m.exec({mem_imm(SWAP, O2, G1, 8)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O2) == 0xaabbccddull);   // zero-extended
  CHECK(m.mem.r32(kData + 8) == 0x11223344u);
  CHECK(m.mem.r32(kData + 12) == 0);
}

TEST_CASE("casa/casxa swap on equal, load on mismatch", "[ldst][atomic][cas]") {
  Machine m;
  m.set(G1, kData);
  m.mem.w32(kData, 5);
  m.set(O1, 5);
  m.set(O2, 9);
  REQUIRE(m.exec({casa(O2, G1, O1)}).trap == TT_NONE);   // success
  CHECK(m.mem.r32(kData) == 9);
  CHECK(m.r(O2) == 5);

  m.set(O1, 6);
  m.set(O2, 11);
  REQUIRE(m.exec({casa(O2, G1, O1)}).trap == TT_NONE);   // failure
  CHECK(m.mem.r32(kData) == 9);
  CHECK(m.r(O2) == 9);

  // Only rs2<31:0> is compared; the old word is zero-extended into rd.
  m.mem.w32(kData + 4, 0x80000000u);
  m.set(G2, kData + 4);
  m.set(O1, 0xffffffff80000000ull);
  m.set(O2, 0x1234);
  REQUIRE(m.exec({casa(O2, G2, O1)}).trap == TT_NONE);
  CHECK(m.mem.r32(kData + 4) == 0x1234);
  CHECK(m.r(O2) == 0x80000000ull);

  m.mem.w64(kData + 8, 0x1111222233334444ull);
  m.set(G3, kData + 8);
  m.set(O1, 0x1111222233334444ull);
  m.set(O2, 0xaaaabbbbccccddddull);
  REQUIRE(m.exec({casxa(O2, G3, O1)}).trap == TT_NONE);
  CHECK(m.mem.r64(kData + 8) == 0xaaaabbbbccccddddull);
  CHECK(m.r(O2) == 0x1111222233334444ull);

  m.set(O1, 0x1111222233334444ull);   // stale compare value
  m.set(O2, 0x77);
  REQUIRE(m.exec({casxa(O2, G3, O1)}).trap == TT_NONE);
  CHECK(m.mem.r64(kData + 8) == 0xaaaabbbbccccddddull);
  CHECK(m.r(O2) == 0xaaaabbbbccccddddull);

  // i = 1: the ASI comes from %asi (here little-endian primary).
  m.s.asi = 0x88;
  m.mem.w32(kData + 16, 0x01000000);   // 1 in little-endian
  m.set(G4, kData + 16);
  m.set(O1, 1);
  m.set(O2, 2);
  REQUIRE(m.exec({mem(CASA, O2, G4, O1) | (1u << 13)}).trap == TT_NONE);
  CHECK(m.r(O2) == 1);
  CHECK(m.mem.r32(kData + 16) == 0x02000000u);
}

TEST_CASE("little-endian ASI 0x88 and PSTATE.CLE byte-swap accesses", "[ldst][asi]") {
  Machine m;
  m.set(G1, kData);
  m.mem.w64(kData, 0x1122334455667788ull);
  m.mem.w32(kData + 8, 0x00000080u);
  m.set(O5, 0xa1b2c3d4);
  m.set(G2, 8);
  RunResult r = m.exec({mem_asi(LDUWA, O0, G1, G0, 0x88), mem_asi(LDUHA, O1, G1, G0, 0x88),
              mem_asi(LDXA, O2, G1, G0, 0x88), mem_asi(LDSWA, O3, G1, G2, 0x88),
              mem_asi(STWA, O5, G1, G2, 0x88), mem_asi(LDUWA, O4, G1, G0, 0x80)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x44332211ull);
  CHECK(m.r(O1) == 0x2211ull);
  CHECK(m.r(O2) == 0x8877665544332211ull);
  CHECK(m.r(O3) == 0xffffffff80000000ull);
  CHECK(m.mem.r32(kData + 8) == 0xd4c3b2a1u);
  CHECK(m.r(O4) == 0x11223344ull);   // ASI 0x80 is plain big-endian

  // %asi form (i = 1).
  m.s.asi = 0x88;
  r = m.exec({mem_asi_reg(LDUWA, O0, G1, 4)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x88776655ull);

  // PSTATE.CLE makes the implicit ASI little-endian.
  m.s.pstate |= PSTATE_CLE;
  r = m.exec({mem_imm(LDUW, O0, G1, 0), mem_imm(STH, O5, G1, 12)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x44332211ull);
  CHECK(m.mem.r16(kData + 12) == 0xd4c3u);
}

TEST_CASE("no-fault ASI 0x82 loads zero from unmapped memory", "[ldst][asi]") {
  Machine m;
  m.set(G1, kUnmapped);
  m.set(G2, kData);
  m.set(O0, 0x5555);
  m.set(O1, 0x5555);
  m.mem.w32(kData, 0xcafef00d);
  RunResult r = m.exec({mem_asi(LDXA, O0, G1, G0, 0x82), mem_asi(LDUWA, O1, G2, G0, 0x82),
                        mem_asi(LDUWA, O2, G2, G0, 0x8a)});
  CHECK(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0);
  CHECK(m.r(O1) == 0xcafef00dull);   // mapped: an ordinary load
  CHECK(m.r(O2) == 0x0df0feca);      // 0x8a: no-fault little-endian
  // Stores to a no-fault ASI are data_access_exception.
  m.set(O3, 1);
  CHECK(m.exec({mem_asi(STWA, O3, G2, G0, 0x82)}).trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.mem.r32(kData) == 0xcafef00du);
}

TEST_CASE("restricted ASIs (< 0x80) in user mode raise privileged_action", "[ldst][asi][trap]") {
  Machine m;
  m.set(G1, kData);
  m.set(O0, 0x77);
  CHECK(m.exec({mem_asi(LDUWA, O0, G1, G0, 0x04)}).trap == TT_PRIVILEGED_ACTION);
  CHECK(m.r(O0) == 0x77);
  CHECK(m.exec({mem_asi(STXA, O0, G1, G0, 0x10)}).trap == TT_PRIVILEGED_ACTION);
  CHECK(m.exec({mem_asi(LDDA, O2, G1, G0, 0x24)}).trap == TT_PRIVILEGED_ACTION);
  CHECK(m.exec({casxa(O0, G1, G0, 0x11)}).trap == TT_PRIVILEGED_ACTION);
  CHECK(m.mem.r64(kData) == 0);
  m.s.asi = 0x7f;
  CHECK(m.exec({mem_asi_reg(LDXA, O0, G1, 0)}).trap == TT_PRIVILEGED_ACTION);
}

TEST_CASE("ldda with ASI 0xe2 loads two 64-bit words", "[ldst][asi][ldda]") {
  Machine m;
  m.set(G1, kData);
  m.mem.w64(kData + 16, 0x0102030405060708ull);
  m.mem.w64(kData + 24, 0x1112131415161718ull);
  m.set(G2, 16);
  RunResult r = m.exec({mem_asi(LDDA, O2, G1, G2, 0xe2)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O2) == 0x0102030405060708ull);
  CHECK(m.r(O3) == 0x1112131415161718ull);

  m.set(G2, 8);   // must be 16-byte aligned
  m.set(O4, 0x99);
  CHECK(m.exec({mem_asi(LDDA, O4, G1, G2, 0xe2)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.r(O4) == 0x99);
  m.set(G2, 16);
  CHECK(m.exec({mem_asi(LDDA, O3, G1, G2, 0xe2)}).trap == TT_ILLEGAL_INSTRUCTION);

  // Ordinary ASIs: LDDA is LDD from that space; little-endian swaps each word in place.
  m.mem.w64(kData + 32, 0x1122334455667788ull);
  m.set(G2, 32);
  r = m.exec({mem_asi(LDDA, O4, G1, G2, 0x80), mem_asi(LDDA, L4, G1, G2, 0x88)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O4) == 0x11223344ull);
  CHECK(m.r(O5) == 0x55667788ull);
  CHECK(m.r(L4) == 0x44332211ull);
  CHECK(m.r(L5) == 0x88776655ull);

  // Little-endian twin load (0xea): each 64-bit word byte-swapped.
  m.set(G2, 16);
  r = m.exec({mem_asi(LDDA, O2, G1, G2, 0xea)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O2) == 0x0807060504030201ull);
  CHECK(m.r(O3) == 0x1817161514131211ull);
}

TEST_CASE("stda with big- and little-endian ASIs", "[ldst][asi]") {
  Machine m;
  m.set(G1, kData);
  m.set(O2, 0xffffffff11223344ull);
  m.set(O3, 0x55667788ull);
  RunResult r = m.exec({mem_asi(STDA, O2, G1, G0, 0x80)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.mem.r64(kData) == 0x1122334455667788ull);
  m.set(G2, 8);
  r = m.exec({mem_asi(STDA, O2, G1, G2, 0x88)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.mem.r64(kData + 8) == 0x4433221188776655ull);
  CHECK(m.exec({mem_asi(STDA, O3, G1, G0, 0x80)}).trap == TT_ILLEGAL_INSTRUCTION);
}

TEST_CASE("PSTATE.AM masks effective addresses to 32 bits", "[ldst]") {
  Machine m;
  m.set(G1, 0xffffffff00000000ull | kData);
  m.mem.w32(kData, 0x600dcafe);
  CHECK(m.exec({mem_imm(LDUW, O0, G1, 0)}).trap == TT_DATA_ACCESS_EXCEPTION);
  m.s.pstate |= PSTATE_AM;
  REQUIRE(m.exec({mem_imm(LDUW, O0, G1, 0)}).trap == TT_NONE);
  CHECK(m.r(O0) == 0x600dcafe);
}

TEST_CASE("FP loads and stores", "[ldst][fp]") {
  Machine m;
  m.set(G1, kData);
  m.mem.w32(kData, 0x3f800000);   // 1.0f
  m.mem.w64(kData + 8, 0x400921fb54442d18ull);   // pi
  RunResult r = m.exec({mem_imm(LDF, 3, G1, 0), mem_imm(LDDF, dr(6), G1, 8),
                        mem_imm(LDDF, dr(40), G1, 8), mem_imm(STF, 3, G1, 20),
                        mem_imm(STDF, dr(40), G1, 24)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fs(3) == 0x3f800000u);
  CHECK(m.s.fd(6) == 0x400921fb54442d18ull);
  CHECK(m.s.fd(40) == 0x400921fb54442d18ull);
  CHECK(m.mem.r32(kData + 20) == 0x3f800000u);
  CHECK(m.mem.r64(kData + 24) == 0x400921fb54442d18ull);

  // LDDF/STDF on a word-aligned address have their own trap types.
  CHECK(m.exec({mem_imm(LDDF, dr(6), G1, 4)}).trap == TT_LDDF_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.exec({mem_imm(STDF, dr(6), G1, 12)}).trap == TT_STDF_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.exec({mem_imm(LDDF, dr(6), G1, 2)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(m.exec({mem_imm(LDF, 1, G1, 2)}).trap == TT_MEM_ADDRESS_NOT_ALIGNED);

  m.s.fprs = 0;
  CHECK(m.exec({mem_imm(LDF, 3, G1, 0)}).trap == TT_FP_DISABLED);
  CHECK(m.exec({mem_imm(STDF, dr(6), G1, 8)}).trap == TT_FP_DISABLED);
}

TEST_CASE("ldfsr/stxfsr transfer the FSR", "[ldst][fp]") {
  Machine m;
  m.set(G1, kData);
  // RD = 2 (+inf), TEM = NV, aexc = NX, cexc = NX, fcc0 = 3.
  const uint32_t fsr = (2u << 30) | (0x10u << 23) | (3u << 10) | (1u << 5) | 1u;
  m.mem.w32(kData, fsr);
  m.s.fsr = uint64_t(FTT_IEEE) << FSR_FTT_SHIFT;
  RunResult r = m.exec({mem_imm(LDFSR, 0, G1, 0), mem_imm(STFSR, 0, G1, 8)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fcc(0) == 3);
  CHECK(((m.s.fsr >> 30) & 3) == 2);
  CHECK(fsr_cexc(m.s.fsr) == 1);
  CHECK(fsr_aexc(m.s.fsr) == 1);
  // STFSR stores ftt and then clears it (V9 A.61).
  CHECK(m.mem.r32(kData + 8) == (fsr | (uint32_t(FTT_IEEE) << 14)));
  CHECK(fsr_ftt(m.s.fsr) == 0);

  m.s.set_fcc(3, 2);
  r = m.exec({mem_imm(STFSR, 1, G1, 16)});   // STXFSR
  REQUIRE(r.trap == TT_NONE);
  CHECK(((m.mem.r64(kData + 16) >> 36) & 3) == 2);
}
