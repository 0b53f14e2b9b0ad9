// Integer arithmetic, logical, shift, multiply/divide, tagged, POPC, SETHI, MOVcc/MOVr.
#include "sim/isa/insns/common.h"

namespace vfsim::isa {

#define ALU(id, expr)                                              \
  Trap exec_##id(StrandState& s, const Insn& d) {                  \
    uint64_t a = rs1v(s, d), b = op2v(s, d);                       \
    (void)a; (void)b;                                              \
    s.set_r(d.rd, (expr));                                         \
    return TT_NONE;                                                \
  }
ALU(add, a + b)
ALU(and_, a & b)
ALU(or_, a | b)
ALU(xor_, a ^ b)
ALU(sub, a - b)
ALU(andn, a & ~b)
ALU(orn, a | ~b)
ALU(xnor, ~(a ^ b))
ALU(addc, a + b + (s.ccr & CC_C))
ALU(subc, a - b - (s.ccr & CC_C))
ALU(mulx, a * b)
#undef ALU

#define ALU_LOGIC_CC(id, expr)                                     \
  Trap exec_##id(StrandState& s, const Insn& d) {                  \
    uint64_t a = rs1v(s, d), b = op2v(s, d);                       \
    uint64_t r = (expr);                                           \
    s.ccr = cc_logic(r);                                           \
    s.set_r(d.rd, r);                                              \
    return TT_NONE;                                                \
  }
ALU_LOGIC_CC(andcc, a & b)
ALU_LOGIC_CC(orcc, a | b)
ALU_LOGIC_CC(xorcc, a ^ b)
ALU_LOGIC_CC(andncc, a & ~b)
ALU_LOGIC_CC(orncc, a | ~b)
ALU_LOGIC_CC(xnorcc, ~(a ^ b))
#undef ALU_LOGIC_CC

Trap exec_addcc(StrandState& s, const Insn& d) {
  uint64_t a = rs1v(s, d), b = op2v(s, d), r = a + b;
  s.ccr = cc_add(a, b, r);
  s.set_r(d.rd, r);
  return TT_NONE;
}
Trap exec_addccc(StrandState& s, const Insn& d) {
  uint64_t a = rs1v(s, d), b = op2v(s, d), r = a + b + (s.ccr & CC_C);
  s.ccr = cc_add(a, b, r);
  s.set_r(d.rd, r);
  return TT_NONE;
}
Trap exec_subcc(StrandState& s, const Insn& d) {
  uint64_t a = rs1v(s, d), b = op2v(s, d), r = a - b;
  s.ccr = cc_sub(a, b, r);
  s.set_r(d.rd, r);
  return TT_NONE;
}
Trap exec_subccc(StrandState& s, const Insn& d) {
  uint64_t a = rs1v(s, d), b = op2v(s, d), r = a - b - (s.ccr & CC_C);
  s.ccr = cc_sub(a, b, r);
  s.set_r(d.rd, r);
  return TT_NONE;
}

// ---- tagged arithmetic: V also set when either operand has a nonzero tag (bits 1:0) ----
static Trap tagged(StrandState& s, const Insn& d, bool sub, bool trap_on_v) {
  uint64_t a = rs1v(s, d), b = op2v(s, d), r = sub ? a - b : a + b;
  uint8_t cc = sub ? cc_sub(a, b, r) : cc_add(a, b, r);
  if ((a | b) & 3) cc |= CC_V;
  if (trap_on_v && (cc & CC_V)) return TT_TAG_OVERFLOW;
  s.ccr = cc;
  s.set_r(d.rd, r);
  return TT_NONE;
}
Trap exec_taddcc(StrandState& s, const Insn& d) { return tagged(s, d, false, false); }
Trap exec_tsubcc(StrandState& s, const Insn& d) { return tagged(s, d, true, false); }
Trap exec_taddcctv(StrandState& s, const Insn& d) { return tagged(s, d, false, true); }
Trap exec_tsubcctv(StrandState& s, const Insn& d) { return tagged(s, d, true, true); }

// ---- 32-bit multiply with %y ----
static uint64_t mul32(StrandState& s, const Insn& d, bool sign) {
  uint64_t a = rs1v(s, d), b = op2v(s, d);
  uint64_t p = sign ? uint64_t(int64_t(int32_t(a)) * int64_t(int32_t(b)))
                    : uint64_t(uint32_t(a)) * uint32_t(b);
  s.y = p >> 32;
  return p;
}
Trap exec_umul(StrandState& s, const Insn& d) { s.set_r(d.rd, mul32(s, d, false)); return TT_NONE; }
Trap exec_smul(StrandState& s, const Insn& d) { s.set_r(d.rd, mul32(s, d, true)); return TT_NONE; }
Trap exec_umulcc(StrandState& s, const Insn& d) {
  uint64_t p = mul32(s, d, false);
  s.ccr = cc_logic(p);
  s.set_r(d.rd, p);
  return TT_NONE;
}
Trap exec_smulcc(StrandState& s, const Insn& d) {
  uint64_t p = mul32(s, d, true);
  s.ccr = cc_logic(p);
  s.set_r(d.rd, p);
  return TT_NONE;
}

// MULScc: one step of the V8 shift-and-add multiply.
Trap exec_mulscc(StrandState& s, const Insn& d) {
  uint32_t a = uint32_t(rs1v(s, d)), b = uint32_t(op2v(s, d));
  bool n = s.ccr & CC_N, v = s.ccr & CC_V;
  uint32_t op1 = (uint32_t(n != v) << 31) | (a >> 1);
  uint32_t op2 = (s.y & 1) ? b : 0;
  uint32_t r = op1 + op2;
  uint8_t icc = cc_add(op1, op2, r) & 0x0f;
  // xcc is computed on the zero-extended 32-bit values, as the 64-bit add would see them.
  uint8_t xcc = nz64(r);
  s.y = ((uint32_t(s.y) >> 1) | (uint32_t(a & 1) << 31));
  s.ccr = uint8_t(icc | (xcc << 4));
  s.set_r(d.rd, r);
  return TT_NONE;
}

// ---- 32-bit divide: dividend is Y:rs1<31:0> ----
static Trap div32(StrandState& s, const Insn& d, bool sign, bool setcc) {
  uint32_t divisor = uint32_t(op2v(s, d));
  if (divisor == 0) return TT_DIVISION_BY_ZERO;
  uint64_t dividend = (uint64_t(uint32_t(s.y)) << 32) | uint32_t(rs1v(s, d));
  uint64_t res;
  bool ovf = false;
  if (sign) {
    int64_t x = int64_t(dividend), y = int32_t(divisor), q;
    if (x == INT64_MIN && y == -1) q = int64_t(INT32_MAX) + 1;   // +2^63: positive overflow
    else q = x / y;
    if (q > INT32_MAX) { q = INT32_MAX; ovf = true; }
    else if (q < INT32_MIN) { q = INT32_MIN; ovf = true; }
    res = uint64_t(q);                                 // sign-extended 32-bit result
  } else {
    uint64_t q = dividend / divisor;
    if (q > 0xffffffffull) { q = 0xffffffffull; ovf = true; }
    res = q;
  }
  if (setcc) s.ccr = uint8_t(nz32(res) | (ovf ? CC_V : 0) | (nz64(res) << 4));
  s.set_r(d.rd, res);
  return TT_NONE;
}
Trap exec_udiv(StrandState& s, const Insn& d) { return div32(s, d, false, false); }
Trap exec_sdiv(StrandState& s, const Insn& d) { return div32(s, d, true, false); }
Trap exec_udivcc(StrandState& s, const Insn& d) { return div32(s, d, false, true); }
Trap exec_sdivcc(StrandState& s, const Insn& d) { return div32(s, d, true, true); }

Trap exec_udivx(StrandState& s, const Insn& d) {
  uint64_t b = op2v(s, d);
  if (b == 0) return TT_DIVISION_BY_ZERO;
  s.set_r(d.rd, rs1v(s, d) / b);
  return TT_NONE;
}
Trap exec_sdivx(StrandState& s, const Insn& d) {
  int64_t a = int64_t(rs1v(s, d)), b = int64_t(op2v(s, d));
  if (b == 0) return TT_DIVISION_BY_ZERO;
  s.set_r(d.rd, (a == INT64_MIN && b == -1) ? uint64_t(INT64_MIN) : uint64_t(a / b));
  return TT_NONE;
}

// ---- shifts ----
Trap exec_sll(StrandState& s, const Insn& d) {
  s.set_r(d.rd, rs1v(s, d) << (op2v(s, d) & 31));
  return TT_NONE;
}
Trap exec_sllx(StrandState& s, const Insn& d) {
  s.set_r(d.rd, rs1v(s, d) << (op2v(s, d) & 63));
  return TT_NONE;
}
Trap exec_srl(StrandState& s, const Insn& d) {
  s.set_r(d.rd, uint64_t(uint32_t(rs1v(s, d)) >> (op2v(s, d) & 31)));
  return TT_NONE;
}
Trap exec_srlx(StrandState& s, const Insn& d) {
  s.set_r(d.rd, rs1v(s, d) >> (op2v(s, d) & 63));
  return TT_NONE;
}
Trap exec_sra(StrandState& s, const Insn& d) {
  s.set_r(d.rd, uint64_t(int64_t(int32_t(rs1v(s, d))) >> (op2v(s, d) & 31)));
  return TT_NONE;
}
Trap exec_srax(StrandState& s, const Insn& d) {
  s.set_r(d.rd, uint64_t(int64_t(rs1v(s, d)) >> (op2v(s, d) & 63)));
  return TT_NONE;
}

Trap exec_sethi(StrandState& s, const Insn& d) {
  s.set_r(d.rd, uint64_t(d.imm));
  return TT_NONE;
}

Trap exec_popc(StrandState& s, const Insn& d) {
  s.set_r(d.rd, uint64_t(__builtin_popcountll(op2v(s, d))));
  return TT_NONE;
}

// MOVcc: cc2:cc1:cc0 selects %fcc0-3 (0xx), %icc (100) or %xcc (110).
Trap exec_movcc(StrandState& s, const Insn& d) {
  unsigned cc = f_movcc(d.word), cond = (d.word >> 14) & 15;
  bool take;
  if (cc < 4) {
    if (!s.fpu_enabled()) return TT_FP_DISABLED;
    take = eval_fcond(cond, s.fcc(cc));
  } else if (cc == 4) take = eval_icond(cond, s.ccr & 15);
  else if (cc == 6) take = eval_icond(cond, s.ccr >> 4);
  else return TT_ILLEGAL_INSTRUCTION;
  if (take) s.set_r(d.rd, d.use_imm ? uint64_t(d.imm) : s.r(d.rs2));
  return TT_NONE;
}

Trap exec_movr(StrandState& s, const Insn& d) {
  bool legal;
  bool take = eval_rcond(f_rcond(d.word), rs1v(s, d), legal);
  if (!legal) return TT_ILLEGAL_INSTRUCTION;
  if (take) s.set_r(d.rd, d.use_imm ? uint64_t(d.imm) : s.r(d.rs2));
  return TT_NONE;
}

Trap exec_illegal(StrandState&, const Insn&) { return TT_ILLEGAL_INSTRUCTION; }
Trap exec_illtrap(StrandState&, const Insn&) { return TT_ILLEGAL_INSTRUCTION; }

}  // namespace vfsim::isa
