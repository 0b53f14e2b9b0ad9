// One hypercall in progress: the calling vCPU, its argument registers (%o0-%o4) and results
// (%o1-%o4), and whether the call already moved the vCPU's pc (mmu_enable, mach_exit...).
// Each hcall_*.cpp file implements a group of the calls in hcall_table.def.
#pragma once
#include <cstdint>

#include "hv/hypervisor.h"

namespace vfsim::hv {

struct Call {
  Hypervisor& hv;
  Guest& g;
  Vcpu& v;
  cmt::Core& core;
  unsigned slot;
  isa::StrandState& st;
  GuestMmu& mmu;
  bool returns = true;   // false: the handler set pc itself (or stopped the vCPU)
  unsigned results = 0;  // bit i: %o(i) was set as a result (shown by the trace)

  uint64_t arg(unsigned i) const { return st.r(8 + i); }
  void ret(unsigned i, uint64_t value) {
    st.set_r(8 + i, value);
    results |= 1u << i;
  }
  // The guest's memory: [ra, ra+len) must lie inside one of its mblocks.
  bool read(uint64_t ra, void* dst, uint64_t len);
  bool write(uint64_t ra, const void* src, uint64_t len);
};

#define HCALL(name, trap, fn, group, major, minor, nargs, nres) uint64_t hc_##name(Call& c);
#include "hv/hcall_table.def"
#undef HCALL
uint64_t hc_vintr_setvalid_only(Call& c);
uint64_t hc_vintr_setstate_only(Call& c);

}  // namespace vfsim::hv
