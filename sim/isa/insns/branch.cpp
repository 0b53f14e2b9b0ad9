// Control transfer: Bicc, BPcc, BPr, FBfcc, FBPfcc, CALL, JMPL, Tcc (RETURN is in window.cpp).
#include "sim/isa/insns/common.h"

namespace vfsim::isa {

// Shared by the conditional branches: `ba,a` annuls its delay slot when taken; any other
// annulled branch annuls it only when not taken.
static Trap cond_branch(StrandState& s, const Insn& d, bool taken, bool always) {
  uint64_t target = s.pc + uint64_t(d.imm);
  if (s.pstate & PSTATE_AM) target &= 0xffffffffull;
  bool annul = f_a(d.word);
  if (taken) {
    if (always && annul) {
      s.next_pc = target;
      s.next_npc = target + 4;
      return TT_FLOW;
    }
    return branch_taken(s, target);
  }
  return annul ? annul_delay(s) : TT_NONE;
}

Trap exec_bicc(StrandState& s, const Insn& d) {
  unsigned cond = f_cond(d.word);
  return cond_branch(s, d, eval_icond(cond, s.ccr & 15), cond == 8);
}

Trap exec_bpcc(StrandState& s, const Insn& d) {
  unsigned cond = f_cond(d.word), cc = f_bpcc(d.word);
  if (cc & 1) return TT_ILLEGAL_INSTRUCTION;    // %icc (00) and %xcc (10) only
  uint8_t nib = cc ? (s.ccr >> 4) : (s.ccr & 15);
  return cond_branch(s, d, eval_icond(cond, nib), cond == 8);
}

Trap exec_bpr(StrandState& s, const Insn& d) {
  bool legal;
  bool taken = eval_rcond(f_brcond(d.word), rs1v(s, d), legal);
  if (!legal) return TT_ILLEGAL_INSTRUCTION;
  return cond_branch(s, d, taken, false);
}

Trap exec_fbfcc(StrandState& s, const Insn& d) {
  if (!s.fpu_enabled()) return TT_FP_DISABLED;
  unsigned cond = f_cond(d.word);
  return cond_branch(s, d, eval_fcond(cond, s.fcc(0)), cond == 8);
}

Trap exec_fbpfcc(StrandState& s, const Insn& d) {
  if (!s.fpu_enabled()) return TT_FP_DISABLED;
  unsigned cond = f_cond(d.word);
  return cond_branch(s, d, eval_fcond(cond, s.fcc(f_bpcc(d.word))), cond == 8);
}

Trap exec_call(StrandState& s, const Insn& d) {
  s.set_r(15, s.pc);
  uint64_t target = s.pc + uint64_t(d.imm);
  if (s.pstate & PSTATE_AM) target &= 0xffffffffull;
  return branch_taken(s, target);
}

Trap exec_jmpl(StrandState& s, const Insn& d) {
  uint64_t target = ea(s, d);
  if (target & 3) return TT_MEM_ADDRESS_NOT_ALIGNED;
  s.set_r(d.rd, s.pc);
  return branch_taken(s, target);
}

// Tcc: software trap number is (rs1 + rs2|imm) & 0x7f (user) or & 0xff (privileged).
Trap exec_tcc(StrandState& s, const Insn& d) {
  unsigned cond = f_cond(d.word), cc = (d.word >> 11) & 3;
  if (cc & 1) return TT_ILLEGAL_INSTRUCTION;
  uint8_t nib = cc ? (s.ccr >> 4) : (s.ccr & 15);
  if (!eval_icond(cond, nib)) return TT_NONE;
  uint64_t n = s.r(d.rs1) + (d.use_imm ? uint64_t(d.imm) : s.r(d.rs2));
  n &= s.privileged() ? 0xff : 0x7f;
  return Trap(TT_TRAP_INSTRUCTION + n);
}

}  // namespace vfsim::isa
