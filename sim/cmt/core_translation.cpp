// Translation as the timing model sees it: which physical address an access uses (so the
// caches, L2 banks, memory controllers and home socket are those of the page the access
// really reaches), and what the ITLB/DTLB cost when a strand moves to another page: on a
// miss, the hardware tablewalk reads the TSB entries through the L2 and memory.
#include "sim/cmt/bare_machine.h"
#include "sim/cmt/core.h"
#include "sim/isa/asi.h"

namespace vfsim::cmt {

using isa::Access;

namespace {
// Alternate-space loads, stores, atomics and prefetches: op 3 with op3 bit 4 set (SPARC V9
// A.27..A.32: LDxA, STxA, LDFA, CASA, PREFETCHA...).
bool alternate_space(const isa::Insn* in) { return in && (in->word >> 30) == 3 && ((in->word >> 19) & 0x10); }

// The strand's last TLB page as (va >> shift) << 6 | shift, so a change of page is one
// compare whatever the page size (~0 names no page: its shift field, 63, matches nothing).
bool same_page(uint64_t last, uint64_t va) {
  unsigned shift = unsigned(last & 63);
  return shift < 63 && (va >> shift) == (last >> 6);
}
}  // namespace

// The physical address and mapping size of an access, without side effects: first what the
// strand's own translations already hold (its SoftTlb for data, its decoded code pages for
// fetches), then the host (the hypervisor's MMU); bare machines run with real addressing.
bool Core::physical(unsigned i, uint64_t va, Access acc, uint8_t asi, uint64_t& pa, unsigned& shift) {
  Strand& s = *strands[i];
  if (!m_.host) {   // identity map, on the pages vfsim-bare --page-size says
    pa = va;
    shift = m_.port.page_shift;
    return m_.mem.contains(pa);
  }
  if (acc == Access::Fetch) {
    if (s.interp.code_physical(va, pa, shift)) return true;
  } else if (isa::asi_is_primary_like(asi) && s.state.tlb.physical(va, pa, shift)) {
    return true;   // the very page the interpreter's access will use
  }
  return m_.host->timing_translate(*this, i, va, acc, asi, pa, shift);
}

bool Core::timing_pa(unsigned i, uint64_t va, Access acc, const isa::Insn* in, uint64_t& pa) {
  // The ASI is the instruction's (imm_asi, or %asi when i = 1); real-address ASIs go
  // straight through the hypervisor's RA->PA.
  uint8_t asi = isa::ASI_PRIMARY;
  if (acc != Access::Fetch && alternate_space(in))
    asi = in->use_imm ? strands[i]->state.asi : uint8_t(isa::f_imm_asi(in->word));
  unsigned shift;
  return physical(i, va, acc, asi, pa, shift);
}

// The cycles of one hardware tablewalk for va: the TSB entries are read one after the
// other (each probe needs the previous one's tag compare) through the L2, bypassing the L1,
// plus the walker's own work (pointer formation, tag compare, TLB write).
unsigned Core::tablewalk_cycles(unsigned i, uint64_t va, bool fetch) {
  Strand& s = *strands[i];
  uint64_t pas[kMaxWalkProbes];
  unsigned n = 0;
  if (m_.host) {
    n = m_.host->tablewalk(*this, i, va, fetch, pas, kMaxWalkProbes);
  } else {   // the bare harness's notional TSB (real_memory_port.h)
    pas[0] = m_.port.tsb_entry_pa(va);
    n = 1;
  }
  unsigned cycles = m_.plat.lat.tlb_walk_overhead_cycles;
  for (unsigned k = 0; k < n && k < kMaxWalkProbes; ++k) cycles += l2_read(pas[k], s);
  return cycles;
}

unsigned Core::tlb_lookup(unsigned i, uint64_t va, bool fetch) {
  Strand& s = *strands[i];
  uint64_t& last = fetch ? s.fetch_page : s.data_page;
  if (same_page(last, va)) return 0;
  uint64_t pa;
  unsigned shift = isa::kPageBits;
  // The page size comes with the translation; one that will trap is looked up as 8 KB (the
  // guest's miss handler then runs, and its own accesses are timed).
  if (!physical(i, va, fetch ? Access::Fetch : Access::Read, isa::ASI_PRIMARY, pa, shift)) shift = isa::kPageBits;
  last = (va >> shift) << 6 | shift;
  if ((fetch ? itlb : dtlb).access(va, shift)) return 0;
  ++(fetch ? s.stats.itlb_misses : s.stats.dtlb_misses);
  return tablewalk_cycles(i, va, fetch);
}

}  // namespace vfsim::cmt
