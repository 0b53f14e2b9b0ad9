// Integer ALU: logical and arithmetic results, icc/xcc condition codes, carries, tagged
// arithmetic, SETHI. Expected values follow SPARC V9 A.2, A.35, A.41, A.59, A.63.
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

// CCR nibbles: xcc in bits 7:4, icc in bits 3:0, each N Z V C = 8 4 2 1.
constexpr uint8_t N = 8, Z = 4, V = 2, C = 1;
constexpr uint8_t ccr(uint8_t xcc, uint8_t icc) { return uint8_t((xcc << 4) | icc); }

struct Res {
  uint64_t rd;
  uint8_t ccr;
  Trap trap;
};

// Run `op3 %o0, %o1, %o2` with the given operands and incoming CCR.
Res alu(unsigned op3, uint64_t a, uint64_t b, uint8_t ccr_in = 0, uint64_t rd_in = 0xdeadbeef) {
  Machine m;
  m.set(O0, a);
  m.set(O1, b);
  m.set(O2, rd_in);
  m.s.ccr = ccr_in;
  RunResult r = m.exec({arith(op3, O2, O0, O1)});
  return {m.r(O2), m.s.ccr, r.trap};
}

}  // namespace

TEST_CASE("logical operations compute 64-bit results and leave CCR alone", "[alu]") {
  const uint64_t a = 0xff00ff00ff00ff00ull, b = 0x0ff00ff00ff00ff0ull;
  CHECK(alu(AND, a, b, 0x5a).rd == 0x0f000f000f000f00ull);
  CHECK(alu(OR, a, b).rd == 0xfff0fff0fff0fff0ull);
  CHECK(alu(XOR, a, b).rd == 0xf0f0f0f0f0f0f0f0ull);
  CHECK(alu(ANDN, a, b).rd == 0xf000f000f000f000ull);
  CHECK(alu(ORN, a, b).rd == 0xff0fff0fff0fff0full);
  CHECK(alu(XNOR, a, b).rd == 0x0f0f0f0f0f0f0f0full);
  CHECK(alu(AND, a, b, 0x5a).ccr == 0x5a);
  CHECK(alu(ADD, 0xffffffffffffffffull, 2, 0x33).ccr == 0x33);
}

TEST_CASE("add/sub with simm13 sign-extend the immediate", "[alu]") {
  Machine m;
  m.set(O0, 100);
  m.exec({arith_imm(ADD, O1, O0, -1), arith_imm(ADD, O2, O0, 4095), arith_imm(ADD, O3, O0, -4096),
          arith_imm(SUB, O4, O0, -28), arith_imm(ADD, G0, O0, 5)});
  CHECK(m.r(O1) == 99);
  CHECK(m.r(O2) == 4195);
  CHECK(m.r(O3) == uint64_t(100 - 4096));
  CHECK(m.r(O4) == 128);
  CHECK(m.r(G0) == 0);   // writes to %g0 are discarded
  CHECK(m.s.pc == kBase + 20);
  CHECK(m.s.npc == kBase + 24);
}

TEST_CASE("addcc sets icc and xcc independently", "[alu][cc]") {
  struct Case { uint64_t a, b, r; uint8_t cc; };
  const Case cases[] = {
      {0x7fffffff, 1, 0x80000000, ccr(0, N | V)},
      {0xffffffff, 1, 0x100000000, ccr(0, Z | C)},
      {0xffffffffffffffff, 1, 0, ccr(Z | C, Z | C)},
      {0x7fffffffffffffff, 1, 0x8000000000000000, ccr(N | V, Z | C)},
      {0x80000000, 0x80000000, 0x100000000, ccr(0, Z | V | C)},
      {0x8000000000000000, 0x8000000000000000, 0, ccr(Z | V | C, Z)},
      {2, uint64_t(-3), uint64_t(-1), ccr(N, N)},
      {1, 2, 3, 0},
  };
  for (const Case& c : cases) {
    INFO(std::hex << c.a << " + " << c.b);
    Res r = alu(ADDCC, c.a, c.b, 0xff);
    CHECK(r.rd == c.r);
    CHECK(int(r.ccr) == int(c.cc));
  }
}

TEST_CASE("subcc sets borrow (C) and overflow on both widths", "[alu][cc]") {
  struct Case { uint64_t a, b, r; uint8_t cc; };
  const Case cases[] = {
      {0, 1, 0xffffffffffffffff, ccr(N | C, N | C)},
      {0x80000000, 1, 0x7fffffff, ccr(0, V)},
      {5, 5, 0, ccr(Z, Z)},
      {0x8000000000000000, 1, 0x7fffffffffffffff, ccr(V, N | C)},
      {3, 5, uint64_t(-2), ccr(N | C, N | C)},
      {0x7fffffff, 0xffffffff, 0xffffffff80000000, ccr(N | C, N | V | C)},
      {10, 3, 7, 0},
  };
  for (const Case& c : cases) {
    INFO(std::hex << c.a << " - " << c.b);
    Res r = alu(SUBCC, c.a, c.b, 0xff);
    CHECK(r.rd == c.r);
    CHECK(int(r.ccr) == int(c.cc));
  }
}

TEST_CASE("addc/addccc use icc.C as carry in", "[alu][cc]") {
  // ADDC adds icc.C (not xcc.C).
  CHECK(alu(ADDC, 1, 2, ccr(0, C)).rd == 4);
  CHECK(alu(ADDC, 1, 2, ccr(C, 0)).rd == 3);
  CHECK(alu(ADDC, 1, 2, ccr(C, C)).ccr == ccr(C, C));   // no cc update

  Res r = alu(ADDCCC, 0xffffffff, 0, ccr(0, C));
  CHECK(r.rd == 0x100000000ull);
  CHECK(int(r.ccr) == ccr(0, Z | C));

  r = alu(ADDCCC, 0x7fffffff, 0, ccr(0, C));
  CHECK(r.rd == 0x80000000ull);
  CHECK(int(r.ccr) == ccr(0, N | V));

  r = alu(ADDCCC, 0xffffffffffffffffull, 0, ccr(0, C));
  CHECK(r.rd == 0);
  CHECK(int(r.ccr) == ccr(Z | C, Z | C));

  // Carry out when the carry-in is what overflows: 0 + 0xff..ff + 1.
  r = alu(ADDCCC, 0, 0xffffffffffffffffull, ccr(0, C));
  CHECK(r.rd == 0);
  CHECK(int(r.ccr) == ccr(Z | C, Z | C));

  r = alu(ADDCCC, 1, 2, ccr(C, 0));   // xcc.C is not the carry in
  CHECK(r.rd == 3);
  CHECK(int(r.ccr) == 0);
}

TEST_CASE("subc/subccc use icc.C as borrow in", "[alu][cc]") {
  CHECK(alu(SUBC, 10, 3, ccr(0, C)).rd == 6);
  CHECK(alu(SUBC, 10, 3, ccr(C, 0)).rd == 7);

  Res r = alu(SUBCCC, 0, 0, ccr(0, C));
  CHECK(r.rd == 0xffffffffffffffffull);
  CHECK(int(r.ccr) == ccr(N | C, N | C));

  r = alu(SUBCCC, 5, 3, ccr(0, C));
  CHECK(r.rd == 1);
  CHECK(int(r.ccr) == 0);

  r = alu(SUBCCC, 0x80000000, 0, ccr(0, C));
  CHECK(r.rd == 0x7fffffff);
  CHECK(int(r.ccr) == ccr(0, V));

  r = alu(SUBCCC, 5, 3, ccr(C, 0));
  CHECK(r.rd == 2);
  CHECK(int(r.ccr) == 0);
}

TEST_CASE("logical cc ops set N and Z, clear V and C", "[alu][cc]") {
  Res r = alu(ANDCC, 0xffffffff80000000ull, 0xffffffffffffffffull, 0xff);
  CHECK(r.rd == 0xffffffff80000000ull);
  CHECK(int(r.ccr) == ccr(N, N));

  r = alu(ORCC, 0, 0, 0xff);
  CHECK(int(r.ccr) == ccr(Z, Z));

  r = alu(ANDCC, 0x100000000ull, 0x1ffffffffull, 0xff);
  CHECK(r.rd == 0x100000000ull);
  CHECK(int(r.ccr) == ccr(0, Z));

  r = alu(XORCC, 5, 5, 0xff);
  CHECK(r.rd == 0);
  CHECK(int(r.ccr) == ccr(Z, Z));

  r = alu(ANDNCC, 0xff, 0x0f, 0xff);
  CHECK(r.rd == 0xf0);
  CHECK(int(r.ccr) == 0);

  r = alu(ORNCC, 0, 0, 0);
  CHECK(r.rd == ~0ull);
  CHECK(int(r.ccr) == ccr(N, N));

  r = alu(XNORCC, 0x00000000ffffffffull, 0, 0);
  CHECK(r.rd == 0xffffffff00000000ull);
  CHECK(int(r.ccr) == ccr(N, Z));
}

TEST_CASE("taddcc/tsubcc set icc.V on a nonzero tag or 32-bit overflow", "[alu][tagged]") {
  Res r = alu(TADDCC, 4, 8, 0xff);
  CHECK(r.rd == 12);
  CHECK(int(r.ccr) == 0);

  r = alu(TADDCC, 5, 8);   // rs1 tag 01
  CHECK(r.rd == 13);
  CHECK(int(r.ccr) == ccr(0, V));

  r = alu(TADDCC, 4, 0xa);   // rs2 tag 10
  CHECK(r.rd == 14);
  CHECK(int(r.ccr) == ccr(0, V));

  r = alu(TADDCC, 0x7ffffffc, 4);   // tags clear, 32-bit signed overflow
  CHECK(r.rd == 0x80000000ull);
  CHECK(int(r.ccr) == ccr(0, N | V));

  r = alu(TSUBCC, 8, 2);
  CHECK(r.rd == 6);
  CHECK(int(r.ccr) == ccr(0, V));

  r = alu(TSUBCC, 8, 4, 0xff);
  CHECK(r.rd == 4);
  CHECK(int(r.ccr) == 0);

  r = alu(TSUBCC, 4, 8);
  CHECK(r.rd == uint64_t(-4));
  CHECK(int(r.ccr) == ccr(N | C, N | C));
}

TEST_CASE("taddcctv/tsubcctv trap on tag overflow leaving rd and CCR unchanged",
          "[alu][tagged][trap]") {
  Res r = alu(TADDCCTV, 5, 8, 0x40, 0x1234);
  CHECK(r.trap == TT_TAG_OVERFLOW);
  CHECK(r.rd == 0x1234);
  CHECK(int(r.ccr) == 0x40);

  r = alu(TADDCCTV, 0x7ffffffc, 4, 0, 0x1234);   // overflow without tag bits
  CHECK(r.trap == TT_TAG_OVERFLOW);
  CHECK(r.rd == 0x1234);

  r = alu(TSUBCCTV, 8, 1, 0, 0x1234);
  CHECK(r.trap == TT_TAG_OVERFLOW);
  CHECK(r.rd == 0x1234);

  r = alu(TADDCCTV, 4, 8, 0xff, 0x1234);
  CHECK(r.trap == TT_NONE);
  CHECK(r.rd == 12);
  CHECK(int(r.ccr) == 0);

  r = alu(TSUBCCTV, 12, 4, 0xff, 0x1234);
  CHECK(r.trap == TT_NONE);
  CHECK(r.rd == 8);

  // The trap leaves pc/npc at the trapping instruction.
  Machine m;
  m.set(O0, 1);
  RunResult rr = m.exec({nop(), arith(TADDCCTV, O2, O0, O0)});
  CHECK(rr.trap == TT_TAG_OVERFLOW);
  CHECK(rr.executed == 1);
  CHECK(m.s.pc == kBase + 4);
  CHECK(m.s.npc == kBase + 8);
}

TEST_CASE("sethi writes imm22 << 10 zero-extended, mulx is a 64-bit multiply", "[alu]") {
  Machine m;
  m.set(O3, 0x100000001ull);
  m.exec({sethi(O0, 0x3fffff), sethi(O1, 0x48d15), arith_imm(OR, O1, O1, 0x78),
          arith(MULX, O2, O3, O3), arith_imm(MULX, O4, O3, -1)});
  CHECK(m.r(O0) == 0x00000000fffffc00ull);
  CHECK(m.r(O1) == 0x12345478ull);
  CHECK(m.r(O2) == 0x200000001ull);
  CHECK(m.r(O4) == uint64_t(-int64_t(0x100000001ll)));
}

TEST_CASE("popc counts the bits of the second operand", "[alu][popc]") {
  Machine m;
  m.set(O1, 0xf0f0f0f0f0f0f0f0ull);
  m.set(O2, 0xffffffffffffffffull);
  m.exec({popc(O3, O1), popc(O4, O2), arith_imm(POPC_OP3, O5, G0, -1), arith_imm(POPC_OP3, L0, G0, 0)});
  CHECK(m.r(O3) == 32);
  CHECK(m.r(O4) == 64);
  CHECK(m.r(O5) == 64);   // simm13 -1 sign-extends to 64 ones
  CHECK(m.r(L0) == 0);
}

TEST_CASE("unimplemented opcodes raise illegal_instruction", "[alu][trap]") {
  Machine m;
  m.set(O0, 77);
  RunResult r = m.exec({arith(0x19, O0, O1, O2)});
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(r.executed == 0);
  CHECK(m.r(O0) == 77);
  r = m.exec({illtrap(0x1234)});
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
}
