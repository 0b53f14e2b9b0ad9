// Shifts (SPARC V9 A.49): SLL/SRL/SRA use a 5-bit count and 32-bit semantics for SRL/SRA
// (SLL shifts all 64 bits); SLLX/SRLX/SRAX use a 6-bit count on 64 bits.
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

uint64_t shr(unsigned op3, bool x, uint64_t v, unsigned cnt) {
  Machine m;
  m.set(O0, v);
  m.exec({shift_imm(op3, O1, O0, cnt, x)});
  return m.r(O1);
}
uint64_t shr_reg(unsigned op3, bool x, uint64_t v, uint64_t cnt) {
  Machine m;
  m.set(O0, v);
  m.set(O1, cnt);
  m.exec({shift(op3, O2, O0, O1, x)});
  return m.r(O2);
}

}  // namespace

TEST_CASE("sll shifts all 64 bits by a 5-bit count", "[shift]") {
  CHECK(shr(SLL, false, 0x80000001ull, 1) == 0x100000002ull);
  CHECK(shr(SLL, false, 1, 31) == 0x80000000ull);   // not sign-extended
  CHECK(shr(SLL, false, 0x8000000000000001ull, 4) == 0x10ull);
  CHECK(shr_reg(SLL, false, 1, 33) == 2);         // count = rs2<4:0>
  CHECK(shr_reg(SLL, false, 0xabc, 32) == 0xabc);   // count 0
}

TEST_CASE("srl shifts the low word and zero-extends", "[shift]") {
  CHECK(shr(SRL, false, 0xffffffff80000000ull, 4) == 0x08000000ull);
  CHECK(shr(SRL, false, 0xffffffffffffffffull, 0) == 0xffffffffull);
  CHECK(shr(SRL, false, 0x1234567800000001ull, 1) == 0);
  CHECK(shr_reg(SRL, false, 0xffffffffffffffffull, 32) == 0xffffffffull);
  CHECK(shr_reg(SRL, false, 0x80000000ull, 63) == 1);   // count 31
}

TEST_CASE("sra shifts the sign-extended low word", "[shift]") {
  CHECK(shr(SRA, false, 0x0000000080000000ull, 4) == 0xfffffffff8000000ull);
  CHECK(shr(SRA, false, 0x0000000080000000ull, 0) == 0xffffffff80000000ull);
  CHECK(shr(SRA, false, 0xffffffff7fffffffull, 0) == 0x7fffffffull);
  CHECK(shr(SRA, false, 0x0000000040000000ull, 30) == 1);
  CHECK(shr_reg(SRA, false, 0x80000000ull, 31) == 0xffffffffffffffffull);
}

TEST_CASE("sllx/srlx/srax use 64-bit operands and a 6-bit count", "[shift]") {
  CHECK(shr(SLL, true, 1, 63) == 0x8000000000000000ull);
  CHECK(shr(SLL, true, 0x00000000ffffffffull, 32) == 0xffffffff00000000ull);
  CHECK(shr_reg(SLL, true, 1, 65) == 2);   // count = rs2<5:0>
  CHECK(shr(SRL, true, 0x8000000000000000ull, 63) == 1);
  CHECK(shr(SRL, true, 0xffffffff00000000ull, 32) == 0xffffffffull);
  CHECK(shr(SRA, true, 0x8000000000000000ull, 63) == 0xffffffffffffffffull);
  CHECK(shr(SRA, true, 0x4000000000000000ull, 62) == 1);
  CHECK(shr(SRA, true, 0xff00000000000000ull, 8) == 0xffff000000000000ull);
  CHECK(shr_reg(SRA, true, 0x8000000000000000ull, 64) == 0x8000000000000000ull);   // count 0
}
