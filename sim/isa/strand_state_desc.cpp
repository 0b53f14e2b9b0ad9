// The strand's architectural state, declared once (sim/state/description.h). The SoftTlb and
// the memory port are host-side caches and links, never state: a restored strand gets them
// from whoever runs it, and its SoftTlb starts empty.
#include "sim/isa/strand_state.h"
#include "sim/state/description.h"

namespace vfsim::isa {

const state::Description<StrandState>& strand_state_description() {
  using S = StrandState;
  static const auto d = state::Description<S>("strand", 1)
      .field("pc", &S::pc).field("npc", &S::npc)
      .field("next_pc", &S::next_pc).field("next_npc", &S::next_npc)
      .field("reg", &S::reg)   // the current window as the interpreter holds it
      .field("ccr", &S::ccr).field("asi", &S::asi).field("fprs", &S::fprs).field("pstate", &S::pstate)
      .field("y", &S::y).field("fsr", &S::fsr).field("gsr", &S::gsr).field("f", &S::f)
      .field("icount", &S::icount)
      .field("cwp", &S::cwp).field("cansave", &S::cansave).field("canrestore", &S::canrestore)
      .field("otherwin", &S::otherwin).field("cleanwin", &S::cleanwin).field("wstate", &S::wstate)
      .field("gl", &S::gl).field("tl", &S::tl)
      .field("tpc", &S::tpc).field("tnpc", &S::tnpc).field("tstate", &S::tstate).field("tt", &S::tt)
      .field("tba", &S::tba).field("pil", &S::pil)
      .field("tick", &S::tick).field("stick", &S::stick).field("stick_offset", &S::stick_offset)
      .field("tick_cmpr", &S::tick_cmpr).field("stick_cmpr", &S::stick_cmpr).field("softint", &S::softint)
      .field("scratchpad", &S::scratchpad)
      .field("win", &S::win)         // backing storage of every window
      .field("globals", &S::globals);
  return d;
}

}  // namespace vfsim::isa
