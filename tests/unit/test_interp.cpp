// Interpreter run-loop contract: instruction counts, stopping points, page crossings and
// instruction fetch faults.
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

TEST_CASE("run(n) executes exactly n instructions and counts them", "[interp]") {
  Machine m;
  m.load({arith_imm(ADD, O0, O0, 1), arith_imm(ADD, O0, O0, 1), arith_imm(ADD, O0, O0, 1),
          arith_imm(ADD, O0, O0, 1)});
  RunResult r = m.run(0);
  CHECK(r.executed == 0);
  CHECK(r.trap == TT_NONE);
  CHECK(m.s.pc == kBase);
  r = m.run(3);
  CHECK(r.executed == 3);
  CHECK(r.trap == TT_NONE);
  CHECK(m.r(O0) == 3);
  CHECK(m.s.pc == kBase + 12);
  CHECK(m.s.npc == kBase + 16);
  CHECK(m.s.icount == 3);
  r = m.run(10);   // one more add, then the illtrap after the program
  CHECK(r.executed == 1);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == kBase + 16);
  CHECK(m.s.icount == 4);
}

TEST_CASE("stopping between a branch and its delay slot resumes correctly", "[interp]") {
  Machine m;
  m.load({bicc(CA, false, 3), mov_imm(L1, 1), mov_imm(L2, 1), mov_imm(L3, 1)});
  RunResult r = m.run(1);
  CHECK(r.executed == 1);
  CHECK(m.s.pc == kBase + 4);    // the delay slot
  CHECK(m.s.npc == kBase + 12);  // then the target
  r = m.run(100);
  CHECK(m.at_end(r));
  CHECK(m.r(L1) == 1);
  CHECK(m.r(L2) == 0);
  CHECK(m.r(L3) == 1);
}

TEST_CASE("execution crosses 8 KB page boundaries, including a delay slot", "[interp]") {
  Machine m;
  const uint64_t last = kBase + kPageSize - 4;   // last word of the first page
  // Straight-line code across the boundary.
  m.load({mov_imm(O0, 1), arith_imm(ADD, O0, O0, 2), arith_imm(ADD, O0, O0, 4)}, last - 4);
  RunResult r = m.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == last + 8);
  CHECK(m.r(O0) == 7);

  // A branch in the last word of a page: delay slot on the next page, target back on the
  // first page.
  Machine b;
  b.load({mov_imm(L3, 3)}, kBase);
  b.load({bicc(CA, false, -int32_t((kPageSize - 4) / 4)), mov_imm(L1, 1)}, last);
  r = b.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(b.s.pc == kBase + 4);
  CHECK(b.r(L1) == 1);
  CHECK(b.r(L3) == 3);
  CHECK(r.executed == 3);
}

TEST_CASE("fetching from unmapped memory raises instruction_access_exception", "[interp][trap]") {
  Machine m;
  m.set(G1, kUnmapped);
  RunResult r = m.run_to_trap({jmpl(G0, G1, G0), mov_imm(L1, 1)});
  CHECK(r.trap == TT_INSTRUCTION_ACCESS_EXCEPTION);
  CHECK(r.executed == 2);   // jmpl and its delay slot
  CHECK(m.s.pc == kUnmapped);
  CHECK(m.r(L1) == 1);

  // Falling off the end of the mapped region.
  Machine e;
  e.load({nop()}, kLimit - 4);
  r = e.run(10);
  CHECK(r.trap == TT_INSTRUCTION_ACCESS_EXCEPTION);
  CHECK(r.executed == 1);
  CHECK(e.s.pc == kLimit);
}

TEST_CASE("reloading code after invalidate_all runs the new instructions", "[interp]") {
  Machine m;
  m.exec({mov_imm(O0, 1)});
  CHECK(m.r(O0) == 1);
  m.exec({mov_imm(O0, 2)});   // load() invalidates decoded pages
  CHECK(m.r(O0) == 2);
}
