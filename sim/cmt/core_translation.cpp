// Translation as the timing model sees it: which physical address an access uses, and what
// the ITLB/DTLB cost when a strand moves to another page.
#include "sim/cmt/bare_machine.h"
#include "sim/cmt/core.h"

namespace vfsim::cmt {

bool Core::timing_pa(unsigned, uint64_t va, isa::Access, const isa::Insn*, uint64_t& pa) {
  pa = va;
  return true;
}

unsigned Core::tlb_lookup(unsigned i, uint64_t va, bool fetch) {
  Strand& s = *strands[i];
  uint64_t& last = fetch ? s.fetch_page : s.data_page;
  if ((va >> 13) == last) return 0;
  last = va >> 13;
  if ((fetch ? itlb : dtlb).access(va)) return 0;
  ++(fetch ? s.stats.itlb_misses : s.stats.dtlb_misses);
  return m_.plat.lat.tlb_miss_cycles;   // hardware tablewalk before the access
}

}  // namespace vfsim::cmt
