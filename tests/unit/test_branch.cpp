// Control transfer (SPARC V9 A.4 BPr, A.5 FBfcc, A.6 FBPfcc, A.7 Bicc, A.8 BPcc, A.9 CALL,
// A.24 JMPL): conditions, delay slots and the annul bit.
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

constexpr uint8_t N = 8, Z = 4, V = 2, C = 1;

// Reference condition evaluation, straight from the V9 Bicc table.
bool icond(unsigned cond, uint8_t cc) {
  bool n = cc & N, z = cc & Z, v = cc & V, c = cc & C;
  switch (cond) {
    case CN: return false;
    case CE: return z;
    case CLE: return z || (n != v);
    case CL: return n != v;
    case CLEU: return c || z;
    case CCS: return c;
    case CNEG: return n;
    case CVS: return v;
    case CA: return true;
    case CNE: return !z;
    case CG: return !(z || (n != v));
    case CGE: return n == v;
    case CGU: return !(c || z);
    case CCC: return !c;
    case CPOS: return !n;
    case CVC: return !v;
  }
  return false;
}
// FBfcc table: fcc 0 =, 1 <, 2 >, 3 unordered.
bool fcond(unsigned cond, unsigned fcc) {
  bool e = fcc == 0, l = fcc == 1, g = fcc == 2, u = fcc == 3;
  switch (cond) {
    case FN: return false;
    case FNE: return l || g || u;
    case FLG: return l || g;
    case FUL: return u || l;
    case FL: return l;
    case FUG: return u || g;
    case FG: return g;
    case FU: return u;
    case FA: return true;
    case FE: return e;
    case FUE: return u || e;
    case FGE: return g || e;
    case FUGE: return u || g || e;
    case FLE: return l || e;
    case FULE: return u || l || e;
    case FO: return e || l || g;
  }
  return false;
}

struct Outcome {
  Trap trap;
  bool taken;
  bool delay_ran;
  bool ended;   // stopped on the expected illtrap of the path taken
};

// Layout: [0] branch to +4  [1] delay: add %l1,1  [2] fall-through marker %l2=1
//         [3] illtrap       [4] target marker %l3=1  [5] illtrap
// `setup` may adjust the machine before running.
template <typename Setup>
Outcome run_branch(uint32_t br, Setup setup) {
  Machine m;
  setup(m);
  RunResult r = m.run_to_trap({br, arith_imm(ADD, L1, L1, 1), mov_imm(L2, 1), illtrap(),
                               mov_imm(L3, 1)});
  Outcome o;
  o.trap = r.trap;
  o.delay_ran = m.r(L1) == 1;
  o.taken = m.r(L3) == 1;
  bool fell = m.r(L2) == 1;
  o.ended = r.trap == TT_ILLEGAL_INSTRUCTION &&
            (o.taken ? (m.s.pc == kBase + 20 && !fell) : (m.s.pc == kBase + 12 && fell));
  return o;
}
Outcome run_branch(uint32_t br) {
  return run_branch(br, [](Machine&) {});
}

}  // namespace

TEST_CASE("Bicc evaluates all 16 conditions on icc", "[branch][bicc]") {
  for (unsigned cc = 0; cc < 16; ++cc) {
    for (unsigned cond = 0; cond < 16; ++cond) {
      INFO("icc=" << cc << " cond=" << cond);
      // xcc holds the complement: Bicc must look at icc only.
      Outcome o = run_branch(bicc(cond, false, 4), [&](Machine& m) { m.s.ccr = uint8_t(((~cc & 15) << 4) | cc); });
      CHECK(o.taken == icond(cond, uint8_t(cc)));
      CHECK(o.delay_ran);   // a = 0: the delay slot always executes
      CHECK(o.ended);
    }
  }
}

TEST_CASE("annul bit: conditional taken runs the delay slot, untaken skips it",
          "[branch][annul]") {
  auto with_z = [](Machine& m) { m.s.ccr = Z; };
  Outcome o = run_branch(bicc(CE, true, 4), with_z);   // taken, a = 1
  CHECK(o.taken);
  CHECK(o.delay_ran);
  CHECK(o.ended);

  o = run_branch(bicc(CNE, true, 4), with_z);   // not taken, a = 1: annulled
  CHECK_FALSE(o.taken);
  CHECK_FALSE(o.delay_ran);
  CHECK(o.ended);

  o = run_branch(bicc(CNE, false, 4), with_z);   // not taken, a = 0
  CHECK_FALSE(o.taken);
  CHECK(o.delay_ran);
  CHECK(o.ended);
}

TEST_CASE("ba,a annuls its delay slot - ba and bn execute it - bn,a skips it",
          "[branch][annul]") {
  Outcome o = run_branch(bicc(CA, true, 4));
  CHECK(o.taken);
  CHECK_FALSE(o.delay_ran);
  CHECK(o.ended);

  o = run_branch(bicc(CA, false, 4));
  CHECK(o.taken);
  CHECK(o.delay_ran);

  o = run_branch(bicc(CN, false, 4));
  CHECK_FALSE(o.taken);
  CHECK(o.delay_ran);
  CHECK(o.ended);

  o = run_branch(bicc(CN, true, 4));
  CHECK_FALSE(o.taken);
  CHECK_FALSE(o.delay_ran);
  CHECK(o.ended);

  // Same for BPcc.
  o = run_branch(bpcc(CA, true, XCC, 4));
  CHECK(o.taken);
  CHECK_FALSE(o.delay_ran);
}

TEST_CASE("BPcc selects %icc or %xcc", "[branch][bpcc]") {
  // After 0xffffffff + 1: icc.Z = 1, xcc.Z = 0.
  auto setup = [](Machine& m) { m.s.ccr = uint8_t((0 << 4) | (Z | C)); };
  CHECK(run_branch(bpcc(CE, false, ICC, 4), setup).taken);
  CHECK_FALSE(run_branch(bpcc(CE, false, XCC, 4), setup).taken);
  CHECK(run_branch(bpcc(CNE, false, XCC, 4), setup).taken);
  CHECK(run_branch(bpcc(CCS, false, ICC, 4), setup).taken);
  CHECK_FALSE(run_branch(bpcc(CCS, false, XCC, 4), setup).taken);

  for (unsigned cond = 0; cond < 16; ++cond) {
    for (unsigned cc : {0x3u, 0x9u, 0x6u, 0xcu}) {
      INFO("cond=" << cond << " xcc=" << cc);
      auto s2 = [&](Machine& m) { m.s.ccr = uint8_t((cc << 4) | (~cc & 15)); };
      Outcome o = run_branch(bpcc(cond, false, XCC, 4), s2);
      CHECK(o.taken == icond(cond, uint8_t(cc)));
      CHECK(o.ended);
      o = run_branch(bpcc(cond, false, ICC, 4), s2);
      CHECK(o.taken == icond(cond, uint8_t(~cc & 15)));
    }
  }
}

TEST_CASE("BPcc with cc = 01 or 11 is illegal", "[branch][bpcc][trap]") {
  Outcome o = run_branch(bpcc(CA, false, 1, 4));
  CHECK(o.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK_FALSE(o.ended);
  CHECK_FALSE(o.delay_ran);
  Machine m;
  RunResult r = m.exec({bpcc(CA, false, 3, 4)});
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == kBase);
}

TEST_CASE("backward branch loop with a delay slot", "[branch][bpcc]") {
  Machine m;
  RunResult r = m.run_to_trap({
      mov_imm(O0, 5),
      mov_imm(O1, 0),
      arith_imm(SUBCC, O0, O0, 1),      // loop:
      bpcc(CNE, false, ICC, -1),        //   bne,pt %icc, loop
      arith_imm(ADD, O1, O1, 1),        //   delay slot
      mov_imm(O2, 9),
  });
  CHECK(m.at_end(r));
  CHECK(m.r(O0) == 0);
  CHECK(m.r(O1) == 5);
  CHECK(m.r(O2) == 9);
  CHECK(r.executed == 2 + 5 * 3 + 1);
}

TEST_CASE("BPr tests a 64-bit register against zero", "[branch][bpr]") {
  const uint64_t values[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x100000000ull,
                             0xffffffffull};
  struct RC { unsigned rc; bool (*f)(int64_t); };
  const RC conds[] = {
      {RZ, [](int64_t v) { return v == 0; }},   {RLEZ, [](int64_t v) { return v <= 0; }},
      {RLZ, [](int64_t v) { return v < 0; }},   {RNZ, [](int64_t v) { return v != 0; }},
      {RGZ, [](int64_t v) { return v > 0; }},   {RGEZ, [](int64_t v) { return v >= 0; }},
  };
  for (const RC& c : conds) {
    for (uint64_t v : values) {
      INFO("rcond=" << c.rc << " value=" << std::hex << v);
      Outcome o = run_branch(bpr(c.rc, false, O3, 4), [&](Machine& m) { m.set(O3, v); });
      CHECK(o.taken == c.f(int64_t(v)));
      CHECK(o.delay_ran);
      CHECK(o.ended);
    }
  }
}

TEST_CASE("BPr uses both halves of its 16-bit displacement", "[branch][bpr]") {
  // disp16 = 0x4001 words: d16hi = 1, d16lo = 1; target kBase + 0x10004.
  Machine m;
  m.mem.w32(kBase + 0x10004, mov_imm(L3, 3));
  m.set(O3, 0);
  RunResult r = m.run_to_trap({bpr(RZ, false, O3, 0x4001), mov_imm(L1, 1)});
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == kBase + 0x10008);
  CHECK(m.r(L1) == 1);
  CHECK(m.r(L3) == 3);
  // And a negative displacement with d16hi = 3.
  Machine b;
  b.mem.w32(kBase, mov_imm(L3, 4));
  b.load({bpr(RZ, false, G0, -0x4000), nop()}, kBase + 0x10000);
  r = b.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(b.s.pc == kBase + 4);
  CHECK(b.r(L3) == 4);
}

TEST_CASE("BPr annul bit and reserved rcond values", "[branch][bpr]") {
  auto zero = [](Machine& m) { m.set(O3, 0); };
  Outcome o = run_branch(bpr(RZ, true, O3, 4), zero);   // taken: delay runs
  CHECK(o.taken);
  CHECK(o.delay_ran);
  o = run_branch(bpr(RNZ, true, O3, 4), zero);   // not taken: annulled
  CHECK_FALSE(o.taken);
  CHECK_FALSE(o.delay_ran);
  CHECK(o.ended);
  for (unsigned rc : {0u, 4u}) {
    o = run_branch(bpr(rc, false, O3, 4), zero);
    CHECK(o.trap == TT_ILLEGAL_INSTRUCTION);
    CHECK_FALSE(o.ended);
    CHECK_FALSE(o.delay_ran);
  }
}

TEST_CASE("FBfcc evaluates all 16 conditions on fcc0", "[branch][fbfcc]") {
  for (unsigned fcc = 0; fcc < 4; ++fcc) {
    for (unsigned cond = 0; cond < 16; ++cond) {
      INFO("fcc0=" << fcc << " cond=" << cond);
      Outcome o = run_branch(fbfcc(cond, false, 4), [&](Machine& m) {
        m.s.set_fcc(0, fcc);
        m.s.set_fcc(1, 3 - fcc);   // decoys
        m.s.set_fcc(2, 3 - fcc);
        m.s.set_fcc(3, 3 - fcc);
      });
      CHECK(o.taken == fcond(cond, fcc));
      CHECK(o.ended);
    }
  }
}

TEST_CASE("FBPfcc selects %fcc0-3", "[branch][fbfcc]") {
  auto setup = [](Machine& m) {
    m.s.set_fcc(0, 0);
    m.s.set_fcc(1, 1);
    m.s.set_fcc(2, 2);
    m.s.set_fcc(3, 3);
  };
  CHECK(run_branch(fbpfcc(FE, false, 0, 4), setup).taken);
  CHECK(run_branch(fbpfcc(FL, false, 1, 4), setup).taken);
  CHECK(run_branch(fbpfcc(FG, false, 2, 4), setup).taken);
  CHECK(run_branch(fbpfcc(FU, false, 3, 4), setup).taken);
  CHECK_FALSE(run_branch(fbpfcc(FU, false, 2, 4), setup).taken);
  CHECK_FALSE(run_branch(fbpfcc(FE, false, 3, 4), setup).taken);
  Outcome o = run_branch(fbpfcc(FU, true, 0, 4), setup);   // untaken, annulled
  CHECK_FALSE(o.taken);
  CHECK_FALSE(o.delay_ran);
}

TEST_CASE("FP branches trap when the FPU is disabled", "[branch][fbfcc][trap]") {
  Outcome o = run_branch(fbfcc(FA, false, 4), [](Machine& m) { m.s.fprs = 0; });
  CHECK(o.trap == TT_FP_DISABLED);
  CHECK_FALSE(o.delay_ran);
  o = run_branch(fbpfcc(FA, false, 1, 4), [](Machine& m) { m.s.pstate &= ~uint32_t(PSTATE_PEF); });
  CHECK(o.trap == TT_FP_DISABLED);
}

TEST_CASE("call writes its own address to %o7 and jumps after the delay slot",
          "[branch][call]") {
  Machine m;
  RunResult r = m.run_to_trap({
      nop(),
      call(3),          // -> [4]
      mov_imm(L1, 1),   // delay slot
      mov_imm(L2, 1),   // skipped
      mov_imm(L3, 1),
  });
  CHECK(m.at_end(r));
  CHECK(m.r(O7) == kBase + 4);
  CHECK(m.r(L1) == 1);
  CHECK(m.r(L2) == 0);
  CHECK(m.r(L3) == 1);

  // Backward call.
  Machine b;
  b.load({mov_imm(L4, 4), illtrap(), nop(), call(-3), nop()});
  b.s.pc = kBase + 12;
  b.s.npc = kBase + 16;
  r = b.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(b.s.pc == kBase + 4);
  CHECK(b.r(O7) == kBase + 12);
  CHECK(b.r(L4) == 4);
}

TEST_CASE("jmpl links, jumps after the delay slot - misaligned target traps", "[branch][jmpl]") {
  Machine m;
  m.set(G1, kBase + 16);
  RunResult r = m.run_to_trap({
      nop(),
      jmpl_imm(O7, G1, 4),   // -> [5]
      mov_imm(L1, 1),        // delay slot
      mov_imm(L2, 1),
      mov_imm(L3, 1),
      mov_imm(L4, 1),
  });
  CHECK(m.at_end(r));
  CHECK(m.r(O7) == kBase + 4);
  CHECK(m.r(L1) == 1);
  CHECK(m.r(L2) == 0);
  CHECK(m.r(L3) == 0);
  CHECK(m.r(L4) == 1);

  Machine a;
  a.set(G1, kBase + 2);
  a.set(O7, 0x77);
  r = a.run_to_trap({jmpl(O7, G1, G0), mov_imm(L1, 1)});
  CHECK(r.trap == TT_MEM_ADDRESS_NOT_ALIGNED);
  CHECK(a.s.pc == kBase);
  CHECK(a.r(O7) == 0x77);
  CHECK(a.r(L1) == 0);
}

TEST_CASE("call + retl return to %o7 + 8", "[branch][call][jmpl]") {
  Machine m;
  RunResult r = m.run_to_trap({
      call(4),          // [0] -> [4]
      nop(),            // [1]
      mov_imm(L0, 7),   // [2] return point
      illtrap(),        // [3]
      retl(),           // [4]
      mov_imm(L1, 1),   // [5] delay slot of retl
  });
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == kBase + 12);
  CHECK(m.r(L0) == 7);
  CHECK(m.r(L1) == 1);
  CHECK(r.executed == 5);
}

TEST_CASE("a trap in a delay slot leaves npc at the branch target - retry resumes there",
          "[branch][trap]") {
  Machine m;
  m.privileged(true);
  m.s.tba = kBase;
  const uint64_t code = kBase + 0x8000;
  m.set(O0, kUnmapped);
  RunResult r = m.run_to_trap({
      bicc(CA, false, 3),          // [0] -> [3]
      mem_imm(LDX, O1, O0, 0),     // [1] delay slot faults
      mov_imm(L2, 1),              // [2]
      mov_imm(L3, 1),              // [3]
  }, code);
  REQUIRE(r.trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.s.pc == code + 4);
  CHECK(m.s.npc == code + 12);
  m.s.enter_trap(r.trap);
  CHECK(m.s.tpc[1] == code + 4);
  CHECK(m.s.tnpc[1] == code + 12);
  m.mem.w64(kData, 0x42);
  m.load({sethi(O0, uint32_t(kData >> 10)), retry()}, kBase + TT_DATA_ACCESS_EXCEPTION * 32);
  r = m.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == code + 16);
  CHECK(m.r(O1) == 0x42);
  CHECK(m.r(L2) == 0);
  CHECK(m.r(L3) == 1);
}

TEST_CASE("an annulled delay slot never traps", "[branch][annul]") {
  // Untaken bne,a over a trap instruction, ba,a over an illegal one, fba,a over a load fault.
  Outcome o = run_branch(bicc(CNE, true, 4), [](Machine& m) { m.s.ccr = Z; });
  CHECK(o.ended);
  Machine m;
  m.set(O0, kUnmapped);
  m.s.ccr = Z;   // bne untaken
  RunResult r = m.run_to_trap({bicc(CNE, true, 2), tcc_imm(CA, ICC, G0, 5), bicc(CA, true, 2),
                               illtrap(7), fbfcc(FA, true, 2), mem_imm(LDX, O1, O0, 0),
                               mov_imm(L1, 1)});
  CHECK(m.at_end(r));
  CHECK(m.r(L1) == 1);
  CHECK(r.executed == 4);
}

TEST_CASE("jmpl computes the target before writing rd", "[branch][jmpl]") {
  Machine m;
  m.set(O7, kBase + 4);
  RunResult r = m.run_to_trap({jmpl_imm(O7, O7, 8), nop(), mov_imm(L1, 1), mov_imm(L2, 1)});
  CHECK(m.at_end(r));
  CHECK(m.r(O7) == kBase);   // the jmpl's own address
  CHECK(m.r(L1) == 0);
  CHECK(m.r(L2) == 1);
}
