// Multiply and divide (SPARC V9 A.10 divide 64/32, A.37 MULX/SDIVX/UDIVX, A.38 MULScc,
// A.39 SMUL/UMUL).
#include <catch2/catch.hpp>

#include <cstdint>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

constexpr uint8_t N = 8, Z = 4, V = 2, C = 1;
constexpr uint8_t ccr(uint8_t xcc, uint8_t icc) { return uint8_t((xcc << 4) | icc); }

struct Res {
  uint64_t rd, y;
  uint8_t ccr;
  Trap trap;
};

// `op3 %o0, %o1, %o2` with %y preset.
Res op(unsigned op3, uint64_t a, uint64_t b, uint64_t y = 0, uint8_t ccr_in = 0xff,
       uint64_t rd_in = 0x5555) {
  Machine m;
  m.set(O0, a);
  m.set(O1, b);
  m.set(O2, rd_in);
  m.s.y = y;
  m.s.ccr = ccr_in;
  RunResult r = m.exec({arith(op3, O2, O0, O1)});
  return {m.r(O2), m.s.y, m.s.ccr, r.trap};
}

}  // namespace

TEST_CASE("umul/smul write the 64-bit product to rd and its high word to %y", "[muldiv]") {
  Res r = op(UMUL, 0xffffffff, 0xffffffff);
  CHECK(r.rd == 0xfffffffe00000001ull);
  CHECK(r.y == 0xfffffffe);
  CHECK(int(r.ccr) == 0xff);   // no cc update

  r = op(UMUL, 0x100000002ull, 0x300000003ull);   // only the low words count
  CHECK(r.rd == 6);
  CHECK(r.y == 0);

  r = op(SMUL, uint64_t(-2), 3);
  CHECK(r.rd == 0xfffffffffffffffaull);
  CHECK(r.y == 0xffffffff);

  r = op(SMUL, 0x80000000, 0x80000000);   // (-2^31)^2 = 2^62
  CHECK(r.rd == 0x4000000000000000ull);
  CHECK(r.y == 0x40000000);

  r = op(SMUL, 0x00000000fffffffbull, 0x7);   // rs1<31:0> is -5
  CHECK(r.rd == uint64_t(-35));
}

TEST_CASE("umulcc/smulcc set N/Z from both widths and clear V/C", "[muldiv][cc]") {
  Res r = op(UMULCC, 0x80000000, 1);
  CHECK(r.rd == 0x80000000ull);
  CHECK(int(r.ccr) == ccr(0, N));

  r = op(UMULCC, 0x10000, 0x10000);
  CHECK(r.rd == 0x100000000ull);
  CHECK(int(r.ccr) == ccr(0, Z));

  r = op(SMULCC, 0xffffffff, 1);
  CHECK(r.rd == ~0ull);
  CHECK(int(r.ccr) == ccr(N, N));

  r = op(SMULCC, 0, 12345);
  CHECK(int(r.ccr) == ccr(Z, Z));
}

TEST_CASE("udiv/sdiv divide Y:rs1<31:0> by rs2<31:0>", "[muldiv][div]") {
  Res r = op(UDIV, 0, 2, /*y=*/1);
  CHECK(r.rd == 0x80000000ull);
  CHECK(int(r.ccr) == 0xff);

  r = op(UDIV, 0xffffffff00000000ull, 0x100000002ull, 1);   // upper halves ignored
  CHECK(r.rd == 0x80000000ull);

  r = op(UDIV, 100, 7);
  CHECK(r.rd == 14);

  r = op(SDIV, 0xfffffffe, 2, 0xffffffff);   // -2 / 2
  CHECK(r.rd == ~0ull);

  r = op(SDIV, 100, 0xfffffff9, 0);   // 100 / -7 truncates toward zero
  CHECK(r.rd == uint64_t(-14));

  r = op(SDIV, 0xffffff9c, 7, 0xffffffff);   // -100 / 7
  CHECK(r.rd == uint64_t(-14));
}

TEST_CASE("udivcc/sdivcc saturate on overflow and set icc.V", "[muldiv][div][cc]") {
  Res r = op(UDIVCC, 0, 1, /*y=*/2);   // 2^33 does not fit in 32 bits
  CHECK(r.rd == 0xffffffffull);
  CHECK(int(r.ccr) == ccr(0, N | V));

  r = op(UDIVCC, 10, 5, 0);
  CHECK(r.rd == 2);
  CHECK(int(r.ccr) == 0);

  r = op(UDIVCC, 3, 5, 0);
  CHECK(r.rd == 0);
  CHECK(int(r.ccr) == ccr(Z, Z));

  r = op(SDIVCC, 0x80000000, 1, 0);   // +2^31: positive overflow
  CHECK(r.rd == 0x7fffffffull);
  CHECK(int(r.ccr) == ccr(0, V));

  r = op(SDIVCC, 0x7fffffff, 1, 0xffffffff);   // -(2^31 + 1): negative overflow
  CHECK(r.rd == 0xffffffff80000000ull);
  CHECK(int(r.ccr) == ccr(N, N | V));

  r = op(SDIVCC, 0x80000000, 0xffffffff, 0xffffffff);   // INT32_MIN / -1 = +2^31
  CHECK(r.rd == 0x7fffffffull);
  CHECK(int(r.ccr) == ccr(0, V));

  r = op(SDIVCC, 0xfffffff6, 2, 0xffffffff);   // -10 / 2 = -5
  CHECK(r.rd == uint64_t(-5));
  CHECK(int(r.ccr) == ccr(N, N));
}

TEST_CASE("sdiv of the 64-bit INT64_MIN dividend by -1 saturates positive",
          "[muldiv][div]") {
  // Y:rs1 = 0x80000000:00000000 = -2^63; / -1 = +2^63, a positive overflow: V9 A.10 says
  // the result is 2^31 - 1 and icc.V = 1.
  Res r = op(SDIVCC, 0, 0xffffffff, 0x80000000);
  CHECK(r.trap == TT_NONE);
  CHECK(r.rd == 0x7fffffffull);
  CHECK(int(r.ccr) == ccr(0, V));
  r = op(SDIV, 0, 0xffffffff, 0x80000000);
  CHECK(r.rd == 0x7fffffffull);
}

TEST_CASE("udivx/sdivx are 64-bit divides - INT64_MIN / -1 does not crash", "[muldiv][div]") {
  CHECK(op(UDIVX, 100, 7).rd == 14);
  CHECK(op(UDIVX, ~0ull, 0x10).rd == 0x0fffffffffffffffull);
  CHECK(op(SDIVX, uint64_t(-100), 7).rd == uint64_t(-14));
  CHECK(op(SDIVX, 100, uint64_t(-7)).rd == uint64_t(-14));
  Res r = op(SDIVX, 0x8000000000000000ull, ~0ull);
  CHECK(r.trap == TT_NONE);
  CHECK(r.rd == 0x8000000000000000ull);
  CHECK(int(r.ccr) == 0xff);
  // Immediate divisor.
  Machine m;
  m.set(O0, uint64_t(-64));
  m.exec({arith_imm(SDIVX, O1, O0, -8), arith_imm(UDIVX, O2, O0, 8)});
  CHECK(m.r(O1) == 8);
  CHECK(m.r(O2) == (uint64_t(-64) >> 3));
}

TEST_CASE("divide by zero traps and leaves rd, %y and CCR unchanged", "[muldiv][div][trap]") {
  for (unsigned op3 : {UDIV, SDIV, UDIVCC, SDIVCC, UDIVX, SDIVX}) {
    INFO("op3 " << op3);
    Res r = op(op3, 100, 0, 7, 0x33, 0x5555);
    CHECK(r.trap == TT_DIVISION_BY_ZERO);
    CHECK(r.rd == 0x5555);
    CHECK(r.y == 7);
    CHECK(int(r.ccr) == 0x33);
  }
  // The 32-bit divides look only at rs2<31:0>.
  CHECK(op(UDIV, 100, 0x100000000ull).trap == TT_DIVISION_BY_ZERO);
  CHECK(op(SDIVCC, 100, 0xffffffff00000000ull).trap == TT_DIVISION_BY_ZERO);
  CHECK(op(UDIVX, 100, 0x100000000ull).rd == 0);
}

TEST_CASE("mulscc single steps", "[muldiv][mulscc]") {
  // Y = 3 (multiplier), rs2 = 5, partial product 0, icc.N = icc.V = 0.
  Machine m;
  m.s.y = 3;
  m.s.ccr = 0;
  m.set(O1, 5);
  m.exec({arith(MULSCC, O4, O4, O1)});
  CHECK(uint32_t(m.r(O4)) == 5);
  CHECK(m.s.y == 1);
  m.exec({arith(MULSCC, O4, O4, O1)});   // op1 = 5 >> 1 = 2, Y<0> = 1: 2 + 5
  CHECK(uint32_t(m.r(O4)) == 7);
  CHECK(m.s.y == 0x80000000);   // rs1<0> shifted into Y<31>
  m.exec({arith(MULSCC, O4, O4, O1)});   // op1 = 3, Y<0> = 0: 3 + 0
  CHECK(uint32_t(m.r(O4)) == 3);
  CHECK(m.s.y == 0xc0000000);
  CHECK((m.s.ccr & 0xf) == 0);

  // N xor V is shifted into bit 31 of op1.
  Machine n;
  n.s.ccr = N;
  n.s.y = 0;
  n.set(O0, 2);
  n.exec({arith(MULSCC, O2, O0, O1)});
  CHECK(uint32_t(n.r(O2)) == 0x80000001u);
  CHECK((n.s.ccr & 0xf) == N);
  CHECK(n.s.y == 0);

  // The 32-bit add sets icc.Z and icc.C: 0xffffffff + 1.
  Machine c;
  c.s.ccr = N;
  c.s.y = 1;
  c.set(O0, 0xfffffffe);
  c.set(O1, 1);
  c.exec({arith(MULSCC, O2, O0, O1)});
  CHECK(uint32_t(c.r(O2)) == 0);
  CHECK((c.s.ccr & 0xf) == (Z | C));
  CHECK(c.s.y == 0);
}

TEST_CASE("mulscc: 32 steps plus a final shift multiply (V8 idiom)", "[muldiv][mulscc]") {
  auto mul = [](uint32_t a, uint32_t b, uint32_t& hi, uint32_t& lo) {
    Machine m;
    m.set(O0, a);
    m.set(O1, b);
    std::vector<uint32_t> p = {wr_asr(ASR_Y, O0, G0), arith(ANDCC, O4, G0, G0)};
    for (int i = 0; i < 32; ++i) p.push_back(arith(MULSCC, O4, O4, O1));
    p.push_back(arith(MULSCC, O4, O4, G0));
    p.push_back(rd_asr(ASR_Y, O0));
    RunResult r = m.exec(p);
    REQUIRE(r.trap == TT_NONE);
    hi = uint32_t(m.r(O4));
    lo = uint32_t(m.r(O0));
  };
  uint32_t hi, lo;
  mul(3, 5, hi, lo);
  CHECK(hi == 0);
  CHECK(lo == 15);
  mul(0x12345, 0x6789, hi, lo);
  CHECK(hi == 0);
  CHECK(lo == 0x75cca2edu);
  mul(0xfffff, 0xfffff, hi, lo);
  CHECK(hi == 0xff);
  CHECK(lo == 0xffe00001u);
}
