// What a layer above the hardware (the hypervisor) provides to the cores: it owns the traps
// bare code cannot handle itself and delivers interrupts. Kept here, in sim/cmt, so the
// dependency points down: hv implements this interface, the cores only call it.
#pragma once
#include <cstdint>

#include "sim/isa/memory_port.h"
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
  // For the timing model, without side effects (no TLB insert, no fault recorded): the
  // physical address the strand's access to va under asi will use and the size of its
  // mapping (page_shift 13/16/22/28); false if the access will trap or is device space (the
  // core then charges no memory access). By default: real addressing.
  virtual bool timing_translate(Core&, unsigned /*slot*/, uint64_t va, isa::Access, uint8_t /*asi*/,
                                uint64_t& pa, unsigned& page_shift) {
    pa = va;
    page_shift = 13;
    return true;
  }
  // The hardware tablewalk after a timing-TLB miss on va: the physical addresses of the
  // 16-byte TSB entries it reads, in the order the T2 probes them, up to and including the
  // one that hits (all of them when none does); at most max. 0: no walk through memory.
  virtual unsigned tablewalk(Core&, unsigned /*slot*/, uint64_t /*va*/, bool /*fetch*/, uint64_t* /*pas*/,
                             unsigned /*max*/) {
    return 0;
  }
};

}  // namespace vfsim::cmt
