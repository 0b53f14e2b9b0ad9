// Architectural state of one SPARC V9 / UA2007 strand (hardware thread).
// Hot fields first (pc, npc, window pointer), cold privileged state after, as QEMU's
// CPUSPARCState does: the interpreter touches only the first cache lines per instruction.
#pragma once
#include <cstdint>
#include <cstring>

#include "sim/isa/soft_tlb.h"
#include "sim/isa/traps.h"

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
  uint64_t* gregs = nullptr;             // current global set (by GL)
  uint64_t* wregs = nullptr;             // [0..7]=outs [8..15]=locals [16..23]=ins of CWP
  uint8_t ccr = 0;
  uint8_t asi = 0x80;
  uint8_t fprs = 4;                      // FEF set: Linux enables the FPU for user code
  uint8_t pad0 = 0;
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
  uint64_t tick_cmpr = 0, stick_cmpr = 0, softint = 0;
  uint64_t scratchpad[8] = {};

  // Window storage: window k = kNWindows-1-CWP lives at win[k*16]; the extra 8 mirror
  // win[0..7] so the ins of CWP=0 are contiguous (the QEMU wrap trick).
  uint64_t win[kNWindows * 16 + 8] = {};
  uint64_t globals[kMaxGL + 1][8] = {};

  StrandState() { set_cwp(0); set_gl(0); }
  StrandState(const StrandState&) = delete;
  StrandState& operator=(const StrandState&) = delete;

  // ---- integer registers ----
  uint64_t r(unsigned i) const { return i < 8 ? gregs[i] : wregs[i - 8]; }
  void set_r(unsigned i, uint64_t v) {
    if (i >= 8) wregs[i - 8] = v;
    else if (i) gregs[i] = v;
  }

  void set_cwp(unsigned c) {
    unsigned oldk = wregs ? unsigned(wregs - win) / 16 : 0;
    unsigned k = kNWindows - 1 - (c % kNWindows);
    if (wregs && oldk == kNWindows - 1 && k != oldk)
      std::memcpy(&win[0], &win[kNWindows * 16], 8 * sizeof(uint64_t));
    if (k == kNWindows - 1 && (!wregs || oldk != k))
      std::memcpy(&win[kNWindows * 16], &win[0], 8 * sizeof(uint64_t));
    cwp = uint8_t(c % kNWindows);
    wregs = &win[k * 16];
  }
  void set_gl(unsigned g) {
    gl = uint8_t(g > kMaxGL ? kMaxGL : g);
    gregs = globals[gl];
  }
  // ---- condition codes ----
  bool icc(uint8_t bit) const { return ccr & bit; }
  bool xcc(uint8_t bit) const { return (ccr >> 4) & bit; }

  // ---- floating point registers ----
  uint32_t fs(unsigned i) const { return f[i]; }
  void set_fs(unsigned i, uint32_t v) { f[i] = v; }
  uint64_t fd(unsigned i) const { return (uint64_t(f[i]) << 32) | f[i + 1]; }
  void set_fd(unsigned i, uint64_t v) { f[i] = uint32_t(v >> 32); f[i + 1] = uint32_t(v); }
  bool fpu_enabled() const { return (pstate & PSTATE_PEF) && (fprs & 4); }
  unsigned fcc(unsigned n) const {
    return n == 0 ? unsigned(fsr >> FSR_FCC0_SHIFT) & 3 : unsigned(fsr >> (30 + 2 * n)) & 3;
  }
  void set_fcc(unsigned n, unsigned v) {
    unsigned sh = n == 0 ? FSR_FCC0_SHIFT : 30 + 2 * n;
    fsr = (fsr & ~(3ull << sh)) | (uint64_t(v & 3) << sh);
  }

  bool privileged() const { return pstate & PSTATE_PRIV; }

  // Architectural trap entry (UA2007 privileged trap): saves state at the new TL, switches
  // to the trap table. Used by the hypervisor layer; the user-mode runner emulates instead.
  void enter_trap(unsigned type);
  // DONE / RETRY from the current TL.
  void trap_return(bool retry);
  uint64_t compose_tstate() const;
};

}  // namespace vfsim::isa
