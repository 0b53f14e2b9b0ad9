// State registers (SPARC V9 A.43 RDASR, A.62 WRASR), Tcc (A.61), privileged registers and
// instructions, trap entry and DONE/RETRY (UA2007 privileged trap model).
#include <catch2/catch.hpp>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

TEST_CASE("rd reads %y, %ccr, %asi, %pc and %fprs", "[asr]") {
  Machine m;
  m.s.y = 0x12345678;
  m.s.ccr = 0x5a;
  m.s.asi = 0x82;
  m.s.fprs = 4;
  RunResult r = m.exec({rd_asr(ASR_Y, O0), rd_asr(ASR_CCR, O1), rd_asr(ASR_ASI, O2),
                        rd_asr(ASR_PC, O3), rd_asr(ASR_FPRS, O4)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x12345678);
  CHECK(m.r(O1) == 0x5a);
  CHECK(m.r(O2) == 0x82);
  CHECK(m.r(O3) == kBase + 12);   // address of the rd %pc itself
  CHECK(m.r(O4) == 4);
}

TEST_CASE("wr writes rs1 XOR operand2", "[asr]") {
  Machine m;
  m.set(G1, 0xff00);
  m.set(G2, 0x0ff0);
  m.set(G3, 0x08);
  RunResult r = m.exec({wr_asr(ASR_Y, G1, G2), wr_asr_imm(ASR_CCR, G0, 0x99),
                        wr_asr_imm(ASR_ASI, G3, 0x80), rd_asr(ASR_Y, O0), rd_asr(ASR_CCR, O1),
                        rd_asr(ASR_ASI, O2), wr_asr_imm(ASR_CCR, G3, 0x0c), rd_asr(ASR_CCR, O3)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.y == 0xf0f0);
  CHECK(m.r(O0) == 0xf0f0);
  CHECK(m.r(O1) == 0x99);
  CHECK(m.r(O2) == 0x88);
  CHECK(m.s.asi == 0x88);
  CHECK(m.r(O3) == 0x04);   // 0x08 ^ 0x0c
  CHECK(m.s.ccr == 0x04);

  // wr %ccr takes effect for the next instruction's condition.
  Machine b;
  r = b.exec({wr_asr_imm(ASR_CCR, G0, 0x04), movcc_imm(CE, MCC_ICC, O0, 1)});
  CHECK(b.r(O0) == 1);

  // wr %fprs: clearing FEF disables the FPU.
  Machine f;
  r = f.exec({wr_asr_imm(ASR_FPRS, G0, 0), rd_asr(ASR_FPRS, O0), fpop1(FMOVS, 1, 0, 2)});
  CHECK(f.r(O0) == 0);
  CHECK(r.trap == TT_FP_DISABLED);
  CHECK(f.s.pc == kBase + 8);
}

TEST_CASE("reserved and privileged ASRs", "[asr][trap]") {
  Machine m;
  CHECK(m.exec({rd_asr(1, O0)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.exec({rd_asr(22, O0)}).trap == TT_PRIVILEGED_OPCODE);   // %softint
  CHECK(m.exec({wr_asr(22, G0, G0)}).trap == TT_PRIVILEGED_OPCODE);
  CHECK(m.exec({wr_asr(23, G0, G0)}).trap == TT_PRIVILEGED_OPCODE);   // %tick_cmpr
  m.privileged(true);
  m.set(G1, 0x41);
  RunResult r = m.exec({wr_asr(22, G1, G0), rd_asr(22, O0)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x41);
}

TEST_CASE("wr %stick: privileged_opcode in user mode, illegal_instruction in privileged mode", "[asr][trap]") {
  // UA2007: only hyperprivileged software writes STICK; a guest's time is the hypervisor's.
  Machine m;
  CHECK(m.exec({wr_asr(24, G0, G0)}).trap == TT_PRIVILEGED_OPCODE);
  m.privileged(true);
  m.s.stick = 1234;
  CHECK(m.exec({wr_asr_imm(24, G0, 99)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.stick == 1234);
}

TEST_CASE("Tcc: trap number is 0x100 + (rs1 + op2) & 0x7f in user mode", "[tcc][trap]") {
  Machine m;
  RunResult r = m.exec({nop(), tcc_imm(CA, ICC, G0, 0x6d), mov_imm(O0, 1)});
  CHECK(r.trap == 0x16d);
  CHECK(r.executed == 1);
  CHECK(m.s.pc == kBase + 4);
  CHECK(m.s.npc == kBase + 8);
  CHECK(m.r(O0) == 0);

  Machine a;
  a.set(G1, 0x10);
  a.set(G2, 0x22);
  CHECK(a.exec({tcc_imm(CA, ICC, G1, 5)}).trap == 0x115);
  CHECK(a.exec({tcc(CA, ICC, G1, G2)}).trap == 0x132);
  CHECK(a.exec({tcc_imm(CA, ICC, G0, 0xff)}).trap == 0x17f);   // user: 7 bits

  a.privileged(true);
  CHECK(a.exec({tcc_imm(CA, ICC, G0, 0xff)}).trap == 0x1ff);   // privileged: 8 bits
}

TEST_CASE("Tcc conditions on %icc and %xcc", "[tcc]") {
  Machine m;
  m.s.ccr = 0x04;   // icc.Z, xcc clear
  RunResult r = m.exec({tcc_imm(CNE, ICC, G0, 1), tcc_imm(CE, XCC, G0, 2), mov_imm(O0, 1),
                        tcc_imm(CNE, XCC, G0, 3)});
  CHECK(r.trap == 0x103);
  CHECK(m.r(O0) == 1);
  CHECK(m.s.pc == kBase + 12);
  CHECK(m.exec({tcc_imm(CN, ICC, G0, 1)}).trap == TT_NONE);
  CHECK(m.exec({tcc_imm(CA, 1, G0, 1)}).trap == TT_ILLEGAL_INSTRUCTION);   // cc = 01
}

TEST_CASE("privileged instructions in user mode raise privileged_opcode", "[privileged][trap]") {
  const uint32_t insns[] = {rdpr(PR_TSTATE, O0), rdpr(PR_PSTATE, O0), rdpr(PR_TL, O0),
                            rdpr(PR_CWP, O0),    wrpr(PR_PIL, G0, G0),  wrpr_imm(PR_CWP, G0, 1),
                            done(),              retry()};
  for (uint32_t w : insns) {
    INFO(std::hex << w);
    Machine m;
    m.set(O0, 0x1234);
    RunResult r = m.exec({w});
    CHECK(r.trap == TT_PRIVILEGED_OPCODE);
    CHECK(m.r(O0) == 0x1234);
    CHECK(m.s.pc == kBase);
    CHECK(m.s.cwp == 0);
  }
}

TEST_CASE("rdpr/wrpr in privileged mode", "[privileged]") {
  Machine m;
  m.privileged(true);
  m.set(G1, 0x208000);
  RunResult r = m.exec({wrpr(PR_TBA, G1, G0), rdpr(PR_TBA, O0), wrpr_imm(PR_PIL, G0, 7),
                        rdpr(PR_PIL, O1), rdpr(PR_PSTATE, O2), rdpr(PR_TL, O3)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(O0) == 0x208000);
  CHECK(m.r(O1) == 7);
  CHECK(m.r(O2) == (PSTATE_PRIV | PSTATE_PEF));
  CHECK(m.r(O3) == 0);
  // The trap-stack registers need TL > 0.
  CHECK(m.exec({rdpr(PR_TPC, O0)}).trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.exec({done()}).trap == TT_ILLEGAL_INSTRUCTION);
}

TEST_CASE("enter_trap saves state at the new TL and vectors to TBA + TT x 32", "[trap][done]") {
  Machine m;
  m.privileged(true);
  m.s.tba = kBase;                     // 32 KB aligned
  const uint64_t code = kBase + 0x8000;
  m.s.ccr = 0x99;
  m.s.asi = 0x88;
  m.s.set_cwp(3);
  m.s.pstate |= PSTATE_IE | PSTATE_AM;
  const uint32_t pstate_before = m.s.pstate;
  RunResult r = m.run_to_trap({nop(), tcc_imm(CA, ICC, G0, 0x10), mov_imm(L1, 1)}, code);
  REQUIRE(r.trap == 0x110);
  REQUIRE(m.s.pc == code + 4);

  m.s.enter_trap(r.trap);
  CHECK(m.s.tl == 1);
  CHECK(m.s.tt[1] == 0x110);
  CHECK(m.s.tpc[1] == code + 4);
  CHECK(m.s.tnpc[1] == code + 8);
  const uint64_t tstate = (uint64_t(0x99) << 32) | (uint64_t(0x88) << 24) |
                          (uint64_t(pstate_before) << 8) | 3;
  CHECK(m.s.tstate[1] == tstate);
  CHECK(m.s.pc == kBase + 0x110 * 32);
  CHECK(m.s.npc == kBase + 0x110 * 32 + 4);
  CHECK((m.s.pstate & PSTATE_PRIV) != 0);
  CHECK((m.s.pstate & PSTATE_PEF) != 0);
  CHECK((m.s.pstate & PSTATE_IE) == 0);
  CHECK((m.s.pstate & PSTATE_AM) == 0);
  CHECK(m.s.gl == 1);
  CHECK(m.s.cwp == 3);

  // Handler: clobber CCR and %asi, then DONE: resumes after the trapping instruction with
  // the state from TSTATE.
  m.load({wr_asr_imm(ASR_CCR, G0, 0), wr_asr_imm(ASR_ASI, G0, 0x80), done()},
         kBase + 0x110 * 32);
  r = m.run(3);
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.pc == code + 8);
  CHECK(m.s.npc == code + 12);
  CHECK(m.s.tl == 0);
  CHECK(m.s.gl == 0);
  CHECK(m.s.ccr == 0x99);
  CHECK(m.s.asi == 0x88);
  CHECK(m.s.pstate == pstate_before);
  CHECK(m.s.cwp == 3);
  // Execution continues after the trap.
  r = m.run(1);
  CHECK(m.r(L1) == 1);
}

TEST_CASE("retry re-executes the trapping instruction", "[trap][retry]") {
  Machine m;
  m.privileged(true);
  m.s.tba = kBase;
  const uint64_t code = kBase + 0x8000;
  m.mem.w64(kData, 0x0123456789abcdefull);
  m.set(O0, kUnmapped);
  RunResult r = m.run_to_trap({mem_imm(LDX, O1, O0, 0), mov_imm(L1, 1)}, code);
  REQUIRE(r.trap == TT_DATA_ACCESS_EXCEPTION);
  CHECK(m.s.pc == code);

  m.s.enter_trap(r.trap);
  CHECK(m.s.pc == kBase + TT_DATA_ACCESS_EXCEPTION * 32);
  CHECK(m.s.tpc[1] == code);
  // Handler: repair %o0 (same window), then RETRY.
  m.load({sethi(O0, uint32_t(kData >> 10)), retry()}, kBase + TT_DATA_ACCESS_EXCEPTION * 32);
  r = m.run(2);
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.s.pc == code);
  CHECK(m.s.npc == code + 4);
  CHECK(m.s.tl == 0);
  r = m.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == code + 8);
  CHECK(m.r(O1) == 0x0123456789abcdefull);
  CHECK(m.r(L1) == 1);
}

TEST_CASE("nested trap uses the TL>0 half of the table - TLE sets CLE", "[trap]") {
  Machine m;
  m.privileged(true);
  m.s.tba = kBase + 0x8000;
  m.s.pc = kBase + 0x100;
  m.s.npc = kBase + 0x104;
  m.s.enter_trap(0x30);
  CHECK(m.s.pc == kBase + 0x8000 + 0x30 * 32);
  m.s.pstate |= PSTATE_TLE;
  m.s.enter_trap(0x34);
  CHECK(m.s.tl == 2);
  CHECK(m.s.gl == 2);
  CHECK(m.s.pc == kBase + 0x8000 + 0x4000 + 0x34 * 32);
  CHECK(m.s.tpc[2] == kBase + 0x8000 + 0x30 * 32);
  CHECK(m.s.tpc[1] == kBase + 0x100);
  CHECK((m.s.pstate & PSTATE_CLE) != 0);
  m.s.trap_return(false);
  CHECK(m.s.tl == 1);
  CHECK(m.s.gl == 1);
  CHECK(m.s.pc == kBase + 0x8000 + 0x30 * 32 + 4);
  CHECK((m.s.pstate & PSTATE_CLE) == 0);
}

TEST_CASE("globals are banked by GL across a trap", "[trap]") {
  Machine m;
  m.privileged(true);
  m.set(G1, 0x111);
  m.s.enter_trap(0x30);
  CHECK(m.r(G1) == 0);   // GL = 1 has its own globals
  m.set(G1, 0x222);
  m.s.trap_return(false);
  CHECK(m.r(G1) == 0x111);
}

TEST_CASE("membar, stbar, prefetch and flush have no architectural side effects",
          "[misc]") {
  Machine m;
  m.set(G1, kData);
  m.set(G2, kUnmapped);
  m.s.ccr = 0x5a;
  RunResult r = m.exec({
      arith(RDASR, G0, 15, 0) | (1u << 13) | 0x0f,   // membar #Sync-ish mask
      arith(RDASR, G0, 15, 0),                       // stbar
      mem_imm(0x2d, 0, G1, 0),                       // prefetch [%g1], 0
      mem_imm(0x2d, 20, G2, 0),                      // prefetch of an unmapped address
      arith_imm(FLUSH, 0, G1, 8),                    // flush [%g1 + 8]
  });
  CHECK(r.trap == TT_NONE);
  CHECK(r.executed == 5);
  CHECK(m.s.ccr == 0x5a);
  CHECK(m.mem.flushes == 1);
}

TEST_CASE("%gsr needs the FPU", "[asr][trap]") {
  Machine m;
  m.set(G1, 0x1234);
  REQUIRE(m.exec({wr_asr(19, G1, G0), rd_asr(19, O0)}).trap == TT_NONE);
  CHECK(m.r(O0) == 0x1234);
  m.s.fprs = 0;
  CHECK(m.exec({rd_asr(19, O0)}).trap == TT_FP_DISABLED);
  CHECK(m.exec({wr_asr(19, G1, G0)}).trap == TT_FP_DISABLED);
}

TEST_CASE("a handler reads and rewrites the trap stack with rdpr/wrpr", "[trap][privileged]") {
  Machine m;
  m.privileged(true);
  m.s.tba = kBase;
  const uint64_t code = kBase + 0x8000;
  m.s.ccr = 0x11;
  RunResult r = m.run_to_trap({tcc_imm(CA, ICC, G0, 0x21), mov_imm(L5, 5), mov_imm(L6, 6)}, code);
  REQUIRE(r.trap == 0x121);
  m.s.enter_trap(r.trap);
  // Handler: read TT/TPC/TNPC/TSTATE/TL, then skip one more instruction by moving TNPC
  // forward (DONE resumes at TNPC).
  m.load({rdpr(PR_TT, L0), rdpr(PR_TPC, L1), rdpr(PR_TNPC, L2), rdpr(PR_TSTATE, L3),
          rdpr(PR_TL, L4), arith_imm(ADD, L2, L2, 4), wrpr(PR_TNPC, L2, G0), done()},
         kBase + 0x121 * 32);
  r = m.run(100);
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.r(L0) == 0x121);
  CHECK(m.r(L1) == code);
  CHECK(m.r(L2) == code + 8);
  CHECK(m.r(L3) == ((uint64_t(0x11) << 32) | (uint64_t(0x80) << 24) |
                    (uint64_t(PSTATE_PRIV | PSTATE_PEF) << 8)));
  CHECK(m.r(L4) == 1);
  CHECK(m.s.pc == code + 12);
  CHECK(m.r(L5) == 0);   // skipped
  CHECK(m.r(L6) == 6);
}
