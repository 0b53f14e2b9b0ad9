// Test harness for the SPARC V9 instruction-set unit tests: a flat guest memory, a tiny
// instruction encoder and a Machine that loads a program and runs it on the Interpreter.
// Independent of Catch2 so it can be reused by other test programs.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "sim/isa/interpreter.h"
#include "sim/isa/memory_port.h"
#include "sim/isa/strand_state.h"
#include "sim/isa/traps.h"

namespace isa_test {

using namespace vfsim::isa;

// ---------------------------------------------------------------------------------------
// Guest memory: kPages zeroed 8 KB pages mapped at kBase; everything else faults.
// ---------------------------------------------------------------------------------------
constexpr uint64_t kBase = 0x100000;
constexpr unsigned kPages = 64;                            // 512 KB
constexpr uint64_t kLimit = kBase + kPages * kPageSize;    // first unmapped byte
constexpr uint64_t kData = kBase + 0x10000;                // default data area (page 8)
constexpr uint64_t kUnmapped = 0x4000;                     // an address outside the map

struct FlatMemory : MemoryPort {
  std::vector<uint8_t> bytes = std::vector<uint8_t>(kPages * kPageSize, 0);
  unsigned translations = 0;
  unsigned flushes = 0;

  static bool mapped(uint64_t va) { return va >= kBase && va < kLimit; }

  Translation translate(StrandState&, uint64_t va, Access acc, uint8_t) override {
    ++translations;
    Translation t;
    if (!mapped(va)) {
      t.fault = acc == Access::Fetch ? TT_INSTRUCTION_ACCESS_EXCEPTION : TT_DATA_ACCESS_EXCEPTION;
      return t;
    }
    t.page = bytes.data() + ((va - kBase) & ~(kPageSize - 1));
    return t;
  }
  void flush_icache(StrandState&, uint64_t) override { ++flushes; }

  uint8_t* host(uint64_t va) { return bytes.data() + (va - kBase); }

  // Big-endian accessors (guest byte order).
  void write(uint64_t va, uint64_t v, unsigned size) {
    for (unsigned i = 0; i < size; ++i) host(va)[i] = uint8_t(v >> (8 * (size - 1 - i)));
  }
  uint64_t read(uint64_t va, unsigned size) {
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) v = (v << 8) | host(va)[i];
    return v;
  }
  void w8(uint64_t va, uint64_t v) { write(va, v, 1); }
  void w16(uint64_t va, uint64_t v) { write(va, v, 2); }
  void w32(uint64_t va, uint64_t v) { write(va, v, 4); }
  void w64(uint64_t va, uint64_t v) { write(va, v, 8); }
  uint64_t r8(uint64_t va) { return read(va, 1); }
  uint64_t r16(uint64_t va) { return read(va, 2); }
  uint64_t r32(uint64_t va) { return read(va, 4); }
  uint64_t r64(uint64_t va) { return read(va, 8); }
};

// ---------------------------------------------------------------------------------------
// Instruction encoder (SPARC V9 formats). Displacements are in instructions (words).
// ---------------------------------------------------------------------------------------
namespace sparc {

enum Reg : unsigned {
  G0 = 0, G1, G2, G3, G4, G5, G6, G7,
  O0 = 8, O1, O2, O3, O4, O5, O6, O7,
  L0 = 16, L1, L2, L3, L4, L5, L6, L7,
  I0 = 24, I1, I2, I3, I4, I5, I6, I7,
  SP = O6, FP = I6,
};

// op3 values (op = 2).
enum Op3 : unsigned {
  ADD = 0x00, AND = 0x01, OR = 0x02, XOR = 0x03, SUB = 0x04, ANDN = 0x05, ORN = 0x06,
  XNOR = 0x07, ADDC = 0x08, MULX = 0x09, UMUL = 0x0a, SMUL = 0x0b, SUBC = 0x0c, UDIVX = 0x0d,
  UDIV = 0x0e, SDIV = 0x0f, ADDCC = 0x10, ANDCC = 0x11, ORCC = 0x12, XORCC = 0x13,
  SUBCC = 0x14, ANDNCC = 0x15, ORNCC = 0x16, XNORCC = 0x17, ADDCCC = 0x18, UMULCC = 0x1a,
  SMULCC = 0x1b, SUBCCC = 0x1c, UDIVCC = 0x1e, SDIVCC = 0x1f, TADDCC = 0x20, TSUBCC = 0x21,
  TADDCCTV = 0x22, TSUBCCTV = 0x23, MULSCC = 0x24, SLL = 0x25, SRL = 0x26, SRA = 0x27,
  RDASR = 0x28, RDPR = 0x2a, FLUSHW = 0x2b, MOVCC = 0x2c, SDIVX = 0x2d, POPC_OP3 = 0x2e,
  MOVR = 0x2f, WRASR = 0x30, SAVED = 0x31, WRPR = 0x32, FPOP1 = 0x34, FPOP2 = 0x35,
  JMPL = 0x38, RETURN = 0x39, TCC = 0x3a, FLUSH = 0x3b, SAVE = 0x3c, RESTORE = 0x3d,
  DONE_RETRY = 0x3e,
};

// op3 values (op = 3).
enum MemOp3 : unsigned {
  LDUW = 0x00, LDUB = 0x01, LDUH = 0x02, LDD = 0x03, STW = 0x04, STB = 0x05, STH = 0x06,
  STD = 0x07, LDSW = 0x08, LDSB = 0x09, LDSH = 0x0a, LDX = 0x0b, LDSTUB = 0x0d, STX = 0x0e,
  SWAP = 0x0f, LDUWA = 0x10, LDUBA = 0x11, LDUHA = 0x12, LDDA = 0x13, STWA = 0x14,
  STBA = 0x15, STHA = 0x16, STDA = 0x17, LDSWA = 0x18, LDSBA = 0x19, LDSHA = 0x1a,
  LDXA = 0x1b, LDSTUBA = 0x1d, STXA = 0x1e, SWAPA = 0x1f, LDF = 0x20, LDFSR = 0x21,
  LDDF = 0x23, STF = 0x24, STFSR = 0x25, STDF = 0x27, CASA = 0x3c, CASXA = 0x3e,
};

// Integer condition codes (Bicc/BPcc/Tcc/MOVcc cond field).
enum Cond : unsigned {
  CN = 0, CE = 1, CLE = 2, CL = 3, CLEU = 4, CCS = 5, CNEG = 6, CVS = 7,
  CA = 8, CNE = 9, CG = 10, CGE = 11, CGU = 12, CCC = 13, CPOS = 14, CVC = 15,
};
// FP conditions (FBfcc / FMOVcc on %fccN).
enum FCond : unsigned {
  FN = 0, FNE = 1, FLG = 2, FUL = 3, FL = 4, FUG = 5, FG = 6, FU = 7,
  FA = 8, FE = 9, FUE = 10, FGE = 11, FUGE = 12, FLE = 13, FULE = 14, FO = 15,
};
// Register conditions (BPr / MOVr / FMOVr).
enum RCond : unsigned { RZ = 1, RLEZ = 2, RLZ = 3, RNZ = 5, RGZ = 6, RGEZ = 7 };
// cc selector for BPcc / Tcc (two bits) and MOVcc / FMOVcc (three bits cc2:cc1:cc0).
enum : unsigned { ICC = 0, XCC = 2 };
enum : unsigned { MCC_FCC0 = 0, MCC_FCC1 = 1, MCC_FCC2 = 2, MCC_FCC3 = 3, MCC_ICC = 4, MCC_XCC = 6 };

inline uint32_t simm(int64_t v, unsigned bits) { return uint32_t(v) & ((1u << bits) - 1); }

// ---- format 3 (op = 2) ----
inline uint32_t arith(unsigned op3, unsigned rd, unsigned rs1, unsigned rs2) {
  return (2u << 30) | (rd << 25) | (op3 << 19) | (rs1 << 14) | (rs2 & 31);
}
inline uint32_t arith_imm(unsigned op3, unsigned rd, unsigned rs1, int32_t simm13) {
  return (2u << 30) | (rd << 25) | (op3 << 19) | (rs1 << 14) | (1u << 13) | simm(simm13, 13);
}
// Shifts: x = 1 for the 64-bit forms (sllx/srlx/srax).
inline uint32_t shift(unsigned op3, unsigned rd, unsigned rs1, unsigned rs2, bool x) {
  return arith(op3, rd, rs1, rs2) | (x ? 1u << 12 : 0);
}
inline uint32_t shift_imm(unsigned op3, unsigned rd, unsigned rs1, unsigned cnt, bool x) {
  return (2u << 30) | (rd << 25) | (op3 << 19) | (rs1 << 14) | (1u << 13) | (x ? 1u << 12 : 0) |
         (cnt & (x ? 63 : 31));
}
inline uint32_t mov_imm(unsigned rd, int32_t v) { return arith_imm(OR, rd, G0, v); }
inline uint32_t mov(unsigned rd, unsigned rs) { return arith(OR, rd, G0, rs); }
inline uint32_t cmp(unsigned rs1, unsigned rs2) { return arith(SUBCC, G0, rs1, rs2); }
inline uint32_t cmp_imm(unsigned rs1, int32_t v) { return arith_imm(SUBCC, G0, rs1, v); }

// ---- format 2 ----
inline uint32_t sethi(unsigned rd, uint32_t imm22) { return (rd << 25) | (4u << 22) | (imm22 & 0x3fffff); }
inline uint32_t nop() { return sethi(G0, 0); }
inline uint32_t illtrap(uint32_t c = 0) { return c & 0x3fffff; }
inline uint32_t bicc(unsigned cond, bool a, int32_t disp) {
  return (unsigned(a) << 29) | (cond << 25) | (2u << 22) | simm(disp, 22);
}
inline uint32_t bpcc(unsigned cond, bool a, unsigned cc, int32_t disp, bool pt = true) {
  return (unsigned(a) << 29) | (cond << 25) | (1u << 22) | (cc << 20) | (unsigned(pt) << 19) |
         simm(disp, 19);
}
inline uint32_t bpr(unsigned rcond, bool a, unsigned rs1, int32_t disp, bool pt = true) {
  uint32_t d = simm(disp, 16);
  return (unsigned(a) << 29) | (rcond << 25) | (3u << 22) | ((d >> 14) << 20) |
         (unsigned(pt) << 19) | (rs1 << 14) | (d & 0x3fff);
}
inline uint32_t fbfcc(unsigned cond, bool a, int32_t disp) {
  return (unsigned(a) << 29) | (cond << 25) | (6u << 22) | simm(disp, 22);
}
inline uint32_t fbpfcc(unsigned cond, bool a, unsigned fcc, int32_t disp, bool pt = true) {
  return (unsigned(a) << 29) | (cond << 25) | (5u << 22) | (fcc << 20) | (unsigned(pt) << 19) |
         simm(disp, 19);
}

// ---- format 1 ----
inline uint32_t call(int32_t disp) { return (1u << 30) | simm(disp, 30); }

// ---- control ----
inline uint32_t jmpl_imm(unsigned rd, unsigned rs1, int32_t off) { return arith_imm(JMPL, rd, rs1, off); }
inline uint32_t jmpl(unsigned rd, unsigned rs1, unsigned rs2) { return arith(JMPL, rd, rs1, rs2); }
inline uint32_t ret() { return jmpl_imm(G0, I7, 8); }
inline uint32_t retl() { return jmpl_imm(G0, O7, 8); }
inline uint32_t return_imm(unsigned rs1, int32_t off) { return arith_imm(RETURN, 0, rs1, off); }
inline uint32_t save_imm(unsigned rd, unsigned rs1, int32_t v) { return arith_imm(SAVE, rd, rs1, v); }
inline uint32_t save(unsigned rd = G0, unsigned rs1 = G0, unsigned rs2 = G0) { return arith(SAVE, rd, rs1, rs2); }
inline uint32_t restore_imm(unsigned rd, unsigned rs1, int32_t v) { return arith_imm(RESTORE, rd, rs1, v); }
inline uint32_t restore(unsigned rd = G0, unsigned rs1 = G0, unsigned rs2 = G0) { return arith(RESTORE, rd, rs1, rs2); }
inline uint32_t flushw() { return arith(FLUSHW, 0, 0, 0); }
inline uint32_t done() { return arith(DONE_RETRY, 0, 0, 0); }
inline uint32_t retry() { return arith(DONE_RETRY, 1, 0, 0); }
inline uint32_t saved() { return arith(SAVED, 0, 0, 0); }
inline uint32_t restored() { return arith(SAVED, 1, 0, 0); }
// Tcc: cc is ICC or XCC; trap number rs1 + imm (i = 1) or rs1 + rs2 (i = 0).
inline uint32_t tcc_imm(unsigned cond, unsigned cc, unsigned rs1, unsigned imm) {
  return (2u << 30) | (cond << 25) | (TCC << 19) | (rs1 << 14) | (1u << 13) | (cc << 11) | (imm & 0xff);
}
inline uint32_t tcc(unsigned cond, unsigned cc, unsigned rs1, unsigned rs2) {
  return (2u << 30) | (cond << 25) | (TCC << 19) | (rs1 << 14) | (cc << 11) | (rs2 & 31);
}

// ---- state registers ----
enum Asr : unsigned { ASR_Y = 0, ASR_CCR = 2, ASR_ASI = 3, ASR_TICK = 4, ASR_PC = 5, ASR_FPRS = 6 };
enum Pr : unsigned {
  PR_TPC = 0, PR_TNPC = 1, PR_TSTATE = 2, PR_TT = 3, PR_TICK = 4, PR_TBA = 5, PR_PSTATE = 6,
  PR_TL = 7, PR_PIL = 8, PR_CWP = 9, PR_CANSAVE = 10, PR_CANRESTORE = 11, PR_CLEANWIN = 12,
  PR_OTHERWIN = 13, PR_WSTATE = 14, PR_GL = 16,
};
inline uint32_t rd_asr(unsigned asr, unsigned rd) { return arith(RDASR, rd, asr, 0); }
inline uint32_t wr_asr(unsigned asr, unsigned rs1, unsigned rs2) { return arith(WRASR, asr, rs1, rs2); }
inline uint32_t wr_asr_imm(unsigned asr, unsigned rs1, int32_t v) { return arith_imm(WRASR, asr, rs1, v); }
inline uint32_t rdpr(unsigned pr, unsigned rd) { return arith(RDPR, rd, pr, 0); }
inline uint32_t wrpr(unsigned pr, unsigned rs1, unsigned rs2) { return arith(WRPR, pr, rs1, rs2); }
inline uint32_t wrpr_imm(unsigned pr, unsigned rs1, int32_t v) { return arith_imm(WRPR, pr, rs1, v); }

// ---- MOVcc / MOVr / POPC ----
inline uint32_t movcc(unsigned cond, unsigned cc3, unsigned rd, unsigned rs2) {
  return (2u << 30) | (rd << 25) | (MOVCC << 19) | ((cc3 >> 2) << 18) | (cond << 14) |
         ((cc3 & 3) << 11) | (rs2 & 31);
}
inline uint32_t movcc_imm(unsigned cond, unsigned cc3, unsigned rd, int32_t simm11) {
  return (2u << 30) | (rd << 25) | (MOVCC << 19) | ((cc3 >> 2) << 18) | (cond << 14) | (1u << 13) |
         ((cc3 & 3) << 11) | simm(simm11, 11);
}
inline uint32_t movr(unsigned rcond, unsigned rd, unsigned rs1, unsigned rs2) {
  return (2u << 30) | (rd << 25) | (MOVR << 19) | (rs1 << 14) | (rcond << 10) | (rs2 & 31);
}
inline uint32_t movr_imm(unsigned rcond, unsigned rd, unsigned rs1, int32_t simm10) {
  return (2u << 30) | (rd << 25) | (MOVR << 19) | (rs1 << 14) | (1u << 13) | (rcond << 10) |
         simm(simm10, 10);
}
inline uint32_t popc(unsigned rd, unsigned rs2) { return arith(POPC_OP3, rd, G0, rs2); }

// ---- memory (op = 3) ----
inline uint32_t mem(unsigned op3, unsigned rd, unsigned rs1, unsigned rs2) {
  return (3u << 30) | (rd << 25) | (op3 << 19) | (rs1 << 14) | (rs2 & 31);
}
inline uint32_t mem_imm(unsigned op3, unsigned rd, unsigned rs1, int32_t simm13) {
  return (3u << 30) | (rd << 25) | (op3 << 19) | (rs1 << 14) | (1u << 13) | simm(simm13, 13);
}
// Alternate space with an immediate ASI (i = 0).
inline uint32_t mem_asi(unsigned op3, unsigned rd, unsigned rs1, unsigned rs2, unsigned asi) {
  return mem(op3, rd, rs1, rs2) | ((asi & 0xff) << 5);
}
// Alternate space through %asi (i = 1).
inline uint32_t mem_asi_reg(unsigned op3, unsigned rd, unsigned rs1, int32_t simm13) {
  return mem_imm(op3, rd, rs1, simm13);
}
inline uint32_t casa(unsigned rd, unsigned rs1, unsigned rs2, unsigned asi = 0x80) {
  return mem_asi(CASA, rd, rs1, rs2, asi);
}
inline uint32_t casxa(unsigned rd, unsigned rs1, unsigned rs2, unsigned asi = 0x80) {
  return mem_asi(CASXA, rd, rs1, rs2, asi);
}

// ---- floating point ----
// FP register fields: singles use the number directly; a double %dN (N even, 0..62) is
// encoded with bit 5 of N in bit 0 of the field.
inline unsigned dr(unsigned n) { return (n & 0x1e) | ((n >> 5) & 1); }
enum Opf : unsigned {
  FMOVS = 0x001, FMOVD = 0x002, FNEGS = 0x005, FNEGD = 0x006, FABSS = 0x009, FABSD = 0x00a,
  FSQRTS = 0x029, FSQRTD = 0x02a, FADDS = 0x041, FADDD = 0x042, FADDQ = 0x043, FSUBS = 0x045,
  FSUBD = 0x046, FMULS = 0x049, FMULD = 0x04a, FDIVS = 0x04d, FDIVD = 0x04e, FSMULD = 0x069,
  FSTOX = 0x081, FDTOX = 0x082, FXTOS = 0x084, FXTOD = 0x088, FITOS = 0x0c4, FDTOS = 0x0c6,
  FITOD = 0x0c8, FSTOD = 0x0c9, FSTOI = 0x0d1, FDTOI = 0x0d2,
  FCMPS = 0x051, FCMPD = 0x052, FCMPES = 0x055, FCMPED = 0x056,
};
// Register fields are raw 5-bit fields (use dr() for doubles).
inline uint32_t fpop1(unsigned opf, unsigned rd, unsigned rs1, unsigned rs2) {
  return arith(FPOP1, rd, rs1, rs2) | (opf << 5);
}
inline uint32_t fpop2(unsigned opf, unsigned rd, unsigned rs1, unsigned rs2) {
  return arith(FPOP2, rd, rs1, rs2) | (opf << 5);
}
inline uint32_t fcmp(unsigned opf, unsigned fcc, unsigned rs1, unsigned rs2) {
  return fpop2(opf, fcc & 3, rs1, rs2);
}
// FMOVcc: opf_low 1 (single) / 2 (double); cc3 as for MOVcc.
inline uint32_t fmovcc(bool dbl, unsigned cond, unsigned cc3, unsigned rd, unsigned rs2) {
  return (2u << 30) | (rd << 25) | (FPOP2 << 19) | (cond << 14) | (cc3 << 11) |
         ((dbl ? 2u : 1u) << 5) | (rs2 & 31);
}
// FMOVr: opf_low 5 (single) / 6 (double).
inline uint32_t fmovr(bool dbl, unsigned rcond, unsigned rd, unsigned rs1, unsigned rs2) {
  return (2u << 30) | (rd << 25) | (FPOP2 << 19) | (rs1 << 14) | (rcond << 10) |
         ((dbl ? 6u : 5u) << 5) | (rs2 & 31);
}

}  // namespace sparc

// ---------------------------------------------------------------------------------------
// FP value helpers.
// ---------------------------------------------------------------------------------------
inline uint32_t fbits(float f) { uint32_t v; std::memcpy(&v, &f, 4); return v; }
inline uint64_t dbits(double f) { uint64_t v; std::memcpy(&v, &f, 8); return v; }
inline float bits_f(uint32_t v) { float f; std::memcpy(&f, &v, 4); return f; }
inline double bits_d(uint64_t v) { double f; std::memcpy(&f, &v, 8); return f; }

// FSR fields for tests.
inline unsigned fsr_cexc(uint64_t fsr) { return unsigned(fsr & 0x1f); }
inline unsigned fsr_aexc(uint64_t fsr) { return unsigned(fsr >> 5) & 0x1f; }
inline unsigned fsr_ftt(uint64_t fsr) { return unsigned(fsr >> 14) & 7; }
inline uint64_t fsr_rd(unsigned rd) { return uint64_t(rd & 3) << 30; }
inline uint64_t fsr_tem(unsigned mask) { return uint64_t(mask & 0x1f) << 23; }

// ---------------------------------------------------------------------------------------
// A strand with its memory and interpreter.
// ---------------------------------------------------------------------------------------
struct Machine {
  FlatMemory mem;
  StrandState s;
  Interpreter cpu{s};
  uint64_t prog_start = kBase;
  uint64_t prog_end = kBase;

  Machine() {
    s.mem = &mem;
    s.pc = kBase;
    s.npc = kBase + 4;
  }

  // Write a program (big-endian words) at `at`, point pc/npc at it.
  void load(const std::vector<uint32_t>& prog, uint64_t at = kBase) {
    for (size_t i = 0; i < prog.size(); ++i) mem.w32(at + 4 * i, prog[i]);
    cpu.invalidate_all();
    prog_start = at;
    prog_end = at + 4 * prog.size();
    s.pc = at;
    s.npc = at + 4;
  }
  // Run at most n instructions from the current pc/npc.
  RunResult run(uint64_t n) { return cpu.run(n); }
  // Load `prog` and execute exactly prog.size() instructions (straight-line code), or
  // until a trap.
  RunResult exec(const std::vector<uint32_t>& prog, uint64_t at = kBase) {
    load(prog, at);
    return cpu.run(prog.size());
  }
  // Load `prog` and run until something traps (at most max_steps instructions). A program
  // that falls off its end hits the zeroed word after it (illtrap 0): see at_end().
  RunResult run_to_trap(const std::vector<uint32_t>& prog, uint64_t at = kBase,
                        uint64_t max_steps = 100000) {
    load(prog, at);
    return cpu.run(max_steps);
  }
  // True when the run stopped on the illtrap just past the loaded program.
  bool at_end(const RunResult& r) const {
    return r.trap == TT_ILLEGAL_INSTRUCTION && s.pc == prog_end;
  }

  // Register helpers.
  uint64_t r(unsigned i) const { return s.r(i); }
  void set(unsigned i, uint64_t v) { s.set_r(i, v); }

  // FP helpers.
  void setf(unsigned i, float v) { s.set_fs(i, fbits(v)); }
  void setd(unsigned i, double v) { s.set_fd(i, dbits(v)); }
  float getf(unsigned i) const { return bits_f(s.fs(i)); }
  double getd(unsigned i) const { return bits_d(s.fd(i)); }

  void privileged(bool on) {
    if (on) s.pstate |= PSTATE_PRIV;
    else s.pstate &= ~uint32_t(PSTATE_PRIV);
  }
};

}  // namespace isa_test
