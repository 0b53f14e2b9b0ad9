#include "sim/isa/window_traps.h"

#include "sim/isa/mem_access.h"

namespace vfsim::isa {

namespace {
constexpr uint64_t kStackBias = 2047;
}

uint64_t window_trap_stack(const StrandState& s, bool spill) {
  unsigned w = spill ? (s.cwp + s.cansave + 2) % kNWindows : (s.cwp + kNWindows - 1) % kNWindows;
  return w == s.cwp ? s.reg[14] : s.win[w][6];
}

// Spill and fill move data straight between window storage and the stack through the
// strand's SoftTlb: they run on every deep call chain, so they must be cheap.
Trap spill_window_to_stack(StrandState& s) {
  s.save_window();   // make win[] authoritative for every window
  unsigned w = (s.cwp + s.cansave + 2) % kNWindows, prev = (w + kNWindows - 1) % kNWindows;
  uint64_t sp = s.win[w][6];   // window w's %o6
  for (unsigned i = 0; i < 16; ++i) {
    uint64_t v = i < 8 ? s.win[w][8 + i] : s.win[prev][i - 8];   // locals, then ins
    Trap t = (sp & 1) ? store<8>(s, sp + kStackBias + 8 * i, v)
                      : store<4>(s, (sp & 0xffffffffull) + 4 * i, v);
    if (t) return t;
  }
  s.cansave++;
  if (s.otherwin) s.otherwin--;
  else s.canrestore--;
  return TT_NONE;
}

Trap fill_window_from_stack(StrandState& s) {
  s.save_window();
  unsigned w = (s.cwp + kNWindows - 1) % kNWindows, prev = (w + kNWindows - 1) % kNWindows;
  uint64_t sp = s.win[w][6];   // window w's %o6 is the current %fp
  uint64_t v[16];
  for (unsigned i = 0; i < 16; ++i) {
    Trap t = (sp & 1) ? load<8>(s, sp + kStackBias + 8 * i, v[i])
                      : load<4>(s, (sp & 0xffffffffull) + 4 * i, v[i]);
    if (t) return t;
  }
  for (unsigned i = 0; i < 16; ++i) (i < 8 ? s.win[w][8 + i] : s.win[prev][i - 8]) = v[i];
  s.canrestore++;
  if (s.cleanwin < kNWindows - 1) s.cleanwin++;
  if (s.otherwin) s.otherwin--;
  else s.cansave--;
  return TT_NONE;
}

void clean_window(StrandState& s) {
  unsigned cur = s.cwp;
  s.set_cwp((cur + 1) % kNWindows);
  for (unsigned r = 8; r < 24; ++r) s.set_r(r, 0);
  s.set_cwp(cur);
  s.cleanwin++;
}

}  // namespace vfsim::isa
