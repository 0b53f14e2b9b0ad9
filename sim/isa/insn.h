// A decoded instruction and the declarative description it was decoded from.
#pragma once
#include <cstdint>

#include "sim/isa/traps.h"

namespace vfsim::isa {

struct StrandState;
struct Insn;
using ExecFn = Trap (*)(StrandState&, const Insn&);

// Operand formats: how the decoder pre-extracts fields and how the disassembler prints.
enum class Fmt : uint8_t {
  None,      // no operands (nop-like: flushw, saved, done, stbar)
  Branch22,  // Bicc / FBfcc: a, cond, disp22
  Branch19,  // BPcc / FBPfcc: a, cond, cc, p, disp19
  BranchR,   // BPr: a, rcond, p, rs1, disp16
  Call,      // disp30
  Sethi,     // imm22, rd
  Arith,     // rs1, rs2|simm13, rd
  Shift,     // rs1, rs2|shcnt, rd
  Unary,     // rs2|simm13, rd (popc)
  Load,      // [rs1 + rs2|simm13], rd
  Store,     // rd, [rs1 + rs2|simm13]
  LoadA,     // [rs1 + rs2] imm_asi | [rs1 + simm13] %asi, rd
  StoreA,    // rd, [..] asi
  Cas,       // [rs1] asi, rs2, rd
  MemNoRd,   // [rs1 + rs2|simm13] (flush, prefetch fcn)
  Jmpl,      // rs1 + rs2|simm13, rd
  Return,    // rs1 + rs2|simm13
  Tcc,       // cond, cc, rs1 + rs2|imm7
  MovCC,     // cond, cc, rs2|simm11, rd
  MovR,      // rcond, rs1, rs2|simm10, rd
  RdAsr,     // %asr(rs1), rd
  WrAsr,     // rs1, rs2|simm13, %asr(rd)
  RdPr,      // %pr(rs1), rd
  WrPr,      // rs1, rs2|simm13, %pr(rd)
  Membar,    // mmask/cmask
  Fp3s, Fp3d,  // frs1, frs2, frd (single/double)
  Fp2s, Fp2d,  // frs2, frd
  FpConv,    // frs2, frd with per-op register widths (see spec flags)
  FpCmp,     // %fccN, frs1, frs2
  FMovCC,    // cond, cc, frs2, frd
  FMovR,     // rcond, rs1, frs2, frd
  Vis3,      // VIS: frs1, frs2, frd (double)
  VisInt,    // VIS: rs1, rs2, rd (integer: edge, array, alignaddr, bmask)
  Vis1d,     // VIS: frd only (fzero/fone)
  VisRs1,    // VIS: frs1, frd (fsrc1/fnot1)
  Siam,      // VIS2 siam: mode in the low 3 bits
  Illtrap,   // const22
};

enum Feature : uint8_t { V9 = 0, VIS1, VIS2, POPC, PRIV, HPRIV };

// Register-width flags for FP operand printing and checking.
enum : uint8_t { RS1_D = 1, RS2_D = 2, RD_D = 4, RS1_INT = 8, RD_INT = 16 };

struct InsnSpec {
  const char* mnemonic;
  uint32_t match, mask;
  Fmt fmt;
  Feature feature;
  uint8_t regflags;
  ExecFn fn;
  uint16_t id;   // InsnId, for the interpreter's switch dispatch
};

// One id per table line; the interpreter dispatches on it with a switch so the semantic
// functions inline into one loop (no call/return per instruction).
enum InsnId : uint16_t {
  ID_illegal,
#define INSN(id, mn, match, mask, fmt, feat, rf) ID_##id,
#include "sim/isa/insn_table.def"
#include "sim/isa/vis_table.def"
#undef INSN
  ID_COUNT
};

// 32 bytes, so a page of them is indexed with a shift.
struct Insn {
  const void* label = nullptr;   // the interpreter's handler address (threaded code)
  int64_t imm;   // simm13/simm11/simm10, branch displacement in bytes, or sethi value
  const InsnSpec* spec;          // table entry: mnemonic, format, semantic function, id
  uint32_t word;
  uint8_t rd, rs1, rs2, use_imm;
};
static_assert(sizeof(Insn) == 32, "keep decoded instructions at 32 bytes");

// ---- raw field accessors ----
inline unsigned f_op(uint32_t w) { return w >> 30; }
inline unsigned f_op2(uint32_t w) { return (w >> 22) & 7; }
inline unsigned f_op3(uint32_t w) { return (w >> 19) & 0x3f; }
inline unsigned f_rd(uint32_t w) { return (w >> 25) & 31; }
inline unsigned f_rs1(uint32_t w) { return (w >> 14) & 31; }
inline unsigned f_rs2(uint32_t w) { return w & 31; }
inline unsigned f_i(uint32_t w) { return (w >> 13) & 1; }
inline unsigned f_a(uint32_t w) { return (w >> 29) & 1; }
inline unsigned f_cond(uint32_t w) { return (w >> 25) & 15; }
inline unsigned f_rcond(uint32_t w) { return (w >> 10) & 7; }    // MOVr, FMOVr
inline unsigned f_brcond(uint32_t w) { return (w >> 25) & 7; }   // BPr
inline unsigned f_opf(uint32_t w) { return (w >> 5) & 0x1ff; }
inline unsigned f_imm_asi(uint32_t w) { return (w >> 5) & 0xff; }
inline unsigned f_bpcc(uint32_t w) { return (w >> 20) & 3; }     // BPcc/FBPfcc cc1:cc0
inline unsigned f_movcc(uint32_t w) { return ((w >> 16) & 4) | ((w >> 11) & 3); }  // cc2:cc1:cc0
inline unsigned f_fcmp_cc(uint32_t w) { return (w >> 25) & 3; }
inline int64_t sext(uint64_t v, unsigned bits) {
  return int64_t(v << (64 - bits)) >> (64 - bits);
}
// FP register numbers: a 5-bit field names %f0-%f31 for singles, and for doubles bit 0
// supplies bit 5 of the register number (%f0-%f62, even).
inline unsigned dreg(unsigned field) { return (field & 0x1e) | ((field & 1) << 5); }

}  // namespace vfsim::isa
