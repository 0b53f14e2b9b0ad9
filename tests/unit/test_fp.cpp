// Floating point (SPARC V9 5.1.7 FSR, A.12-A.20 FPops, A.33-A.34 FMOVcc/FMOVr, Appendix B
// IEEE 754 behaviour: NaN propagation, default NaN, untrapped results, cexc/aexc rules).
#include <catch2/catch.hpp>

#include <cfenv>
#include <cfloat>
#include <cmath>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

// FSR cexc/aexc bits.
constexpr unsigned NX = 1, DZ = 2, UF = 4, OF = 8, NV = 16;

}  // namespace

TEST_CASE("single and double arithmetic values", "[fp]") {
  Machine m;
  m.setf(1, 1.5f);
  m.setf(4, 2.25f);
  m.setd(10, 1.0);
  m.setd(12, 2.0);
  m.setd(14, -4.0);
  m.setd(40, 1.5);
  m.setd(62, 4.0);
  RunResult r = m.exec({
      fpop1(FADDS, 5, 1, 4),                    // 3.75
      fpop1(FSUBS, 6, 1, 4),                    // -0.75
      fpop1(FMULS, 7, 1, 4),                    // 3.375
      fpop1(FDIVS, 8, 4, 1),                    // 1.5
      fpop1(FADDD, dr(16), dr(10), dr(12)),     // 3.0
      fpop1(FMULD, dr(18), dr(40), dr(14)),     // -6.0
      fpop1(FDIVD, dr(20), dr(10), dr(62)),     // 0.25
      fpop1(FSUBD, dr(42), dr(10), dr(12)),     // -1.0 into %d42
      fpop1(FSQRTD, dr(22), 0, dr(62)),         // 2.0
      fpop1(FSQRTS, 9, 0, 4),                   // 1.5
      fpop1(FSMULD, dr(24), 1, 4),              // 3.375 exactly
  });
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fs(5) == 0x40700000u);
  CHECK(m.s.fs(6) == fbits(-0.75f));
  CHECK(m.s.fs(7) == fbits(3.375f));
  CHECK(m.s.fs(8) == fbits(1.5f));
  CHECK(m.s.fd(16) == 0x4008000000000000ull);
  CHECK(m.s.fd(18) == dbits(-6.0));
  CHECK(m.s.fd(20) == dbits(0.25));
  CHECK(m.s.fd(42) == dbits(-1.0));
  CHECK(m.s.fd(22) == dbits(2.0));
  CHECK(m.s.fs(9) == fbits(1.5f));
  CHECK(m.s.fd(24) == dbits(3.375));
  CHECK(fsr_cexc(m.s.fsr) == 0);   // all exact
  CHECK(fsr_aexc(m.s.fsr) == 0);
}

TEST_CASE("fsqrtd(2) is correctly rounded and inexact", "[fp]") {
  Machine m;
  m.setd(2, 2.0);
  REQUIRE(m.exec({fpop1(FSQRTD, dr(4), 0, dr(2))}).trap == TT_NONE);
  CHECK(m.s.fd(4) == 0x3ff6a09e667f3bcdull);
  CHECK(fsr_cexc(m.s.fsr) == NX);
}

TEST_CASE("FSR.RD selects the rounding mode", "[fp][rounding]") {
  struct Case { unsigned rd; uint32_t s_pos; uint64_t d_pos, d_neg; };
  const Case cases[] = {
      {0, 0x3eaaaaabu, 0x3fd5555555555555ull, 0xbfd5555555555555ull},   // nearest
      {1, 0x3eaaaaaau, 0x3fd5555555555555ull, 0xbfd5555555555555ull},   // toward zero
      {2, 0x3eaaaaabu, 0x3fd5555555555556ull, 0xbfd5555555555555ull},   // toward +inf
      {3, 0x3eaaaaaau, 0x3fd5555555555555ull, 0xbfd5555555555556ull},   // toward -inf
  };
  for (const Case& c : cases) {
    INFO("RD=" << c.rd);
    Machine m;
    m.s.fsr = fsr_rd(c.rd);
    m.setf(1, 1.0f);
    m.setf(2, 3.0f);
    m.setd(4, 1.0);
    m.setd(6, 3.0);
    m.setd(8, -1.0);
    RunResult r = m.exec({fpop1(FDIVS, 3, 1, 2), fpop1(FDIVD, dr(10), dr(4), dr(6)),
                          fpop1(FDIVD, dr(12), dr(8), dr(6))});
    REQUIRE(r.trap == TT_NONE);
    CHECK(m.s.fs(3) == c.s_pos);
    CHECK(m.s.fd(10) == c.d_pos);
    CHECK(m.s.fd(12) == c.d_neg);
    CHECK(fsr_cexc(m.s.fsr) == NX);
    // The guest rounding mode must not leak into the host.
    CHECK(std::fegetround() == FE_TONEAREST);
  }
  // Integer conversions round by FSR.RD too: 2^24 + 1 is not a float.
  for (unsigned rd = 0; rd < 4; ++rd) {
    Machine m;
    m.s.fsr = fsr_rd(rd);
    m.s.set_fs(1, 16777217u);
    REQUIRE(m.exec({fpop1(FITOS, 2, 0, 1)}).trap == TT_NONE);
    CHECK(m.getf(2) == (rd == 2 ? 16777218.0f : 16777216.0f));
    CHECK(fsr_cexc(m.s.fsr) == NX);
  }
}

TEST_CASE("cexc holds the last FPop's exceptions, aexc accumulates", "[fp][exceptions]") {
  Machine m;
  m.setd(0, 1.0);
  m.setd(2, 0.0);
  m.setd(4, 3.0);
  m.setf(8, 0.0f);
  REQUIRE(m.exec({fpop1(FDIVD, dr(6), dr(0), dr(2))}).trap == TT_NONE);   // 1/0
  CHECK(m.s.fd(6) == 0x7ff0000000000000ull);
  CHECK(fsr_cexc(m.s.fsr) == DZ);
  CHECK(fsr_aexc(m.s.fsr) == DZ);

  REQUIRE(m.exec({fpop1(FDIVD, dr(6), dr(0), dr(4))}).trap == TT_NONE);   // 1/3
  CHECK(fsr_cexc(m.s.fsr) == NX);
  CHECK(fsr_aexc(m.s.fsr) == (DZ | NX));

  REQUIRE(m.exec({fpop1(FDIVS, 9, 8, 8)}).trap == TT_NONE);   // 0/0 single
  CHECK(m.s.fs(9) == 0x7fffffffu);   // SPARC default NaN
  CHECK(fsr_cexc(m.s.fsr) == NV);
  CHECK(fsr_aexc(m.s.fsr) == (DZ | NX | NV));

  REQUIRE(m.exec({fpop1(FADDD, dr(10), dr(0), dr(4))}).trap == TT_NONE);   // exact
  CHECK(fsr_cexc(m.s.fsr) == 0);
  CHECK(fsr_aexc(m.s.fsr) == (DZ | NX | NV));
}

TEST_CASE("overflow and underflow set OF/UF with NX", "[fp][exceptions]") {
  Machine m;
  m.setd(0, DBL_MAX);
  m.setd(2, 2.0);
  m.setd(4, DBL_MIN);
  REQUIRE(m.exec({fpop1(FMULD, dr(6), dr(0), dr(2))}).trap == TT_NONE);
  CHECK(m.s.fd(6) == 0x7ff0000000000000ull);
  CHECK(fsr_cexc(m.s.fsr) == (OF | NX));
  REQUIRE(m.exec({fpop1(FMULD, dr(8), dr(4), dr(4))}).trap == TT_NONE);
  CHECK(m.s.fd(8) == 0);
  CHECK(fsr_cexc(m.s.fsr) == (UF | NX));
  // Overflow in round-toward-zero gives the largest finite number.
  m.s.fsr = fsr_rd(1);
  REQUIRE(m.exec({fpop1(FMULD, dr(6), dr(0), dr(2))}).trap == TT_NONE);
  CHECK(m.getd(6) == DBL_MAX);
}

TEST_CASE("enabled IEEE exceptions trap without writing rd", "[fp][exceptions][trap]") {
  Machine m;
  m.s.fsr = fsr_tem(DZ);
  m.setd(0, 1.0);
  m.setd(2, 0.0);
  m.s.set_fd(4, 0x1122334455667788ull);
  RunResult r = m.exec({nop(), fpop1(FDIVD, dr(4), dr(0), dr(2))});
  CHECK(r.trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(r.executed == 1);
  CHECK(m.s.pc == kBase + 4);
  CHECK(m.s.fd(4) == 0x1122334455667788ull);
  CHECK(fsr_ftt(m.s.fsr) == FTT_IEEE);
  CHECK(fsr_cexc(m.s.fsr) == DZ);
  CHECK(fsr_aexc(m.s.fsr) == 0);   // aexc is not updated by a trapping FPop

  // An exception that is not enabled does not trap even with others enabled.
  m.setd(6, 3.0);
  r = m.exec({fpop1(FDIVD, dr(8), dr(0), dr(6))});
  CHECK(r.trap == TT_NONE);
  CHECK(fsr_cexc(m.s.fsr) == NX);
  CHECK(fsr_ftt(m.s.fsr) == 0);

  Machine n;   // NV enabled: sqrt(-1)
  n.s.fsr = fsr_tem(NV);
  n.setf(1, -1.0f);
  n.s.set_fs(2, 0xabcdef01u);
  CHECK(n.exec({fpop1(FSQRTS, 2, 0, 1)}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(n.s.fs(2) == 0xabcdef01u);
  CHECK(fsr_cexc(n.s.fsr) == NV);

  Machine x;   // NX enabled: 1/3 traps
  x.s.fsr = fsr_tem(NX);
  x.setf(1, 1.0f);
  x.setf(2, 3.0f);
  CHECK(x.exec({fpop1(FDIVS, 3, 1, 2)}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(fsr_cexc(x.s.fsr) == NX);
  CHECK(x.s.fs(3) == 0);
}

TEST_CASE("trapped overflow reports OF alone - untrapped OF with NXM reports NX",
          "[fp][exceptions][trap]") {
  Machine m;
  m.s.fsr = fsr_tem(OF);
  m.setd(0, DBL_MAX);
  m.setd(2, 2.0);
  CHECK(m.exec({fpop1(FMULD, dr(4), dr(0), dr(2))}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(fsr_cexc(m.s.fsr) == OF);

  Machine n;
  n.s.fsr = fsr_tem(NX);
  n.setd(0, DBL_MAX);
  n.setd(2, 2.0);
  CHECK(n.exec({fpop1(FMULD, dr(4), dr(0), dr(2))}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(fsr_cexc(n.s.fsr) == NX);
}

TEST_CASE("exact subnormal results raise no exception when UFM = 0", "[fp][exceptions]") {
  Machine m;
  m.setd(0, DBL_MIN);
  m.setd(2, 0.5);
  REQUIRE(m.exec({fpop1(FMULD, dr(4), dr(0), dr(2))}).trap == TT_NONE);
  CHECK(m.s.fd(4) == 0x0008000000000000ull);   // 2^-1023, exact
  CHECK(fsr_cexc(m.s.fsr) == 0);
  m.setf(1, FLT_MIN);
  m.setf(2, 3.0f);
  REQUIRE(m.exec({fpop1(FDIVS, 3, 1, 2)}).trap == TT_NONE);   // tiny and inexact
  CHECK(fsr_cexc(m.s.fsr) == (UF | NX));
}

TEST_CASE("with UFM = 1 a tiny result traps even when exact", "[fp][exceptions]") {
  // IEEE 754-1985 7.4 / SPARC V9 5.1.7.10: when the underflow trap is enabled, underflow is
  // signalled on tininess regardless of loss of accuracy.
  Machine m;
  m.s.fsr = fsr_tem(UF);
  m.setd(0, DBL_MIN);
  m.setd(2, 0.5);
  m.s.set_fd(4, 0x77);
  CHECK(m.exec({fpop1(FMULD, dr(4), dr(0), dr(2))}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(fsr_cexc(m.s.fsr) == UF);
  CHECK(m.s.fd(4) == 0x77);
}

TEST_CASE("NaN results: default NaN and operand propagation", "[fp][nan]") {
  const uint32_t qnan1 = 0x7fc00001u, qnan2 = 0x7fc00002u, snan1 = 0x7f800011u,
                 snan2 = 0x7f800022u;
  struct Case { uint32_t a, b, r; unsigned cexc; };
  const Case cases[] = {
      {fbits(1.0f), qnan2, qnan2, 0},
      {qnan1, fbits(1.0f), qnan1, 0},
      {qnan1, qnan2, qnan2, 0},                 // rs2 wins
      {snan1, fbits(1.0f), snan1 | 0x400000u, NV},
      {fbits(1.0f), snan2, snan2 | 0x400000u, NV},
      {snan1, qnan2, snan1 | 0x400000u, NV},    // a signalling rs1 beats a quiet rs2
      {qnan1, snan2, snan2 | 0x400000u, NV},
      {snan1, snan2, snan2 | 0x400000u, NV},
      {fbits(INFINITY), fbits(-INFINITY), 0x7fffffffu, NV},   // inf - inf
  };
  for (const Case& c : cases) {
    INFO(std::hex << c.a << " + " << c.b);
    Machine m;
    m.s.set_fs(1, c.a);
    m.s.set_fs(2, c.b);
    REQUIRE(m.exec({fpop1(FADDS, 3, 1, 2)}).trap == TT_NONE);
    CHECK(m.s.fs(3) == c.r);
    CHECK(fsr_cexc(m.s.fsr) == c.cexc);
  }
  Machine q;   // one-operand ops propagate rs2's NaN, quieted
  q.s.set_fd(2, 0x7ff0000000000005ull);
  REQUIRE(q.exec({fpop1(FSQRTD, dr(4), 0, dr(2))}).trap == TT_NONE);
  CHECK(q.s.fd(4) == 0x7ff8000000000005ull);
  CHECK(fsr_cexc(q.s.fsr) == NV);
  q.s.set_fs(5, 0xffc00123u);
  REQUIRE(q.exec({fpop1(FSQRTS, 6, 0, 5)}).trap == TT_NONE);
  CHECK(q.s.fs(6) == 0xffc00123u);
  CHECK(fsr_cexc(q.s.fsr) == 0);

  Machine d;
  d.setd(2, -1.0);
  REQUIRE(d.exec({fpop1(FSQRTD, dr(4), 0, dr(2))}).trap == TT_NONE);
  CHECK(d.s.fd(4) == 0x7fffffffffffffffull);
  CHECK(fsr_cexc(d.s.fsr) == NV);
}

TEST_CASE("fcmps/fcmpd write the selected %fcc", "[fp][fcmp]") {
  Machine m;
  m.setf(1, 1.0f);
  m.setf(2, 2.0f);
  m.setf(3, -0.0f);
  m.setf(4, 0.0f);
  m.s.set_fs(5, 0x7fc00000u);   // QNaN
  m.setd(6, 2.0);
  m.setd(8, 1.0);
  m.s.set_fd(10, 0x7ff8000000000000ull);
  m.s.fsr = (3ull << 10);   // fcc0 = 3 before
  RunResult r = m.exec({fcmp(FCMPS, 0, 1, 2), fcmp(FCMPD, 1, dr(6), dr(8)),
                        fcmp(FCMPS, 2, 3, 4), fcmp(FCMPD, 3, dr(6), dr(10))});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fcc(0) == 1);   // 1 < 2
  CHECK(m.s.fcc(1) == 2);   // 2 > 1
  CHECK(m.s.fcc(2) == 0);   // -0 == +0
  CHECK(m.s.fcc(3) == 3);   // unordered
  CHECK(((m.s.fsr >> 10) & 3) == 1);
  CHECK(((m.s.fsr >> 32) & 3) == 2);
  CHECK(((m.s.fsr >> 34) & 3) == 0);
  CHECK(((m.s.fsr >> 36) & 3) == 3);
  CHECK(fsr_cexc(m.s.fsr) == 0);   // fcmp with a quiet NaN is not invalid

  r = m.exec({fcmp(FCMPS, 0, 1, 5)});
  CHECK(m.s.fcc(0) == 3);
  CHECK(fsr_cexc(m.s.fsr) == 0);
  r = m.exec({fcmp(FCMPES, 0, 5, 1)});   // fcmpe: any NaN is invalid
  CHECK(m.s.fcc(0) == 3);
  CHECK(fsr_cexc(m.s.fsr) == NV);
  m.s.set_fs(7, 0x7f800001u);   // SNaN
  r = m.exec({fcmp(FCMPS, 1, 7, 1)});
  CHECK(m.s.fcc(1) == 3);
  CHECK(fsr_cexc(m.s.fsr) == NV);
  r = m.exec({fcmp(FCMPED, 2, dr(6), dr(6))});
  CHECK(m.s.fcc(2) == 0);
  CHECK(fsr_cexc(m.s.fsr) == 0);

  // A trapping compare leaves fcc alone.
  Machine t;
  t.s.fsr = fsr_tem(NV);
  t.s.set_fcc(1, 2);
  t.s.set_fs(5, 0x7fc00000u);
  CHECK(t.exec({fcmp(FCMPES, 1, 5, 5)}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(t.s.fcc(1) == 2);
}

TEST_CASE("float to integer conversions truncate and saturate", "[fp][convert]") {
  struct Case { uint32_t in; uint32_t out; unsigned cexc; };
  const Case s2i[] = {
      {fbits(3.7f), 3u, NX},
      {fbits(-3.7f), uint32_t(-3), NX},
      {fbits(42.0f), 42u, 0},
      {fbits(3e9f), 0x7fffffffu, NV},
      {fbits(-3e9f), 0x80000000u, NV},
      {fbits(-2147483648.0f), 0x80000000u, 0},
      {fbits(2147483648.0f), 0x7fffffffu, NV},
      {fbits(INFINITY), 0x7fffffffu, NV},
      {fbits(-INFINITY), 0x80000000u, NV},
      {0x7fc00000u, 0x7fffffffu, NV},   // NaN
  };
  for (const Case& c : s2i) {
    INFO("fstoi " << std::hex << c.in);
    Machine m;
    m.s.set_fs(1, c.in);
    REQUIRE(m.exec({fpop1(FSTOI, 2, 0, 1)}).trap == TT_NONE);
    CHECK(m.s.fs(2) == c.out);
    CHECK(fsr_cexc(m.s.fsr) == c.cexc);
  }
  struct DCase { double in; uint32_t out; unsigned cexc; };
  const DCase d2i[] = {
      {-7.99, uint32_t(-7), NX},
      {2147483647.0, 0x7fffffffu, 0},
      {2147483647.9, 0x7fffffffu, NX},
      {2147483648.0, 0x7fffffffu, NV},
      {-2147483649.0, 0x80000000u, NV},
      {1e300, 0x7fffffffu, NV},
      {NAN, 0x7fffffffu, NV},
  };
  for (const DCase& c : d2i) {
    INFO("fdtoi " << c.in);
    Machine m;
    m.setd(2, c.in);
    REQUIRE(m.exec({fpop1(FDTOI, 5, 0, dr(2))}).trap == TT_NONE);
    CHECK(m.s.fs(5) == c.out);
    CHECK(fsr_cexc(m.s.fsr) == c.cexc);
  }
  // 64-bit results.
  Machine x;
  x.setd(2, -1.5);
  x.setf(7, 1e19f);
  x.setd(8, 9.0e15);
  REQUIRE(x.exec({fpop1(FDTOX, dr(4), 0, dr(2))}).trap == TT_NONE);
  CHECK(x.s.fd(4) == uint64_t(-1));
  CHECK(fsr_cexc(x.s.fsr) == NX);
  REQUIRE(x.exec({fpop1(FSTOX, dr(10), 0, 7)}).trap == TT_NONE);
  CHECK(x.s.fd(10) == 0x7fffffffffffffffull);
  CHECK(fsr_cexc(x.s.fsr) == NV);
  REQUIRE(x.exec({fpop1(FDTOX, dr(12), 0, dr(8))}).trap == TT_NONE);
  CHECK(x.s.fd(12) == 9000000000000000ull);
  CHECK(fsr_cexc(x.s.fsr) == 0);

  // Invalid with NVM set traps and leaves rd alone.
  Machine t;
  t.s.fsr = fsr_tem(NV);
  t.s.set_fs(1, 0x7fc00000u);
  t.s.set_fs(2, 0x55);
  CHECK(t.exec({fpop1(FSTOI, 2, 0, 1)}).trap == TT_FP_EXCEPTION_IEEE_754);
  CHECK(t.s.fs(2) == 0x55);
}

TEST_CASE("fdtoi of a value that truncates to INT32_MIN is only inexact",
          "[fp][convert]") {
  // -2147483648.5 rounds toward zero to -2^31, which is representable: IEEE 754 (and
  // V9 B.5) call for the result 0x80000000 with nxc, not an invalid exception.
  Machine m;
  m.setd(2, -2147483648.5);
  REQUIRE(m.exec({fpop1(FDTOI, 5, 0, dr(2))}).trap == TT_NONE);
  CHECK(m.s.fs(5) == 0x80000000u);
  CHECK(fsr_cexc(m.s.fsr) == NX);
  Machine t;   // with NVM enabled this must not trap
  t.s.fsr = fsr_tem(NV);
  t.setd(2, -2147483648.9);
  CHECK(t.exec({fpop1(FDTOI, 5, 0, dr(2))}).trap == TT_NONE);
  CHECK(t.s.fs(5) == 0x80000000u);
}

TEST_CASE("integer to float and float to float conversions", "[fp][convert]") {
  Machine m;
  m.s.set_fs(1, uint32_t(-5));
  m.s.set_fs(3, 0x7fffffffu);
  m.s.set_fd(4, 9007199254740993ull);   // 2^53 + 1
  m.s.set_fd(6, uint64_t(-1000));
  m.setf(9, 1.5f);
  m.setd(10, 1e300);
  m.setd(12, 0.1);
  RunResult r = m.exec({fpop1(FITOD, dr(14), 0, 1)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fd(14) == 0xc014000000000000ull);   // -5.0
  CHECK(fsr_cexc(m.s.fsr) == 0);
  REQUIRE(m.exec({fpop1(FITOD, dr(16), 0, 3)}).trap == TT_NONE);
  CHECK(m.getd(16) == 2147483647.0);
  REQUIRE(m.exec({fpop1(FXTOD, dr(18), 0, dr(4))}).trap == TT_NONE);
  CHECK(m.s.fd(18) == dbits(9007199254740992.0));   // ties to even
  CHECK(fsr_cexc(m.s.fsr) == NX);
  REQUIRE(m.exec({fpop1(FXTOD, dr(20), 0, dr(6))}).trap == TT_NONE);
  CHECK(m.getd(20) == -1000.0);
  CHECK(fsr_cexc(m.s.fsr) == 0);
  REQUIRE(m.exec({fpop1(FXTOS, 21, 0, dr(6))}).trap == TT_NONE);
  CHECK(m.getf(21) == -1000.0f);
  REQUIRE(m.exec({fpop1(FSTOD, dr(22), 0, 9)}).trap == TT_NONE);
  CHECK(m.getd(22) == 1.5);
  REQUIRE(m.exec({fpop1(FDTOS, 24, 0, dr(10))}).trap == TT_NONE);
  CHECK(m.s.fs(24) == 0x7f800000u);
  CHECK(fsr_cexc(m.s.fsr) == (OF | NX));
  REQUIRE(m.exec({fpop1(FDTOS, 25, 0, dr(12))}).trap == TT_NONE);
  CHECK(m.getf(25) == 0.1f);
  CHECK(fsr_cexc(m.s.fsr) == NX);

  m.s.fsr = fsr_rd(2);   // toward +inf
  REQUIRE(m.exec({fpop1(FXTOD, dr(18), 0, dr(4))}).trap == TT_NONE);
  CHECK(m.s.fd(18) == dbits(9007199254740994.0));

  // fstod of a signalling NaN quiets it and signals invalid.
  m.s.fsr = 0;
  m.s.set_fs(26, 0x7f800001u);
  REQUIRE(m.exec({fpop1(FSTOD, dr(28), 0, 26)}).trap == TT_NONE);
  CHECK(m.s.fd(28) == 0x7ff8000020000000ull);
  CHECK(fsr_cexc(m.s.fsr) == NV);
}

TEST_CASE("fmovs/fnegd/fabsd move bits and clear cexc", "[fp][move]") {
  Machine m;
  m.s.fsr = 0x1f | (0x1f << 5) | (uint64_t(FTT_IEEE) << FSR_FTT_SHIFT);
  m.s.set_fs(1, 0x7f800001u);   // SNaN: moves never signal
  m.setd(2, 0.0);
  m.setd(4, -INFINITY);
  m.setd(6, 2.5);
  RunResult r = m.exec({fpop1(FMOVS, 30, 0, 1), fpop1(FNEGD, dr(8), 0, dr(2)),
                        fpop1(FABSD, dr(10), 0, dr(4)), fpop1(FNEGD, dr(12), 0, dr(6)),
                        fpop1(FNEGS, 14, 0, 1), fpop1(FABSS, 15, 0, 14),
                        fpop1(FMOVD, dr(48), 0, dr(6))});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.fs(30) == 0x7f800001u);
  CHECK(m.s.fd(8) == 0x8000000000000000ull);
  CHECK(m.s.fd(10) == 0x7ff0000000000000ull);
  CHECK(m.getd(12) == -2.5);
  CHECK(m.s.fs(14) == 0xff800001u);
  CHECK(m.s.fs(15) == 0x7f800001u);
  CHECK(m.getd(48) == 2.5);
  CHECK(fsr_cexc(m.s.fsr) == 0);
  CHECK(fsr_aexc(m.s.fsr) == 0x1f);
  CHECK(fsr_ftt(m.s.fsr) == 0);
}

TEST_CASE("fmovr and fmovcc", "[fp][move]") {
  Machine m;
  m.setd(2, 1.0);
  m.setd(4, 9.0);
  m.setd(6, 9.0);
  m.setf(8, 3.0f);
  m.setf(9, 7.0f);
  m.set(O0, 0);
  m.set(O1, uint64_t(-1));
  RunResult r = m.exec({fmovr(true, RZ, dr(4), O0, dr(2)), fmovr(true, RNZ, dr(6), O0, dr(2)),
                        fmovr(false, RLZ, 9, O1, 8)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.getd(4) == 1.0);
  CHECK(m.getd(6) == 9.0);
  CHECK(m.getf(9) == 3.0f);

  Machine c;
  c.s.ccr = 0x04;   // icc.Z
  c.s.set_fcc(2, 1);
  c.setd(2, 1.0);
  c.setd(4, 9.0);
  c.setd(6, 9.0);
  c.setd(8, 9.0);
  c.setf(11, 5.0f);
  c.setf(12, 6.0f);
  r = c.exec({fmovcc(true, CE, MCC_ICC, dr(4), dr(2)), fmovcc(true, CE, MCC_XCC, dr(6), dr(2)),
              fmovcc(true, FL, MCC_FCC2, dr(8), dr(2)), fmovcc(false, FG, MCC_FCC2, 12, 11)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(c.getd(4) == 1.0);
  CHECK(c.getd(6) == 9.0);
  CHECK(c.getd(8) == 1.0);
  CHECK(c.getf(12) == 6.0f);
  CHECK(c.exec({fmovcc(true, CA, 5, dr(4), dr(2))}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(c.exec({fmovr(true, 0, dr(4), O0, dr(2))}).trap == TT_ILLEGAL_INSTRUCTION);
}

TEST_CASE("quad FPops are unimplemented: fp_exception_other with ftt = 3", "[fp][trap]") {
  const uint32_t insns[] = {fpop1(FADDQ, 8, 0, 4), fpop1(0x02b, 8, 0, 4) /*fsqrtq*/,
                            fpop1(0x06e, 8, 0, 2) /*fdmulq*/, fpop2(0x053, 0, 0, 4) /*fcmpq*/};
  for (uint32_t w : insns) {
    INFO(std::hex << w);
    Machine m;
    m.s.set_fd(8, 0x1234);
    RunResult r = m.exec({w});
    CHECK(r.trap == TT_FP_EXCEPTION_OTHER);
    CHECK(fsr_ftt(m.s.fsr) == FTT_UNIMPL);
    CHECK(m.s.fd(8) == 0x1234);
    CHECK(m.s.pc == kBase);
  }
}

TEST_CASE("FPops with the FPU disabled raise fp_disabled", "[fp][trap]") {
  Machine m;
  m.s.fprs = 0;
  CHECK(m.exec({fpop1(FADDS, 3, 1, 2)}).trap == TT_FP_DISABLED);
  CHECK(m.exec({fpop1(FADDQ, 8, 0, 4)}).trap == TT_FP_DISABLED);
  CHECK(m.exec({fcmp(FCMPD, 0, 0, 2)}).trap == TT_FP_DISABLED);
  m.s.fprs = 3;   // DL|DU without FEF
  CHECK(m.exec({fpop1(FMOVS, 3, 0, 1)}).trap == TT_FP_DISABLED);
  Machine p;
  p.s.pstate &= ~uint32_t(PSTATE_PEF);
  CHECK(p.exec({fpop1(FADDD, 4, 0, 2)}).trap == TT_FP_DISABLED);
  CHECK(p.s.fsr == 0);
}

TEST_CASE("FPRS.DL/DU record writes to the lower/upper FP registers",
          "[fp][fprs]") {
  // SPARC V9 5.1.6 (FPRS): dl is set whenever any of %f0-%f31 is modified and du whenever
  // any of %f32-%f62 is; only software clears them.
  Machine m;
  m.setf(1, 1.0f);
  m.setf(2, 2.0f);
  m.s.fprs = 4;
  REQUIRE(m.exec({fpop1(FADDS, 3, 1, 2), rd_asr(ASR_FPRS, O0)}).trap == TT_NONE);
  CHECK(m.r(O0) == (4 | 1));
  m.s.fprs = 4;
  REQUIRE(m.exec({fpop1(FMOVD, dr(34), 0, dr(2)), rd_asr(ASR_FPRS, O1)}).trap == TT_NONE);
  CHECK(m.r(O1) == (4 | 2));
  m.s.fprs = 4;
  m.set(G1, kData);
  REQUIRE(m.exec({mem_imm(LDF, 7, G1, 0), rd_asr(ASR_FPRS, O2)}).trap == TT_NONE);
  CHECK(m.r(O2) == (4 | 1));
}
