#include "sim/isa/strand_state.h"

namespace vfsim::isa {

uint64_t StrandState::compose_tstate() const {
  return (uint64_t(gl) << 40) | (uint64_t(ccr) << 32) | (uint64_t(asi) << 24) |
         (uint64_t(pstate & 0xfff) << 8) | cwp;
}

// UA2007 privileged-mode trap entry (no hyperprivileged state is modelled in SPARC code:
// the hypervisor is C++ and intercepts what it owns before calling this).
void StrandState::enter_trap(unsigned type) {
  if (tl < kMaxTL) tl++;
  tstate[tl] = compose_tstate();
  tpc[tl] = pc;
  tnpc[tl] = npc;
  tt[tl] = uint16_t(type);
  bool tle = pstate & PSTATE_TLE;
  pstate = (pstate & ~(PSTATE_AM | PSTATE_IE | PSTATE_CLE)) | PSTATE_PRIV | PSTATE_PEF |
           (tle ? uint32_t(PSTATE_CLE) : 0u);
  set_gl(gl + 1u > 2 ? 2 : gl + 1u);
  if (type == TT_CLEAN_WINDOW) set_cwp((cwp + 1) % kNWindows);
  else if (is_spill(Trap(type))) set_cwp((cwp + cansave + 2) % kNWindows);
  else if (is_fill(Trap(type))) set_cwp((cwp + kNWindows - 1) % kNWindows);
  pc = (tba & ~0x7fffull) | (tl > 1 ? (1ull << 14) : 0) | (uint64_t(type & 0x1ff) << 5);
  npc = pc + 4;
}

void StrandState::trap_return(bool retry) {
  uint64_t ts = tstate[tl];
  set_gl(unsigned(ts >> 40) & 7);
  ccr = uint8_t(ts >> 32);
  asi = uint8_t(ts >> 24);
  pstate = uint32_t(ts >> 8) & 0xfff;
  set_cwp(unsigned(ts) & 7);
  if (retry) {
    pc = tpc[tl];
    npc = tnpc[tl];
  } else {
    pc = tnpc[tl];
    npc = tnpc[tl] + 4;
  }
  tl--;
}

}  // namespace vfsim::isa
