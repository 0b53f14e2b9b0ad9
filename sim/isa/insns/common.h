// Helpers shared by the semantic functions: operands, condition codes, branch targets.
#pragma once
#include <cstdint>

#include "sim/isa/insn.h"
#include "sim/isa/semantics.h"
#include "sim/isa/strand_state.h"

namespace vfsim::isa {

inline uint64_t rs1v(const StrandState& s, const Insn& d) { return s.r(d.rs1); }
// Branch-free select: the decoder leaves rs2 as the low bits of the immediate, so reading
// reg[rs2] is always safe, and a mask picks the operand without a mispredicted branch.
inline uint64_t op2v(const StrandState& s, const Insn& d) {
  uint64_t m = uint64_t(0) - d.use_imm;
  return (uint64_t(d.imm) & m) | (s.reg[d.rs2] & ~m);
}
inline uint64_t ea(const StrandState& s, const Insn& d) {
  uint64_t a = s.r(d.rs1) + op2v(s, d);
  return (s.pstate & PSTATE_AM) ? (a & 0xffffffffull) : a;
}

// ASI of an alternate-space access: %asi when i=1, else the instruction's imm_asi.
inline uint8_t asi_of(const StrandState& s, const Insn& d) {
  return d.use_imm ? s.asi : uint8_t(f_imm_asi(d.word));
}

// N Z V C nibble for one width from result and the V/C sign bits computed by the caller.
inline uint8_t nz32(uint64_t r) {
  return uint8_t((uint32_t(r) >> 31 ? CC_N : 0) | (uint32_t(r) == 0 ? CC_Z : 0));
}
inline uint8_t nz64(uint64_t r) {
  return uint8_t((r >> 63 ? CC_N : 0) | (r == 0 ? CC_Z : 0));
}
inline uint8_t cc_logic(uint64_t r) { return uint8_t(nz32(r) | (nz64(r) << 4)); }
inline uint8_t cc_add(uint64_t a, uint64_t b, uint64_t r) {
  uint64_t v = (a ^ ~b) & (a ^ r);
  uint64_t c = (a & b) | ((a | b) & ~r);
  uint8_t icc = nz32(r) | ((v >> 31) & 1 ? CC_V : 0) | ((c >> 31) & 1 ? CC_C : 0);
  uint8_t xcc = nz64(r) | ((v >> 63) ? CC_V : 0) | ((c >> 63) ? CC_C : 0);
  return uint8_t(icc | (xcc << 4));
}
inline uint8_t cc_sub(uint64_t a, uint64_t b, uint64_t r) {
  uint64_t v = (a ^ b) & (a ^ r);
  uint64_t c = (~a & b) | ((~a | b) & r);
  uint8_t icc = nz32(r) | ((v >> 31) & 1 ? CC_V : 0) | ((c >> 31) & 1 ? CC_C : 0);
  uint8_t xcc = nz64(r) | ((v >> 63) ? CC_V : 0) | ((c >> 63) ? CC_C : 0);
  return uint8_t(icc | (xcc << 4));
}

// Bicc/BPcc/Tcc/MOVcc condition on one N Z V C nibble.
inline bool eval_icond(unsigned cond, uint8_t cc) {
  bool n = cc & CC_N, z = cc & CC_Z, v = cc & CC_V, c = cc & CC_C;
  bool r;
  switch (cond & 7) {
    case 0: r = false; break;             // never / always
    case 1: r = z; break;                 // e
    case 2: r = z || (n != v); break;     // le
    case 3: r = n != v; break;            // l
    case 4: r = c || z; break;            // leu
    case 5: r = c; break;                 // cs
    case 6: r = n; break;                 // neg
    default: r = v; break;                // vs
  }
  return (cond & 8) ? !r : r;
}
// FBfcc/FMOVcc condition on an fcc value (0 =, 1 <, 2 >, 3 unordered).
inline bool eval_fcond(unsigned cond, unsigned fcc) {
  static const uint8_t kTable[16] = {
      0x0,                 // fbn
      0b1110,              // fbne: L G U
      0b0110,              // fblg
      0b1010,              // fbul
      0b0010,              // fbl
      0b1100,              // fbug
      0b0100,              // fbg
      0b1000,              // fbu
      0xf,                 // fba
      0b0001,              // fbe
      0b1001,              // fbue
      0b0101,              // fbge
      0b1101,              // fbuge
      0b0011,              // fble
      0b1011,              // fbule
      0b0111,              // fbo
  };
  return (kTable[cond & 15] >> fcc) & 1;
}
// BPr/MOVr/FMOVr register condition.
inline bool eval_rcond(unsigned rcond, uint64_t v, bool& legal) {
  int64_t x = int64_t(v);
  legal = true;
  switch (rcond) {
    case 1: return x == 0;
    case 2: return x <= 0;
    case 3: return x < 0;
    case 5: return x != 0;
    case 6: return x > 0;
    case 7: return x >= 0;
    default: legal = false; return false;
  }
}

// Taken branch: the delay slot runs, then target.
inline Trap branch_taken(StrandState& s, uint64_t target) {
  s.next_pc = s.npc;
  s.next_npc = target;
  return TT_FLOW;
}
// Annul the delay slot: skip the instruction at npc.
inline Trap annul_delay(StrandState& s) {
  s.next_pc = s.npc + 4;
  s.next_npc = s.npc + 8;
  return TT_FLOW;
}

}  // namespace vfsim::isa
