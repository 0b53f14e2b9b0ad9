// Register windows: SAVE, RESTORE, RETURN, FLUSHW, SAVED, RESTORED.
// Invariant (V9): CANSAVE + CANRESTORE + OTHERWIN = NWINDOWS - 2.
#include "sim/isa/insns/common.h"

namespace vfsim::isa {

static Trap spill_trap(const StrandState& s) {
  return s.otherwin ? Trap(TT_SPILL_0_OTHER + 4 * ((s.wstate >> 3) & 7))
                    : Trap(TT_SPILL_0_NORMAL + 4 * (s.wstate & 7));
}
static Trap fill_trap(const StrandState& s) {
  return s.otherwin ? Trap(TT_FILL_0_OTHER + 4 * ((s.wstate >> 3) & 7))
                    : Trap(TT_FILL_0_NORMAL + 4 * (s.wstate & 7));
}

Trap exec_save(StrandState& s, const Insn& d) {
  if (s.cansave == 0) return spill_trap(s);
  if (s.cleanwin == s.canrestore) return TT_CLEAN_WINDOW;
  uint64_t v = rs1v(s, d) + op2v(s, d);   // operands come from the old window
  s.set_cwp((s.cwp + 1) % kNWindows);
  s.cansave--;
  s.canrestore++;
  s.set_r(d.rd, v);
  return TT_NONE;
}

Trap exec_restore(StrandState& s, const Insn& d) {
  if (s.canrestore == 0) return fill_trap(s);
  uint64_t v = rs1v(s, d) + op2v(s, d);
  s.set_cwp((s.cwp + kNWindows - 1) % kNWindows);
  s.cansave++;
  s.canrestore--;
  s.set_r(d.rd, v);
  return TT_NONE;
}

// RETURN: jump to rs1+op2 (computed in the current window) and restore; the delay slot runs
// in the restored window.
Trap exec_return_(StrandState& s, const Insn& d) {
  uint64_t target = ea(s, d);
  if (s.canrestore == 0) return fill_trap(s);
  if (target & 3) return TT_MEM_ADDRESS_NOT_ALIGNED;
  s.set_cwp((s.cwp + kNWindows - 1) % kNWindows);
  s.cansave++;
  s.canrestore--;
  return branch_taken(s, target);
}

// FLUSHW traps (spill) until every window but the current one is saved.
Trap exec_flushw(StrandState& s, const Insn&) {
  if (s.cansave != kNWindows - 2) return spill_trap(s);
  return TT_NONE;
}

Trap exec_saved(StrandState& s, const Insn&) {
  if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
  s.cansave++;
  if (s.otherwin) s.otherwin--;
  else s.canrestore--;
  return TT_NONE;
}

Trap exec_restored(StrandState& s, const Insn&) {
  if (!s.privileged()) return TT_PRIVILEGED_OPCODE;
  s.canrestore++;
  if (s.cleanwin < kNWindows - 1) s.cleanwin++;
  if (s.otherwin) s.otherwin--;
  else s.cansave--;
  return TT_NONE;
}

}  // namespace vfsim::isa
