// State register access: RD/WR of ASRs (%y %ccr %asi %tick %pc %fprs %gsr %stick ...),
// RDPR/WRPR of privileged registers, MEMBAR/STBAR, DONE/RETRY.
#include "sim/isa/insns/common.h"

namespace vfsim::isa {

// ASR numbers (rs1 of RDASR, rd of WRASR).
enum : unsigned {
  ASR_Y = 0, ASR_CCR = 2, ASR_ASI = 3, ASR_TICK = 4, ASR_PC = 5, ASR_FPRS = 6,
  ASR_MEMBAR = 15, ASR_PCR = 16, ASR_PIC = 17, ASR_GSR = 19, ASR_SET_SOFTINT = 20,
  ASR_CLEAR_SOFTINT = 21, ASR_SOFTINT = 22, ASR_TICK_CMPR = 23, ASR_STICK = 24,
  ASR_STICK_CMPR = 25,
};

Trap exec_rdasr(StrandState& s, const Insn& d) {
  uint64_t v;
  switch (d.rs1) {
    case ASR_Y: v = s.y; break;
    case ASR_CCR: v = s.ccr; break;
    case ASR_ASI: v = s.asi; break;
    case ASR_TICK: v = s.tick + s.icount; break;
    case ASR_STICK: v = s.stick + s.icount; break;
    case ASR_PC: v = s.pc; break;
    case ASR_FPRS: v = s.fprs; break;
    case ASR_GSR:
      if (!s.fpu_enabled()) return TT_FP_DISABLED;
      v = s.gsr;
      break;
    case ASR_SOFTINT: case ASR_TICK_CMPR: case ASR_STICK_CMPR: case ASR_PCR: case ASR_PIC:
      if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
      v = d.rs1 == ASR_SOFTINT ? s.softint : d.rs1 == ASR_TICK_CMPR ? s.tick_cmpr
        : d.rs1 == ASR_STICK_CMPR ? s.stick_cmpr : 0;
      break;
    default: return TT_ILLEGAL_INSTRUCTION;
  }
  s.set_r(d.rd, v);
  return TT_NONE;
}

Trap exec_wrasr(StrandState& s, const Insn& d) {
  uint64_t v = s.r(d.rs1) ^ op2v(s, d);   // WR writes rs1 XOR operand2
  switch (d.rd) {
    case ASR_Y: s.y = uint32_t(v); break;
    case ASR_CCR: s.ccr = uint8_t(v); break;
    case ASR_ASI: s.asi = uint8_t(v); break;
    case ASR_FPRS: s.fprs = uint8_t(v & 7); break;
    case ASR_GSR:
      if (!s.fpu_enabled()) return TT_FP_DISABLED;
      s.gsr = v;
      break;
    case ASR_STICK:
      // UA2007: STICK is written only in hyperprivileged mode (here, the C++ hypervisor:
      // Hypervisor::set_guest_time); privileged software gets illegal_instruction.
      return s.privileged() ? TT_ILLEGAL_INSTRUCTION : TT_PRIVILEGED_OPCODE;
    case ASR_SET_SOFTINT: case ASR_CLEAR_SOFTINT: case ASR_SOFTINT: case ASR_TICK_CMPR:
    case ASR_STICK_CMPR: case ASR_PCR: case ASR_PIC:
      if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
      if (d.rd == ASR_SET_SOFTINT) s.softint |= v;
      else if (d.rd == ASR_CLEAR_SOFTINT) s.softint &= ~v;
      else if (d.rd == ASR_SOFTINT) s.softint = v;
      else if (d.rd == ASR_TICK_CMPR) s.tick_cmpr = v;
      else if (d.rd == ASR_STICK_CMPR) s.stick_cmpr = v;
      break;
    default: return TT_ILLEGAL_INSTRUCTION;
  }
  return TT_NONE;
}

// One host thread runs the whole machine and every access completes in order, so the
// memory barriers have nothing to wait for.
Trap exec_membar(StrandState&, const Insn&) { return TT_NONE; }
Trap exec_stbar(StrandState&, const Insn&) { return TT_NONE; }

// Privileged register numbers (RDPR rs1 / WRPR rd).
enum : unsigned {
  PR_TPC = 0, PR_TNPC, PR_TSTATE, PR_TT, PR_TICK, PR_TBA, PR_PSTATE, PR_TL, PR_PIL, PR_CWP,
  PR_CANSAVE, PR_CANRESTORE, PR_CLEANWIN, PR_OTHERWIN, PR_WSTATE, PR_FQ, PR_GL = 16,
};

Trap exec_rdpr(StrandState& s, const Insn& d) {
  if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
  uint64_t v;
  switch (d.rs1) {
    case PR_TPC: case PR_TNPC: case PR_TSTATE: case PR_TT:
      if (s.tl == 0) return TT_ILLEGAL_INSTRUCTION;
      v = d.rs1 == PR_TPC ? s.tpc[s.tl] : d.rs1 == PR_TNPC ? s.tnpc[s.tl]
        : d.rs1 == PR_TSTATE ? s.tstate[s.tl] : s.tt[s.tl];
      break;
    case PR_TICK: v = s.tick + s.icount; break;
    case PR_TBA: v = s.tba; break;
    case PR_PSTATE: v = s.pstate; break;
    case PR_TL: v = s.tl; break;
    case PR_PIL: v = s.pil; break;
    case PR_CWP: v = s.cwp; break;
    case PR_CANSAVE: v = s.cansave; break;
    case PR_CANRESTORE: v = s.canrestore; break;
    case PR_CLEANWIN: v = s.cleanwin; break;
    case PR_OTHERWIN: v = s.otherwin; break;
    case PR_WSTATE: v = s.wstate; break;
    case PR_GL: v = s.gl; break;
    default: return TT_ILLEGAL_INSTRUCTION;
  }
  s.set_r(d.rd, v);
  return TT_NONE;
}

Trap exec_wrpr(StrandState& s, const Insn& d) {
  if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
  uint64_t v = s.r(d.rs1) ^ op2v(s, d);
  switch (d.rd) {
    case PR_TPC: case PR_TNPC: case PR_TSTATE: case PR_TT:
      if (s.tl == 0) return TT_ILLEGAL_INSTRUCTION;
      if (d.rd == PR_TPC) s.tpc[s.tl] = v & ~3ull;
      else if (d.rd == PR_TNPC) s.tnpc[s.tl] = v & ~3ull;
      else if (d.rd == PR_TSTATE) s.tstate[s.tl] = v;
      else s.tt[s.tl] = uint16_t(v & 0x1ff);
      break;
    case PR_TBA: s.tba = v & ~0x7fffull; break;
    case PR_PSTATE: s.pstate = uint32_t(v & 0xfff); break;
    case PR_TL: s.tl = uint8_t(v > 2 ? 2 : v); break;   // privileged software may set TL<=2
    case PR_PIL: s.pil = uint32_t(v & 15); break;
    case PR_CWP: s.set_cwp(unsigned(v % kNWindows)); break;
    case PR_CANSAVE: s.cansave = uint8_t(v % kNWindows); break;
    case PR_CANRESTORE: s.canrestore = uint8_t(v % kNWindows); break;
    case PR_CLEANWIN: s.cleanwin = uint8_t(v % kNWindows); break;
    case PR_OTHERWIN: s.otherwin = uint8_t(v % kNWindows); break;
    case PR_WSTATE: s.wstate = uint8_t(v & 0x3f); break;
    case PR_GL: s.set_gl(unsigned(v > 2 ? 2 : v)); break;
    default: return TT_ILLEGAL_INSTRUCTION;
  }
  return TT_NONE;
}

Trap exec_done(StrandState& s, const Insn&) {
  if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
  if (s.tl == 0) return TT_ILLEGAL_INSTRUCTION;
  s.trap_return(false);
  s.next_pc = s.pc;
  s.next_npc = s.npc;
  return TT_FLOW;
}
Trap exec_retry(StrandState& s, const Insn&) {
  if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
  if (s.tl == 0) return TT_ILLEGAL_INSTRUCTION;
  s.trap_return(true);
  s.next_pc = s.pc;
  s.next_npc = s.npc;
  return TT_FLOW;
}

}  // namespace vfsim::isa
