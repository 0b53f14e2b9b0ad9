// Conditional moves (SPARC V9 A.35 MOVcc, A.36 MOVr).
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

constexpr uint8_t N = 8, Z = 4, V = 2, C = 1;

bool icond(unsigned cond, uint8_t cc) {
  bool n = cc & N, z = cc & Z, v = cc & V, c = cc & C;
  bool r = false;
  switch (cond & 7) {
    case 0: r = false; break;
    case 1: r = z; break;
    case 2: r = z || (n != v); break;
    case 3: r = n != v; break;
    case 4: r = c || z; break;
    case 5: r = c; break;
    case 6: r = n; break;
    case 7: r = v; break;
  }
  return (cond & 8) ? !r : r;
}

}  // namespace

TEST_CASE("MOVcc on %icc and %xcc for all conditions", "[movcc]") {
  for (unsigned cc = 0; cc < 16; ++cc) {
    for (unsigned cond = 0; cond < 16; ++cond) {
      INFO("cc=" << cc << " cond=" << cond);
      Machine m;
      m.s.ccr = uint8_t(((~cc & 15) << 4) | cc);   // xcc is the complement of icc
      m.set(O1, 0x1111);
      m.set(O2, 0x2222);
      m.set(O3, 0x3333);
      RunResult r = m.exec({movcc(cond, MCC_ICC, O2, O1), movcc(cond, MCC_XCC, O3, O1)});
      REQUIRE(r.trap == TT_NONE);
      CHECK(m.r(O2) == (icond(cond, uint8_t(cc)) ? 0x1111u : 0x2222u));
      CHECK(m.r(O3) == (icond(cond, uint8_t(~cc & 15)) ? 0x1111u : 0x3333u));
      CHECK(int(m.s.ccr) == int(((~cc & 15) << 4) | cc));
    }
  }
}

TEST_CASE("MOVcc with a sign-extended simm11", "[movcc]") {
  Machine m;
  m.s.ccr = 0x04;   // icc.Z only
  RunResult r = m.exec({movcc_imm(CE, MCC_ICC, O1, -5), movcc_imm(CNE, MCC_XCC, O2, 1023),
                        movcc_imm(CE, MCC_XCC, O3, -1024)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O1) == uint64_t(-5));
  CHECK(m.r(O2) == 1023);
  CHECK(m.r(O3) == 0);
}

TEST_CASE("MOVcc on %fcc0-3", "[movcc][fp]") {
  Machine m;
  m.s.set_fcc(0, 0);   // =
  m.s.set_fcc(1, 1);   // <
  m.s.set_fcc(2, 2);   // >
  m.s.set_fcc(3, 3);   // unordered
  RunResult r = m.exec({movcc_imm(FL, MCC_FCC1, O1, 7), movcc_imm(FL, MCC_FCC0, O2, 7),
                        movcc_imm(FG, MCC_FCC2, O3, 7), movcc_imm(FU, MCC_FCC3, O4, 7),
                        movcc_imm(FO, MCC_FCC3, O5, 7), movcc_imm(FE, MCC_FCC0, L0, 7)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O1) == 7);
  CHECK(m.r(O2) == 0);
  CHECK(m.r(O3) == 7);
  CHECK(m.r(O4) == 7);
  CHECK(m.r(O5) == 0);
  CHECK(m.r(L0) == 7);

  m.s.fprs = 0;
  CHECK(m.exec({movcc_imm(FA, MCC_FCC0, O1, 1)}).trap == TT_FP_DISABLED);
}

TEST_CASE("MOVcc with a reserved cc field is illegal", "[movcc][trap]") {
  Machine m;
  CHECK(m.exec({movcc(CA, 5, O1, O2)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.exec({movcc(CA, 7, O1, O2)}).trap == TT_ILLEGAL_INSTRUCTION);
}

TEST_CASE("MOVr tests a 64-bit register against zero", "[movr]") {
  const uint64_t values[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x100000000ull, 0x80000000ull};
  struct RC { unsigned rc; bool (*f)(int64_t); };
  const RC conds[] = {
      {RZ, [](int64_t v) { return v == 0; }},   {RLEZ, [](int64_t v) { return v <= 0; }},
      {RLZ, [](int64_t v) { return v < 0; }},   {RNZ, [](int64_t v) { return v != 0; }},
      {RGZ, [](int64_t v) { return v > 0; }},   {RGEZ, [](int64_t v) { return v >= 0; }},
  };
  for (const RC& c : conds) {
    for (uint64_t v : values) {
      INFO("rcond=" << c.rc << " value=" << std::hex << v);
      Machine m;
      m.set(O0, v);
      m.set(O1, 0xabc);
      m.set(O2, 0x222);
      m.set(O3, 0x333);
      RunResult r = m.exec({movr(c.rc, O2, O0, O1), movr_imm(c.rc, O3, O0, -512)});
      REQUIRE(r.trap == TT_NONE);
      bool take = c.f(int64_t(v));
      CHECK(m.r(O2) == (take ? 0xabcu : 0x222u));
      CHECK(m.r(O3) == (take ? uint64_t(-512) : 0x333u));
    }
  }
}

TEST_CASE("MOVr with reserved rcond is illegal", "[movr][trap]") {
  Machine m;
  m.set(O2, 5);
  CHECK(m.exec({movr(0, O2, O0, O1)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.exec({movr(4, O2, O0, O1)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.r(O2) == 5);
}
