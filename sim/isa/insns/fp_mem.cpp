// FP loads and stores: LDF/LDDF/STF/STDF, FSR loads/stores, and the alternate-space forms
// with the VIS ASIs (block transfers, partial stores, short FP loads/stores).
#include "sim/isa/insns/common.h"
#include "sim/isa/mem_access.h"

namespace vfsim::isa {

#define FP_CHECK() if (!s.fpu_enabled()) return TT_FP_DISABLED

// FSR bits software may write: RD, TEM, NS, fcc0, aexc, cexc (+ fcc1-3 for LDXFSR).
constexpr uint64_t kFsrWritable32 = 0xcfc00fffull;
constexpr uint64_t kFsrWritable64 = kFsrWritable32 | 0x3f00000000ull;

Trap exec_ldf(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t v;
  if (Trap t = load<4>(s, ea(s, d), v)) return t;
  s.set_fs(d.rd, uint32_t(v));
  return TT_NONE;
}
Trap exec_lddf(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t va = ea(s, d), v;
  if ((va & 7) == 4) return TT_LDDF_MEM_ADDRESS_NOT_ALIGNED;
  if (Trap t = load<8>(s, va, v)) return t;
  s.set_fd(dreg(d.rd), v);
  return TT_NONE;
}
Trap exec_stf(StrandState& s, const Insn& d) {
  FP_CHECK();
  return store<4>(s, ea(s, d), s.fs(d.rd));
}
Trap exec_stdf(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t va = ea(s, d);
  if ((va & 7) == 4) return TT_STDF_MEM_ADDRESS_NOT_ALIGNED;
  return store<8>(s, va, s.fd(dreg(d.rd)));
}
Trap exec_ldfsr(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t v;
  if (Trap t = load<4>(s, ea(s, d), v)) return t;
  s.fsr = (s.fsr & ~kFsrWritable32) | (v & kFsrWritable32);
  return TT_NONE;
}
Trap exec_ldxfsr(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t v;
  if (Trap t = load<8>(s, ea(s, d), v)) return t;
  s.fsr = (s.fsr & ~kFsrWritable64) | (v & kFsrWritable64);
  return TT_NONE;
}
Trap exec_stfsr(StrandState& s, const Insn& d) {
  FP_CHECK();
  Trap t = store<4>(s, ea(s, d), uint32_t(s.fsr));
  if (!t) s.fsr &= ~FSR_FTT_MASK;   // storing the FSR clears ftt
  return t;
}
Trap exec_stxfsr(StrandState& s, const Insn& d) {
  FP_CHECK();
  Trap t = store<8>(s, ea(s, d), s.fsr);
  if (!t) s.fsr &= ~FSR_FTT_MASK;
  return t;
}
// The T2 has no quad-precision loads or stores: LDQF/STQF are illegal instructions there.
Trap exec_ldqf(StrandState& s, const Insn&) { FP_CHECK(); return TT_ILLEGAL_INSTRUCTION; }
Trap exec_stqf(StrandState& s, const Insn&) { FP_CHECK(); return TT_ILLEGAL_INSTRUCTION; }

// ---- alternate space ----
static bool is_block(uint8_t asi) {
  return asi == ASI_BLK_P || asi == ASI_BLK_S || asi == ASI_BLK_PL || asi == ASI_BLK_SL ||
         asi == ASI_BLK_COMMIT_P || asi == ASI_BLK_COMMIT_S;
}
static bool is_fl8(uint8_t asi) {
  return asi == ASI_FL8_P || asi == ASI_FL8_S || asi == ASI_FL8_PL || asi == ASI_FL8_SL;
}
static bool is_fl16(uint8_t asi) {
  return asi == ASI_FL16_P || asi == ASI_FL16_S || asi == ASI_FL16_PL || asi == ASI_FL16_SL;
}
static unsigned pst_width(uint8_t asi) {   // partial store element size, 0 if not a PST ASI
  switch (asi) {
    case ASI_PST8_P: case ASI_PST8_S: case ASI_PST8_PL: case ASI_PST8_SL: return 1;
    case ASI_PST16_P: case ASI_PST16_S: case ASI_PST16_PL: case ASI_PST16_SL: return 2;
    case ASI_PST32_P: case ASI_PST32_S: case ASI_PST32_PL: case ASI_PST32_SL: return 4;
    default: return 0;
  }
}
// The memory ASI a VIS ASI reaches (for translation and byte order).
static uint8_t mem_asi(uint8_t asi) {
  bool little = asi_is_little(asi);
  bool secondary = asi & 1;
  return little ? (secondary ? ASI_SECONDARY_LITTLE : ASI_PRIMARY_LITTLE)
                : (secondary ? ASI_SECONDARY : ASI_PRIMARY);
}

Trap exec_ldfa(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint64_t v;
  if (Trap t = load_asi(s, asi_of(s, d), ea(s, d), 4, v)) return t;
  s.set_fs(d.rd, uint32_t(v));
  return TT_NONE;
}
Trap exec_stfa(StrandState& s, const Insn& d) {
  FP_CHECK();
  return store_asi(s, asi_of(s, d), ea(s, d), 4, s.fs(d.rd));
}

Trap exec_lddfa(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint8_t asi = asi_of(s, d);
  uint64_t va = ea(s, d), v;
  unsigned rd = dreg(d.rd);
  if (is_block(asi)) {
    if (asi == ASI_BLK_COMMIT_P || asi == ASI_BLK_COMMIT_S) return TT_DATA_ACCESS_EXCEPTION;
    if (rd & 0xe) return TT_ILLEGAL_INSTRUCTION;   // %f0, %f16, %f32, %f48
    if (va & 63) return TT_MEM_ADDRESS_NOT_ALIGNED;
    // A block is one 64-byte line of one page: memory only (device space traps).
    if (Trap t = require_memory(s, mem_asi(asi), va, 8, Access::Read)) return t;
    uint64_t tmp[8];
    for (unsigned i = 0; i < 8; ++i)
      if (Trap t = load_asi(s, mem_asi(asi), va + 8 * i, 8, tmp[i])) return t;
    for (unsigned i = 0; i < 8; ++i) s.set_fd(rd + 2 * i, tmp[i]);
    return TT_NONE;
  }
  if (is_fl8(asi) || is_fl16(asi)) {   // short FP loads, zero-extended
    unsigned n = is_fl8(asi) ? 1 : 2;
    if (Trap t = load_asi(s, mem_asi(asi), va, n, v)) return t;
    s.set_fd(rd, v);
    return TT_NONE;
  }
  if ((va & 7) == 4 && asi_is_memory(asi)) return TT_LDDF_MEM_ADDRESS_NOT_ALIGNED;
  if (Trap t = load_asi(s, asi, va, 8, v)) return t;
  s.set_fd(rd, v);
  return TT_NONE;
}

Trap exec_stdfa(StrandState& s, const Insn& d) {
  FP_CHECK();
  uint8_t asi = asi_of(s, d);
  unsigned rd = dreg(d.rd);
  if (unsigned w = pst_width(asi)) {
    // Partial store: address is rs1 alone, the rs2 register holds the byte/half/word mask;
    // mask bit i (from the LSB) selects the element at the highest address first.
    if (d.use_imm) return TT_ILLEGAL_INSTRUCTION;
    uint64_t va = s.r(d.rs1), mask = s.r(d.rs2), v = s.fd(rd);
    if (va & 7) return TT_MEM_ADDRESS_NOT_ALIGNED;
    unsigned n = 8 / w;
    bool little = asi_is_little(asi);
    for (unsigned i = 0; i < n; ++i) {
      if (!((mask >> i) & 1)) continue;
      // element i counted from the least significant end of the register
      uint64_t elem = (v >> (8 * w * i)) & (w == 4 ? 0xffffffffull : (1ull << (8 * w)) - 1);
      uint64_t off = little ? uint64_t(w) * i : uint64_t(8 - w * (i + 1));
      if (Trap t = store_asi(s, mem_asi(asi), va + off, w, elem)) return t;
    }
    return TT_NONE;
  }
  uint64_t va = ea(s, d);
  if (is_block(asi)) {
    if (rd & 0xe) return TT_ILLEGAL_INSTRUCTION;
    if (va & 63) return TT_MEM_ADDRESS_NOT_ALIGNED;
    if (Trap t = require_memory(s, mem_asi(asi), va, 8, Access::Write)) return t;
    for (unsigned i = 0; i < 8; ++i)
      if (Trap t = store_asi(s, mem_asi(asi), va + 8 * i, 8, s.fd(rd + 2 * i))) return t;
    return TT_NONE;
  }
  if (is_fl8(asi) || is_fl16(asi)) {
    unsigned n = is_fl8(asi) ? 1 : 2;
    return store_asi(s, mem_asi(asi), va, n, s.fd(rd));
  }
  if ((va & 7) == 4 && asi_is_memory(asi)) return TT_STDF_MEM_ADDRESS_NOT_ALIGNED;
  return store_asi(s, asi, va, 8, s.fd(rd));
}

}  // namespace vfsim::isa
