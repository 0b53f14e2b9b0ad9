// What a layer above the hardware (the hypervisor) provides to the cores: it owns the traps
// bare code cannot handle itself and delivers interrupts. Kept here, in sim/cmt, so the
// dependency points down: hv implements this interface, the cores only call it.
#pragma once
#include "sim/isa/traps.h"

namespace vfsim::cmt {

class Core;

struct StrandHost {
  virtual ~StrandHost() = default;
  // The instruction at the strand's pc raised trap t (pc/npc still name it). Emulate it or
  // deliver it to the software's trap table; return false if the strand stopped.
  virtual bool on_trap(Core& core, unsigned slot, isa::Trap t) = 0;
  // An interrupt is pending and PSTATE.IE is set (checked by the core before each issue):
  // deliver it (the strand's pc moves to the handler) or leave the state untouched.
  virtual void on_interrupt(Core& core, unsigned slot) = 0;
};

}  // namespace vfsim::cmt
