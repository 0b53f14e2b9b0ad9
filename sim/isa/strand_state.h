// Architectural state of one SPARC V9 / UA2007 strand (hardware thread).
// Hot fields first (pc, npc, window pointer), cold privileged state after, as QEMU's
// CPUSPARCState does: the interpreter touches only the first cache lines per instruction.
#pragma once
#include <cstdint>
#include <cstring>

#include "sim/isa/soft_tlb.h"
#include "sim/isa/traps.h"

namespace vfsim::state {
template <class T> class Description;
}

namespace vfsim::isa {

constexpr unsigned kNWindows = 8;    // UltraSPARC T2: 8 register windows
constexpr unsigned kMaxTL = 6;       // UA2007 MAXTL for T2 (privileged levels use 1..2)
constexpr unsigned kMaxGL = 3;       // global register sets 0..GL

// CCR bit layout: xcc in bits 7:4, icc in bits 3:0; each nibble is N Z V C.
enum : uint8_t { CC_C = 1, CC_V = 2, CC_Z = 4, CC_N = 8 };

// PSTATE bits (UA2007).
enum : uint32_t {
  PSTATE_IE = 1u << 1, PSTATE_PRIV = 1u << 2, PSTATE_AM = 1u << 3, PSTATE_PEF = 1u << 4,
  PSTATE_MM_SHIFT = 6, PSTATE_TLE = 1u << 8, PSTATE_CLE = 1u << 9,
};

// FSR fields.
enum : uint64_t {
  FSR_CEXC_MASK = 0x1f, FSR_AEXC_SHIFT = 5, FSR_FCC0_SHIFT = 10, FSR_QNE = 1u << 13,
  FSR_FTT_SHIFT = 14, FSR_FTT_MASK = 7ull << 14, FSR_VER_SHIFT = 17, FSR_NS = 1u << 22,
  FSR_TEM_SHIFT = 23, FSR_RD_SHIFT = 30,
};
enum FpExc : uint8_t { FEX_NX = 1, FEX_DZ = 2, FEX_UF = 4, FEX_OF = 8, FEX_NV = 16 };
enum FttKind : uint8_t { FTT_NONE = 0, FTT_IEEE = 1, FTT_UNFINISHED = 2, FTT_UNIMPL = 3 };

struct MemoryPort;   // memory_port.h
struct StrandStats;

struct StrandState {
  // ---- hot ----
  uint64_t pc = 0, npc = 4;
  uint64_t next_pc = 0, next_npc = 0;    // written by semantics, committed by the loop
  // The current window's 32 registers, kept flat so a register read is one load; SAVE,
  // RESTORE and GL changes copy windows to and from their backing storage below.
  uint64_t reg[32] = {};
  uint8_t ccr = 0;
  uint8_t asi = 0x80;
  uint8_t fprs = 4;                      // FEF set: Linux enables the FPU for user code
  uint32_t pstate = PSTATE_PEF;
  uint64_t y = 0;
  uint64_t fsr = 0;
  uint64_t gsr = 0;                      // VIS graphics status (align, mask, scale)
  uint32_t f[64] = {};                   // f[2n] is the high word of %d(2n)
  SoftTlb tlb;                           // host pointers for data accesses
  MemoryPort* mem = nullptr;
  uint64_t icount = 0;                   // instructions retired

  // ---- register windows ----
  uint8_t cwp = 0, cansave = kNWindows - 2, canrestore = 0, otherwin = 0,
          cleanwin = kNWindows - 2, wstate = 0;
  uint8_t gl = 0, tl = 0;

  // ---- trap state (TL 1..MAXTL) ----
  uint64_t tpc[kMaxTL + 1] = {}, tnpc[kMaxTL + 1] = {}, tstate[kMaxTL + 1] = {};
  uint16_t tt[kMaxTL + 1] = {};
  uint64_t tba = 0;
  uint32_t pil = 0;
  uint64_t tick = 0, stick = 0;          // counters read by rd %tick/%stick; advanced by the core
  // Guest time minus core cycles (the guest's, set by the hypervisor when it attaches a vCPU
  // here): %tick/%stick read cycles + stick_offset, and %stick_cmpr compares against that.
  uint64_t stick_offset = 0;
  uint64_t tick_cmpr = 0, stick_cmpr = 0, softint = 0;
  uint64_t scratchpad[8] = {};

  // Backing storage of the windows: window w's outs are win[w][0..7] and its locals
  // win[w][8..15]; its ins are the outs of window w-1 (SAVE increments CWP, and the new
  // window's ins are the caller's outs).
  uint64_t win[kNWindows][16] = {};
  uint64_t globals[kMaxGL + 1][8] = {};

  StrandState() = default;
  StrandState(const StrandState&) = delete;
  StrandState& operator=(const StrandState&) = delete;

  // ---- integer registers ----
  uint64_t r(unsigned i) const { return reg[i]; }
  void set_r(unsigned i, uint64_t v) {
    reg[i] = v;
    reg[0] = 0;   // %g0 stays zero without a branch
  }

  void set_cwp(unsigned c) {
    c %= kNWindows;
    if (c == cwp) return;
    save_window();
    cwp = uint8_t(c);
    load_window();
  }
  void set_gl(unsigned g) {
    g = g > kMaxGL ? kMaxGL : g;
    if (g == gl) return;
    std::memcpy(globals[gl], reg, sizeof globals[gl]);
    gl = uint8_t(g);
    std::memcpy(reg, globals[gl], sizeof globals[gl]);
    reg[0] = 0;
  }
  // Write the live registers back (e.g. before exporting state); reload after editing win[].
  void save_window() {
    std::memcpy(win[cwp], &reg[8], 16 * sizeof(uint64_t));
    std::memcpy(win[(cwp + kNWindows - 1) % kNWindows], &reg[24], 8 * sizeof(uint64_t));
  }
  void load_window() {
    std::memcpy(&reg[8], win[cwp], 16 * sizeof(uint64_t));
    std::memcpy(&reg[24], win[(cwp + kNWindows - 1) % kNWindows], 8 * sizeof(uint64_t));
  }

  // ---- condition codes ----
  bool icc(uint8_t bit) const { return ccr & bit; }
  bool xcc(uint8_t bit) const { return (ccr >> 4) & bit; }

  // ---- floating point registers ----
  uint32_t fs(unsigned i) const { return f[i]; }
  // Writes mark FPRS.DL (%f0-%f31) or FPRS.DU (%f32-%f63) dirty, as the hardware does.
  void set_fs(unsigned i, uint32_t v) { f[i] = v; fprs |= i < 32 ? 1 : 2; }
  uint64_t fd(unsigned i) const { return (uint64_t(f[i]) << 32) | f[i + 1]; }
  void set_fd(unsigned i, uint64_t v) {
    f[i] = uint32_t(v >> 32);
    f[i + 1] = uint32_t(v);
    fprs |= i < 32 ? 1 : 2;
  }
  bool fpu_enabled() const { return (pstate & PSTATE_PEF) && (fprs & 4); }
  unsigned fcc(unsigned n) const {
    return unsigned(fsr >> (n == 0 ? unsigned(FSR_FCC0_SHIFT) : 30 + 2 * n)) & 3;
  }
  void set_fcc(unsigned n, unsigned v) {
    unsigned sh = n == 0 ? unsigned(FSR_FCC0_SHIFT) : 30 + 2 * n;
    fsr = (fsr & ~(3ull << sh)) | (uint64_t(v & 3) << sh);
  }

  bool privileged() const { return pstate & PSTATE_PRIV; }
  // SOFTINT as interrupt levels: bits 1..15 are levels 1..15; TICK_INT (bit 0) and
  // STICK_INT (bit 16) are level 14.
  uint32_t softint_levels() const {
    return uint32_t(softint & 0xfffe) | ((softint & 0x10001) ? 1u << 14 : 0);
  }

  // Architectural trap entry (UA2007 privileged trap): saves state at the new TL, switches
  // to the trap table. Used by the hypervisor layer; the user-mode runner emulates instead.
  void enter_trap(unsigned type);
  // DONE / RETRY from the current TL.
  void trap_return(bool retry);
  uint64_t compose_tstate() const;
};

// Its fields for snapshots and migration (strand_state_desc.cpp).
const state::Description<StrandState>& strand_state_description();

}  // namespace vfsim::isa
